/* tree.c — honest call trees from a pstats call graph.
 *
 * A box B is a call path ending in a function F; it holds activations of
 * one group of F (graph.h: those called by the box above), all of them
 * when `whole`.  Its children are the callee edges F->C whose calls that
 * group can make (pv_graph_edge_in_group).  For the box of C below B:
 *
 *   whole   B holds all of its group's activations, the group makes every
 *           call of F->C (graph_place.c), and those never nest: the box
 *           holds every F->C call, worth exactly ct(F->C) and nc calls.
 *   hi      its time is at most B's, at most ct(F->C) unless the pair F->C
 *           is already on the path (ct counts a call only when no F->C
 *           call encloses it; the calls of this box have none above them
 *           then), and at most the room the group has for children.
 *   lo      the group's calls of F->C take at least x_lo (ct(F->C) when it
 *           makes all of them, else what the other groups have no room
 *           for); B's share of them is at least x_lo less the time of the
 *           group's activations outside B, when those never nest.
 *   pieces  a single call (nc = 1) is all in one box: 0 or ct, nothing in
 *           between, so a lower bound above 0 makes it exact and an upper
 *           bound below ct makes it 0.
 *   sibling the children add up to B's time less B's own time (known
 *           for a whole box: the group's tt, or its bounds when the file
 *           gives none), so each child is bounded by the others' bounds.
 *
 * Estimates: the edge's time shared among the groups that may make it
 * (pv_graph_edge_share), times B's share of its group, or below a pair
 * already on the path, B's time times what the pair's deepest box took of
 * its parent (a recursion repeats itself); then scaled,
 * within their bounds, so that the children fill B less its estimated own
 * time.  The top level (below a synthetic root worth total_tt) comes from
 * graph_top.c.  Children below `cutoff` x the view root's time are merged
 * into one "(n smaller)" box per parent, so widths always add up.
 * SPDX-License-Identifier: MIT
 */
#include "tree.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "tree_recorded.h"
#include "tree_views.h"
#include "xalloc.h"

#define NO_NODE UINT32_MAX

typedef struct builder {
    const pv_graph *g;
    pv_tree_node *nodes;
    size_t n_nodes, cap_nodes;
    /* Caller->callee pairs on the path above the view root, by key. */
    struct path_pair *pairs;
    size_t n_pairs, cap_pairs;
    unsigned depth;         /* levels to show below the view root */
    double min_time;        /* children below this are merged, s */
    size_t max_boxes, max_bytes;  /* pv_tree_limits, 0 resolved */
    double deadline_ms;
    size_t bytes;           /* estimated JSON of the nodes so far */
    pv_tree_view view;      /* which tree (tree.h); fn: the sandwich's function */
    uint32_t fn;
    pv_view_members members;  /* a recorded view's boxes' nodes (tree_views.h) */
} builder;

/* Where a caller->callee pair was seen on the path: how often, and at
 * its deepest occurrence what the callee's box took of the caller's, in
 * time and in calls (recursion repeats itself: the estimate of the next
 * level). */
typedef struct path_pair {
    uint64_t key;
    unsigned count;
    double time_ratio, calls_ratio;
} path_pair;

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static double ratio(double part, double whole)
{
    return whole > 0 ? fmin(1.0, part / whole) : 0.0;
}

static uint64_t pair_key(uint32_t f, uint32_t c)
{
    return (uint64_t)f << 32 | c;
}

