/* graph_recorded.c — a recorded profile's tree in the graph: the nodes
 * the loader checked (pre-order, parents before children, distinct
 * siblings) copied, and each node's children gathered into one range of
 * rec_kids (counting sort by parent, so children keep file order), the
 * top-level nodes last, as the children of the synthetic root.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "xalloc.h"

void pv_graph_add_recorded(pv_graph *g, const pv_recorded *r)
{
    size_t n = r->n_nodes;
    g->recorded = 1;
    g->n_rec_nodes = n;
    g->rec_nodes = pv_xcalloc(n ? n : 1, sizeof *g->rec_nodes);
    g->rec_kids = pv_xmalloc((n ? n : 1) * sizeof *g->rec_kids);
    for (size_t i = 0; i < n; i++) {
        const pv_node *src = &r->nodes[i];
        pv_gnode *d = &g->rec_nodes[i];
        d->func = src->func;
        d->parent = src->parent;
        d->calls = src->calls;
        d->tt = src->tt;
        d->ct = src->ct;
        if (src->parent == PV_NODE_TOP) {
            g->rec_time += src->ct;
            g->rec_calls += (double)src->calls;
        } else {
            g->rec_nodes[src->parent].n_kids++;
        }
    }
    uint32_t at = 0;
    for (size_t i = 0; i < n; i++) {
        g->rec_nodes[i].kids_at = at;
        at += g->rec_nodes[i].n_kids;
        g->rec_nodes[i].n_kids = 0;
    }
    g->rec_tops_at = at;
    for (size_t i = 0; i < n; i++) {
        pv_gnode *d = &g->rec_nodes[i];
        if (d->parent == PV_NODE_TOP)
            g->rec_kids[g->rec_tops_at + g->n_rec_tops++] = (uint32_t)i;
        else
            g->rec_kids[g->rec_nodes[d->parent].kids_at + g->rec_nodes[d->parent].n_kids++] =
                (uint32_t)i;
    }
}
