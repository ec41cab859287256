/* tree_views_recorded.c — the inverted tree and the sandwich from a
 * recorded tree's nodes: every box is a set of nodes (members), its
 * figures their sums, so every box is exact.  See tree_views.h.
 *
 *   INVERTED  the root's children group every node by function, each
 *             bringing its own time; a box's children group its members'
 *             parents by function, each bringing the same own time.
 *   CALLERS   fn's outermost nodes (no fn above them: a recursion's time
 *             counted once), bringing their inclusive time, then upward
 *             as INVERTED.
 *   CALLEES   fn's outermost nodes, merged with the fn nodes right below
 *             them (fn's recursion is fn); a box's children group its
 *             members' children by function, each bringing its own
 *             inclusive time.
 * SPDX-License-Identifier: MIT
 */
#include "tree_views.h"

#include <stdlib.h>

#include "xalloc.h"

static int64_t box_func(const pv_gnode *n)
{
    return n->func == PV_NODE_OVERFLOW ? PV_TREE_OVERFLOW : (int64_t)n->func;
}

/* An overflow node's time is all its own as far as a view can tell. */
static double own_time(const pv_gnode *n)
{
    return n->func == PV_NODE_OVERFLOW ? n->ct : n->tt;
}

/* A list of members being gathered (malloc'd). */
typedef struct gather {
    pv_view_member *at;
    size_t n, cap;
} gather;

static void gather_add(gather *l, uint32_t node, const pv_gnode *n, double time, double calls)
{
    l->at = pv_xgrow(l->at, &l->cap, l->n + 1, sizeof *l->at);
    l->at[l->n++] = (pv_view_member){.node = node, .func = box_func(n), .time = time,
                                      .calls = calls};
}