static size_t pair_rank(const builder *b, uint64_t key)
{
    size_t lo = 0, hi = b->n_pairs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->pairs[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Records the step from box `from` to box `to` of the path walked. */
static void add_pair(builder *b, const pv_tree_node *from, const pv_tree_node *to)
{
    uint64_t key = pair_key((uint32_t)from->func, (uint32_t)to->func);
    size_t at = pair_rank(b, key);
    if (at == b->n_pairs || b->pairs[at].key != key) {
        b->pairs = pv_xgrow(b->pairs, &b->cap_pairs, b->n_pairs + 1, sizeof *b->pairs);
        memmove(b->pairs + at + 1, b->pairs + at, (b->n_pairs - at) * sizeof *b->pairs);
        b->pairs[at] = (path_pair){.key = key};
        b->n_pairs++;
    }
    b->pairs[at].count++;
    b->pairs[at].time_ratio = ratio(to->time, from->time);
    b->pairs[at].calls_ratio = from->calls > 0 ? to->calls / from->calls : 0.0;
}

/* How often F called C on the path down to box `at` (NO_NODE: the box
 * being walked to, whose pairs are all in b->pairs), with the ratios of
 * the deepest time. */
static path_pair pair_on_path(const builder *b, uint32_t at, uint32_t f, uint32_t c)
{
    path_pair found = {0};
    for (uint32_t m = at; m != NO_NODE && b->nodes[m].parent != NO_NODE; m = b->nodes[m].parent) {
        const pv_tree_node *up = &b->nodes[b->nodes[m].parent], *down = &b->nodes[m];
        if (up->func != f || down->func != c)
            continue;
        if (found.count++ == 0) {
            found.time_ratio = ratio(down->time, up->time);
            found.calls_ratio = up->calls > 0 ? down->calls / up->calls : 0.0;
        }
    }
    uint64_t key = pair_key(f, c);
    size_t r = pair_rank(b, key);
    if (r < b->n_pairs && b->pairs[r].key == key) {
        if (found.count == 0) {
            found.time_ratio = b->pairs[r].time_ratio;
            found.calls_ratio = b->pairs[r].calls_ratio;
        }
        found.count += b->pairs[r].count;
    }
    return found;
}

static bool is_piece(const pv_gedge *e)
{
    return e->nc == 1 && !e->is_count;
}

/* The group's figures: the time its activations took (estimate and upper
 * bound), their own time, whether they never nest. */
typedef struct group_figures {
    double time, hi, own, calls;
    double own_lo, own_hi;  /* what is proven of own */
    int disjoint;
} group_figures;

static group_figures figures(const pv_graph *g, uint32_t f, uint32_t grp)
{
    if (grp == PV_GROUP_TOP) {
        const pv_gfunc *gf = &g->funcs[f];
        return (group_figures){gf->top_time, gf->top_hi, gf->top_own, (double)gf->top_nc,
                               gf->top_own, gf->top_own, 1};
    }
    const pv_gedge *e = &g->callers[grp];
    if (e->is_count) {
        /* A bare count says nothing of the group's own time: anything up
         * to the function's own time in all. */
        double tt = isfinite(g->funcs[f].tt) ? fmax(0.0, g->funcs[f].tt) : 0.0;
        return (group_figures){e->ct, e->ct, 0.0, (double)e->nc, 0.0, tt, e->disjoint};
    }
    return (group_figures){e->ct, e->ct, e->tt, (double)e->nc, e->own_lo, e->own_hi, e->disjoint};
}

/* The share of its group a box holds: by time when the group's calls
 * never nest (its time is then theirs), else by calls (ct counts only the
 * outermost of nested calls). */
static double share_of_group(const pv_tree_node *p, const group_figures *gf)
{
    if (p->whole)
        return 1.0;
    return gf->disjoint ? ratio(p->time, gf->time) : ratio(p->calls, gf->calls);
}

/* A single call's box is worth all of it or nothing; `room` is the
 * parent's drawn time, which a call snapped whole must fit in. */
static void snap_piece(const pv_graph *g, pv_tree_node *c, double size, double room)
{
    if (c->hi + g->eps < size) {
        c->lo = c->hi = c->time = c->calls = 0.0;
        c->calls_exact = 1;
    } else if (c->lo > g->eps && size <= room + g->eps) {
        c->lo = c->hi = c->time = size;
        c->calls = 1.0;
        c->calls_exact = 1;
    }
}

void pv_tree_settle(const pv_graph *g, pv_tree_node *c)
{
    c->lo = fmin(c->lo, c->hi);
    c->time = clamp(c->time, c->lo, c->hi);
    if (c->hi - c->lo <= g->eps) {
        c->exact = 1;
        c->time = c->lo = c->hi;
    }
}

/* The box of callee edge ei below box p (see the rules above). */
static pv_tree_node child_box(const pv_graph *g, const pv_tree_node *p, uint32_t ei,
                              const path_pair *seen)
{
    int repeated = seen->count > 0;
    const pv_gedge *e = &g->callees[ei];
    const pv_gfunc *f = &g->funcs[p->func];
    pv_tree_node c = {.func = e->other, .grp = e->twin};
    if (e->is_count) {
        /* A bare call count says nothing about where time went. */
        double ct = isfinite(f->ct) ? f->ct : 0.0, share = ct > 0 ? p->time / ct : 0.0;
        c.hi = fmin(isfinite(g->funcs[e->other].ct) ? g->funcs[e->other].ct : 0.0, p->hi);
        c.time = e->ct * share;
        c.calls = (double)e->nc * share;
        pv_tree_settle(g, &c);
        return c;
    }
    if ((int64_t)seen->count > e->nc - e->cc) {
        /* Each F->C call below k others is inside k F->C calls, k - 1 of
         * them nested too: the file has too few nested calls for one. */
        c.calls_exact = 1;
        pv_tree_settle(g, &c);
        return c;
    }
    const pv_gplace *pl = &g->place[ei];
    int here = pl->host == p->grp;
    /* (An edge worth more than the box it is made in only comes from
     * figures that contradict each other: derived like any other.) */
    if (p->whole && here && e->disjoint && e->ct <= p->time + g->eps) {
        c.time = c.lo = c.hi = e->ct;
        c.calls = (double)e->nc;
        c.exact = c.calls_exact = c.whole = 1;
        return c;
    }
    group_figures gf = figures(g, (uint32_t)p->func, p->grp);
    double room = pv_graph_group_room(g, (uint32_t)p->func, p->grp) +
                  (here && is_piece(e) ? e->ct : 0.0);
    double x_lo = here ? e->ct
                  : e->disjoint && gf.disjoint ? fmax(0.0, e->ct - (pl->rsum - room)) : 0.0;
    c.hi = fmin(p->hi, repeated ? INFINITY : e->ct);
    if (gf.disjoint)
        c.hi = fmin(c.hi, room);
    c.lo = gf.disjoint ? fmax(0.0, x_lo - (gf.hi - p->lo)) : 0.0;
    if (repeated) {
        c.time = p->time * seen->time_ratio;
        c.calls = p->calls * seen->calls_ratio;
    } else {
        /* With the pair not above it, the box's calls are among those
         * not inside another F->C call: ct's calls, cc of them. */
        double share = pv_graph_edge_share(g, ei, p->grp), phi = share_of_group(p, &gf);
        c.time = e->ct * share * phi;
        c.calls = (double)e->cc * share * phi;
    }
    /* Drawn inside its parent (see fit_siblings). */
    c.lo = fmin(c.lo, p->time);
    if (is_piece(e))
        snap_piece(g, &c, e->ct, p->time);
    pv_tree_settle(g, &c);
    return c;
}

static pv_tree_node top_box(const pv_graph *g, uint32_t f)
{
    const pv_gfunc *gf = &g->funcs[f];
    return (pv_tree_node){.func = f, .time = gf->top_time, .lo = gf->top_lo, .hi = gf->top_hi,
                          .calls = (double)gf->top_nc, .exact = gf->top_exact,
                          .calls_exact = 1, .whole = 1, .grp = PV_GROUP_TOP};
}

/* Each child is bounded by the others: together they hold B's time less
 * B's own time, which is within [own_lo, own_g].  Then the estimates are
 * scaled, within their bounds, to fill B less its estimated own time. */
static void fit_siblings(const pv_graph *g, const pv_tree_node *p, pv_tree_node *kids, size_t n)
{
    group_figures gf = figures(g, (uint32_t)p->func, p->grp);
    double own_lo = p->whole ? gf.own_lo : 0.0, own_hi = gf.own_hi;
    double sum_lo = 0.0, sum_hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum_lo += kids[i].lo;
        sum_hi += kids[i].hi;
    }
    double kids_lo = fmax(0.0, p->lo - own_hi), kids_hi = p->hi - own_lo;
    for (size_t i = 0; i < n; i++) {
        pv_tree_node *c = &kids[i];
        if (c->exact)
            continue;
        double lo = fmax(c->lo, kids_lo - (sum_hi - c->hi));
        double hi = fmin(c->hi, kids_hi - (sum_lo - c->lo));
        /* A lower bound past the upper one only comes from figures that
         * contradict each other (yappi's, callgrind's over-counts): the
         * upper bound is the one the box's own edge proves. */
        c->hi = fmax(0.0, hi);
        /* Drawn inside its parent: a lower bound past the parent's
         * estimate is weakened to it (still a lower bound), and a single
         * call bigger than that estimate is not snapped whole. */
        c->lo = fmin(fmin(fmax(0.0, lo), c->hi), p->time);
        const pv_gedge *e = &g->callers[c->grp];
        if (is_piece(e))
            snap_piece(g, c, e->ct, p->time);
        pv_tree_settle(g, c);
    }
    double phi = share_of_group(p, &gf);
    double exact = 0.0, est = 0.0;
    for (size_t i = 0; i < n; i++)
        exact += kids[i].exact ? kids[i].time : 0.0;
    if (exact > p->time + g->eps) {
        /* Edges that add up to more than the box they are made in (a
         * generator's calls can make cProfile's figures disagree): no
         * longer proven, only bounded by their edges. */
        for (size_t i = 0; i < n; i++) {
            kids[i].lo = 0.0;
            kids[i].exact = kids[i].calls_exact = kids[i].whole = 0;
        }
        exact = 0.0;
    }
    for (size_t i = 0; i < n; i++)
        est += kids[i].exact ? 0.0 : kids[i].time;
    double want = fmax(0.0, p->time - gf.own * phi) - exact;
    if (est <= 0.0)
        return;
    double scale = fmax(0.0, want) / est, fitted = 0.0;
    for (size_t i = 0; i < n; i++) {
        pv_tree_node *c = &kids[i];
        if (c->exact)
            continue;
        double t = clamp(c->time * scale, c->lo, c->hi);
        c->calls *= c->time > 0 ? t / c->time : 1.0;
        c->time = t;
        fitted += t;
    }
    /* Lower bounds each weakened to the parent's estimate can still add
     * up past it: weakened further, so the children fit in their box. */
    double room = fmax(0.0, p->time - exact);
    if (fitted <= room)
        return;
    for (size_t i = 0; i < n; i++) {
        pv_tree_node *c = &kids[i];
        if (c->exact)
            continue;
        c->calls *= room / fitted;
        c->time *= room / fitted;
        c->lo = fmin(c->lo, c->time);
    }
}

static int by_time_desc(const void *a, const void *b)
{
    const pv_tree_node *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? 1 : -1;
    return (x->func > y->func) - (x->func < y->func);
}

/* Every child box of p (index `at` in b->nodes, or NO_NODE for a step of
 * the path being walked), by time descending, in a malloc'd array (*n of
 * them); *sum is their total time. */
static pv_tree_node *child_boxes(builder *b, const pv_tree_node *p, uint32_t at, size_t *n,
                                 double *sum)
{
    const pv_graph *g = b->g;
    pv_tree_node *out;
    *n = 0;
    if (g->recorded && b->view != PV_VIEW_TOP) {
        out = pv_tree_view_recorded_children(g, b->view, b->fn, p, &b->members, n);
        qsort(out, *n, sizeof *out, by_time_desc);
    } else if (g->recorded) {
        out = pv_tree_recorded_children(g, p, n);
        qsort(out, *n, sizeof *out, by_time_desc);
    } else if (b->view == PV_VIEW_INVERTED || b->view == PV_VIEW_CALLERS ||
               (b->view == PV_VIEW_CALLEES && p->grp == PV_GROUP_ANY)) {
        out = pv_tree_view_children(g, b->view, b->fn, p, n);
        qsort(out, *n, sizeof *out, by_time_desc);
    } else if (p->func == PV_TREE_ROOT) {
        out = pv_xmalloc((g->n_tops ? g->n_tops : 1) * sizeof *out);
        for (size_t i = 0; i < g->n_tops; i++)
            out[(*n)++] = top_box(g, g->tops[i]);
    } else {
        const pv_gfunc *f = &g->funcs[p->func];
        out = pv_xmalloc((f->n_callees ? f->n_callees : 1) * sizeof *out);
        for (uint32_t k = 0; k < f->n_callees; k++) {
            uint32_t ei = f->callees_at + k;
            if (!pv_graph_edge_in_group(g, ei, p->grp))
                continue;
            path_pair seen = pair_on_path(b, at, (uint32_t)p->func, g->callees[ei].other);
            out[(*n)++] = child_box(g, p, ei, &seen);
        }
        fit_siblings(g, p, out, *n);
        qsort(out, *n, sizeof *out, by_time_desc);
    }
    *sum = 0.0;
    for (size_t i = 0; i < *n; i++)
        *sum += out[i].time;
    return out;
}

static uint32_t add_node(builder *b, const pv_tree_node *n)
{
    b->nodes = pv_xgrow(b->nodes, &b->cap_nodes, b->n_nodes + 1, sizeof *b->nodes);
    b->nodes[b->n_nodes] = *n;
    b->bytes += PV_TREE_BOX_JSON;
    if (n->func >= 0) {
        const pv_gfunc *f = &b->g->funcs[n->func];
        b->bytes += strlen(f->name) + strlen(f->file);
    }
    return (uint32_t)b->n_nodes++;
}

/* Adds the children of node `at` that the cutoff shows, then one
 * "(n smaller)" box for the rest. */
static void add_children(builder *b, uint32_t at, const pv_tree_node *kids, size_t n)
{
    unsigned level = b->nodes[at].depth + 1;
    size_t shown = 0;
    while (shown < n && kids[shown].time >= b->min_time)
        shown++;
    uint32_t first = (uint32_t)b->n_nodes;
    for (size_t i = 0; i < shown; i++) {
        pv_tree_node c = kids[i];
        c.parent = at;
        c.depth = level;
        add_node(b, &c);
    }
    if (shown < n) {
        pv_tree_node small = {.func = PV_TREE_SMALLER, .n_merged = (uint32_t)(n - shown),
                              .depth = level, .parent = at, .more = 1};
        for (size_t i = shown; i < n; i++) {
            small.time += kids[i].time;
            small.lo += kids[i].lo;
            small.hi += kids[i].hi;
            small.calls += kids[i].calls;
        }
        small.self = small.time;
        /* Recorded boxes are all exact, so is what they add up to. */
        small.exact = small.calls_exact = b->g->recorded;
        add_node(b, &small);
    }
    b->nodes[at].first_child = first;
    b->nodes[at].n_children = (uint32_t)(b->n_nodes - first);
}

/* The limit the nodes so far pass (PV_TREE_CAP_*), or PV_TREE_FULL. */
static int over_limit(const builder *b)
{
    if (b->n_nodes > b->max_boxes)
        return PV_TREE_CAP_BOXES;
    if (b->max_bytes && b->bytes > b->max_bytes)
        return PV_TREE_CAP_BYTES;
    return PV_TREE_FULL;
}

/* Makes nodes[start .. end) the deepest level: their children are left
 * out, and `more` says they have some. */
static void cut_below(builder *b, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++) {
        pv_tree_node *node = &b->nodes[i];
        node->more |= node->n_children > 0;
        node->n_children = node->first_child = 0;
    }
}

