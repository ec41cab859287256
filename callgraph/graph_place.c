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
 * out among the groups that may make it (pv_graph_edge_share: by what they
 * have left, avail, and by their calls) and bounded by their room.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "graph_internal.h"
#include "xalloc.h"

/* Work allowed per function: pieces x groups x passes.  A hub with
 * thousands of callers and callees is left to sharing. */
#define MAX_PLACEMENT_WORK 4000000u
#define MAX_PASSES 8

double pv_graph_group_room(const pv_graph *g, uint32_t f, uint32_t grp)
{
    return grp == PV_GROUP_TOP ? g->funcs[f].top_room : g->groups[grp].room;
}

double pv_graph_group_avail(const pv_graph *g, uint32_t f, uint32_t grp)
{
    return grp == PV_GROUP_TOP ? g->funcs[f].top_avail : g->groups[grp].avail;
}

double pv_graph_group_calls(const pv_graph *g, uint32_t f, uint32_t grp)
{
    return (double)(grp == PV_GROUP_TOP ? g->funcs[f].top_nc : g->callers[grp].nc);
}

static bool is_piece(const pv_gedge *e)
{
    return e->nc == 1 && !e->is_count;
}

int pv_graph_edge_in_group(const pv_graph *g, uint32_t ei, uint32_t grp)
{
    const pv_gedge *e = &g->callees[ei];
    if (g->place[ei].host != PV_GROUP_ANY)
        return g->place[ei].host == grp;
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
    const pv_gplace *pl = &g->place[ei];
    if (pl->host != PV_GROUP_ANY)
        return pl->host == grp;
    uint32_t f = g->callers[g->callees[ei].twin].other;
    double by_time = pl->wsum > 0 ? pv_graph_group_avail(g, f, grp) / pl->wsum : 0.0;
    double by_calls = pl->nsum > 0 ? pv_graph_group_calls(g, f, grp) / pl->nsum : 0.0;
    return 0.5 * (by_time + by_calls);
}

/* Room and avail of every group before any placement. */
static void init_groups(pv_graph *g)
{
    size_t n = g->n_edges ? g->n_edges : 1;
    g->groups = pv_xmalloc(n * sizeof *g->groups);
    g->place = pv_xmalloc(n * sizeof *g->place);
    for (size_t k = 0; k < g->n_edges; k++)
        g->place[k] = (pv_gplace){.host = PV_GROUP_ANY};
    for (size_t i = 0; i < g->n_funcs; i++) {
        const pv_gfunc *callee = &g->funcs[i];
        for (uint32_t k = callee->callers_at; k < callee->callers_at + callee->n_callers; k++) {
            const pv_gedge *e = &g->callers[k];
            pv_ggroup *gr = &g->groups[k];
            double children = fmax(0.0, e->ct - e->tt);
            /* Nested calls: tt holds the own time of all of them, ct the
             * time of the outermost ones only; their share of tt is by
             * calls. */
            gr->avail = e->disjoint || e->nc <= 0 ? children
                        : fmax(0.0, e->ct - e->tt * (double)e->cc / (double)e->nc);
            /* Nested calls: one call's children fit in the edge's ct; a
             * bare count bounds nothing but by the callee's whole ct; an
             * own time known only within bounds leaves room for the most
             * children it allows. */
            gr->room = e->is_count   ? pv_finite_or_zero(callee->ct)
                       : e->disjoint ? fmax(0.0, e->ct - e->own_lo)
                                     : e->ct;
        }
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
            const pv_gedge *e = &g->callees[pieces[k]];
            if (g->place[pieces[k]].host != PV_GROUP_ANY)
                continue;
            uint32_t host = only_candidate(g, pieces[k], gs, n_gs);
            if (host == PV_GROUP_ANY)
                continue;
            g->place[pieces[k]].host = host;
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

/* Sums over the groups that may make an edge's calls. */
typedef struct sums {
    double avail, calls, room;
    size_t n;
    uint32_t only;  /* the group, when n == 1 */
} sums;

static void add_group(sums *s, const pv_graph *g, const pv_gfunc *f, const group *gr)
{
    s->avail += *gr->avail;
    s->calls += pv_graph_group_calls(g, (uint32_t)(f - g->funcs), gr->id);
    s->room += gr->disjoint ? *gr->room : INFINITY;
    s->only = gr->id;
    s->n++;
}

/* A self-call F->F made by an F that F called runs inside another F->F
 * call, so none of ct(F->F) is that group's: it shares none of it. */
static int self_group(const pv_graph *g, const pv_gedge *e, uint32_t grp)
{
    return grp != PV_GROUP_TOP && g->callers[e->twin].other == e->other &&
           g->callers[grp].other == e->other;
}

/* Hosts of the edges of several calls that one group alone has room for,
 * and for each edge without a host the sums over the groups that may make
 * its calls: of avail and calls (wsum, nsum: to share the edge by) and of
 * room (rsum, INFINITY when one of them nests: what the others can hold,
 * for a lower bound).  Every group with room may make an edge of several
 * calls, so those sums are the same for all of them but a self-call's;
 * a piece's depend on its size. */
static void share_out(pv_graph *g, const pv_gfunc *f, const group *gs, size_t n_gs)
{
    sums roomy = {0}, all = {0};
    for (size_t j = 0; j < n_gs; j++) {
        add_group(&all, g, f, &gs[j]);
        if (*gs[j].room > g->eps)
            add_group(&roomy, g, f, &gs[j]);
    }
    int each = (size_t)f->n_callees * n_gs <= MAX_PLACEMENT_WORK;
    for (uint32_t k = 0; k < f->n_callees; k++) {
        uint32_t ei = f->callees_at + k;
        const pv_gedge *e = &g->callees[ei];
        pv_gplace *pl = &g->place[ei];
        if (pl->host != PV_GROUP_ANY)
            continue;
        sums s = {0};
        if (!each || e->ct <= g->eps) {
            s = all;
        } else if (!is_piece(e) && e->other != (uint32_t)(f - g->funcs)) {
            s = roomy;
            if (s.n == 1) {
                pl->host = s.only;
                continue;
            }
        } else {
            for (size_t j = 0; j < n_gs; j++)
                if (pv_graph_edge_in_group(g, ei, gs[j].id) && !self_group(g, e, gs[j].id))
                    add_group(&s, g, f, &gs[j]);
        }
        pl->wsum = s.avail;
        pl->nsum = s.calls;
        pl->rsum = s.room;
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
            uint32_t at = f->callers_at + k;
            gs[n_gs++] = (group){at, g->callers[at].disjoint, &g->groups[at].room,
                                 &g->groups[at].avail};
        }
        if (f->top_nc > 0 || f->is_top)
            gs[n_gs++] = (group){PV_GROUP_TOP, 1, &f->top_room, &f->top_avail};
        if (n_gs == 1) {
            for (uint32_t k = 0; k < f->n_callees; k++)
                g->place[f->callees_at + k].host = gs[0].id;
        } else if (n_gs > 1) {
            pieces = pv_xgrow(pieces, &cap_pieces, f->n_callees, sizeof *pieces);
            place_pieces(g, f, gs, n_gs, pieces);
        }
        share_out(g, f, gs, n_gs);
    }
    free(gs);
    free(pieces);
}
