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

/* Groups.  The activations (calls) of a function F fall into groups by who
 * called them: one group per caller edge G->F (named by that edge's index
 * in pv_graph.callers) and PV_GROUP_TOP, the calls with no profiled caller
 * (the top level).  Every box of the tree holds activations of one group
 * of its function (the caller is the box above), so what the file says of
 * a group bounds every box in it. */
#define PV_GROUP_TOP (UINT32_MAX - 1)
#define PV_GROUP_ANY UINT32_MAX  /* host: not known which group */

typedef struct pv_gedge {
    uint32_t other;         /* the callee (in callee lists) or the caller (in caller lists) */
    uint32_t twin;          /* index of the same edge in the other list */
    uint8_t is_count;       /* the file held a bare call count: tt/ct are estimates */
    uint8_t disjoint;       /* cc == nc: no call along this edge ran inside another */
    int64_t nc, cc;         /* calls along the edge, primitive ones among them */
    double ct;              /* callee's cumulative time during these calls, s */
    double tt;              /* callee's own time during these calls, s (an estimate when
                               own_lo < own_hi) */
    double own_lo, own_hi;  /* what is proven of tt: equal to it when the file gives it;
                               bounds when it does not (a NaN tt: callgrind has no
                               per-caller own cost) */
} pv_gedge;

/* Where the calls of a callee edge are made (pv_graph.place, indexed like
 * pv_graph.callees): `host` is the one group of the caller that makes all
 * of them when the data proves it (PV_GROUP_ANY otherwise); over the
 * groups that may make them, `wsum` sums their avail and `nsum` their
 * calls, to share the edge out by, and `rsum` their room (INFINITY when
 * one's calls nest), what they can hold at most.  (A self-call's sums
 * leave out the group F->F: an F called by F makes none of ct(F->F).) */
typedef struct pv_gplace {
    uint32_t host;
    double wsum, rsum, nsum;
} pv_gplace;

/* The group a caller edge defines (pv_graph.groups, indexed like
 * pv_graph.callers): `room`, the most time one of its calls' children can
 * hold (for a disjoint group: all its children's time, less the single
 * calls proven to be among them); `avail`, its children's time less those
 * calls, the weight an unplaced edge's time is shared by. */
typedef struct pv_ggroup {
    double room, avail;
} pv_ggroup;

typedef struct pv_gfunc {
    const char *file, *name;  /* WTF-8, owned by the graph */
    int64_t line;
    int64_t cc, nc;
    double tt, ct;
    uint32_t callees_at, n_callees;  /* range in pv_graph.callees */
    uint32_t callers_at, n_callers;  /* range in pv_graph.callers */
    uint32_t scc;                    /* strongly connected component id */
    /* The top-level group: top_nc calls with no profiled caller (nc less
     * the callers' counts), their own time top_own, and the box they make
     * at the top level when is_top: time top_time within [top_lo, top_hi]
     * (top_exact when lo == hi), and room/avail as for a caller edge. */
    int64_t top_nc;
    uint8_t is_top, top_exact;
    double top_time, top_lo, top_hi, top_own, top_room, top_avail;
} pv_gfunc;

/* A node of a recorded call tree (pv_profile.recorded): its path's exact
 * figures, and its children as a range of pv_graph.rec_kids. */
typedef struct pv_gnode {
    uint32_t func;          /* function id, or PV_NODE_OVERFLOW (paths past the recorder's cap) */
    uint32_t parent;        /* node index, or PV_NODE_TOP */
    int64_t calls;
    double tt, ct;          /* own and inclusive time, s */
    uint32_t kids_at, n_kids;
} pv_gnode;

typedef struct pv_graph {
    pv_gfunc *funcs;        /* in profile order */
    size_t n_funcs;
    pv_gedge *callees;      /* per function, in file order of the callees' entries */
    pv_gedge *callers;      /* per function, in file order */
    size_t n_edges;
    pv_gplace *place;       /* per callee edge */
    pv_ggroup *groups;      /* per caller edge */
    uint32_t *tops;         /* functions with a top-level box, by top_time descending */
    size_t n_tops;
    double total_tt;        /* the profile's total_tt */
    double eps;             /* times closer than this are equal (rounding in the file's sums) */
    char *strings;          /* one block holding every file and name */
    /* A recorded profile's tree (graph_recorded.c), which the tree and
     * the hot path are read from instead of the edges: nodes in
     * pre-order; rec_kids holds each node's children, then (from
     * rec_tops_at, n_rec_tops of them) the top-level nodes. */
    uint8_t recorded;       /* 1: the profile carried a recorded tree */
    pv_gnode *rec_nodes;
    size_t n_rec_nodes;
    uint32_t *rec_kids;
    uint32_t rec_tops_at, n_rec_tops;
    double rec_time;        /* the top-level nodes' ct: the "(all)" box */
    double rec_calls;       /* their calls */
} pv_graph;

/* Builds the graph of `p` (copying what it needs).  Never fails: out of
 * memory aborts (xalloc.h). */
pv_graph *pv_graph_new(const pv_profile *p);
void pv_graph_free(pv_graph *g);

/* Whether the calls of callee edge `ei` (an index into g->callees) can be
 * made by activations of group `grp` of the caller: its host when known,
 * else any group with room for them.  A box's children are exactly the
 * edges this admits for the box's group, so tree.c and hotpath.c agree on
 * which paths exist. */
int pv_graph_edge_in_group(const pv_graph *g, uint32_t ei, uint32_t grp);

/* The part of callee edge ei's time that group grp of its caller made,
 * 0..1: 1 for its host, else a share (graph_place.c says by what). */
double pv_graph_edge_share(const pv_graph *g, uint32_t ei, uint32_t grp);

/* The room, avail and calls of group `grp` of function f (see pv_gedge). */
double pv_graph_group_room(const pv_graph *g, uint32_t f, uint32_t grp);
double pv_graph_group_avail(const pv_graph *g, uint32_t f, uint32_t grp);
double pv_graph_group_calls(const pv_graph *g, uint32_t f, uint32_t grp);

#endif