/* How often (boxes expanded) the clock is read: a box takes about a
 * microsecond, the clock tens of nanoseconds. */
#define CLOCK_EVERY 64

/* Builds the view level by level, so that when a limit stops it, every
 * level shown is complete.  A box's `self` needs its children's times,
 * so level L is finished only once its boxes' children were made: the
 * box and byte limits drop level L+1 and keep L, the clock (which may
 * run out in the middle of L) drops L and keeps L-1, never the first. */
static void expand(builder *b, pv_tree *out)
{
    size_t above_start = 0, level_start = 0, level_end = 1, level_bytes = 0;
    for (unsigned level = 0;; level++) {
        size_t mark = b->n_nodes, bytes_mark = b->bytes;
        int last = level >= b->depth, over = PV_TREE_FULL;
        for (size_t i = level_start; i < level_end; i++) {
            if (level >= 2 && b->deadline_ms > 0 && (i - level_start) % CLOCK_EVERY == 0 &&
                pv_now_ms() > b->deadline_ms) {
                b->n_nodes = level_start;
                b->bytes = level_bytes;
                cut_below(b, above_start, level_start);
                out->capped = PV_TREE_CAP_TIME;
                out->shown_depth = level - 1;
                return;
            }
            if (b->nodes[i].func == PV_TREE_SMALLER)
                continue;
            size_t n;
            double sum;
            pv_tree_node *kids = child_boxes(b, &b->nodes[i], (uint32_t)i, &n, &sum);
            /* A recorded box knows its own time (tree_recorded.c); a
             * recorded view's box is the sum of its members' children. */
            if (!b->g->recorded || b->nodes[i].func < 0 || b->view != PV_VIEW_TOP)
                b->nodes[i].self = fmax(0.0, b->nodes[i].time - sum);
            if (last || over) {
                b->nodes[i].more = n > 0;
            } else {
                add_children(b, (uint32_t)i, kids, n);
                over = over_limit(b);
            }
            free(kids);
        }
        if (over) {
            b->n_nodes = mark;
            b->bytes = bytes_mark;
            cut_below(b, level_start, level_end);
            out->capped = (uint8_t)over;
            out->shown_depth = level;
            return;
        }
        out->shown_depth = level;
        if (last || b->n_nodes == mark)
            return;
        above_start = level_start;
        level_start = mark;
        level_end = b->n_nodes;
        level_bytes = bytes_mark;
    }
}

