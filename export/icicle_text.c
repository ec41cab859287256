/* icicle_text.c — what the images' boxes say and how it is cut to fit
 * (icicle_text.h).
 * SPDX-License-Identifier: MIT
 */
#include "icicle_text.h"

#include <stdlib.h>
#include <string.h>

#include "icicle_layout.h"
#include "utf8.h"
#include "xalloc.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define MIN_LABEL_CHARS 3
#define SHARED_PREFIX 4

/* Bytes of the code point at s (1 for a stray byte or the NUL). */
static size_t char_len(const char *s)
{
    uint32_t cp;
    size_t n = pv_wtf8_decode((const unsigned char *)s, strnlen(s, 4), &cp);
    return n ? n : 1;
}

size_t pv_icicle_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s += char_len(s))
        n++;
    return n;
}

char *pv_icicle_fit(const char *s, size_t cells)
{
    if (pv_icicle_chars(s) <= cells)
        return pv_xstrdup(s);
    if (cells < MIN_LABEL_CHARS + 1)
        return pv_xstrdup("");
    const char *p = s;
    for (size_t i = 0; i + 1 < cells; i++)
        p += char_len(p);
    size_t keep = (size_t)(p - s);
    char *out = pv_xmalloc(keep + sizeof ELLIPSIS);
    memcpy(out, s, keep);
    memcpy(out + keep, ELLIPSIS, sizeof ELLIPSIS);
    return out;
}

/* s cut to `cells` characters keeping its end: "…/lib/python3.11/json".
 * from_word: the end starts at a word, as the page's labels do
 * (labels.js's fromWord): "…unlocked", not "…d_unlocked", and the
 * separator too when fewer than 3 characters follow it ("…_17"). */
char *pv_icicle_fit_end(const char *s, size_t cells, int from_word)
{
    size_t n = pv_icicle_chars(s);
    if (n <= cells)
        return pv_xstrdup(s);
    if (cells < MIN_LABEL_CHARS + 1)
        return pv_xstrdup("");
    const char *p = s;
    for (size_t i = 0; i < n - (cells - 1); i++)
        p += char_len(p);
    size_t sep = strcspn(p, "._");
    if (from_word && p[sep]) {
        const char *rest = p + sep + 1;
        p = pv_icicle_chars(rest) >= MIN_LABEL_CHARS ? rest : p + sep;
    }
    size_t len = strlen(p);
    char *out = pv_xmalloc(len + sizeof ELLIPSIS);
    memcpy(out, ELLIPSIS, sizeof ELLIPSIS - 1);
    memcpy(out + sizeof ELLIPSIS - 1, p, len + 1);
    return out;
}

/* What a box says: "name 526 ms" when both fit, else the name cut, at
 * its end when `shared` (another name on the chart starts alike). */
char *pv_icicle_label(const char *name, const char *figure, double w, int shared)
{
    double room = w - 2 * PV_ICICLE_LABEL_PAD;
    if (room < PV_ICICLE_TEXT_PX)
        return pv_xstrdup("");
    size_t cells = (size_t)(room / PV_ICICLE_CHAR_PX);
    if (pv_icicle_chars(name) + 1 + pv_icicle_chars(figure) <= cells) {
        size_t a = strlen(name), b = strlen(figure);
        char *out = pv_xmalloc(a + b + 2);
        memcpy(out, name, a);
        out[a] = ' ';
        memcpy(out + a + 1, figure, b + 1);
        return out;
    }
    return shared ? pv_icicle_fit_end(name, cells, 1) : pv_icicle_fit(name, cells);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The longest shared start of a name is with a neighbour in sorted order. */
void pv_shared_init(pv_shared_set *set, char **names, size_t n)
{
    qsort(names, n, sizeof *names, by_string);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (m > 0 && strcmp(names[m - 1], names[k]) == 0)
            free(names[k]);
        else
            names[m++] = names[k];
    }
    set->names = names;
    set->n = m;
    set->shared = pv_xcalloc(m + 1, 1);
    for (size_t k = 1; k < m; k++) {
        size_t c = 0;
        while (names[k - 1][c] && names[k - 1][c] == names[k][c])
            c++;
        if (c >= SHARED_PREFIX)
            set->shared[k - 1] = set->shared[k] = 1;
    }
}

int pv_shared_has(const pv_shared_set *set, const char *name)
{
    char *const *hit = bsearch(&name, set->names, set->n, sizeof *set->names, by_string);
    return hit && set->shared[hit - set->names];
}

void pv_shared_release(pv_shared_set *set)
{
    for (size_t k = 0; k < set->n; k++)
        free(set->names[k]);
    free(set->names);
    free(set->shared);
}

