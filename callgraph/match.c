/* match.c — matching the functions of two profiles (match.h).
 *
 * Both sides' ids are sorted by (file, name, line); one merge walk over
 * the two sorted lists then meets every (file, name) group of both sides
 * at once.  Inside a group, equal lines match (a group with two entries
 * of one line, which a damaged file could hold, pairs them in order);
 * what is left matches only when exactly one function remains on each
 * side, so a guess never pairs the wrong one of two same-named methods.
 * O(n log n) for n functions, no hashing.
 * SPDX-License-Identifier: MIT
 */
#include "match.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int cmp_key(const pv_gfunc *a, const pv_gfunc *b, int with_line)
{
    int c = strcmp(a->file, b->file);
    if (!c)
        c = strcmp(a->name, b->name);
    if (!c && with_line)
        c = (a->line > b->line) - (a->line < b->line);
    return c;
}

static int cmp_ids(const void *pa, const void *pb, void *arg)
{
    const pv_gfunc *funcs = arg;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int c = cmp_key(&funcs[a], &funcs[b], 1);
    return c ? c : (a > b) - (a < b);
}

static uint32_t *sorted_ids(const pv_graph *g)
{
    uint32_t *ids = pv_xmalloc((g->n_funcs ? g->n_funcs : 1) * sizeof *ids);
    for (size_t i = 0; i < g->n_funcs; i++)
        ids[i] = (uint32_t)i;
    qsort_r(ids, g->n_funcs, sizeof *ids, cmp_ids, g->funcs);
    return ids;
}

/* The end of the (file, name) group starting at ids[i]. */
static size_t group_end(const pv_graph *g, const uint32_t *ids, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && cmp_key(&g->funcs[ids[i]], &g->funcs[ids[j]], 0) == 0)
        j++;
    return j;
}

static void pair(pv_match *m, uint32_t b, uint32_t n, pv_match_rule rule)
{
    m->to_new[b] = n;
    m->to_base[n] = b;
    m->rule[b] = (uint8_t)rule;
    m->n_moved += rule == PV_RULE_MOVED;
}

/* Matches one group met on both sides: base ids bi[0..nb), NEW's ni[0..nn),
 * each sorted by line. */
static void match_group(pv_match *m, const pv_graph *base, const pv_graph *nw,
                        const uint32_t *bi, size_t nb, const uint32_t *ni, size_t nn)
{
    int builtin = strcmp(base->funcs[bi[0]].file, "~") == 0;
    size_t i = 0, j = 0, left_b = nb, left_n = nn;
    while (i < nb && j < nn) {
        int64_t lb = base->funcs[bi[i]].line, ln = nw->funcs[ni[j]].line;
        if (lb < ln) {
            i++;
        } else if (lb > ln) {
            j++;
        } else {
            pair(m, bi[i++], ni[j++], builtin ? PV_RULE_BUILTIN : PV_RULE_EXACT);
            left_b--, left_n--;
        }
    }
    if (left_b != 1 || left_n != 1)
        return;
    uint32_t b = PV_MATCH_NONE, n = PV_MATCH_NONE;
    for (i = 0; i < nb; i++)
        if (m->to_new[bi[i]] == PV_MATCH_NONE)
            b = bi[i];
    for (j = 0; j < nn; j++)
        if (m->to_base[ni[j]] == PV_MATCH_NONE)
            n = ni[j];
    pair(m, b, n, builtin ? PV_RULE_BUILTIN : PV_RULE_MOVED);
}

void pv_match_build(const pv_graph *base, const pv_graph *nw, pv_match *out)
{
    memset(out, 0, sizeof *out);
    out->n_base = base->n_funcs;
    out->n_new = nw->n_funcs;
    out->to_new = pv_xmalloc((base->n_funcs ? base->n_funcs : 1) * sizeof *out->to_new);
    out->to_base = pv_xmalloc((nw->n_funcs ? nw->n_funcs : 1) * sizeof *out->to_base);
    out->rule = pv_xcalloc(base->n_funcs ? base->n_funcs : 1, 1);
    memset(out->to_new, 0xff, base->n_funcs * sizeof *out->to_new);
    memset(out->to_base, 0xff, nw->n_funcs * sizeof *out->to_base);
    uint32_t *bs = sorted_ids(base), *ns = sorted_ids(nw);
    size_t i = 0, j = 0;
    while (i < base->n_funcs && j < nw->n_funcs) {
        int c = cmp_key(&base->funcs[bs[i]], &nw->funcs[ns[j]], 0);
        size_t ie = group_end(base, bs, base->n_funcs, i);
        size_t je = group_end(nw, ns, nw->n_funcs, j);
        if (c == 0)
            match_group(out, base, nw, bs + i, ie - i, ns + j, je - j);
        if (c <= 0)
            i = ie;
        if (c >= 0)
            j = je;
    }
    free(bs);
    free(ns);
}

void pv_match_release(pv_match *m)
{
    free(m->to_new);
    free(m->to_base);
    free(m->rule);
    memset(m, 0, sizeof *m);
}

const char *pv_match_rule_name(pv_match_rule r)
{
    switch (r) {
    case PV_RULE_EXACT: return "exact";
    case PV_RULE_MOVED: return "moved";
    case PV_RULE_BUILTIN: return "builtin";
    default: return "none";
    }
}