/* Walks the path from the top, giving each step its box as the view
 * from above shows it; PV_E_NOTFOUND when a step is not a child box. */
static int walk_path(builder *b, const uint32_t *path, size_t path_len, pv_tree_node *box,
                     pv_tree_node *steps, pv_err *err)
{
    const pv_graph *g = b->g;
    for (size_t i = 0; i < path_len; i++) {
        uint32_t id = path[i];
        if (id >= g->n_funcs)
            return pv_err_set(err, PV_E_NOTFOUND, "path step %zu: no function %u", i, id);
        size_t n;
        double sum;
        pv_tree_node *kids = child_boxes(b, box, NO_NODE, &n, &sum);
        size_t k = 0;
        while (k < n && kids[k].func != id)
            k++;
        if (k == n) {
            free(kids);
            int up = b->view == PV_VIEW_INVERTED || b->view == PV_VIEW_CALLERS;
            return pv_err_set(err, PV_E_NOTFOUND, "path step %zu: function %u is not %s", i, id,
                              up && (i || box->func >= 0) ? "a caller of the step before"
                              : up ? "a function with own time"
                              : i || box->func >= 0 ? "called by the step before"
                                                    : "at the top level");
        }
        if (box->func >= 0)
            add_pair(b, box, &kids[k]);
        *box = kids[k];
        free(kids);
        steps[i] = *box;
    }
    return PV_OK;
}

