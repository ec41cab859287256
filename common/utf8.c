/* utf8.c — see utf8.h.
 * SPDX-License-Identifier: MIT
 */
#include "utf8.h"

#include <string.h>

/* The sequence at s[0 .. len): its length and code point, 0 when not
 * well formed; `surrogates` lets U+D800..U+DFFF through (WTF-8).  The
 * ranges of the second byte rule out overlongs and values past U+10FFFF
 * without decoding first. */
static inline size_t decode(const unsigned char *s, size_t len, bool surrogates, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  /* range of the second byte */
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        *cp = c & 0x0F;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED && !surrogates ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        *cp = c & 0x07;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = *cp << 6 | (s[i] & 0x3F);
    }
    return n;
}

size_t pv_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    return decode(s, len, false, cp);
}

size_t pv_wtf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    return decode(s, len, true, cp);
}

static inline size_t valid_prefix(const unsigned char *s, size_t len, bool surrogates)
{
    size_t i = 0;
    uint32_t cp;
    while (i < len) {
        /* Eight ASCII bytes at a time: most of a profile's text. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i == len)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = decode(s + i, len - i, surrogates, &cp);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

size_t pv_utf8_strict_prefix(const unsigned char *s, size_t len)
{
    return valid_prefix(s, len, false);
}

size_t pv_wtf8_valid_prefix(const unsigned char *s, size_t len)
{
    return valid_prefix(s, len, true);
}

size_t pv_utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool pv_wtf8_is_escaped_byte(const unsigned char *s, unsigned char *byte)
{
    /* U+DC80..U+DCFF is ED B2 80 .. ED B3 BF. */
    if (s[0] != 0xED || (s[1] != 0xB2 && s[1] != 0xB3) || (s[2] & 0xC0) != 0x80)
        return false;
    *byte = (unsigned char)(((s[1] & 0x03) << 6) | (s[2] & 0x3F));
    return true;
}

size_t pv_utf16_to_utf8(const unsigned char *src, size_t len, int big_endian, unsigned char *out,
                        size_t *bad)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 2) {
        if (i + 1 >= len) {
            *bad = i;
            return (size_t)-1;
        }
        uint32_t u = big_endian ? (uint32_t)src[i] << 8 | src[i + 1]
                                : (uint32_t)src[i + 1] << 8 | src[i];
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t lo = 0;
            if (i + 3 < len)
                lo = big_endian ? (uint32_t)src[i + 2] << 8 | src[i + 3]
                                : (uint32_t)src[i + 3] << 8 | src[i + 2];
            if (lo < 0xDC00 || lo > 0xDFFF) {
                *bad = i;
                return (size_t)-1;
            }
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            *bad = i;
            return (size_t)-1;
        }
        o += pv_utf8_encode(u, out + o);
    }
    return o;
}
