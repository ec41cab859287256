/* xalloc.c — abort-on-OOM allocation.  See xalloc.h.
 * SPDX-License-Identifier: MIT
 */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "profviz: out of memory allocating %zu bytes\n", n);
    abort();
}

void *pv_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *pv_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *pv_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *pv_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap;
    if (need <= c)
        return p;
    if (c < 16)
        c = 16;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            oom(SIZE_MAX);
        c *= 2;
    }
    if (c > SIZE_MAX / size)
        oom(SIZE_MAX);
    *cap = c;
    return pv_xrealloc(p, c * size);
}

char *pv_xstrndup(const char *s, size_t n)
{
    char *p = pv_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pv_xstrdup(const char *s)
{
    return pv_xstrndup(s, strlen(s));
}
