/* utf8.h — the one UTF-8 / WTF-8 codec.
 *
 * Profile strings are WTF-8: UTF-8 that may also hold encoded surrogates
 * (ED A0..BF xx, as CPython's surrogatepass writes), and a byte that was
 * not UTF-8 in the file is kept as U+DC80 + byte (Python's
 * surrogateescape) so it survives the store and comes back exactly.  The
 * loaders write that form (text formats from strict UTF-8 or UTF-16), JSON
 * and the terminal read it, and the Python 2 replay and `profviz stats`
 * turn escaped bytes back into bytes: all of them decode and encode here.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_UTF8_H
#define PV_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length of the well-formed UTF-8 sequence at s[0 .. len) (RFC 3629:
 * no overlongs, no surrogates, nothing past U+10FFFF; len >= 1), with its
 * code point in *cp; 0 when the bytes there are not one. */
size_t pv_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* The same for WTF-8: encoded surrogates U+D800..U+DFFF are allowed. */
size_t pv_wtf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* The length of the longest prefix of s[0 .. len) that is well-formed
 * UTF-8 (len when all of it is): where a strict decoder stops. */
size_t pv_utf8_strict_prefix(const unsigned char *s, size_t len);

/* The same for WTF-8. */
size_t pv_wtf8_valid_prefix(const unsigned char *s, size_t len);

/* Writes code point cp (at most U+10FFFF; surrogates allowed) as 1 to 4
 * bytes at out; returns how many. */
size_t pv_utf8_encode(uint32_t cp, unsigned char *out);

/* U+DC80 + byte: how a byte that was not UTF-8 is kept (3 bytes). */
#define PV_WTF8_ESCAPED_LEN 3
static inline size_t pv_wtf8_escape_byte(unsigned char byte, unsigned char *out)
{
    return pv_utf8_encode(0xDC00u + byte, out);
}

/* Whether s (at least 3 readable bytes, or NUL-terminated) starts with an
 * escaped byte, U+DC80..U+DCFF; the byte it stands for in *byte. */
bool pv_wtf8_is_escaped_byte(const unsigned char *s, unsigned char *byte);

/* Transcodes UTF-16 (big- or little-endian, no BOM) src[0 .. len) into
 * UTF-8 at out, which has room for len / 2 * 3 bytes (the most it can
 * take).  Returns the bytes written, or (size_t)-1 with the offset of the
 * offending unit in *bad: an odd length (the last byte), or a surrogate
 * without its pair. */
size_t pv_utf16_to_utf8(const unsigned char *src, size_t len, int big_endian, unsigned char *out,
                        size_t *bad);

#endif
