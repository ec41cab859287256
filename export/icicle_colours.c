/* icicle_colours.c — the images' colours per box and the legend's
 * packages (icicle_colours.h).
 * SPDX-License-Identifier: MIT
 */
#include "icicle_colours.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icicle_text.h"
#include "names.h"
#include "palette.h"
#include "xalloc.h"

/* Legend labels are package directories: their end tells them apart. */
#define KEY_MAX_CHARS 40

typedef struct pkg_ref {
    char *name;
    size_t node;
} pkg_ref;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const pkg_ref *)a)->name, ((const pkg_ref *)b)->name);
}

typedef struct pkg {
    const char *name;
    double area;
    size_t at;       /* its index in name order */
} pkg;

static int by_area(const void *a, const void *b)
{
    const pkg *x = a, *y = b;
    if (x->area != y->area)
        return x->area > y->area ? -1 : 1;
    return strcmp(x->name, y->name);
}

void pv_icicle_colours(const pv_graph *g, const pv_tree *t, pv_rgb *fill, pv_icicle *ic)
{
    pkg_ref *refs = pv_xmalloc((t->n_nodes + 1) * sizeof *refs);
    size_t n_refs = 0;
    char buf[2048];
    for (size_t i = 0; i < t->n_nodes; i++) {
        const pv_tree_node *n = &t->nodes[i];
        fill[i] = pv_neutral();
        if (n->func < 0)
            continue;
        pv_package_of(g->funcs[n->func].file, g->funcs[n->func].name, buf, sizeof buf);
        refs[n_refs++] = (pkg_ref){pv_xstrdup(buf), i};
    }
    qsort(refs, n_refs, sizeof *refs, by_name);
    pkg *pkgs = pv_xmalloc((n_refs + 1) * sizeof *pkgs);
    size_t *pkg_of = pv_xmalloc((n_refs + 1) * sizeof *pkg_of);
    size_t n_pkgs = 0;
    for (size_t k = 0; k < n_refs; k++) {
        if (k == 0 || strcmp(refs[k].name, refs[k - 1].name) != 0) {
            pkgs[n_pkgs] = (pkg){refs[k].name, 0, n_pkgs};
            n_pkgs++;
        }
        pkg_of[k] = n_pkgs - 1;
        pkgs[n_pkgs - 1].area += pv_finite_time(t->nodes[refs[k].node].time);
    }
    /* Rank, remembering where each package went. */
    size_t *rank = pv_xmalloc((n_pkgs + 1) * sizeof *rank);
    pkg *ranked = pv_xmalloc((n_pkgs + 1) * sizeof *ranked);
    memcpy(ranked, pkgs, n_pkgs * sizeof *pkgs);
    qsort(ranked, n_pkgs, sizeof *ranked, by_area);
    const char **names = pv_xmalloc((n_pkgs + 1) * sizeof *names);
    int *hue = pv_xmalloc((n_pkgs + 1) * sizeof *hue);
    for (size_t r = 0; r < n_pkgs; r++)
        names[r] = ranked[r].name;
    pv_assign_hues(names, n_pkgs, hue);
    for (size_t r = 0; r < n_pkgs; r++)
        rank[ranked[r].at] = r;
    for (size_t k = 0; k < n_refs; k++) {
        const pv_tree_node *n = &t->nodes[refs[k].node];
        const pv_gfunc *f = &g->funcs[n->func];
        fill[refs[k].node] = pv_palette_fill(hue[rank[pkg_of[k]]],
                                             pv_shade_index(f->file, f->line, f->name));
    }
    /* The legend: what has a hue, largest first, then "other". */
    size_t others = 0;
    /* A key's label fits a line of the legend beside its swatch. */
    size_t room = (ic->width - 2 * PV_ICICLE_PAD - PV_ICICLE_SWATCH_PX - 4) / PV_ICICLE_CHAR_PX;
    size_t key_chars = room < KEY_MAX_CHARS ? room : KEY_MAX_CHARS;
    ic->keys = pv_xcalloc(n_pkgs + 2, sizeof *ic->keys);
    for (size_t r = 0; r < n_pkgs; r++) {
        if (hue[r] < 0) {
            others++;
            continue;
        }
        pv_icicle_key *key = &ic->keys[ic->n_keys++];
        key->fill = pv_palette_fill(hue[r], 0);
        key->label = pv_icicle_fit_end(*names[r] ? names[r] : "(no file)", key_chars, 0);
    }
    if (others) {
        pv_icicle_key *key = &ic->keys[ic->n_keys++];
        key->fill = pv_palette_fill(-1, 0);
        snprintf(buf, sizeof buf, "other (%zu packages)", others);
        key->label = pv_xstrdup(buf);
    }
    for (size_t k = 0; k < n_refs; k++)
        free(refs[k].name);
    free(refs);
    free(pkgs);
    free(pkg_of);
    free(rank);
    free(ranked);
    free(names);
    free(hue);
}

