/* graph_place.c — which group of a function makes which of its calls.
 *
 * A function's activations fall into groups by caller (graph.h); a box of
 * the tree holds activations of one group, so its children can only be
 * calls that group made.  pstats says how much each caller edge and each
 * callee edge carried, never which group made which call.  What it does
 * pin down:
 *
 *   - A group's calls' children add up to at most its room: for a group
 *     whose calls never nest (cc == nc on its edge; top-level calls never
 *     do) that is its time less its own time, exactly; when they nest, one
 *     call's children take at most the edge's ct.
 *   - An edge with a single call (a module body, `main`, one call of a
 *     long chain) is one piece of known size, made by exactly one group:
 *     only groups with room for it can have made it.  When one group is
 *     left, it is that group, and the piece leaves that group's room.
 *     Pieces are placed largest first, again until none moves, so one
 *     placement can decide the next: `<string>`'s call fills the top-level
 *     `exec`, which then has no room for the script's module body, which
 *     only the `exec` that runpy calls can hold.
 *   - An edge whose calls only one group has room for is that group's.
 *
 * A function with one group makes every call in it.  The rest is shared
 * out in tree.c by what the groups have left (avail), and bounded by it.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>

#include "graph_internal.h"
#include "xalloc.h"

/* Work allowed per function: pieces x groups x passes.  A hub with
 * thousands of callers and callees is left to sharing. */
#define MAX_PLACEMENT_WORK 4000000u
#define MAX_PASSES 8

double pv_graph_group_room(const pv_graph *g, uint32_t f, uint32_t grp)
{
    return grp == PV_GROUP_TOP ? g->funcs[f].top_room : g->callers[grp].room;
}

double pv_graph_group_avail(const pv_graph *g, uint32_t f, uint32_t grp)
{
    return grp == PV_GROUP_TOP ? g->funcs[f].top_avail : g->callers[grp].avail;
}

double pv_graph_group_calls(const pv_graph *g, uint32_t f, uint32_t grp)
{
    return (double)(grp == PV_GROUP_TOP ? g->funcs[f].top_nc : g->callers[grp].nc);
}

static int is_piece(const pv_gedge *e)
{
    return e->nc == 1 && !e->is_count;
}

int pv_graph_edge_in_group(const pv_graph *g, uint32_t ei, uint32_t grp)
{
    const pv_gedge *e = &g->callees[ei];
    if (e->host != PV_GROUP_ANY)
        return e->host == grp;
    uint32_t f = g->callers[e->twin].other;
    double room = pv_graph_group_room(g, f, grp);
    if (is_piece(e))
        return e->ct <= room + g->eps;
    /* Calls that take no time fit anywhere; others need room. */
    return room > g->eps || e->ct <= g->eps;
}

/* When the data does not say, the mean of the group's share of the
 * groups' room for children (heavy calls make heavy children) and of
 * their calls (each call makes its own; alone, time gives a recursion's
 * outermost group what its nested calls did).  Checked against the ground
 * truth of real programs (tests/groundtruth/evaluate.py): either alone
 * does worse. */
double pv_graph_edge_share(const pv_graph *g, uint32_t ei, uint32_t grp)
{
    const pv_gedge *e = &g->callees[ei];
    if (e->host != PV_GROUP_ANY)
        return e->host == grp;
    uint32_t f = g->callers[e->twin].other;
    double by_time = e->wsum > 0 ? pv_graph_group_avail(g, f, grp) / e->wsum : 0.0;
    double by_calls = e->nsum > 0 ? pv_graph_group_calls(g, f, grp) / e->nsum : 0.0;
    return 0.5 * (by_time + by_calls);
}

/* Room and avail of every group before any placement. */
static void init_groups(pv_graph *g)
{
    for (size_t k = 0; k < g->n_edges; k++) {
        pv_gedge *e = &g->callers[k];
        const pv_gfunc *callee = &g->funcs[g->callees[e->twin].other];
        double children = fmax(0.0, e->ct - e->tt);
        /* Nested calls: tt holds the own time of all of them, ct the time
         * of the outermost ones only; their share of tt is by calls. */
        e->avail = e->disjoint || e->nc <= 0 ? children
                   : fmax(0.0, e->ct - e->tt * (double)e->cc / (double)e->nc);
        /* Nested calls: one call's children fit in the edge's ct; a bare
         * count bounds nothing but by the callee's whole ct. */
        e->room = e->is_count ? pv_finite_or_zero(callee->ct) : e->disjoint ? children : e->ct;
    }
    for (size_t i = 0; i < g->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        f->top_room = f->top_avail = f->top_nc > 0 || f->is_top ? fmax(0.0, f->top_hi - f->top_own)
                                                                : 0.0;
    }
}

typedef struct group {
    uint32_t id;        /* caller-edge index or PV_GROUP_TOP */
    uint8_t disjoint;   /* room is a sum a placed piece uses up */
    double *room, *avail;
} group;

