/* graph.c — build the in-memory call graph a tree query walks.
 *
 * Besides the callee and caller arrays (each edge in both, linked by
 * `twin`) it computes, once per profile, what every tree needs: the
 * strongly connected components (which callers a function can reach, so
 * which of its calls may run inside itself), the top level (graph_top.c)
 * and which groups of a function make which calls (graph_place.c).
 * Components come from an iterative Tarjan, so a 100,000-deep call chain
 * cannot overflow the C stack.
 * SPDX-License-Identifier: MIT
 */
#include "graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "scc.h"
#include "xalloc.h"

double pv_finite_or_zero(double v)
{
    return isfinite(v) ? v : 0.0;
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
                   .ct = pv_finite_or_zero(e->ct), .tt = pv_finite_or_zero(e->tt)};
    ge.disjoint = !e->is_count && e->cc == e->nc;
    /* NaN: unknown, bounded by bound_unknown_own once every edge is in. */
    ge.own_lo = ge.own_hi = isnan(e->tt) && !e->is_count ? NAN : ge.tt;
    if (e->is_count) {
        const pv_func *c = &p->funcs[e->callee];
        double share = c->nc > 0 ? (double)e->nc / (double)c->nc : 0.0;
        ge.ct = pv_finite_or_zero(c->ct) * share;
        ge.tt = pv_finite_or_zero(c->tt) * share;
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
        uint32_t at_callee = caller->callees_at + caller->n_callees++;
        uint32_t at_caller = callee->callers_at + callee->n_callers++;
        g->callees[at_callee] = make_edge(p, pe, pe->callee);
        g->callers[at_caller] = make_edge(p, pe, pe->caller);
        g->callees[at_callee].twin = at_caller;
        g->callers[at_caller].twin = at_callee;
    }
}

/* Edges whose callee's own time the file does not give (a NaN tt:
 * callgrind says what calls along an edge cost in all, not how much of it
 * was the callee's own): that time is at most the edge's ct and the
 * callee's tt, and at least what the callee's tt leaves once every other
 * way in (other callers, top-level calls) has taken all it can.  The
 * estimate shares out what the known edges leave, by ct, within those
 * bounds. */
static void bound_unknown_own(pv_graph *g)
{
    for (size_t i = 0; i < g->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        double tt = pv_finite_or_zero(f->tt), known = 0.0, unknown_ct = 0.0, hi_sum = 0.0;
        int64_t called = 0;
        size_t n_unknown = 0;
        const pv_gedge *in = g->callers + f->callers_at;
        for (uint32_t k = 0; k < f->n_callers; k++) {
            called += in[k].nc;
            if (in[k].is_count) {
                hi_sum += tt;
            } else if (isnan(in[k].own_lo)) {
                n_unknown++;
                unknown_ct += in[k].ct;
                hi_sum += fmin(in[k].ct, tt);
            } else {
                known += in[k].tt;
                hi_sum += in[k].tt;
            }
        }
        if (!n_unknown)
            continue;
        if (f->nc > called)
            hi_sum += tt;  /* top-level calls may hold any of it */
        double left = fmax(0.0, tt - known);
        for (uint32_t k = 0; k < f->n_callers; k++) {
            pv_gedge *e = &g->callers[f->callers_at + k];
            if (e->is_count || !isnan(e->own_lo))
                continue;
            double hi = fmin(e->ct, tt);
            double lo = fmin(hi, fmax(0.0, tt - (hi_sum - hi)));
            double est = unknown_ct > 0 ? left * e->ct / unknown_ct : left / (double)n_unknown;
            e->own_lo = lo;
            e->own_hi = hi;
            e->tt = fmin(hi, fmax(lo, est));
            pv_gedge *twin = &g->callees[e->twin];
            twin->own_lo = lo;
            twin->own_hi = hi;
            twin->tt = e->tt;
        }
    }
}

/* The recursion cycles: components of the callee lists (common/scc.h). */
static void find_components(pv_graph *g)
{
    size_t n = g->n_funcs;
    uint32_t *first = pv_xmalloc((n + 1) * sizeof *first);
    uint32_t *adj = pv_xmalloc((g->n_edges ? g->n_edges : 1) * sizeof *adj);
    uint32_t *comp = pv_xmalloc((n ? n : 1) * sizeof *comp);
    for (size_t v = 0; v < n; v++) {
        const pv_gfunc *f = &g->funcs[v];
        first[v] = f->callees_at;
        for (uint32_t k = 0; k < f->n_callees; k++)
            adj[f->callees_at + k] = g->callees[f->callees_at + k].other;
    }
    first[n] = n ? g->funcs[n - 1].callees_at + g->funcs[n - 1].n_callees : 0;
    pv_scc(n, first, adj, comp);
    for (size_t v = 0; v < n; v++)
        g->funcs[v].scc = comp[v];
    free(first);
    free(adj);
    free(comp);
}

pv_graph *pv_graph_new(const pv_profile *p)
{
    pv_graph *g = pv_xcalloc(1, sizeof *g);
    g->n_funcs = p->n_funcs;
    g->n_edges = p->n_edges;
    g->total_tt = pv_finite_or_zero(p->total_tt);
    /* The file's times are sums made in other orders than ours (and
     * printed through decimal in old dumps): differences below a
     * billionth of the run are rounding, not time. */
    g->eps = 1e-9 * fabs(g->total_tt);
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
    bound_unknown_own(g);
    /* A function named only as a caller has no figures of its own; what
     * it is known to have spent is the time of its calls. */
    for (size_t i = p->n_entries; i < p->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        f->ct = 0.0;
        for (uint32_t k = 0; k < f->n_callees; k++)
            f->ct += g->callees[f->callees_at + k].ct;
    }
    find_components(g);
    pv_graph_find_tops(g);
    pv_graph_place_calls(g);
    if (p->recorded)
        pv_graph_add_recorded(g, p->recorded);
    return g;
}

void pv_graph_free(pv_graph *g)
{
    if (!g)
        return;
    free(g->funcs);
    free(g->callees);
    free(g->callers);
    free(g->place);
    free(g->groups);
    free(g->tops);
    free(g->strings);
    free(g->rec_nodes);
    free(g->rec_kids);
    free(g);
}
