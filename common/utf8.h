/* utf8.h — reading UTF-8 strictly, one code point at a time.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_UTF8_H
#define PV_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length of the well-formed UTF-8 sequence at s[0 .. len) (RFC 3629:
 * no overlongs, no surrogates, nothing past U+10FFFF; len >= 1), with its
 * code point in *cp; 0 when the bytes there are not one. */
size_t pv_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
