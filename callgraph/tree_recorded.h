/* tree_recorded.h — the boxes of a recorded profile's tree (internal to
 * tree.c, which builds views of them as of any tree).
 *
 * A recorded tree holds every call path's figures (docs/recorded-tree.md):
 * a box is a node, exact (lo == hi == time = ct), its calls exact, its
 * self time the node's own time.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TREE_RECORDED_H
#define PV_TREE_RECORDED_H

#include <stddef.h>

#include "graph.h"
#include "tree.h"

/* The synthetic root: all the top-level nodes' time and calls. */
pv_tree_node pv_tree_recorded_root(const pv_graph *g);

/* The boxes of box p's children (p the root or a node's box), unsorted,
 * in a malloc'd array of *n. */
pv_tree_node *pv_tree_recorded_children(const pv_graph *g, const pv_tree_node *p, size_t *n);

#endif
