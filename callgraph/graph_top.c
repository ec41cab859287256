/* graph_top.c — the top level of the tree: which functions have a box
 * there and what it is worth.
 *
 * cProfile counts, per function F, nc calls, cc of them not inside another
 * call of F ("outermost"), ct the time of the outermost ones; per caller
 * G, the calls G->F with ct(G->F) the time of those not inside another
 * G->F call.  The calls no caller accounts for, top_nc = nc - sum nc(G->F),
 * had no profiled caller: they are F's box at the top level, and they are
 * outermost.  Its time T:
 *
 *   - top_nc == cc: every outermost call was a top-level one, and ct is
 *     exactly their time.  `builtins.exec` under `python -m cProfile`: 17
 *     calls, cc 1, one top-level call worth the whole run.
 *   - otherwise ct also holds outermost calls made by callers G, each in
 *     ct(G->F) (no G->F call can enclose it: that would put F below it).
 *     Such a call needs an activation of G outside every F: impossible
 *     when F dominates G (every stack holding G holds F below it),
 *     certain when F cannot reach G (G is outside F's component).  So
 *        ct - sum ct(G->F) over G not dominated by F
 *           <= T <= ct - sum ct(G->F) over G beyond F's reach.
 *
 * Each instant of the run is in exactly one top-level call, so the boxes'
 * times add up to total_tt; the inexact ones share what the exact ones
 * leave, which bounds them further.  Dominators are Cooper, Harvey and
 * Kennedy's iterative algorithm ("A Simple, Fast Dominance Algorithm")
 * over a virtual root above every function with top-level calls, with
 * explicit stacks (call chains 100,000 deep are in the corpus).
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "graph_internal.h"
#include "xalloc.h"

#define UNSET UINT32_MAX

/* Depth-first postorder of the functions reachable from the virtual root
 * (index n, whose successors are the roots); po[v] its number, UNSET when
 * unreachable.  Returns how many were numbered (the root last). */
static size_t postorder(const pv_graph *g, const uint8_t *is_root, uint32_t *po, uint32_t *order)
{
    size_t n = g->n_funcs, root = n, n_order = 0, depth = 0;
    uint32_t *walk = pv_xmalloc((n + 1) * sizeof *walk), *next = pv_xcalloc(n + 1, sizeof *next);
    for (size_t i = 0; i <= n; i++)
        po[i] = UNSET;
    walk[depth++] = (uint32_t)root;
    po[root] = UNSET - 1;  /* seen, not numbered yet */
    while (depth) {
        uint32_t v = walk[depth - 1], w = UNSET;
        if (v == root) {
            while (w == UNSET && next[root] < n) {
                uint32_t c = next[root]++;
                if (is_root[c] && po[c] == UNSET)
                    w = c;
            }
        } else {
            const pv_gfunc *f = &g->funcs[v];
            while (w == UNSET && next[v] < f->n_callees) {
                uint32_t c = g->callees[f->callees_at + next[v]++].other;
                if (po[c] == UNSET)
                    w = c;
            }
        }
        if (w != UNSET) {
            po[w] = UNSET - 1;
            walk[depth++] = w;
            continue;
        }
        po[v] = (uint32_t)n_order;
        order[n_order++] = v;
        depth--;
    }
    free(walk);
    free(next);
    return n_order;
}

static uint32_t intersect(const uint32_t *idom, const uint32_t *po, uint32_t a, uint32_t b)
{
    while (a != b) {
        while (po[a] < po[b])
            a = idom[a];
        while (po[b] < po[a])
            b = idom[b];
    }
    return a;
}

/* The dominator tree as intervals: F dominates G iff
 * pre[F] <= pre[G] && post[G] <= post[F]; pre[G] is UNSET when no stack
 * holds G (dominated by nothing). */
