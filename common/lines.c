/* lines.c — joining and splitting newline-separated lists.  See lines.h.
 * SPDX-License-Identifier: MIT
 */
#include "lines.h"

#include <string.h>

#include "xalloc.h"

char *pv_lines_join(const char *const *items, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    char *out = pv_xmalloc(len + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(items[i]);
        memcpy(o, items[i], k);
        o += k;
        if (i + 1 < n)
            *o++ = '\n';
    }
    *o = '\0';
    return out;
}

size_t pv_lines_count(const char *text, size_t len)
{
    if (len == 0)
        return 0;
    size_t n = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))); p++)
        n++;
    return n;
}

void pv_lines_begin(pv_lines_iter *it, const char *text, size_t len)
{
    it->at = len ? text : NULL;
    it->end = len ? text + len : NULL;
}

const char *pv_lines_next(pv_lines_iter *it, size_t *len)
{
    const char *start = it->at;
    if (!start)
        return NULL;
    const char *nl = memchr(start, '\n', (size_t)(it->end - start));
    *len = (size_t)((nl ? nl : it->end) - start);
    it->at = nl ? nl + 1 : NULL;
    return start;
}