/* The synthetic root above the top level: the profile's total_tt. */
static pv_tree_node inferred_root(const pv_graph *g)
{
    pv_tree_node box = {.func = PV_TREE_ROOT, .time = g->total_tt, .lo = g->total_tt,
                        .hi = g->total_tt, .exact = 1, .calls_exact = 1, .whole = 1};
    for (size_t i = 0; i < g->n_tops; i++)
        box.calls += (double)g->funcs[g->tops[i]].top_nc;
    return box;
}

int pv_tree_build(const pv_graph *g, const uint32_t *path, size_t path_len, unsigned depth,
                  double cutoff, pv_tree *out, pv_err *err)
{
    return pv_tree_build_limited(g, path, path_len, depth, cutoff, NULL, out, err);
}

int pv_tree_build_limited(const pv_graph *g, const uint32_t *path, size_t path_len,
                          unsigned depth, double cutoff, const pv_tree_limits *limits,
                          pv_tree *out, pv_err *err)
{
    return pv_tree_build_view(g, PV_VIEW_TOP, 0, path, path_len, depth, cutoff, limits, out, err);
}

/* The box a view starts from, above its path. */
static pv_tree_node view_start(builder *b)
{
    if (b->view != PV_VIEW_TOP)
        return pv_tree_view_root(b->g, b->view, b->fn, &b->members);
    return b->g->recorded ? pv_tree_recorded_root(b->g) : inferred_root(b->g);
}