static int by_func(const void *a, const void *b)
{
    const pv_view_member *x = a, *y = b;
    if (x->func != y->func)
        return x->func < y->func ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Orders the gathered members by function.  The inverted tree's first
 * level gathers every node (a million in a big recorded profile): that
 * many are bucketed by function id, in linear time, not compared. */
static void sort_by_func(const pv_graph *g, gather *l)
{
    if (l->n == 0)
        return;  /* nothing gathered: no array to sort */
    if (l->n < 4096 || l->n < g->n_funcs) {
        qsort(l->at, l->n, sizeof *l->at, by_func);
        return;
    }
    /* Bucket 0: overflow nodes (PV_TREE_OVERFLOW, the only func < 0). */
    size_t *start = pv_xcalloc(g->n_funcs + 2, sizeof *start);
    for (size_t i = 0; i < l->n; i++)
        start[(l->at[i].func < 0 ? 0 : (size_t)l->at[i].func + 1) + 1]++;
    for (size_t b = 1; b < g->n_funcs + 2; b++)
        start[b] += start[b - 1];
    pv_view_member *out = pv_xmalloc(l->n * sizeof *out);
    for (size_t i = 0; i < l->n; i++)
        out[start[l->at[i].func < 0 ? 0 : (size_t)l->at[i].func + 1]++] = l->at[i];
    free(start);
    free(l->at);
    l->at = out;
    l->cap = l->n;
}

/* The boxes of the gathered members, one per function, their members
 * kept in m; frees l's array.  Members bringing no time are left out
 * when `timed`. */
static pv_tree_node *group(const pv_graph *g, gather *l, pv_view_members *m, int timed, size_t *n)
{
    sort_by_func(g, l);
    pv_tree_node *out = pv_xmalloc((l->n ? l->n : 1) * sizeof *out);
    *n = 0;
    for (size_t i = 0; i < l->n;) {
        size_t j = i;
        pv_tree_node box = {.func = l->at[i].func, .exact = 1, .calls_exact = 1, .whole = 1,
                            .node = l->at[i].node, .members_at = (uint32_t)m->n};
        for (; j < l->n && l->at[j].func == box.func; j++) {
            if (timed && !(l->at[j].time > 0))
                continue;
            m->at = pv_xgrow(m->at, &m->cap, m->n + 1, sizeof *m->at);
            m->at[m->n++] = l->at[j];
            box.time += l->at[j].time;
            box.calls += l->at[j].calls;
        }
        box.n_members = (uint32_t)(m->n - box.members_at);
        box.lo = box.hi = box.time;
        if (box.n_members)
            out[(*n)++] = box;
        i = j;
    }
    free(l->at);
    return out;
}

/* Whether node i has a node of its own function above it. */
static int nested(const pv_graph *g, uint32_t i)
{
    uint32_t f = g->rec_nodes[i].func;
    for (uint32_t a = g->rec_nodes[i].parent; a != PV_NODE_TOP; a = g->rec_nodes[a].parent)
        if (g->rec_nodes[a].func == f)
            return 1;
    return 0;
}

pv_tree_node pv_tree_view_recorded_root(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                        pv_view_members *m)
{
    pv_tree_node root = {.func = PV_TREE_ROOT, .exact = 1, .calls_exact = 1, .whole = 1,
                         .node = PV_NODE_TOP, .grp = PV_GROUP_ANY};
    if (view == PV_VIEW_INVERTED) {
        for (size_t i = 0; i < g->n_rec_nodes; i++)
            root.time += own_time(&g->rec_nodes[i]);
        root.calls = g->rec_calls;
    } else {
        root.func = fn;
        root.members_at = (uint32_t)m->n;
        for (uint32_t i = 0; i < g->n_rec_nodes; i++) {
            const pv_gnode *nd = &g->rec_nodes[i];
            if (nd->func != fn || nested(g, i))
                continue;
            m->at = pv_xgrow(m->at, &m->cap, m->n + 1, sizeof *m->at);
            m->at[m->n++] = (pv_view_member){.node = i, .func = fn, .time = nd->ct,
                                              .calls = (double)nd->calls};
            root.time += nd->ct;
            root.calls += (double)nd->calls;
        }
        root.n_members = (uint32_t)(m->n - root.members_at);
    }
    root.lo = root.hi = root.time;
    return root;
}

/* The children of the members' nodes; below the CALLEES root, an fn
 * node's children stand in for it. */
static void gather_down(const pv_graph *g, uint32_t node, int merge_fn, uint32_t fn, gather *l)
{
    const pv_gnode *nd = &g->rec_nodes[node];
    for (uint32_t k = 0; k < nd->n_kids; k++) {
        uint32_t c = g->rec_kids[nd->kids_at + k];
        const pv_gnode *kid = &g->rec_nodes[c];
        if (merge_fn && kid->func == fn)
            gather_down(g, c, merge_fn, fn, l);
        else
            gather_add(l, c, kid, kid->ct, (double)kid->calls);
    }
}

pv_tree_node *pv_tree_view_recorded_children(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                             const pv_tree_node *p, pv_view_members *m,
                                             size_t *n)
{
    gather l = {0};
    if (view == PV_VIEW_INVERTED && p->func == PV_TREE_ROOT) {
        for (uint32_t i = 0; i < g->n_rec_nodes; i++)
            gather_add(&l, i, &g->rec_nodes[i], own_time(&g->rec_nodes[i]),
                       (double)g->rec_nodes[i].calls);
        return group(g, &l, m, 1, n);
    }
    for (uint32_t k = 0; k < p->n_members; k++) {
        pv_view_member mem = m->at[p->members_at + k];
        if (view == PV_VIEW_CALLEES) {
            gather_down(g, mem.node, p->grp == PV_GROUP_ANY, fn, &l);
            continue;
        }
        uint32_t up = g->rec_nodes[mem.node].parent;
        if (up != PV_NODE_TOP)
            gather_add(&l, up, &g->rec_nodes[up], mem.time, mem.calls);
    }
    return group(g, &l, m, 0, n);
}

void pv_view_members_free(pv_view_members *m)
{
    free(m->at);
    m->at = NULL;
    m->n = m->cap = 0;
}
