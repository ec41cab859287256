/* hotpath.c — the widest path to a function: Dijkstra's algorithm with
 * "min along the path" in place of "sum" and the largest width first,
 * over the groups of the functions (a box's children depend on its
 * group, graph.h), so every step it takes is a box the tree has.  A
 * function may appear twice on the path (through different groups), as
 * in the tree.  See hotpath.h.
 * SPDX-License-Identifier: MIT
 */
#include "hotpath.h"

#include <math.h>
#include <stdlib.h>

#include "xalloc.h"

typedef struct item {
    double width;  /* the narrowest step of the best path known so far */
    uint32_t hops; /* its length, to prefer the shorter of equally wide paths */
    uint32_t func; /* the state (group) reached */
} item;

/* A max-heap of items, best first; a function may be in it more than once
 * (stale entries are skipped when popped). */
typedef struct heap {
    item *v;
    size_t n, cap;
} heap;

static int better(const item *a, const item *b)
{
    return a->width > b->width || (a->width == b->width && a->hops < b->hops);
}

static void heap_push(heap *h, item it)
{
    h->v = pv_xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v);
    size_t i = h->n++;
    while (i > 0 && better(&it, &h->v[(i - 1) / 2])) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = it;
}

static item heap_pop(heap *h)
{
    item top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && better(&h->v[c + 1], &h->v[c]))
            c++;
        if (!better(&h->v[c], &last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = last;
    return top;
}

/* A width for a time: NaN (damaged profiles) is as narrow as it gets. */
static double width_of(double t)
{
    return isnan(t) ? -INFINITY : t;
}

/* States are groups (graph.h): caller edge k is state k, the top-level
 * group of function f is state n_edges + f. */
static uint32_t state_func(const pv_graph *g, uint32_t s)
{
    return s < g->n_edges ? g->callees[g->callers[s].twin].other : s - (uint32_t)g->n_edges;
}

/* What edge ei carries in a box of group grp. */
static double edge_width(const pv_graph *g, uint32_t ei, uint32_t grp)
{
    return width_of(g->callees[ei].ct * pv_graph_edge_share(g, ei, grp));
}

/* In a recorded tree a path is as wide as its last node (a node's time
 * is within its parent's): the widest path to f ends at f's node of the
 * largest time, the shallowest of equal ones. */
static uint32_t *recorded_hot_path(const pv_graph *g, uint32_t f, size_t *len)
{
    /* Depths in one pass (a parent comes before its children): walking
     * up from every node of f would be quadratic in a deep tree. */
    uint32_t *depth = pv_xmalloc((g->n_rec_nodes ? g->n_rec_nodes : 1) * sizeof *depth);
    uint32_t best = UINT32_MAX;
    for (size_t i = 0; i < g->n_rec_nodes; i++) {
        const pv_gnode *n = &g->rec_nodes[i];
        depth[i] = n->parent == PV_NODE_TOP ? 1 : depth[n->parent] + 1;
        if (n->func == f && (best == UINT32_MAX || n->ct > g->rec_nodes[best].ct ||
                             (n->ct == g->rec_nodes[best].ct && depth[i] < depth[best])))
            best = (uint32_t)i;
    }
    uint32_t *path = NULL;
    if (best != UINT32_MAX) {
        *len = depth[best];
        path = pv_xmalloc(*len * sizeof *path);
        size_t k = *len;
        for (uint32_t at = best; at != PV_NODE_TOP; at = g->rec_nodes[at].parent)
            path[--k] = g->rec_nodes[at].func;
    }
    free(depth);
    return path;
}

uint32_t *pv_hot_path(const pv_graph *g, uint32_t f, size_t *len)
{
    if (g->recorded)
        return recorded_hot_path(g, f, len);
    size_t n = g->n_edges + g->n_funcs;
    double *width = pv_xmalloc(n * sizeof *width);
    uint32_t *hops = pv_xmalloc(n * sizeof *hops);
    uint32_t *pred = pv_xmalloc(n * sizeof *pred);
    uint8_t *done = pv_xcalloc(n, 1);
    for (size_t i = 0; i < n; i++)
        width[i] = NAN;
    heap h = {0};
    for (size_t i = 0; i < g->n_tops; i++) {
        uint32_t t = (uint32_t)g->n_edges + g->tops[i];
        width[t] = width_of(g->funcs[g->tops[i]].top_time);
        hops[t] = 1;
        heap_push(&h, (item){width[t], 1, t});
    }
    uint32_t found = UINT32_MAX;
    while (h.n > 0) {
        item it = heap_pop(&h);
        if (done[it.func])
            continue;
        done[it.func] = 1;
        uint32_t uf = state_func(g, it.func);
        if (uf == f) {
            found = it.func;
            break;
        }
        uint32_t grp = it.func < g->n_edges ? it.func : PV_GROUP_TOP;
        const pv_gfunc *u = &g->funcs[uf];
        for (uint32_t k = 0; k < u->n_callees; k++) {
            uint32_t ei = u->callees_at + k, s = g->callees[ei].twin;
            if (done[s] || !pv_graph_edge_in_group(g, ei, grp))
                continue;
            item next = {fmin(it.width, edge_width(g, ei, grp)), it.hops + 1, s};
            item old = {width[s], hops[s], s};
            if (isnan(old.width) || better(&next, &old)) {  /* NaN: not reached yet */
                width[s] = next.width;
                hops[s] = next.hops;
                pred[s] = it.func;
                heap_push(&h, next);
            }
        }
    }
    uint32_t *path = NULL;
    if (found != UINT32_MAX) {
        *len = hops[found];
        path = pv_xmalloc(*len * sizeof *path);
        uint32_t at = found;
        for (size_t i = *len; i-- > 0; at = pred[at])
            path[i] = state_func(g, at);
    }
    free(h.v);
    free(width);
    free(hops);
    free(pred);
    free(done);
    return path;
}
