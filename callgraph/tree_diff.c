/* tree_diff.c — NEW's view with BASE's figures per call path (tree_diff.h).
 *
 * One BASE view, not one per box: BASE's view is built once at the
 * mapped path, then NEW's boxes are visited in index order (a parent
 * before its children: tree.c builds whole levels), each child looking
 * for its counterpart among the children of its parent's BASE box.  A
 * NEW "(n smaller)" box stands for the children below the cutoff; it
 * takes every BASE child not claimed by an explicit sibling whose
 * function NEW has too (the merged ones are among those), and BASE's own
 * "(n smaller)" box.  BASE children left over are "removed": their
 * function is not in NEW at all, or NEW shows every child of the path
 * and none is theirs.
 *
 * BASE's view uses a cutoff ten times finer than NEW's, so a path that
 * shrank by up to ten times still has a BASE box of its own; what is
 * finer still reads "below", bounded by the BASE box it was merged into.
 * SPDX-License-Identifier: MIT
 */
#include "tree_diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define NO_NODE UINT32_MAX

/* How much finer BASE's cutoff is than NEW's (see the header comment). */
#define BASE_CUTOFF_DIVISOR 10.0

static pv_diff_box absent(void)
{
    return (pv_diff_box){.state = PV_BASE_ABSENT, .base_node = NO_NODE};
}

static pv_diff_box present(const pv_tree_node *b, uint32_t index)
{
    return (pv_diff_box){.state = PV_BASE_PRESENT, .exact = b->exact, .time = b->time,
                         .lo = b->lo, .hi = b->hi, .calls = b->calls, .base_node = index};
}

/* A path BASE's view does not show one by one: within [0, hi], estimated
 * as the share NEW's box has of its parent, applied to `of`. */
static pv_diff_box below(double of, double share, double hi)
{
    double t = of * share;
    if (!(t <= hi))
        t = hi;
    return (pv_diff_box){.state = PV_BASE_BELOW, .time = t, .lo = 0, .hi = hi,
                         .base_node = NO_NODE};
}

/* BASE's id for a NEW box's function (PV_TREE_OVERFLOW maps to itself),
 * or PV_TREE_ROOT when it has none: no BASE box carries that id. */
static int64_t base_func(const pv_match *m, int64_t f)
{
    if (f >= 0)
        return m->to_base[f] == PV_MATCH_NONE ? PV_TREE_ROOT : (int64_t)m->to_base[f];
    return f == PV_TREE_OVERFLOW ? PV_TREE_OVERFLOW : PV_TREE_ROOT;
}

/* Whether BASE box b's function has a counterpart in NEW. */
static bool in_new(const pv_match *m, const pv_tree_node *b)
{
    return b->func >= 0 ? m->to_new[b->func] != PV_MATCH_NONE : b->func == PV_TREE_OVERFLOW;
}

typedef struct walker {
    const pv_match *m;
    const pv_tree *nt, *bt;
    pv_diff_box *boxes;
    bool *claimed;          /* per BASE box: a NEW box took it */
    uint8_t *gone;          /* pv_tree_diff.gone */
} walker;

/* BASE's figure for NEW's "(n smaller)" box below BASE box bp. */
static pv_diff_box smaller_figure(walker *w, const pv_tree_node *bp)
{
    pv_diff_box d = {.state = PV_BASE_PRESENT, .exact = 1, .base_node = NO_NODE};
    bool any = false;
    for (uint32_t k = 0; k < bp->n_children; k++) {
        uint32_t bi = bp->first_child + k;
        const pv_tree_node *b = &w->bt->nodes[bi];
        if (w->claimed[bi] || (b->func != PV_TREE_SMALLER && !in_new(w->m, b)))
            continue;
        w->claimed[bi] = true;
        any = true;
        d.time += b->time;
        d.lo += b->lo;
        d.hi += b->hi;
        d.calls += b->calls;
        d.exact &= b->exact;
    }
    return any ? d : absent();
}

/* BASE's figure for NEW box c, a child of NEW box n whose BASE box is bp. */
static pv_diff_box child_figure(walker *w, const pv_tree_node *n, const pv_tree_node *c,
                                const pv_tree_node *bp)
{
    int64_t want = base_func(w->m, c->func);
    const pv_tree_node *merged = NULL;
    for (uint32_t k = 0; k < bp->n_children; k++) {
        uint32_t bi = bp->first_child + k;
        const pv_tree_node *b = &w->bt->nodes[bi];
        if (b->func == want && !w->claimed[bi]) {
            w->claimed[bi] = true;
            return present(b, bi);
        }
        if (b->func == PV_TREE_SMALLER)
            merged = b;
    }
    double share = n->time > 0 ? c->time / n->time : 0;
    if (want == PV_TREE_ROOT)
        return absent();
    if (merged)
        return below(bp->time, share, merged->hi < bp->hi ? merged->hi : bp->hi);
    if (bp->more && bp->n_children == 0)
        return below(bp->time, share, bp->hi);
    return absent();
}