int pv_tree_build_view(const pv_graph *g, pv_tree_view view, uint32_t fn, const uint32_t *path,
                       size_t path_len, unsigned depth, double cutoff,
                       const pv_tree_limits *limits, pv_tree *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    int sandwich = view == PV_VIEW_CALLERS || view == PV_VIEW_CALLEES;
    if (sandwich && fn >= g->n_funcs)
        return pv_err_set(err, PV_E_NOTFOUND, "no function %u", fn);
    if (sandwich && path_len && path[0] != fn)
        return pv_err_set(err, PV_E_NOTFOUND, "path step 0: a %s path starts at function %u",
                          view == PV_VIEW_CALLERS ? "callers" : "callees", fn);
    if (depth > PV_TREE_MAX_DEPTH)
        return pv_err_set(err, PV_E_USAGE, "depth %u is more than %d", depth, PV_TREE_MAX_DEPTH);
    if (!(cutoff >= 0.0 && cutoff <= 1.0))
        return pv_err_set(err, PV_E_USAGE, "cutoff must be between 0 and 1");
    if (path_len > PV_TREE_MAX_PATH)
        return pv_err_set(err, PV_E_USAGE, "a path of %zu steps is more than %d", path_len,
                          PV_TREE_MAX_PATH);
    builder b = {.g = g, .depth = depth, .max_boxes = PV_TREE_MAX_NODES, .view = view, .fn = fn};
    if (limits) {
        if (limits->max_boxes && limits->max_boxes < b.max_boxes)
            b.max_boxes = limits->max_boxes;
        b.max_bytes = limits->max_bytes;
        b.deadline_ms = limits->deadline_ms;
    }
    pv_tree_node box = view_start(&b);
    pv_tree_node *steps = pv_xmalloc((path_len ? path_len : 1) * sizeof *steps);
    /* A sandwich's path starts at its root, fn. */
    size_t skip = sandwich && path_len ? 1 : 0;
    if (skip)
        steps[0] = box;
    int rc = walk_path(&b, path + skip, path_len - skip, &box, steps + skip, err);
    if (rc != PV_OK) {
        free(steps);
        free(b.pairs);
        pv_view_members_free(&b.members);
        return rc;
    }
    for (size_t i = 0; i + 1 < path_len; i++)
        b.bytes += PV_TREE_BOX_JSON + strlen(g->funcs[path[i]].name) +
                   strlen(g->funcs[path[i]].file);
    b.min_time = cutoff * box.time;
    box.parent = NO_NODE;
    box.depth = 0;
    add_node(&b, &box);
    expand(&b, out);
    if (path_len)
        steps[path_len - 1] = b.nodes[0];
    free(b.pairs);
    pv_view_members_free(&b.members);
    out->nodes = b.nodes;
    out->n_nodes = b.n_nodes;
    out->json_bytes = b.bytes;
    out->path = steps;
    out->path_len = path_len;
    return PV_OK;
}

void pv_tree_release(pv_tree *t)
{
    free(t->nodes);
    free(t->path);
    free(t->labels);
    memset(t, 0, sizeof *t);
}
