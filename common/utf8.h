/* utf8.h — reading UTF-8 strictly, one code point at a time, and turning
 * UTF-16 text into UTF-8.
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

/* The length of the longest prefix of s[0 .. len) that is well-formed
 * UTF-8 (len when all of it is): where a strict decoder stops. */
size_t pv_utf8_strict_prefix(const unsigned char *s, size_t len);

/* Transcodes UTF-16 (big- or little-endian, no BOM) src[0 .. len) into
 * UTF-8 at out, which has room for len / 2 * 3 bytes (the most it can
 * take).  Returns the bytes written, or (size_t)-1 with the offset of the
 * offending unit in *bad: an odd length (the last byte), or a surrogate
 * without its pair. */
size_t pv_utf16_to_utf8(const unsigned char *src, size_t len, int big_endian, unsigned char *out,
                        size_t *bad);

#endif
