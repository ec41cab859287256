/* tree.c — honest call trees from a pstats call graph.
 *
 * A box is a call path from the top.  pstats only knows, per edge F->C,
 * the time e = ct(F->C) that C took when called from F, summed over every
 * path through F.  For the box of C below the box P of F (time T(P),
 * bounds [lo(P), hi(P)]):
 *
 *   hi(C) = min(e, hi(P))                 C cannot have more time on this
 *                                         path than on all paths, nor more
 *                                         than P itself
 *   lo(C) = max(0, e - (ct(F) - lo(P)))   the part of e that F's other
 *                                         paths (at most ct(F) - lo(P))
 *                                         cannot hold; 0 when F is
 *                                         recursive (ct(F) then undercounts)
 *                                         or e > ct(F) (counted in a cycle)
 *   exact when lo == hi; else the estimate e * T(P) / ct(F), calls alike.
 *
 * The top level (below a synthetic root worth total_tt) is precomputed in
 * graph.c.  A function already on the path is not expanded again.  When
 * children add up to more than their box (a recursive function's edges,
 * or edges cProfile also counted inside a cycle), the estimates among them
 * are scaled down together, so no self is negative; estimates stay inside
 * their bounds because T(P) does.  Children below `cutoff` x the view
 * root's time are merged into one "(n smaller)" box per parent, so widths
 * always add up.
 * SPDX-License-Identifier: MIT
 */
#include "tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct builder {
    const pv_graph *g;
    pv_tree_node *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *on_path;      /* functions from the top to the node being expanded */
    size_t n_on_path, cap_on_path;
    unsigned depth;         /* levels to show below the view root */
    double min_time;        /* children below this are merged, s */
} builder;

static int on_path(const builder *b, uint32_t f)
{
    for (size_t i = 0; i < b->n_on_path; i++)
        if (b->on_path[i] == f)
            return 1;
    return 0;
}