static int by_ct_desc_index(const void *a, const void *b, void *graph)
{
    const pv_graph *g = graph;
    double x = g->callees[*(const uint32_t *)a].ct, y = g->callees[*(const uint32_t *)b].ct;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The one group with room for the calls of edge ei, PV_GROUP_ANY when
 * there are several (or, with inconsistent data, none). */
static uint32_t only_candidate(const pv_graph *g, uint32_t ei, const group *gs, size_t n_gs)
{
    uint32_t found = PV_GROUP_ANY;
    for (size_t k = 0; k < n_gs; k++) {
        if (!pv_graph_edge_in_group(g, ei, gs[k].id))
            continue;
        if (found != PV_GROUP_ANY)
            return PV_GROUP_ANY;
        found = gs[k].id;
    }
    return found;
}

static void place_pieces(pv_graph *g, const pv_gfunc *f, group *gs, size_t n_gs, uint32_t *pieces)
{
    size_t n_pieces = 0;
    for (uint32_t k = 0; k < f->n_callees; k++)
        if (is_piece(&g->callees[f->callees_at + k]))
            pieces[n_pieces++] = f->callees_at + k;
    if (n_pieces == 0 || (size_t)n_pieces * n_gs * MAX_PASSES > MAX_PLACEMENT_WORK)
        return;
    qsort_r(pieces, n_pieces, sizeof *pieces, by_ct_desc_index, g);
    for (int pass = 0, moved = 1; moved && pass < MAX_PASSES; pass++) {
        moved = 0;
        for (size_t k = 0; k < n_pieces; k++) {
            pv_gedge *e = &g->callees[pieces[k]];
            if (e->host != PV_GROUP_ANY)
                continue;
            uint32_t host = only_candidate(g, pieces[k], gs, n_gs);
            if (host == PV_GROUP_ANY)
                continue;
            e->host = host;
            moved = 1;
            for (size_t j = 0; j < n_gs; j++)
                if (gs[j].id == host) {
                    if (gs[j].disjoint)
                        *gs[j].room = fmax(0.0, *gs[j].room - e->ct);
                    *gs[j].avail = fmax(0.0, *gs[j].avail - e->ct);
                }
        }
    }
}

/* A self-call F->F made by an F that F called runs inside another F->F
 * call, so none of ct(F->F) is that group's: it shares none of it. */
static int self_group(const pv_graph *g, const pv_gedge *e, uint32_t grp)
{
    return grp != PV_GROUP_TOP && g->callers[e->twin].other == e->other &&
           g->callers[grp].other == e->other;
}

/* For each edge without a host, the sums over the groups that may make
 * its calls: of avail (wsum, to share the edge by) and of room (rsum,
 * INFINITY when one of them nests: what the others can hold, for a lower
 * bound).  A hub too big to check group by group gets every group. */
static void share_out(pv_graph *g, const pv_gfunc *f, const group *gs, size_t n_gs)
{
    double all_avail = 0.0, all_room = 0.0, all_calls = 0.0;
    for (size_t j = 0; j < n_gs; j++) {
        all_avail += *gs[j].avail;
        all_calls += pv_graph_group_calls(g, (uint32_t)(f - g->funcs), gs[j].id);
        all_room += gs[j].disjoint ? *gs[j].room : INFINITY;
    }
    int each = (size_t)f->n_callees * n_gs <= MAX_PLACEMENT_WORK;
    for (uint32_t k = 0; k < f->n_callees; k++) {
        pv_gedge *e = &g->callees[f->callees_at + k];
        if (e->host != PV_GROUP_ANY)
            continue;
        if (!each) {
            e->wsum = all_avail;
            e->rsum = all_room;
            e->nsum = all_calls;
            continue;
        }
        e->wsum = e->rsum = e->nsum = 0.0;
        for (size_t j = 0; j < n_gs; j++)
            if (pv_graph_edge_in_group(g, f->callees_at + k, gs[j].id) &&
                !self_group(g, e, gs[j].id)) {
                e->wsum += *gs[j].avail;
                e->nsum += pv_graph_group_calls(g, (uint32_t)(f - g->funcs), gs[j].id);
                e->rsum += gs[j].disjoint ? *gs[j].room : INFINITY;
            }
    }
}

void pv_graph_place_calls(pv_graph *g)
{
    init_groups(g);
    group *gs = NULL;
    size_t cap_gs = 0;
    uint32_t *pieces = NULL;
    size_t cap_pieces = 0;
    for (size_t i = 0; i < g->n_funcs; i++) {
        pv_gfunc *f = &g->funcs[i];
        if (f->n_callees == 0)
            continue;
        size_t n_gs = 0;
        gs = pv_xgrow(gs, &cap_gs, f->n_callers + 1, sizeof *gs);
        for (uint32_t k = 0; k < f->n_callers; k++) {
            pv_gedge *e = &g->callers[f->callers_at + k];
            gs[n_gs++] = (group){f->callers_at + k, e->disjoint, &e->room, &e->avail};
        }
        if (f->top_nc > 0 || f->is_top)
            gs[n_gs++] = (group){PV_GROUP_TOP, 1, &f->top_room, &f->top_avail};
        if (n_gs == 1) {
            for (uint32_t k = 0; k < f->n_callees; k++)
                g->callees[f->callees_at + k].host = gs[0].id;
        } else if (n_gs > 1) {
            pieces = pv_xgrow(pieces, &cap_pieces, f->n_callees, sizeof *pieces);
            place_pieces(g, f, gs, n_gs, pieces);
            if ((size_t)f->n_callees * n_gs <= MAX_PLACEMENT_WORK)
                for (uint32_t k = 0; k < f->n_callees; k++) {
                    pv_gedge *e = &g->callees[f->callees_at + k];
                    if (e->host == PV_GROUP_ANY && !is_piece(e))
                        e->host = only_candidate(g, f->callees_at + k, gs, n_gs);
                }
        }
        share_out(g, f, gs, n_gs);
    }
    free(gs);
    free(pieces);
}
