/* json_pull.c — see json_pull.h.
 *
 * The reader keeps no token queue: each call looks at the next byte and
 * consumes exactly what it returns.  The only state across calls is the
 * stack of open brackets (so pv_pull_skip can step through objects and
 * arrays alike) and `first`, which says whether a ',' must come before the
 * next item.  Skipping checks the grammar but decodes no string and
 * converts no number, so a reader can pass a large member it does not need
 * (a speedscope file's samples, seen before its frames) at scanning speed.
 * SPDX-License-Identifier: MIT
 */
#include "json_pull.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void pv_pull_init(pv_pull *j, const unsigned char *buf, size_t len, size_t pos, pv_arena *arena,
                  pv_err *err)
{
    j->buf = buf;
    j->len = len;
    j->pos = pos;
    j->arena = arena;
    j->err = err;
    j->depth = 0;
    j->first = false;
    j->at = pos;
    j->str = NULL;
    j->str_len = j->str_cap = 0;
    j->num = 0;
    j->is_int = false;
    j->ival = 0;
}

int pv_pull_fail(pv_pull *j, size_t at, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pv_err_set(j->err, PV_E_FORMAT, "byte %zu: %s", at, msg);
}

const char *pv_pull_type_name(pv_pull_type type)
{
    static const char *const names[] = {"null", "false", "true", "a number", "a string",
                                        "an array", "an object"};
    return names[type];
}

static void skip_space(pv_pull *j)
{
    while (j->pos < j->len) {
        unsigned char c = j->buf[j->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        j->pos++;
    }
}

/* ---- strings ------------------------------------------------------------ */

static int scratch(pv_pull *j, size_t need)
{
    if (need <= j->str_cap)
        return PV_OK;
    size_t cap = j->str_cap ? j->str_cap : 256;
    while (cap < need)
        cap *= 2;
    char *s = pv_arena_alloc(j->arena, cap);
    if (!s)
        return pv_err_set(j->err, PV_E_TOO_BIG, "byte %zu: a string of %zu bytes passes the "
                          "memory limit", j->at, need);
    if (j->str_len)
        memcpy(s, j->str, j->str_len);
    j->str = s;
    j->str_cap = cap;
    return PV_OK;
}

/* Appends code point cp (surrogates included: WTF-8) to str. */
static void put_cp(pv_pull *j, uint32_t cp)
{
    char *o = j->str + j->str_len;
    if (cp < 0x80) {
        o[0] = (char)cp;
        j->str_len += 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        j->str_len += 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        j->str_len += 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        j->str_len += 4;
    }
}

static int hex4(pv_pull *j, size_t p, uint32_t *v)
{
    *v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (p + i >= j->len)
            return pv_pull_fail(j, p + i, "\\u needs four hex digits");
        unsigned char c = j->buf[p + i];
        uint32_t d = c >= '0' && c <= '9' ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
        if (d == 16)
            return pv_pull_fail(j, p + i, "\\u needs four hex digits");
        *v = *v << 4 | d;
    }
    return PV_OK;
}

/* A \u escape at pos (the backslash): one code point, or a surrogate pair
 * when a low surrogate escape follows a high one. */
static int unicode_escape(pv_pull *j, uint32_t *cp)
{
    int rc = hex4(j, j->pos + 2, cp);
    if (rc)
        return rc;
    j->pos += 6;
    if (*cp >= 0xD800 && *cp <= 0xDBFF && j->pos + 1 < j->len && j->buf[j->pos] == '\\' &&
        j->buf[j->pos + 1] == 'u') {
        uint32_t lo;
        if ((rc = hex4(j, j->pos + 2, &lo)))
            return rc;
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
            j->pos += 6;
        }
    }
    if (*cp == 0)
        *cp = 0x2400;
    return PV_OK;
}

