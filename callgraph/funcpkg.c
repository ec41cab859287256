/* funcpkg.c — functions' packages, worked out once (funcpkg.h).
 * SPDX-License-Identifier: MIT
 */
#include "funcpkg.h"

#include <stdlib.h>
#include <string.h>

#include "mycode.h"
#include "names.h"
#include "xalloc.h"

/* Longest package name kept (a directory path). */
#define PACKAGE_MAX 4096

typedef struct named {
    char *name;
    uint32_t func;
} named;

static int by_name(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->func > y->func) - (x->func < y->func);
}

/* b rounded up to a multiple of 8, so the arrays after it stay aligned. */
static size_t align8(size_t b)
{
    return (b + 7) & ~(size_t)7;
}

pv_funcpkg *pv_funcpkg_build(const pv_graph *g, size_t *bytes)
{
    size_t n = g->n_funcs;
    named *all = pv_xmalloc((n ? n : 1) * sizeof *all);
    char pkg[PACKAGE_MAX];
    for (size_t f = 0; f < n; f++) {
        pv_package_of(g->funcs[f].file, g->funcs[f].name, pkg, sizeof pkg);
        all[f] = (named){.name = pv_xstrdup(pkg), .func = (uint32_t)f};
    }
    qsort(all, n, sizeof *all, by_name);
    size_t n_pkg = 0, names_len = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(all[i - 1].name, all[i].name) != 0) {
            n_pkg++;
            names_len += strlen(all[i].name) + 1;
        }
    size_t at_package = align8(sizeof(pv_funcpkg));
    size_t at_name_at = align8(at_package + n * sizeof(uint32_t));
    size_t at_lib = align8(at_name_at + n_pkg * sizeof(uint32_t));
    size_t at_names = at_lib + n;
    *bytes = at_names + names_len + 1;
    char *block = pv_xmalloc(*bytes);
    pv_funcpkg *p = (pv_funcpkg *)block;
    p->n_funcs = n;
    p->n_packages = n_pkg;
    p->package = (uint32_t *)(block + at_package);
    p->name_at = (uint32_t *)(block + at_name_at);
    p->lib = (uint8_t *)(block + at_lib);
    p->names = block + at_names;
    size_t k = 0, off = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(all[i - 1].name, all[i].name) != 0) {
            size_t len = strlen(all[i].name) + 1;
            memcpy(p->names + off, all[i].name, len);
            p->name_at[k++] = (uint32_t)off;
            off += len;
        }
        p->package[all[i].func] = (uint32_t)(k - 1);
    }
    p->names[off] = '\0';
    for (size_t i = 0; i < n; i++)
        free(all[i].name);
    free(all);
    pv_mycode_libs(g, p->lib);
    return p;
}

uint32_t pv_funcpkg_find(const pv_funcpkg *p, const char *name)
{
    size_t lo = 0, hi = p->n_packages;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->names + p->name_at[mid], name);
        if (c == 0)
            return (uint32_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return PV_FUNCPKG_NONE;
}

const char *pv_funcpkg_name(const pv_funcpkg *p, uint32_t i)
{
    return p->names + p->name_at[i];
}
