/* tree_views.h — the boxes of the inverted tree and the sandwich
 * (internal to tree.c, which builds views of them with the cutoff,
 * "(n smaller)" boxes and limits of any tree; tree.h says what each view
 * is).
 *
 * From a pstats call graph (tree_views.c): an upward box (INVERTED,
 * CALLERS) is a chain of functions from the bottom up, and its children
 * are the caller edges of its last function.  Its time is within bounds
 * the file proves: at most the box's, at most the caller edge's ct (every
 * instant below a K->X call is inside the outermost one, which ct
 * counts), and at least what the other callers and the top level cannot
 * hold.  The estimate shares the box's time out by the edges' ct.  The
 * inverted tree's second level is the file's own figure, exact: the
 * caller edge's tt.
 *
 * From a recorded tree (tree_views_recorded.c): a box is the set of
 * nodes it stands for, each with the figure it brings (its own or
 * inclusive time), kept in `pv_view_members`; every box is exact.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TREE_VIEWS_H
#define PV_TREE_VIEWS_H

#include <stddef.h>

#include "graph.h"
#include "tree.h"

/* One node a recorded view's box stands for: `node` (the last step of
 * the box's chain), the time and calls it brings to the box. */
typedef struct pv_view_member {
    uint32_t node;
    int64_t func;           /* the node's box func (PV_TREE_OVERFLOW for overflow nodes) */
    double time, calls;
} pv_view_member;

/* The members of every box built so far (boxes keep a range of it). */
typedef struct pv_view_members {
    pv_view_member *at;     /* malloc'd; pv_view_members_free */
    size_t n, cap;
} pv_view_members;

/* The view root of `view` (not TOP), from edges or nodes as g has them;
 * fn as pv_tree_build_view takes it, a valid function id. */
pv_tree_node pv_tree_view_root(const pv_graph *g, pv_tree_view view, uint32_t fn,
                               pv_view_members *m);

/* The boxes of box p's children in `view` (not TOP) from a pstats graph,
 * unsorted, in a malloc'd array of *n.  A CALLEES box below the root is a
 * top-down box: tree.c derives its children itself. */
pv_tree_node *pv_tree_view_children(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                    const pv_tree_node *p, size_t *n);

/* The same from a recorded graph's nodes (every view but TOP). */
pv_tree_node *pv_tree_view_recorded_children(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                             const pv_tree_node *p, pv_view_members *m,
                                             size_t *n);

pv_tree_node pv_tree_view_recorded_root(const pv_graph *g, pv_tree_view view, uint32_t fn,
                                        pv_view_members *m);

void pv_view_members_free(pv_view_members *m);

/* Makes c's bounds consistent (lo <= time <= hi) and c exact when they
 * meet (tree.c). */
void pv_tree_settle(const pv_graph *g, pv_tree_node *c);

#endif
