/* graph.c — build the in-memory call graph a tree query walks.
 *
 * Besides the callee and caller arrays it precomputes what every tree
 * needs at the top level: for each function, whether it has a top box and
 * with which time and bounds (issue 4's "Top" rule), which in turn needs
 * the strongly connected components of the graph (a recursive function
 * "can reach one of its other callers" exactly when that caller sits in
 * its own component).  Components come from an iterative Tarjan, so a
 * 100,000-deep call chain cannot overflow the C stack.
 * SPDX-License-Identifier: MIT
 */
#include "graph.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A time from the file, with NaN (which pstats allows) read as 0 so no
 * sum or comparison is poisoned. */
static double finite_or_zero(double v)
{
    return isfinite(v) ? v : 0.0;
}

static int by_ct_desc(const void *a, const void *b)
{
    double x = ((const pv_gedge *)a)->ct, y = ((const pv_gedge *)b)->ct;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void copy_strings(pv_graph *g, const pv_profile *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_funcs; i++)
        n += strlen(p->funcs[i].file) + strlen(p->funcs[i].name) + 2;
    char *o = g->strings = pv_xmalloc(n ? n : 1);
    for (size_t i = 0; i < p->n_funcs; i++) {
        size_t a = strlen(p->funcs[i].file) + 1, b = strlen(p->funcs[i].name) + 1;
        memcpy(o, p->funcs[i].file, a);
        g->funcs[i].file = o;
        memcpy(o + a, p->funcs[i].name, b);
        g->funcs[i].name = o + a;
        o += a + b;
    }
}

/* An edge as the tree sees it.  A bare count (pure-Python profile,
 * hotshot) says nothing about time, so its time is the callee's ct shared
 * out by calls; tree.c never calls such an edge exact. */
static pv_gedge make_edge(const pv_profile *p, const pv_edge *e, uint32_t other)
{
    pv_gedge ge = {.other = other, .is_count = e->is_count, .nc = e->nc, .cc = e->cc,
                   .ct = finite_or_zero(e->ct), .tt = finite_or_zero(e->tt)};
    if (e->is_count) {
        const pv_func *c = &p->funcs[e->callee];
        double share = c->nc > 0 ? (double)e->nc / (double)c->nc : 0.0;
        ge.ct = finite_or_zero(c->ct) * share;
        ge.tt = finite_or_zero(c->tt) * share;
    }
    return ge;
}

static void build_edges(pv_graph *g, const pv_profile *p)
{
    size_t n = p->n_funcs;
    for (size_t e = 0; e < p->n_edges; e++) {
        g->funcs[p->edges[e].caller].n_callees++;
        g->funcs[p->edges[e].callee].n_callers++;
    }
    uint32_t callees_at = 0, callers_at = 0;
    for (size_t i = 0; i < n; i++) {
        g->funcs[i].callees_at = callees_at;
        g->funcs[i].callers_at = callers_at;
        callees_at += g->funcs[i].n_callees;
        callers_at += g->funcs[i].n_callers;
        g->funcs[i].n_callees = g->funcs[i].n_callers = 0;
    }
    g->callees = pv_xmalloc((p->n_edges ? p->n_edges : 1) * sizeof *g->callees);
    g->callers = pv_xmalloc((p->n_edges ? p->n_edges : 1) * sizeof *g->callers);
    for (size_t e = 0; e < p->n_edges; e++) {
        const pv_edge *pe = &p->edges[e];
        pv_gfunc *caller = &g->funcs[pe->caller], *callee = &g->funcs[pe->callee];
        g->callees[caller->callees_at + caller->n_callees++] = make_edge(p, pe, pe->callee);
        g->callers[callee->callers_at + callee->n_callers++] = make_edge(p, pe, pe->caller);
    }
    for (size_t i = 0; i < n; i++)
        qsort(g->callees + g->funcs[i].callees_at, g->funcs[i].n_callees, sizeof *g->callees,
              by_ct_desc);
}