static void dominator_intervals(const pv_graph *g, const uint8_t *is_root, uint32_t *pre,
                                uint32_t *post)
{
    size_t n = g->n_funcs, root = n;
    uint32_t *po = pv_xmalloc((n + 1) * sizeof *po), *order = pv_xmalloc((n + 1) * sizeof *order);
    uint32_t *idom = pv_xmalloc((n + 1) * sizeof *idom);
    size_t n_order = postorder(g, is_root, po, order);
    for (size_t i = 0; i <= n; i++)
        idom[i] = UNSET;
    idom[root] = (uint32_t)root;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = n_order - 1; k-- > 0;) {  /* reverse postorder, the root (last) skipped */
            uint32_t v = order[k], best = is_root[v] ? (uint32_t)root : UNSET;
            const pv_gfunc *f = &g->funcs[v];
            for (uint32_t j = 0; j < f->n_callers; j++) {
                uint32_t p = g->callers[f->callers_at + j].other;
                if (idom[p] != UNSET)
                    best = best == UNSET ? p : intersect(idom, po, p, best);
            }
            if (idom[v] != best) {
                idom[v] = best;
                changed = 1;
            }
        }
    }
    /* Children of each node of the dominator tree, then one walk. */
    uint32_t *first = pv_xcalloc(n + 2, sizeof *first), *kids = pv_xmalloc((n + 1) * sizeof *kids);
    for (size_t i = 0; i < n; i++)
        if (idom[i] != UNSET)
            first[idom[i] + 1]++;
    for (size_t i = 0; i <= n; i++)
        first[i + 1] += first[i];
    uint32_t *fill = pv_xmalloc((n + 1) * sizeof *fill);
    for (size_t i = 0; i <= n; i++)
        fill[i] = first[i];
    for (size_t i = 0; i < n; i++)
        if (idom[i] != UNSET)
            kids[fill[idom[i]]++] = (uint32_t)i;
    for (size_t i = 0; i < n; i++)
        pre[i] = post[i] = UNSET;
    uint32_t *walk = pv_xmalloc((n + 1) * sizeof *walk), counter = 0;
    size_t depth = 0;
    walk[depth++] = (uint32_t)root;
    fill[root] = first[root];
    while (depth) {
        uint32_t v = walk[depth - 1];
        if (fill[v] == first[v] && v != root)
            pre[v] = counter++;
        if (fill[v] < first[v + 1]) {
            uint32_t c = kids[fill[v]++];
            fill[c] = first[c];
            walk[depth++] = c;
            continue;
        }
        if (v != root)
            post[v] = counter++;
        depth--;
    }
    free(po);
    free(order);
    free(idom);
    free(first);
    free(kids);
    free(fill);
    free(walk);
}

static int dominates(const uint32_t *pre, const uint32_t *post, uint32_t f, uint32_t g)
{
    return pre[g] != UNSET && pre[f] != UNSET && pre[f] <= pre[g] && post[g] <= post[f];
}

