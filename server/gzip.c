/* gzip.c — zlib's deflate with a gzip header; see gzip.h.
 *
 * Level 1: on tree JSON it keeps about as much of the saving as level 6
 * (the repeated keys are what compresses) at a fraction of the CPU, and
 * compressing is on the path of every view not kept yet.
 * SPDX-License-Identifier: MIT
 */
#include "gzip.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "err.h"
#include "xalloc.h"

#define LEVEL 1
#define GZIP_WINDOW (15 + 16)  /* 32 KB window, gzip header and trailer */

/* Whether the list item at s (n bytes, spaces trimmed) names gzip with a
 * non-zero weight. */
static bool item_takes_gzip(const char *s, size_t n)
{
    size_t name = 0;
    while (name < n && s[name] != ';' && s[name] != ' ' && s[name] != '\t')
        name++;
    if (!((name == 4 && strncasecmp(s, "gzip", 4) == 0) || (name == 1 && s[0] == '*')))
        return false;
    const char *q = s + name;
    const char *end = s + n;
    while (q < end && (*q == ' ' || *q == '\t' || *q == ';'))
        q++;
    if (end - q >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
        /* q=0, q=0.0, q=0.000: refused. */
        const char *v = q + 2;
        if (v < end && *v == '0') {
            v++;
            if (v < end && *v == '.')
                v++;
            while (v < end && *v == '0')
                v++;
            return v < end && *v >= '1' && *v <= '9';
        }
    }
    return true;
}

bool pv_accepts_gzip(const char *accept_encoding)
{
    for (const char *p = accept_encoding; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t m = n;
        while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
            m--;
        if (m > 0 && item_takes_gzip(p, m))
            return true;
        p += n;
    }
    return false;
}

static void zlib_failed(const char *what, int rc)
{
    /* Only out of memory or a zlib bug: the rule for both is to stop. */
    fprintf(stderr, "profviz: zlib %s failed (%d)\n", what, rc);
    abort();
}

void pv_gzip(const void *in, size_t n, char **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = deflateInit2(&z, LEVEL, Z_DEFLATED, GZIP_WINDOW, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK)
        zlib_failed("deflateInit2", rc);
    size_t cap = deflateBound(&z, (uLong)n);
    char *buf = pv_xmalloc(cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    rc = deflate(&z, Z_FINISH);
    if (rc != Z_STREAM_END)
        zlib_failed("deflate", rc);
    *out_len = z.total_out;
    deflateEnd(&z);
    /* deflateBound is generous: give the rest back (a kept text lives
     * long). */
    *out = pv_xrealloc(buf, *out_len ? *out_len : 1);
}

int pv_gunzip(const void *in, size_t n, char **out, size_t *out_len)
{
    *out = NULL;
    /* The gzip trailer ends with the text's length mod 2^32. */
    if (n < 18)
        return PV_E_FORMAT;
    const unsigned char *t = (const unsigned char *)in + n - 4;
    size_t len = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = inflateInit2(&z, GZIP_WINDOW);
    if (rc != Z_OK)
        zlib_failed("inflateInit2", rc);
    char *buf = pv_xmalloc(len + 1);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)len;
    rc = inflate(&z, Z_FINISH);
    size_t got = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || got != len) {
        free(buf);
        return PV_E_FORMAT;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return PV_OK;
}