/* Fills the figures of node i's children, then i's removed work. */
static void visit(walker *w, uint32_t i)
{
    const pv_tree_node *n = &w->nt->nodes[i];
    const pv_diff_box *dn = &w->boxes[i];
    const pv_tree_node *bp = dn->base_node != NO_NODE ? &w->bt->nodes[dn->base_node] : NULL;
    bool has_smaller = false;
    for (uint32_t k = 0; k < n->n_children; k++) {
        uint32_t ci = n->first_child + k;
        const pv_tree_node *c = &w->nt->nodes[ci];
        pv_diff_box *dc = &w->boxes[ci];
        if (dn->state == PV_BASE_ABSENT) {
            *dc = absent();
        } else if (dn->state == PV_BASE_BELOW) {
            *dc = below(dn->time, n->time > 0 ? c->time / n->time : 0, dn->hi);
        } else if (c->func == PV_TREE_SMALLER) {
            has_smaller = true;
            *dc = smaller_figure(w, bp);
        } else {
            *dc = child_figure(w, n, c, bp);
        }
    }
    /* A NEW box cut short by its view's limits shows no children: nothing
     * can be said to be missing below it. */
    if (!bp || (n->more && n->n_children == 0))
        return;
    for (uint32_t k = 0; k < bp->n_children; k++) {
        uint32_t bi = bp->first_child + k;
        const pv_tree_node *b = &w->bt->nodes[bi];
        if (w->claimed[bi] || b->func == PV_TREE_SMALLER || (has_smaller && in_new(w->m, b)))
            continue;
        w->boxes[i].n_removed++;
        w->boxes[i].removed_time += b->time;
        w->gone[bi] = 1;
    }
}

/* The BASE path of NEW's path: how many leading steps have a counterpart. */
static size_t map_path(const pv_match *m, const uint32_t *path, size_t path_len, uint32_t *out)
{
    for (size_t i = 0; i < path_len; i++) {
        if (m->to_base[path[i]] == PV_MATCH_NONE)
            return i;
        out[i] = m->to_base[path[i]];
    }
    return path_len;
}

/* The path boxes when BASE lacks the whole path: its longest prefix
 * that exists (a prefix of a path that exists exists: bisection). */
static void partial_path(const pv_graph *base, const uint32_t *bpath, size_t mapped,
                         pv_diff_box *out, size_t path_len)
{
    size_t lo = 0, hi = mapped;
    pv_tree t = {0};
    pv_err err;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        pv_tree probe;
        if (pv_tree_build(base, bpath, mid, 0, 1.0, &probe, &err) == PV_OK) {
            pv_tree_release(&t);
            t = probe;
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    for (size_t i = 0; i < path_len; i++)
        out[i] = i < lo ? present(&t.path[i], NO_NODE) : absent();
    pv_tree_release(&t);
}

int pv_tree_diff_build(const pv_graph *base, const pv_match *m,
                       const pv_tree *nt, const uint32_t *path, size_t path_len, unsigned depth,
                       double cutoff, const pv_tree_limits *limits, pv_tree_diff *out,
                       pv_err *err)
{
    memset(out, 0, sizeof *out);
    out->base_total = base->recorded ? base->rec_time : base->total_tt;
    uint32_t *bpath = pv_xmalloc((path_len ? path_len : 1) * sizeof *bpath);
    size_t mapped = map_path(m, path, path_len, bpath);
    int rc = PV_E_NOTFOUND;
    if (mapped == path_len)
        rc = pv_tree_build_limited(base, bpath, path_len, depth, cutoff / BASE_CUTOFF_DIVISOR,
                                   limits, &out->base, err);
    if (rc != PV_OK && rc != PV_E_NOTFOUND) {
        free(bpath);
        return rc;
    }
    out->boxes = pv_xmalloc((nt->n_nodes ? nt->n_nodes : 1) * sizeof *out->boxes);
    out->path = pv_xmalloc((path_len ? path_len : 1) * sizeof *out->path);
    if (rc == PV_OK) {
        for (size_t i = 0; i < path_len; i++)
            out->path[i] = present(&out->base.path[i], NO_NODE);
        out->boxes[0] = present(&out->base.nodes[0], 0);
    } else {
        partial_path(base, bpath, mapped, out->path, path_len);
        out->boxes[0] = absent();
    }
    free(bpath);
    out->gone = pv_xcalloc(out->base.n_nodes ? out->base.n_nodes : 1, 1);
    walker w = {m, nt, &out->base, out->boxes,
                pv_xcalloc(out->base.n_nodes ? out->base.n_nodes : 1, sizeof(bool)), out->gone};
    for (uint32_t i = 0; i < nt->n_nodes; i++)
        visit(&w, i);
    free(w.claimed);
    if (path_len)
        out->path[path_len - 1] = out->boxes[0];
    return PV_OK;
}

void pv_tree_diff_release(pv_tree_diff *d)
{
    free(d->boxes);
    free(d->path);
    free(d->gone);
    pv_tree_release(&d->base);
    memset(d, 0, sizeof *d);
}

const char *pv_base_state_name(pv_base_state s)
{
    switch (s) {
    case PV_BASE_PRESENT: return "present";
    case PV_BASE_ABSENT: return "absent";
    default: return "below";
    }
}