static int escape(pv_pull *j)
{
    if (j->pos + 1 >= j->len)
        return pv_pull_fail(j, j->pos, "the file ends inside a string");
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    unsigned char c = j->buf[j->pos + 1];
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        j->str[j->str_len++] = to[k - from];
        j->pos += 2;
        return PV_OK;
    }
    if (c != 'u')
        return pv_pull_fail(j, j->pos, "unknown escape \\%c", c >= 0x20 && c < 0x7f ? c : '?');
    uint32_t cp;
    int rc = unicode_escape(j, &cp);
    if (rc == PV_OK)
        put_cp(j, cp);
    return rc;
}

/* The string whose opening quote is at pos, decoded into str.  The output
 * never needs more than 3 bytes per input byte (an invalid byte's
 * U+DC80+byte), so one reservation for the rest of the text up to the
 * closing quote covers it. */
static int read_string(pv_pull *j)
{
    size_t start = ++j->pos, end = start;
    while (end < j->len && j->buf[end] != '"')
        end += j->buf[end] == '\\' ? 2 : 1;
    if (end >= j->len)
        return pv_pull_fail(j, start - 1, "the string never ends");
    j->str_len = 0;
    int rc = scratch(j, 3 * (end - start) + 1);
    if (rc)
        return rc;
    while (j->pos < end) {
        unsigned char c = j->buf[j->pos];
        uint32_t cp;
        size_t n;
        if (c == '\\') {
            if ((rc = escape(j)))
                return rc;
        } else if (c < 0x20) {
            return pv_pull_fail(j, j->pos, "control character 0x%02x inside a string", c);
        } else if (c < 0x80) {
            j->str[j->str_len++] = (char)c;
            j->pos++;
        } else if ((n = pv_utf8_decode(j->buf + j->pos, end - j->pos, &cp))) {
            memcpy(j->str + j->str_len, j->buf + j->pos, n);
            j->str_len += n;
            j->pos += n;
        } else {
            put_cp(j, 0xDC00u + c);
            j->pos++;
        }
    }
    j->str[j->str_len] = '\0';
    j->pos = end + 1;
    return PV_OK;
}

/* Past the string whose opening quote is at pos, without decoding it. */
static int pass_string(pv_pull *j)
{
    size_t start = j->pos++;
    while (j->pos < j->len && j->buf[j->pos] != '"')
        j->pos += j->buf[j->pos] == '\\' ? 2 : 1;
    if (j->pos >= j->len)
        return pv_pull_fail(j, start, "the string never ends");
    j->pos++;
    return PV_OK;
}

/* ---- numbers ------------------------------------------------------------ */

static size_t digits(const pv_pull *j, size_t p)
{
    while (p < j->len && j->buf[p] >= '0' && j->buf[p] <= '9')
        p++;
    return p;
}

