/* tree_views.c — the inverted tree and the sandwich from a pstats call
 * graph: roots, upward boxes and the merged root of the lower half.  See
 * tree_views.h for what each box's bounds rest on.
 * SPDX-License-Identifier: MIT
 */
#include "tree_views.h"

#include <math.h>
#include <stdlib.h>

#include "xalloc.h"

pv_tree_node pv_tree_view_root(const pv_graph *g, pv_tree_view view, uint32_t fn,
                               pv_view_members *m)
{
    if (g->recorded)
        return pv_tree_view_recorded_root(g, view, fn, m);
    if (view == PV_VIEW_INVERTED) {
        /* The sum of own time, so the functions below fill it. */
        pv_tree_node root = {.func = PV_TREE_ROOT, .exact = 1, .calls_exact = 1, .whole = 1};
        for (size_t f = 0; f < g->n_funcs; f++) {
            if (isfinite(g->funcs[f].tt) && g->funcs[f].tt > 0) {
                root.time += g->funcs[f].tt;
                root.calls += (double)g->funcs[f].nc;
            }
        }
        root.lo = root.hi = root.time;
        return root;
    }
    const pv_gfunc *f = &g->funcs[fn];
    double ct = isfinite(f->ct) ? fmax(0.0, f->ct) : 0.0;
    /* grp ANY: every activation of fn, whoever made it. */
    return (pv_tree_node){.func = fn, .time = ct, .lo = ct, .hi = ct, .calls = (double)f->nc,
                          .exact = 1, .calls_exact = 1, .whole = 1, .grp = PV_GROUP_ANY};
}

/* The inverted tree's first level: every function with own time. */
static pv_tree_node *own_time_boxes(const pv_graph *g, size_t *n)
{
    pv_tree_node *out = pv_xmalloc((g->n_funcs ? g->n_funcs : 1) * sizeof *out);
    *n = 0;
    for (size_t f = 0; f < g->n_funcs; f++) {
        double tt = g->funcs[f].tt;
        if (!(isfinite(tt) && tt > 0))
            continue;
        out[(*n)++] = (pv_tree_node){.func = (int64_t)f, .time = tt, .lo = tt, .hi = tt,
                                     .calls = (double)g->funcs[f].nc, .exact = 1,
                                     .calls_exact = 1, .whole = 1};
    }
    return out;
}

/* The sandwich's lower half below fn: each callee edge's calls, from every
 * activation of fn, worth the edge's ct; fn's calls of itself are fn.
 * When fn never runs inside itself that is exact: each instant below fn
 * is below one call of it, and one call C that fn made, which ct(fn->C)
 * counts once.  When it does (mutual recursion: fn -> G -> fn -> C), an
 * instant can be in ct(fn->G) and ct(fn->C) both: the edges then bound
 * the boxes and are scaled down to fill fn less its own time. */
/* The most the box of callee edge e below box p can hold: the edge's
 * ct, or for a bare count (no time of its own) the callee's. */
static double callee_hi(const pv_graph *g, const pv_gedge *e, const pv_tree_node *p)
{
    double ct = e->is_count ? g->funcs[e->other].ct : e->ct;
    return fmin(p->hi, isfinite(ct) ? fmax(0.0, ct) : 0.0);
}

static pv_tree_node *callee_boxes(const pv_graph *g, uint32_t fn, const pv_tree_node *p, size_t *n)
{
    const pv_gfunc *f = &g->funcs[fn];
    pv_tree_node *out = pv_xmalloc((f->n_callees ? f->n_callees : 1) * sizeof *out);
    *n = 0;
    double sum = 0.0, sum_hi = 0.0;
    for (uint32_t k = 0; k < f->n_callees; k++) {
        const pv_gedge *e = &g->callees[f->callees_at + k];
        if (e->other != fn) {
            sum += e->ct;
            sum_hi += callee_hi(g, e, p);
        }
    }
    double own = isfinite(f->tt) ? fmax(0.0, f->tt) : 0.0, want = fmax(0.0, p->time - own);
    int proven = f->cc == f->nc && sum <= p->time + g->eps;
    for (uint32_t k = 0; k < f->n_callees; k++) {
        const pv_gedge *e = &g->callees[f->callees_at + k];
        if (e->other == fn)
            continue;
        pv_tree_node c = {.func = e->other, .time = e->ct, .lo = e->ct, .hi = e->ct,
                          .calls = (double)e->nc, .calls_exact = 1, .exact = 1,
                          .whole = e->disjoint, .grp = e->twin};
        if (e->is_count || !proven) {
            double scale = sum > want ? want / sum : 1.0;
            c.hi = callee_hi(g, e, p);
            c.lo = fmax(0.0, p->lo - own - (sum_hi - c.hi));
            c.time = e->ct * scale;
            c.calls = (double)e->nc * scale;
            c.exact = c.whole = 0;
            c.calls_exact = scale == 1.0 && !e->is_count;
            pv_tree_settle(g, &c);
        }
        out[(*n)++] = c;
    }
    return out;
}

