/* json.c — exact numbers and WTF-8 strings, as cJSON raw items or
 * written into a pv_jbuf; see json.h.
 * SPDX-License-Identifier: MIT
 */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* ---- the buffer ------------------------------------------------------ */

void pv_jbuf_init(pv_jbuf *b, size_t reserve)
{
    b->cap = reserve < 64 ? 64 : reserve;
    b->s = pv_xmalloc(b->cap);
    b->s[0] = '\0';
    b->len = 0;
}

void pv_jbuf_free(pv_jbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

char *pv_jbuf_take(pv_jbuf *b, size_t *len)
{
    char *s = b->s;
    *len = b->len;
    memset(b, 0, sizeof *b);
    return s;
}

/* Room for n more bytes and the NUL; returns where they go. */
static char *room(pv_jbuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap)
        b->s = pv_xgrow(b->s, &b->cap, b->len + n + 1, 1);
    return b->s + b->len;
}

void pv_jbuf_raw(pv_jbuf *b, const char *text, size_t n)
{
    memcpy(room(b, n), text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pv_jbuf_repeat(pv_jbuf *b, size_t at, size_t n)
{
    char *to = room(b, n);  /* may move b->s: the source is found after */
    memcpy(to, b->s + at, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pv_jbuf_string(pv_jbuf *b, const char *wtf8)
{
    const unsigned char *p = (const unsigned char *)wtf8;
    size_t n = strlen(wtf8);
    const unsigned char *end = p + n;
    /* Worst case: every byte becomes a 6-byte \uXXXX escape. */
    char *o = room(b, 6 * n + 2);
    *o++ = '"';
    while (*p) {
        uint32_t cp;
        size_t k;
        /* Names and file names are nearly all ASCII: those bytes skip the
         * decoder, a call into utf8.c per character otherwise (a quarter
         * of a tree view's JSON time). */
        if (*p < 0x80) {
            cp = *p;
            k = 1;
        } else {
            k = pv_wtf8_decode(p, (size_t)(end - p), &cp);
        }
        if (k == 0) {
            memcpy(o, "\\ufffd", 6);
            o += 6;
            p++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            *o++ = '\\';
            *o++ = (char)cp;
        } else if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&' ||
                   (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x2028 || cp == 0x2029) {
            o += sprintf(o, "\\u%04x", (unsigned)cp);
        } else {
            memcpy(o, p, k);
            o += k;
        }
        p += k;
    }
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->s);
}

/* Decimal digits of v, backwards from `end`; returns where they start. */
static char *digits_back(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

void pv_jbuf_int(pv_jbuf *b, int64_t v)
{
    char buf[24], *end = buf + sizeof buf, *p;
    p = digits_back(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, end);
    if (v < 0)
        *--p = '-';
    pv_jbuf_raw(b, p, (size_t)(end - p));
}

void pv_jbuf_double(pv_jbuf *b, double v)
{
    char buf[40];
    size_t n = pv_format_double(v, buf, sizeof buf);
    if (isfinite(v)) {
        pv_jbuf_raw(b, buf, n);
    } else {
        pv_jbuf_lit(b, "\"");
        pv_jbuf_raw(b, buf, n);
        pv_jbuf_lit(b, "\"");
    }
}

/* ---- doubles --------------------------------------------------------- */

/* Powers of ten a double holds exactly. */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Whether the decimal digits[0..n) x 10^(exp10 - n + 1) (sign aside)
 * reads back as exactly |v|.  Clinger's fast path when the digits fit in
 * 53 bits and the power of ten is exact (one correctly rounded operation
 * then gives strtod's answer), else strtod. */
static int reads_back(const char *digits, int n, int exp10, double v)
{
    uint64_t m = 0;
    for (int i = 0; i < n; i++)
        m = m * 10 + (uint64_t)(digits[i] - '0');
    int e = exp10 - n + 1;
    if (m < (UINT64_C(1) << 53) && e >= -22 && e <= 22) {
        double x = (double)m;
        x = e < 0 ? x / exact_pow10[-e] : x * exact_pow10[e];
        return x == fabs(v);
    }
    char text[40];
    snprintf(text, sizeof text, "%.*se%d", n, digits, e);
    return strtod(text, NULL) == fabs(v);
}

/* Rounds digits[0..17) (|v| correctly rounded to 17 significant digits)
 * to n digits into out; adjusts *exp10 on a carry.  Returns 0 when the
 * dropped digits are exactly half a unit: the 17 digits were themselves
 * rounded, so which way |v| goes is not known from them. */
static int round_digits(const char *d17, int n, char *out, int *exp10)
{
    int up;
    if (d17[n] != '5')
        up = d17[n] > '5';
    else {
        int rest = 0;
        for (int i = n + 1; i < 17; i++)
            rest |= d17[i] != '0';
        if (!rest)
            return 0;
        up = 1;
    }
    memcpy(out, d17, (size_t)n);
    for (int i = n - 1; up && i >= 0; i--) {
        if (out[i] == '9') {
            out[i] = '0';
        } else {
            out[i]++;
            up = 0;
        }
    }
    if (up) {  /* 99..9 became 100..0 */
        out[0] = '1';
        memset(out + 1, '0', (size_t)(n - 1));
        (*exp10)++;
    }
    return 1;
}

/* Writes digits[0..n) x 10^exp10 as printf's %.{prec}g would. */
static size_t write_g(int neg, const char *digits, int n, int exp10, int prec, char *buf)
{
    while (n > 1 && digits[n - 1] == '0')
        n--;
    char *o = buf;
    if (neg)
        *o++ = '-';
    if (exp10 < -4 || exp10 >= prec) {
        *o++ = digits[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(n - 1));
            o += n - 1;
        }
        o += sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > exp10; i--)
            *o++ = '0';
        memcpy(o, digits, (size_t)n);
        o += n;
    } else {
        for (int i = 0; i <= exp10; i++)
            *o++ = i < n ? digits[i] : '0';
        if (n > exp10 + 1) {
            *o++ = '.';
            memcpy(o, digits + exp10 + 1, (size_t)(n - exp10 - 1));
            o += n - exp10 - 1;
        }
    }
    *o = '\0';
    return (size_t)(o - buf);
}

__extension__ typedef unsigned __int128 u128;

/* |v| correctly rounded to 17 significant digits, ties to even as printf
 * rounds, into d17 and the power of ten of its first digit into *exp10;
 * exactly, without printf.  |v| = m 2^e with m < 2^53, and m 5^k fits in
 * 128 bits for k <= 32: for 1e-15 <= |v| < 1e16 (times of profiles),
 * |v| 10^k = m 5^k 2^(e+k) is a shift of that product.  Returns 0
 * outside that range. */
static int exact_digits17(double v, char *d17, int *exp10)
{
    static const uint64_t e16 = 10000000000000000u, e17 = 100000000000000000u;
    double a = fabs(v);
    if (!(a >= 1e-15 && a < 1e16))
        return 0;
    int e2;
    uint64_t m = (uint64_t)ldexp(frexp(a, &e2), 53);
    int e = e2 - 53;
    int lead = (int)floor(log10(a));  /* may be one off near a power of ten */
    for (int attempt = 0; attempt < 3; attempt++) {
        int k = 16 - lead;  /* |v| 10^k in [10^16, 10^17) */
        if (k < 0 || k > 32)
            return 0;
        u128 n = m;
        for (int i = 0; i < k; i++)
            n *= 5;
        int shift = e + k;
        uint64_t q;
        int up = 0;
        if (shift >= 0) {
            if (shift > 64)
                return 0;
            n <<= shift;
            if (n >= e17) {
                lead++;
                continue;
            }
            q = (uint64_t)n;
        } else {
            if (-shift >= 127)
                return 0;
            u128 whole = n >> -shift, rest = n - (whole << -shift);
            u128 half = (u128)1 << (-shift - 1);
            if (whole >= e17) {
                lead++;
                continue;
            }
            q = (uint64_t)whole;
            up = rest > half || (rest == half && (q & 1));
        }
        if (q < e16) {
            lead--;
            continue;
        }
        q += (uint64_t)up;
        if (q == e17) {  /* 99..9.5 rounds to 10..0 */
            q = e16;
            lead++;
        }
        for (int i = 16; i >= 0; i--) {
            d17[i] = (char)('0' + q % 10);
            q /= 10;
        }
        *exp10 = lead;
        return 1;
    }
    return 0;
}

/* The shortest of %.15g, %.16g, %.17g that reads back exactly: what
 * Python's repr shows, so figures match pstats' output.  printf's
 * multi-precision conversion was most of a tree view's cost: the 17
 * digits come from exact_digits17 (printf only outside its range), 16 and
 * 15 are rounded from those (printf again only in the rare exact-half
 * case) and checked without strtod where Clinger's fast path applies.
 * v finite, not a whole number below 10^15 (pv_format_double's fast
 * path). */
static size_t shortest_g(double v, char *buf, size_t cap)
{
    char d17[17];
    int exp17;
    int neg = signbit(v) != 0;
    if (!exact_digits17(v, d17, &exp17)) {
        char e17[40];
        snprintf(e17, sizeof e17, "%.16e", v);
        const char *p = e17 + neg;
        d17[0] = p[0];
        memcpy(d17 + 1, p + 2, 16);
        exp17 = atoi(p + 19);
    }
    for (int prec = 15; prec <= 16; prec++) {
        char d[17];
        int exp10 = exp17;
        if (!round_digits(d17, prec, d, &exp10)) {
            int n = snprintf(buf, cap, "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                return (size_t)n;
            continue;
        }
        if (reads_back(d, prec, exp10, v))
            return write_g(neg, d, prec, exp10, prec, buf);
    }
    return write_g(neg, d17, 17, exp17, 17, buf);
}

/* ---- cJSON items ----------------------------------------------------- */

cJSON *pv_json_string(const char *wtf8)
{
    pv_jbuf b;
    pv_jbuf_init(&b, strlen(wtf8) + 3);
    pv_jbuf_string(&b, wtf8);
    cJSON *item = cJSON_CreateRaw(b.s);
    pv_jbuf_free(&b);
    return item;
}

cJSON *pv_json_int(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cJSON_CreateRaw(buf);
}

size_t pv_format_double(double v, char *buf, size_t cap)
{
    if (isnan(v))
        return (size_t)snprintf(buf, cap, "nan");
    if (isinf(v))
        return (size_t)snprintf(buf, cap, v > 0 ? "inf" : "-inf");
    /* A whole number below 10^15 is what %.15g prints for it, without
     * printf's multi-precision digits: calls and counts are mostly
     * whole, and a tree view prints thousands of them. */
    if (fabs(v) < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        int64_t i = (int64_t)v;
        char tmp[24], *end = tmp + sizeof tmp;
        char *p = digits_back(i < 0 ? 0 - (uint64_t)i : (uint64_t)i, end);
        if (i < 0)
            *--p = '-';
        size_t n = (size_t)(end - p);
        memcpy(buf, p, n);
        buf[n] = '\0';
        return n;
    }
    return shortest_g(v, buf, cap);
}

cJSON *pv_json_double(double v)
{
    char buf[40];
    pv_format_double(v, buf, sizeof buf);
    return isfinite(v) ? cJSON_CreateRaw(buf) : cJSON_CreateString(buf);
}