/* The number at pos, by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * and, when `convert`, its value. */
static int read_number(pv_pull *j, bool convert)
{
    size_t p = j->pos, start = p;
    bool integral = true;
    if (p < j->len && j->buf[p] == '-')
        p++;
    if (p >= j->len || j->buf[p] < '0' || j->buf[p] > '9')
        return pv_pull_fail(j, start, "a number needs a digit after '-'");
    p = j->buf[p] == '0' ? p + 1 : digits(j, p);
    if (p < j->len && j->buf[p] == '.') {
        size_t q = digits(j, p + 1);
        if (q == p + 1)
            return pv_pull_fail(j, p, "a number needs digits after '.'");
        p = q;
        integral = false;
    }
    if (p < j->len && (j->buf[p] == 'e' || j->buf[p] == 'E')) {
        size_t q = p + 1;
        if (q < j->len && (j->buf[q] == '+' || j->buf[q] == '-'))
            q++;
        size_t r = digits(j, q);
        if (r == q)
            return pv_pull_fail(j, p, "a number needs digits in its exponent");
        p = r;
        integral = false;
    }
    size_t n = p - start;
    if (!convert) {
        j->pos = p;
        return PV_OK;
    }
    /* Integers of up to 18 digits (stack indices, node ids, µs) are exact
     * in int64, and converting one to double rounds exactly as strtod on
     * its text would: no libc call for the common case. */
    size_t digits_n = n - (j->buf[start] == '-');
    if (integral && digits_n <= 18) {
        int64_t v = 0;
        for (size_t i = p - digits_n; i < p; i++)
            v = v * 10 + (j->buf[i] - '0');
        j->ival = j->buf[start] == '-' ? -v : v;
        j->num = (double)j->ival;
        j->is_int = true;
        if (j->ival == 0 && j->buf[start] == '-')
            j->num = -0.0;
        j->pos = p;
        return PV_OK;
    }
    /* strtod needs a terminated copy: the text is not NUL-terminated. */
    char local[64], *text = local;
    if (n >= sizeof local) {
        int rc = scratch(j, n + 1);
        if (rc)
            return rc;
        text = j->str;
    }
    memcpy(text, j->buf + start, n);
    text[n] = '\0';
    j->num = strtod(text, NULL);
    j->is_int = false;
    if (integral) {
        errno = 0;
        long long v = strtoll(text, NULL, 10);
        j->is_int = errno == 0;
        j->ival = v;
    }
    j->pos = p;
    return PV_OK;
}

/* ---- structure ---------------------------------------------------------- */

static int literal(pv_pull *j, const char *word, pv_pull_type type, pv_pull_type *out)
{
    size_t n = strlen(word);
    if (j->len - j->pos < n || memcmp(j->buf + j->pos, word, n) != 0)
        return pv_pull_fail(j, j->pos, "expected a value");
    j->pos += n;
    *out = type;
    return PV_OK;
}

static int open_container(pv_pull *j, unsigned char bracket)
{
    if (j->depth >= PV_PULL_MAX_DEPTH)
        return pv_err_set(j->err, PV_E_TOO_BIG, "byte %zu: nested deeper than the limit of %d levels",
                          j->pos, PV_PULL_MAX_DEPTH);
    j->open[j->depth++] = bracket;
    j->pos++;
    j->first = true;
    return PV_OK;
}

/* The value whose first byte is at pos; `decode` is false when skipping. */
static int value(pv_pull *j, pv_pull_type *type, bool decode)
{
    skip_space(j);
    j->at = j->pos;
    if (j->pos >= j->len)
        return pv_pull_fail(j, j->pos, "expected a value, found the end of the file");
    switch (j->buf[j->pos]) {
    case '{':
        *type = PV_PULL_OBJECT;
        return open_container(j, '{');
    case '[':
        *type = PV_PULL_ARRAY;
        return open_container(j, '[');
    case '"':
        *type = PV_PULL_STRING;
        j->first = false;
        return decode ? read_string(j) : pass_string(j);
    case 't':
        j->first = false;
        return literal(j, "true", PV_PULL_TRUE, type);
    case 'f':
        j->first = false;
        return literal(j, "false", PV_PULL_FALSE, type);
    case 'n':
        j->first = false;
        return literal(j, "null", PV_PULL_NULL, type);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        *type = PV_PULL_NUMBER;
        j->first = false;
        return read_number(j, decode);
    default:
        return pv_pull_fail(j, j->pos, "expected a value");
    }
}

int pv_pull_value(pv_pull *j, pv_pull_type *type)
{
    return value(j, type, true);
}

/* The ',' before an item or the closing bracket; *more says which. */
static int next_item(pv_pull *j, unsigned char close, bool *more)
{
    skip_space(j);
    if (j->pos < j->len && j->buf[j->pos] == close) {
        j->pos++;
        j->depth--;
        j->first = false;
        *more = false;
        return PV_OK;
    }
    if (!j->first) {
        if (j->pos >= j->len || j->buf[j->pos] != ',')
            return pv_pull_fail(j, j->pos, "expected ',' or '%c'%s", close,
                                j->pos >= j->len ? ", found the end of the file" : "");
        j->pos++;
        skip_space(j);
    }
    j->first = false;
    *more = true;
    return PV_OK;
}

