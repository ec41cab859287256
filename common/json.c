/* json.c — exact numbers and WTF-8 strings as cJSON raw items; see json.h.
 * SPDX-License-Identifier: MIT
 */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static cJSON *raw(const char *text)
{
    cJSON *item = cJSON_CreateRaw(text);
    if (!item) {
        fprintf(stderr, "profviz: out of memory building JSON\n");
        abort();
    }
    return item;
}

/* Length of the UTF-8 (surrogates allowed) sequence at p, or 0 if invalid;
 * the code point goes to *cp. */
static size_t utf8_seq(const unsigned char *p, uint32_t *cp)
{
    unsigned c = p[0];
    size_t k;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        k = 1, min = 0x80, *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 2, min = 0x800, *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 3, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i <= k; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3F);
    }
    return *cp >= min && *cp <= 0x10FFFF ? k + 1 : 0;
}

cJSON *pv_json_string(const char *wtf8)
{
    const unsigned char *p = (const unsigned char *)wtf8;
    size_t n = strlen(wtf8);
    /* Worst case: every byte becomes a 6-byte \uXXXX escape. */
    char *out = pv_xmalloc(6 * n + 3), *o = out;
    *o++ = '"';
    while (*p) {
        uint32_t cp;
        size_t k = utf8_seq(p, &cp);
        if (k == 0) {
            o += sprintf(o, "\\ufffd");
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
    cJSON *item = raw(out);
    free(out);
    return item;
}

cJSON *pv_json_int(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return raw(buf);
}

void pv_format_double(double v, char *buf, size_t cap)
{
    if (isnan(v)) {
        snprintf(buf, cap, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v > 0 ? "inf" : "-inf");
        return;
    }
    /* The shortest of %.15g, %.16g, %.17g that reads back exactly: what
     * Python's repr shows, so figures match pstats' output. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
}

cJSON *pv_json_double(double v)
{
    char buf[40];
    pv_format_double(v, buf, sizeof buf);
    if (!isfinite(v)) {
        cJSON *s = cJSON_CreateString(buf);
        if (!s)
            abort();
        return s;
    }
    return raw(buf);
}