/* Tarjan's algorithm with an explicit stack of (function, next edge). */
static void find_components(pv_graph *g)
{
    size_t n = g->n_funcs;
    uint32_t *index = pv_xmalloc(n * sizeof *index), *low = pv_xmalloc(n * sizeof *low);
    uint32_t *stack = pv_xmalloc(n * sizeof *stack), *walk = pv_xmalloc(n * sizeof *walk);
    uint32_t *next = pv_xmalloc(n * sizeof *next);
    uint8_t *on_stack = pv_xcalloc(n, 1);
    const uint32_t unset = UINT32_MAX;
    for (size_t i = 0; i < n; i++)
        index[i] = unset;
    uint32_t counter = 0, n_stack = 0, n_comp = 0;
    for (size_t start = 0; start < n; start++) {
        if (index[start] != unset)
            continue;
        size_t depth = 0;
        walk[depth++] = (uint32_t)start;
        next[start] = 0;
        index[start] = low[start] = counter++;
        stack[n_stack++] = (uint32_t)start;
        on_stack[start] = 1;
        while (depth) {
            uint32_t v = walk[depth - 1];
            const pv_gfunc *f = &g->funcs[v];
            if (next[v] < f->n_callees) {
                uint32_t w = g->callees[f->callees_at + next[v]++].other;
                if (index[w] == unset) {
                    index[w] = low[w] = counter++;
                    next[w] = 0;
                    stack[n_stack++] = w;
                    on_stack[w] = 1;
                    walk[depth++] = w;
                } else if (on_stack[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            depth--;
            if (depth && low[v] < low[walk[depth - 1]])
                low[walk[depth - 1]] = low[v];
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--n_stack];
                    on_stack[w] = 0;
                    g->funcs[w].scc = n_comp;
                } while (w != v);
                n_comp++;
            }
        }
    }
    free(index);
    free(low);
    free(stack);
    free(walk);
    free(next);
    free(on_stack);
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

/* The top level: a function nobody else calls is a box worth its ct,
 * exact; otherwise what its callers do not account for, r, is a box when
 * positive, exact.  A recursive function that reaches one of its callers
 * is different: cProfile counts the callers' edges inside one another, so
 * r can be anything, even negative, although it ran at the top.  The
 * top-level truths add up to total_tt and every other top box is exact,
 * so these functions share what the exact boxes leave, D: each gets
 * [max(0, r, D - the others' hi), min(ct, D - the others' lo)] and a share
 * of the slack; one alone is exact.  (Found by the ground truth in
 * tests/groundtruth: without it a recursive parser profiled with
 * enable() lost half the run from the top level.) */
static void find_tops(pv_graph *g)
{
    g->tops = pv_xmalloc((g->n_funcs ? g->n_funcs : 1) * sizeof *g->tops);
    uint8_t *shares = pv_xcalloc(g->n_funcs ? g->n_funcs : 1, 1);
    double exact_sum = 0.0;
    for (size_t i = 0; i < g->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        double ct = finite_or_zero(f->ct), called = 0.0;
        int64_t called_cc = 0, others = 0, same_scc_caller = 0;
        for (uint32_t k = 0; k < f->n_callers; k++) {
            const pv_gedge *e = &g->callers[f->callers_at + k];
            if (e->other == i)
                continue;
            others++;
            called += e->ct;
            called_cc += e->cc;
            same_scc_caller |= g->funcs[e->other].scc == f->scc;
        }
        double r = ct - called;
        f->top_calls = others == 0 ? (double)f->nc
                       : f->cc > called_cc ? (double)(f->cc - called_cc) : 0.0;
        if (others && f->nc > f->cc && same_scc_caller) {
            if (ct > 0) {
                shares[i] = 1;
                f->top_lo = fmax(0.0, r);  /* refined below, once D is known */
                f->top_hi = ct;
            }
            continue;
        }
        if (others == 0) {
            f->top_time = ct;
        } else if (r > 4 * DBL_EPSILON * ct) {
            /* A few ulps of difference are rounding in the file's sums
             * (ct and the edges are added up separately), not time. */
            f->top_time = r;
        } else {
            continue;
        }
        f->is_top = f->top_exact = f->top_calls_exact = 1;
        f->top_lo = f->top_hi = f->top_time;
        exact_sum += f->top_time;
        g->tops[g->n_tops++] = (uint32_t)i;
    }
    double d = fmax(0.0, g->total_tt - exact_sum), sum_lo = 0.0, sum_hi = 0.0;
    for (size_t i = 0; i < g->n_funcs; i++)
        if (shares[i]) {
            g->funcs[i].top_hi = fmin(g->funcs[i].top_hi, d);
            sum_lo += g->funcs[i].top_lo;
            sum_hi += g->funcs[i].top_hi;
        }
    double eps = 4 * DBL_EPSILON * d, slack = 0.0, spare = d;
    size_t first = g->n_tops;
    for (size_t i = 0; i < g->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        if (!shares[i])
            continue;
        double lo = fmax(f->top_lo, d - (sum_hi - f->top_hi));
        double hi = fmin(f->top_hi, d - (sum_lo - f->top_lo));
        if (!(hi > eps))
            continue;
        f->top_lo = lo;
        f->top_hi = hi;
        f->is_top = 1;
        f->top_exact = hi - lo <= eps;
        slack += hi - lo;
        spare -= lo;
        g->tops[g->n_tops++] = (uint32_t)i;
    }
    for (size_t k = first; k < g->n_tops; k++) {
        pv_gfunc *f = &g->funcs[g->tops[k]];
        double share = slack > 0 ? spare * (f->top_hi - f->top_lo) / slack : 0.0;
        f->top_time = f->top_exact ? f->top_hi : fmin(f->top_hi, fmax(f->top_lo, f->top_lo + share));
        if (f->top_exact)
            f->top_lo = f->top_hi;
    }
    free(shares);
    qsort_r(g->tops, g->n_tops, sizeof *g->tops, by_top_time_desc, g);
}

pv_graph *pv_graph_new(const pv_profile *p)
{
    pv_graph *g = pv_xcalloc(1, sizeof *g);
    g->n_funcs = p->n_funcs;
    g->n_edges = p->n_edges;
    g->total_tt = finite_or_zero(p->total_tt);
    g->funcs = pv_xcalloc(p->n_funcs ? p->n_funcs : 1, sizeof *g->funcs);
    for (size_t i = 0; i < p->n_funcs; i++) {
        const pv_func *f = &p->funcs[i];
        pv_gfunc *gf = &g->funcs[i];
        gf->line = f->line;
        gf->cc = f->cc;
        gf->nc = f->nc;
        gf->tt = f->tt;
        gf->ct = f->ct;
    }
    copy_strings(g, p);
    build_edges(g, p);
    /* A function named only as a caller has no figures of its own; what
     * it is known to have spent is the time of its calls. */
    for (size_t i = p->n_entries; i < p->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        f->ct = 0.0;
        for (uint32_t k = 0; k < f->n_callees; k++)
            f->ct += g->callees[f->callees_at + k].ct;
    }
    find_components(g);
    find_tops(g);
    return g;
}

void pv_graph_free(pv_graph *g)
{
    if (!g)
        return;
    free(g->funcs);
    free(g->callees);
    free(g->callers);
    free(g->tops);
    free(g->strings);
    free(g);
}