static int member(pv_pull *j, bool *more, bool decode)
{
    int rc = next_item(j, '}', more);
    if (rc || !*more)
        return rc;
    j->at = j->pos;
    if (j->pos >= j->len || j->buf[j->pos] != '"')
        return pv_pull_fail(j, j->pos, "expected a string key");
    if ((rc = decode ? read_string(j) : pass_string(j)))
        return rc;
    skip_space(j);
    if (j->pos >= j->len || j->buf[j->pos] != ':')
        return pv_pull_fail(j, j->pos, "expected ':' after a key");
    j->pos++;
    return PV_OK;
}

int pv_pull_member(pv_pull *j, bool *more)
{
    return member(j, more, true);
}

int pv_pull_element(pv_pull *j, bool *more)
{
    return next_item(j, ']', more);
}

int pv_pull_skip(pv_pull *j, pv_pull_type type)
{
    if (type != PV_PULL_OBJECT && type != PV_PULL_ARRAY)
        return PV_OK;
    size_t outer = j->depth - 1;
    while (j->depth > outer) {
        bool more;
        int rc = j->open[j->depth - 1] == '{' ? member(j, &more, false) : next_item(j, ']', &more);
        if (rc == PV_OK && more)
            rc = value(j, &type, false);
        if (rc)
            return rc;
    }
    return PV_OK;
}

int pv_pull_skip_value(pv_pull *j)
{
    pv_pull_type t;
    int rc = value(j, &t, false);
    return rc ? rc : pv_pull_skip(j, t);
}

int pv_pull_end(pv_pull *j)
{
    skip_space(j);
    if (j->pos < j->len)
        return pv_pull_fail(j, j->pos, "text after the end of the JSON value");
    return PV_OK;
}

int pv_pull_expect(pv_pull *j, pv_pull_type type, const char *what)
{
    pv_pull_type got;
    int rc = pv_pull_value(j, &got);
    if (rc)
        return rc;
    if (got != type)
        return pv_pull_fail(j, j->at, "%s must be %s, not %s", what, pv_pull_type_name(type),
                            pv_pull_type_name(got));
    return PV_OK;
}

int pv_pull_number(pv_pull *j, const char *what, double *v)
{
    int rc = pv_pull_expect(j, PV_PULL_NUMBER, what);
    if (rc == PV_OK)
        *v = j->num;
    return rc;
}

int pv_pull_int(pv_pull *j, const char *what, int64_t *v)
{
    int rc = pv_pull_expect(j, PV_PULL_NUMBER, what);
    if (rc)
        return rc;
    if (!j->is_int)
        return pv_pull_fail(j, j->at, "%s must be an integer", what);
    *v = j->ival;
    return PV_OK;
}

/* ---- sniffing ----------------------------------------------------------- */

size_t pv_pull_bom(const unsigned char *buf, size_t len)
{
    return len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0;
}

bool pv_pull_starts_object(const unsigned char *buf, size_t len)
{
    for (size_t i = pv_pull_bom(buf, len); i < len; i++) {
        if (buf[i] == '{')
            return true;
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
            return false;
    }
    return false;
}

bool pv_pull_has_key(const unsigned char *buf, size_t len, size_t window, const char *key)
{
    char quoted[64];
    int n = snprintf(quoted, sizeof quoted, "\"%s\"", key);
    if (n < 0 || (size_t)n >= sizeof quoted)
        return false;
    const unsigned char *end = buf + (len < window ? len : window);
    for (const unsigned char *p = buf; p < end && (p = memmem(p, (size_t)(end - p), quoted, (size_t)n));) {
        p += n;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (p < end && *p == ':')
            return true;
    }
    return false;
}
