/* graph_internal.h — the steps of pv_graph_new that live in their own
 * files; only graph*.c include it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_GRAPH_INTERNAL_H
#define PV_GRAPH_INTERNAL_H

#include "graph.h"

/* A time from the file, with NaN (which pstats allows) read as 0 so no
 * sum or comparison is poisoned. */
double pv_finite_or_zero(double v);

/* graph_top.c: each function's top-level group (top_nc, top_own) and box
 * (is_top, top_time, top_lo, top_hi, top_exact), and g->tops by time.
 * Needs the edges and the components. */
void pv_graph_find_tops(pv_graph *g);

/* graph_place.c: each group's room and avail, and each callee edge's
 * host and wsum.  Needs the top level. */
void pv_graph_place_calls(pv_graph *g);

/* graph_recorded.c: the recorded tree's nodes and their children, when
 * the profile has one (g->recorded). */
void pv_graph_add_recorded(pv_graph *g, const pv_recorded *r);

#endif