static int by_top_time_desc(const void *a, const void *b, void *graph)
{
    const pv_graph *g = graph;
    double x = g->funcs[*(const uint32_t *)a].top_time;
    double y = g->funcs[*(const uint32_t *)b].top_time;
    if (x != y)
        return x < y ? 1 : -1;
    return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* Top-level calls and their own time, from what the callers account for. */
static void count_top_calls(pv_graph *g, uint8_t *is_root)
{
    for (size_t i = 0; i < g->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        int64_t called = 0, others = 0;
        double own = pv_finite_or_zero(f->tt);
        int guessed = 0;
        for (uint32_t k = 0; k < f->n_callers; k++) {
            const pv_gedge *e = &g->callers[f->callers_at + k];
            called += e->nc;
            own -= e->tt;
            guessed |= e->is_count || e->own_lo < e->own_hi;
            others += e->other != i;
        }
        f->top_nc = f->nc > called ? f->nc - called : 0;
        /* A bare count's tt is a share, and an unknown own time an
         * estimate, not a measurement: 0 is what is known of the
         * top-level calls' own time then. */
        f->top_own = guessed ? 0.0 : fmin(fmax(own, 0.0), pv_finite_or_zero(f->tt));
        is_root[i] = f->top_nc > 0 || others == 0;
    }
}

/* Bounds of F's top-level box from its callers (see the top of the file);
 * 0 when it has none, 1 when [*lo, *hi] holds its time.  The dominator
 * intervals are read only when some top-level calls are outermost calls
 * and others are not (top_nc < cc). */
static int top_bounds(const pv_graph *g, uint32_t i, const uint32_t *pre, const uint32_t *post,
                      double *lo, double *hi)
{
    const pv_gfunc *f = &g->funcs[i];
    double ct = pv_finite_or_zero(f->ct), called = 0.0;
    int others = 0, guessed = 0;
    for (uint32_t k = 0; k < f->n_callers; k++) {
        const pv_gedge *e = &g->callers[f->callers_at + k];
        others += e->other != i;
        guessed |= e->is_count;
        called += e->other != i ? e->ct : 0.0;
    }
    if (others == 0 || (f->top_nc > 0 && f->top_nc >= f->cc)) {
        *lo = *hi = ct;
        return 1;
    }
    if (f->top_nc == 0) {
        /* Counts that add up, times that do not (writers other than
         * cProfile): what the callers' times leave is the top-level box,
         * as they say; but a count edge's time is a share, not a
         * measurement, and leaves nothing to say. */
        if (guessed)
            return 0;
        double r = ct - called;
        if (!(r > g->eps + 4 * DBL_EPSILON * ct))
            return 0;
        *lo = *hi = r;
        return 1;
    }
    if (guessed) {
        /* A bare count's time is a share: it proves nothing. */
        *lo = 0.0;
        *hi = ct;
        return 1;
    }
    double not_dominated = 0.0, out_of_reach = 0.0;
    for (uint32_t k = 0; k < f->n_callers; k++) {
        const pv_gedge *e = &g->callers[f->callers_at + k];
        if (e->other == i)
            continue;
        if (!dominates(pre, post, i, e->other))
            not_dominated += e->ct;
        if (g->funcs[e->other].scc != f->scc)
            out_of_reach += e->ct;
    }
    *hi = fmax(0.0, ct - out_of_reach);
    *lo = fmin(*hi, fmax(0.0, ct - not_dominated));
    return 1;
}

void pv_graph_find_tops(pv_graph *g)
{
    size_t n = g->n_funcs;
    uint8_t *is_root = pv_xcalloc(n ? n : 1, 1), *inexact = pv_xcalloc(n ? n : 1, 1);
    uint32_t *pre = pv_xmalloc((n + 1) * sizeof *pre), *post = pv_xmalloc((n + 1) * sizeof *post);
    count_top_calls(g, is_root);
    /* Most profiles have no function whose top-level calls are some of
     * its outermost ones only (python -m cProfile's exec has all of
     * them): the dominators, a third of building a graph, only then. */
    int need = 0;
    for (size_t i = 0; i < n && !need; i++)
        need = g->funcs[i].top_nc > 0 && g->funcs[i].top_nc < g->funcs[i].cc;
    if (need)
        dominator_intervals(g, is_root, pre, post);
    g->tops = pv_xmalloc((n ? n : 1) * sizeof *g->tops);
    double exact_sum = 0.0, sum_lo = 0.0, sum_hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        pv_gfunc *f = &g->funcs[i];
        double lo, hi;
        if (!top_bounds(g, (uint32_t)i, pre, post, &lo, &hi))
            continue;
        f->top_lo = lo;
        f->top_hi = hi;
        if (hi - lo <= g->eps) {
            f->is_top = f->top_exact = 1;
            f->top_time = f->top_lo = hi;
            exact_sum += hi;
            g->tops[g->n_tops++] = (uint32_t)i;
        } else {
            inexact[i] = 1;
            sum_lo += lo;
            sum_hi += hi;
        }
    }
    /* The inexact boxes hold what the exact ones leave, D: each gets
     * [max(lo, D - the others' hi), min(hi, D - the others' lo)] and a
     * share of the slack by its width; one alone is exact. */
    double d = fmax(0.0, g->total_tt - exact_sum), slack = 0.0, spare = d;
    size_t first = g->n_tops;
    for (size_t i = 0; i < n; i++) {
        pv_gfunc *f = &g->funcs[i];
        if (!inexact[i])
            continue;
        double lo = fmax(f->top_lo, d - (sum_hi - f->top_hi));
        double hi = fmin(f->top_hi, d - (sum_lo - f->top_lo));
        if (!(hi > g->eps))
            continue;
        f->top_lo = fmin(lo, hi);
        f->top_hi = hi;
        f->is_top = 1;
        f->top_exact = hi - f->top_lo <= g->eps;
        slack += hi - f->top_lo;
        spare -= f->top_lo;
        g->tops[g->n_tops++] = (uint32_t)i;
    }
    for (size_t k = first; k < g->n_tops; k++) {
        pv_gfunc *f = &g->funcs[g->tops[k]];
        double share = slack > 0 ? spare * (f->top_hi - f->top_lo) / slack : 0.0;
        f->top_time = f->top_exact ? f->top_hi
                                   : fmin(f->top_hi, fmax(f->top_lo, f->top_lo + share));
        if (f->top_exact)
            f->top_lo = f->top_hi;
    }
    free(is_root);
    free(inexact);
    free(pre);
    free(post);
    qsort_r(g->tops, g->n_tops, sizeof *g->tops, by_top_time_desc, g);
}
