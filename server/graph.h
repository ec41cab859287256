/* graph.h — a stored profile's call graph in memory, for tree queries.
 *
 * Built once from a pv_profile (pv_store_read) and then only read: one
 * graph may serve any number of threads at once.  Callees and callers of
 * every function are compact arrays (CSR), so walking a function's edges
 * touches one contiguous range.  The graph owns all its memory
 * (pv_graph_free); it keeps no pointer into the profile it was built from.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_GRAPH_H
#define PV_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

typedef struct pv_gedge {
    uint32_t other;         /* the callee (in callee lists) or the caller (in caller lists) */
    uint8_t is_count;       /* the file held a bare call count: tt/ct are estimates */
    int64_t nc, cc;         /* calls along the edge, primitive ones among them */
    double ct;              /* callee's cumulative time during these calls, s */
    double tt;              /* callee's own time during these calls, s */
} pv_gedge;

typedef struct pv_gfunc {
    const char *file, *name;  /* WTF-8, owned by the graph */
    int64_t line;
    int64_t cc, nc;
    double tt, ct;
    uint32_t callees_at, n_callees;  /* range in pv_graph.callees */
    uint32_t callers_at, n_callers;  /* range in pv_graph.callers */
    uint32_t scc;                    /* strongly connected component id */
    /* Its box at the top level of the tree, when it has one (is_top):
     * nobody else calls it (the box is all of ct, exact), or its callers
     * account for less than ct and the rest, r, is a box of its own. */
    uint8_t is_top, top_exact;
    uint8_t top_calls_exact;         /* top_calls is the data's, not a share */
    double top_time, top_lo, top_hi, top_calls;
} pv_gfunc;

typedef struct pv_graph {
    pv_gfunc *funcs;        /* in profile order */
    size_t n_funcs;
    pv_gedge *callees;      /* per function, sorted by ct descending */
    pv_gedge *callers;      /* per function, in file order */
    size_t n_edges;
    uint32_t *tops;         /* functions with a top-level box, by top_time descending */
    size_t n_tops;
    double total_tt;        /* the profile's total_tt */
    char *strings;          /* one block holding every file and name */
} pv_graph;

/* Builds the graph of `p` (copying what it needs).  Never fails: out of
 * memory aborts (xalloc.h). */
pv_graph *pv_graph_new(const pv_profile *p);
void pv_graph_free(pv_graph *g);

#endif
