/* tree_recorded.c — boxes from a recorded tree's nodes: nothing to
 * derive, every figure is the node's.  See tree_recorded.h.
 * SPDX-License-Identifier: MIT
 */
#include "tree_recorded.h"

#include <stdlib.h>

#include "xalloc.h"

pv_tree_node pv_tree_recorded_root(const pv_graph *g)
{
    return (pv_tree_node){.func = PV_TREE_ROOT, .time = g->rec_time, .lo = g->rec_time,
                          .hi = g->rec_time, .calls = g->rec_calls, .exact = 1,
                          .calls_exact = 1, .whole = 1, .node = PV_NODE_TOP};
}

static pv_tree_node node_box(const pv_graph *g, uint32_t i)
{
    const pv_gnode *n = &g->rec_nodes[i];
    /* An overflow node holds whole subtrees it has no children for: all
     * its time is its own as far as the view can tell. */
    int overflow = n->func == PV_NODE_OVERFLOW;
    return (pv_tree_node){.func = overflow ? PV_TREE_OVERFLOW : (int64_t)n->func,
                          .time = n->ct, .lo = n->ct, .hi = n->ct,
                          .self = overflow ? n->ct : n->tt, .calls = (double)n->calls,
                          .exact = 1, .calls_exact = 1, .whole = 1, .node = i};
}

pv_tree_node *pv_tree_recorded_children(const pv_graph *g, const pv_tree_node *p, size_t *n)
{
    uint32_t at, count;
    if (p->func == PV_TREE_ROOT) {
        at = g->rec_tops_at;
        count = g->n_rec_tops;
    } else {
        at = g->rec_nodes[p->node].kids_at;
        count = g->rec_nodes[p->node].n_kids;
    }
    pv_tree_node *out = pv_xmalloc((count ? count : 1) * sizeof *out);
    for (uint32_t k = 0; k < count; k++)
        out[k] = node_box(g, g->rec_kids[at + k]);
    *n = count;
    return out;
}