/* An upward box's children: the callers of its last function x.  The
 * inverted tree's second level (below a function's own time, `whole`) is
 * the caller edges' tt; above, each caller K holds at most ct(K->x) and
 * the box's time, at least what the others cannot hold.  In CALLERS fn is
 * never above itself (its time is its outermost activations'). */
static pv_tree_node *caller_boxes(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                  const pv_tree_node *p, size_t *n)
{
    uint32_t x = (uint32_t)p->func;
    const pv_gfunc *f = &g->funcs[x];
    int own = view == PV_VIEW_INVERTED && p->whole;
    pv_tree_node *out = pv_xmalloc((f->n_callers ? f->n_callers : 1) * sizeof *out);
    *n = 0;
    double sum_hi = 0.0, weights = 0.0;
    if (f->top_nc > 0) {
        sum_hi += fmin(f->top_hi, p->hi);
        weights += f->top_time;
    }
    for (uint32_t k = 0; k < f->n_callers; k++) {
        const pv_gedge *e = &g->callers[f->callers_at + k];
        if (view == PV_VIEW_CALLERS && e->other == fn)
            continue;
        sum_hi += e->is_count ? p->hi : fmin(e->ct, p->hi);
        weights += e->ct;
    }
    /* (Edges adding up to more than fn are figures that contradict each
     * other: bounded like the levels above, not exact.) */
    int outermost = view == PV_VIEW_CALLERS && p->whole && f->cc == f->nc &&
                    weights - (f->top_nc > 0 ? f->top_time : 0.0) <= p->time + g->eps;
    for (uint32_t k = 0; k < f->n_callers; k++) {
        const pv_gedge *e = &g->callers[f->callers_at + k];
        if (view == PV_VIEW_CALLERS && e->other == fn)
            continue;
        double share = weights > 0 ? e->ct / weights : 0.0;
        pv_tree_node c = {.func = e->other, .grp = f->callers_at + k};
        if (own) {
            /* The file's figure: x's own time in calls from K. */
            c.lo = isfinite(e->own_lo) ? e->own_lo : 0.0;
            c.hi = isfinite(e->own_hi) ? e->own_hi : p->hi;
            c.time = isfinite(e->tt) ? e->tt : p->time * share;
            c.calls = (double)e->nc;
            c.calls_exact = !e->is_count;
        } else if (outermost && !e->is_count) {
            /* fn never runs inside itself: every call K made of it is an
             * outermost one, and the edge's ct is their time. */
            c.time = c.lo = c.hi = e->ct;
            c.calls = (double)e->nc;
            c.calls_exact = 1;
        } else {
            c.hi = e->is_count ? p->hi : fmin(e->ct, p->hi);
            c.lo = fmax(0.0, p->lo - (sum_hi - c.hi));
            c.time = p->time * share;
            c.calls = p->whole ? (double)e->nc : p->calls * share;
            c.calls_exact = p->whole && !e->is_count;
        }
        pv_tree_settle(g, &c);
        /* A caller proven to hold all of the box holds all its calls. */
        if (c.exact && !c.calls_exact && p->calls_exact && c.time >= p->time - g->eps) {
            c.calls = p->calls;
            c.calls_exact = 1;
        }
        out[(*n)++] = c;
    }
    return out;
}

pv_tree_node *pv_tree_view_children(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                    const pv_tree_node *p, size_t *n)
{
    if (p->func == PV_TREE_ROOT)
        return own_time_boxes(g, n);
    if (view == PV_VIEW_CALLEES)
        return callee_boxes(g, fn, p, n);
    return caller_boxes(g, view, fn, p, n);
}
