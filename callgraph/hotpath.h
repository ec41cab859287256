/* hotpath.h — the call path to show for a function picked by name (a row
 * of the statistics table, a caller in the butterfly view).
 *
 * A function can sit at many places of the call tree; the view should open
 * on the one that carries the most time, which is the widest path: the
 * path from a top-level box down to the function whose narrowest step (a
 * top box's time, then each edge's cumulative time, or its share when
 * the step's box does not make all the edge's calls) is largest.  Among
 * paths equally wide, the shortest.  Every path it returns is one the tree
 * endpoint accepts (each step a child box of the one before).  In a
 * recorded profile's tree (graph.h) every box is exact and a path is as
 * wide as its last box: the path to f's widest box.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_HOTPATH_H
#define PV_HOTPATH_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* The widest path from the top level to function f (f < g->n_funcs) as
 * function ids, top first and f last, in a malloc'd array the caller
 * frees; *len its length (at least 1).  NULL when no path reaches f (a
 * function named only as a caller, or one only called from inside a cycle
 * that nothing at the top reaches). */
uint32_t *pv_hot_path(const pv_graph *g, uint32_t f, size_t *len);

#endif