static void push_path(builder *b, uint32_t f)
{
    b->on_path = pv_xgrow(b->on_path, &b->cap_on_path, b->n_on_path + 1, sizeof *b->on_path);
    b->on_path[b->n_on_path++] = f;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The box of callee edge e below box P (see the rules above). */
static pv_tree_node child_box(const pv_graph *g, const pv_tree_node *p, const pv_gedge *e)
{
    const pv_gfunc *f = &g->funcs[p->func];
    double ct = isfinite(f->ct) ? f->ct : 0.0;
    int recursive = f->nc > f->cc;
    pv_tree_node c = {.func = e->other};
    if (e->is_count) {
        /* A bare call count says nothing about where time went. */
        const pv_gfunc *callee = &g->funcs[e->other];
        c.hi = fmin(isfinite(callee->ct) ? callee->ct : 0.0, p->hi);
        c.lo = 0.0;
    } else {
        c.hi = fmin(e->ct, p->hi);
        /* An edge worth more than its caller's whole ct has been counted
         * inside a recursion too (cProfile does that to calls out of a
         * cycle): like a recursive caller, it proves no lower bound. */
        c.lo = recursive || e->ct > ct ? 0.0 : fmax(0.0, e->ct - (ct - p->lo));
    }
    c.exact = !e->is_count && c.lo == c.hi;
    /* The edge's calls all belong to this path only when every call of F
     * does: F's own calls known, F not recursive, all of them here. */
    c.calls_exact = p->calls_exact && !recursive && p->calls == (double)f->nc;
    if (c.exact) {
        c.time = c.hi;
        c.calls = c.calls_exact ? (double)e->cc
                  : e->ct > 0 ? (double)e->cc * c.hi / e->ct
                  : (double)e->cc * p->calls / (double)(f->nc > 1 ? f->nc : 1);
    } else {
        double share = ct > 0 ? p->time / ct : 0.0;
        c.time = clamp(e->ct * share, c.lo, c.hi);
        c.calls = (double)e->cc * share;
    }
    return c;
}

static pv_tree_node top_box(const pv_graph *g, uint32_t f)
{
    const pv_gfunc *gf = &g->funcs[f];
    return (pv_tree_node){.func = f, .time = gf->top_time, .lo = gf->top_lo, .hi = gf->top_hi,
                          .calls = gf->top_calls, .exact = gf->top_exact,
                          .calls_exact = gf->top_calls_exact};
}

static int by_time_desc(const void *a, const void *b)
{
    const pv_tree_node *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? 1 : -1;
    return (x->func > y->func) - (x->func < y->func);
}

/* Every child box of p not already on the path, by time descending, in a
 * malloc'd array (*n of them); *sum is their total time. */
static pv_tree_node *child_boxes(const builder *b, const pv_tree_node *p, size_t *n, double *sum)
{
    const pv_graph *g = b->g;
    *n = 0;
    *sum = 0.0;
    if (p->func == PV_TREE_ROOT) {
        pv_tree_node *out = pv_xmalloc((g->n_tops ? g->n_tops : 1) * sizeof *out);
        for (size_t i = 0; i < g->n_tops; i++) {
            out[(*n)++] = top_box(g, g->tops[i]);
            *sum += out[*n - 1].time;
        }
        return out;  /* graph.c keeps the tops sorted */
    }
    const pv_gfunc *f = &g->funcs[p->func];
    pv_tree_node *out = pv_xmalloc((f->n_callees ? f->n_callees : 1) * sizeof *out);
    for (uint32_t k = 0; k < f->n_callees; k++) {
        const pv_gedge *e = &g->callees[f->callees_at + k];
        if (on_path(b, e->other))
            continue;
        out[*n] = child_box(g, p, e);
        *sum += out[(*n)++].time;
    }
    if (*sum > p->time) {
        /* The edges of a recursive function (or of one whose edges were
         * also counted inside a cycle) can claim more than its box: the
         * estimates give way, exact boxes keep the file's figures. */
        double exact = 0.0;
        for (size_t i = 0; i < *n; i++)
            exact += out[i].exact ? out[i].time : 0.0;
        double scale = *sum > exact ? fmax(0.0, p->time - exact) / (*sum - exact) : 1.0;
        *sum = 0.0;
        for (size_t i = 0; i < *n; i++) {
            if (!out[i].exact) {
                out[i].time = clamp(out[i].time * scale, out[i].lo, out[i].hi);
                out[i].calls *= scale;
            }
            *sum += out[i].time;
        }
    }
    qsort(out, *n, sizeof *out, by_time_desc);
    return out;
}

static size_t add_node(builder *b, const pv_tree_node *n)
{
    b->nodes = pv_xgrow(b->nodes, &b->cap_nodes, b->n_nodes + 1, sizeof *b->nodes);
    b->nodes[b->n_nodes] = *n;
    return b->n_nodes++;
}

/* Fills in node `at` (at `level` below the view root): its self time, and
 * its children unless the view's depth stops here. */
static void expand(builder *b, size_t at, unsigned level)
{
    size_t n;
    double sum;
    pv_tree_node *kids = child_boxes(b, &b->nodes[at], &n, &sum);
    pv_tree_node *node = &b->nodes[at];
    node->self = fmax(0.0, node->time - sum);
    node->depth = level;
    if (level >= b->depth || b->n_nodes + n + 1 > PV_TREE_MAX_NODES) {
        node->more = n > 0;
        free(kids);
        return;
    }
    size_t shown = 0;
    while (shown < n && kids[shown].time >= b->min_time)
        shown++;
    size_t first = b->n_nodes;
    for (size_t i = 0; i < shown; i++)
        add_node(b, &kids[i]);
    if (shown < n) {
        pv_tree_node small = {.func = PV_TREE_SMALLER, .n_merged = (uint32_t)(n - shown),
                              .depth = level + 1};
        for (size_t i = shown; i < n; i++) {
            small.time += kids[i].time;
            small.lo += kids[i].lo;
            small.hi += kids[i].hi;
            small.calls += kids[i].calls;
        }
        small.self = small.time;
        small.more = 1;
        add_node(b, &small);
    }
    b->nodes[at].first_child = (uint32_t)first;
    b->nodes[at].n_children = (uint32_t)(b->n_nodes - first);
    free(kids);
    for (size_t i = 0; i < shown; i++) {
        push_path(b, (uint32_t)b->nodes[first + i].func);
        expand(b, first + i, level + 1);
        b->n_on_path--;
    }
}

/* Walks the path from the top, giving each step its box as the view
 * from above shows it; PV_E_NOTFOUND when a step is not a child box. */
static int walk_path(builder *b, const uint32_t *path, size_t path_len, pv_tree_node *box,
                     pv_tree_node *steps, pv_err *err)
{
    const pv_graph *g = b->g;
    for (size_t i = 0; i < path_len; i++) {
        uint32_t id = path[i];
        if (id >= g->n_funcs)
            return pv_err_set(err, PV_E_NOTFOUND, "path step %zu: no function %u", i, id);
        if (on_path(b, id))
            return pv_err_set(err, PV_E_NOTFOUND,
                              "path step %zu: function %u is already on the path", i, id);
        size_t n;
        double sum;
        pv_tree_node *kids = child_boxes(b, box, &n, &sum);
        size_t k = 0;
        while (k < n && kids[k].func != id)
            k++;
        if (k == n) {
            free(kids);
            return pv_err_set(err, PV_E_NOTFOUND, "path step %zu: function %u is not %s", i, id,
                              i ? "called by the step before" : "at the top level");
        }
        *box = kids[k];
        free(kids);
        steps[i] = *box;
        push_path(b, id);
    }
    return PV_OK;
}

int pv_tree_build(const pv_graph *g, const uint32_t *path, size_t path_len, unsigned depth,
                  double cutoff, pv_tree *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (depth > PV_TREE_MAX_DEPTH)
        return pv_err_set(err, PV_E_USAGE, "depth %u is more than %d", depth, PV_TREE_MAX_DEPTH);
    if (!(cutoff >= 0.0 && cutoff <= 1.0))
        return pv_err_set(err, PV_E_USAGE, "cutoff must be between 0 and 1");
    if (path_len > PV_TREE_MAX_PATH)
        return pv_err_set(err, PV_E_USAGE, "a path of %zu steps is more than %d", path_len,
                          PV_TREE_MAX_PATH);
    builder b = {.g = g, .depth = depth};
    pv_tree_node box = {.func = PV_TREE_ROOT, .time = g->total_tt, .lo = g->total_tt,
                        .hi = g->total_tt, .exact = 1};
    for (size_t i = 0; i < g->n_tops; i++)
        box.calls += g->funcs[g->tops[i]].top_calls;
    pv_tree_node *steps = pv_xmalloc((path_len ? path_len : 1) * sizeof *steps);
    int rc = walk_path(&b, path, path_len, &box, steps, err);
    if (rc != PV_OK) {
        free(steps);
        free(b.on_path);
        return rc;
    }
    b.min_time = cutoff * box.time;
    add_node(&b, &box);
    expand(&b, 0, 0);
    if (path_len)
        steps[path_len - 1] = b.nodes[0];
    free(b.on_path);
    out->nodes = b.nodes;
    out->n_nodes = b.n_nodes;
    out->path = steps;
    out->path_len = path_len;
    return PV_OK;
}

void pv_tree_release(pv_tree *t)
{
    free(t->nodes);
    free(t->path);
    memset(t, 0, sizeof *t);
}
