/* xtree.c — the whole tree transforms rewrite, and views cut from it
 * (xtree.h).
 * SPDX-License-Identifier: MIT
 */
#include "xtree.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The cutoffs tried for the whole tree (shares of the total below which
 * boxes are merged, as export/html.c's report does), coarsest first: the
 * finest whose tree fits PV_XTREE_MAX_BOXES to PV_TREE_MAX_DEPTH levels
 * is kept (the coarsest, cut to the levels that fit, when none does).
 * Coarsest first because a build that passes the limit costs as much as
 * the largest that fits: a finer cutoff is not tried when the last two
 * trees' growth says it would pass the limit (on the synthetic 100k
 * profile, finest first built 100k, 100k, then 77k boxes). */
static const double base_cutoffs[] = {1e-4, 1e-5, 1e-6, 0};

pv_xtree_base *pv_xtree_base_build(const pv_graph *g, size_t *bytes)
{
    pv_tree_limits lim = {.max_boxes = PV_XTREE_MAX_BOXES};
    size_t n_cut = sizeof base_cutoffs / sizeof *base_cutoffs, last_n = 0;
    pv_tree t, next;
    double cutoff = base_cutoffs[0];
    /* The whole profile, within the limits: nothing it can refuse. */
    int rc = pv_tree_build_limited(g, NULL, 0, PV_TREE_MAX_DEPTH, cutoff, &lim, &t, NULL);
    assert(rc == PV_OK);
    for (size_t i = 1; i < n_cut && t.capped == PV_TREE_FULL; i++) {
        double growth = last_n ? (double)t.n_nodes / (double)last_n : 1.0;
        if ((double)t.n_nodes * growth > (double)PV_XTREE_MAX_BOXES)
            break;
        rc = pv_tree_build_limited(g, NULL, 0, PV_TREE_MAX_DEPTH, base_cutoffs[i], &lim, &next,
                                   NULL);
        assert(rc == PV_OK);
        if (next.capped != PV_TREE_FULL) {
            pv_tree_release(&next);
            break;
        }
        last_n = t.n_nodes;
        pv_tree_release(&t);
        t = next;
        cutoff = base_cutoffs[i];
    }
    (void)rc;
    *bytes = sizeof(pv_xtree_base) + t.n_nodes * sizeof(pv_tree_node);
    pv_xtree_base *b = pv_xmalloc(*bytes);
    b->n = t.n_nodes;
    b->cutoff = cutoff;
    memcpy(b->nodes, t.nodes, t.n_nodes * sizeof *t.nodes);
    pv_tree_release(&t);
    return b;
}

void pv_xtree_from_base(const pv_xtree_base *base, pv_xtree *out)
{
    memset(out, 0, sizeof *out);
    out->n = out->cap = base->n;
    out->boxes = pv_xcalloc(base->n ? base->n : 1, sizeof *out->boxes);
    for (size_t i = 0; i < base->n; i++)
        out->boxes[i].next = PV_XTREE_NONE;
    for (size_t i = 0; i < base->n; i++) {
        const pv_tree_node *t = &base->nodes[i];
        pv_xbox *b = &out->boxes[i];
        b->func = t->func;
        b->n_merged = t->n_merged;
        b->parent = t->parent;
        b->first = t->n_children ? t->first_child : PV_XTREE_NONE;
        b->time = t->time;
        b->self = t->self;
        b->calls = t->calls;
        b->lo = t->lo;
        b->hi = t->hi;
        b->exact = t->exact;
        b->calls_exact = t->calls_exact;
        b->more = t->more;
        for (uint32_t k = 1; k < t->n_children; k++)
            out->boxes[t->first_child + k - 1].next = t->first_child + k;
    }
    out->root = 0;
}

void pv_xtree_release(pv_xtree *x)
{
    free(x->boxes);
    free(x->labels);
    memset(x, 0, sizeof *x);
}

uint32_t pv_xtree_label(pv_xtree *x, const char *label)
{
    for (size_t at = 0; at < x->labels_len; at += strlen(x->labels + at) + 1)
        if (strcmp(x->labels + at, label) == 0)
            return (uint32_t)at;
    size_t n = strlen(label) + 1;
    x->labels = pv_xgrow(x->labels, &x->labels_cap, x->labels_len + n, 1);
    memcpy(x->labels + x->labels_len, label, n);
    uint32_t at = (uint32_t)x->labels_len;
    x->labels_len += n;
    return at;
}

uint32_t pv_xtree_dissolve(pv_xtree *x, uint32_t prev, uint32_t at)
{
    pv_xbox *b = &x->boxes[at];
    uint32_t p = b->parent;
    /* All of at's time its children do not hold: its self and, when the
     * whole tree left its children out (`more`), theirs. */
    double kids = 0;
    for (uint32_t c = b->first; c != PV_XTREE_NONE; c = x->boxes[c].next)
        kids += x->boxes[c].time;
    x->boxes[p].self += fmax(b->self, b->time - kids);
    x->boxes[p].more |= b->more;
    x->boxes[p].dirty = 1;
    uint32_t after = b->next;
    uint32_t in = b->first != PV_XTREE_NONE ? b->first : after;
    if (b->first != PV_XTREE_NONE) {
        uint32_t last = b->first;
        for (uint32_t c = b->first; c != PV_XTREE_NONE; c = x->boxes[c].next) {
            x->boxes[c].parent = p;
            last = c;
        }
        x->boxes[last].next = after;
    }
    if (prev == PV_XTREE_NONE)
        x->boxes[p].first = in;
    else
        x->boxes[prev].next = in;
    b->parent = b->first = b->next = PV_XTREE_NONE;
    return in;
}

uint32_t pv_xtree_child(const pv_xtree *x, uint32_t at, int64_t func)
{
    for (uint32_t c = x->boxes[at].first; c != PV_XTREE_NONE; c = x->boxes[c].next)
        if (x->boxes[c].func == func)
            return c;
    return PV_XTREE_NONE;
}

/* ---- merging siblings ------------------------------------------------ */

/* What makes two siblings one box: a function, a collapsed package (and
 * who collapsed it), or "(N smaller)". */
typedef struct sib {
    int64_t func;
    uint32_t label, chain, box;
} sib;

static int sib_cmp(const void *a, const void *b)
{
    const sib *x = a, *y = b;
    if (x->func != y->func)
        return x->func < y->func ? -1 : 1;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    if (x->chain != y->chain)
        return x->chain < y->chain ? -1 : 1;
    return x->box < y->box ? -1 : x->box > y->box;
}

void pv_xtree_absorb(pv_xtree *x, uint32_t into, uint32_t from)
{
    pv_xbox *a = &x->boxes[into], *b = &x->boxes[from];
    a->time += b->time;
    a->self += b->self;
    a->calls += b->calls;
    a->lo += b->lo;
    a->hi += b->hi;
    a->n_merged += b->n_merged;
    a->exact &= b->exact;
    a->calls_exact &= b->calls_exact;
    a->more |= b->more;
    a->dirty = 1;
    if (b->first != PV_XTREE_NONE) {
        for (uint32_t c = b->first; c != PV_XTREE_NONE; c = x->boxes[c].next)
            x->boxes[c].parent = into;
        if (a->first == PV_XTREE_NONE) {
            a->first = b->first;
        } else {
            uint32_t last = a->first;
            while (x->boxes[last].next != PV_XTREE_NONE)
                last = x->boxes[last].next;
            x->boxes[last].next = b->first;
        }
    }
    b->parent = b->first = b->next = PV_XTREE_NONE;
}

typedef struct scratch {
    sib *s;
    size_t cap;
} scratch;

static void merge_under(pv_xtree *x, uint32_t at, scratch *sc)
{
    if (!x->boxes[at].dirty) {
        for (uint32_t c = x->boxes[at].first; c != PV_XTREE_NONE; c = x->boxes[c].next)
            merge_under(x, c, sc);
        return;
    }
    x->boxes[at].dirty = 0;
    size_t n = 0;
    for (uint32_t c = x->boxes[at].first; c != PV_XTREE_NONE; c = x->boxes[c].next) {
        sc->s = pv_xgrow(sc->s, &sc->cap, n + 1, sizeof *sc->s);
        const pv_xbox *b = &x->boxes[c];
        sc->s[n++] = (sib){.func = b->func, .label = b->label, .chain = b->chain, .box = c};
    }
    if (n > 1) {
        qsort(sc->s, n, sizeof *sc->s, sib_cmp);
        uint32_t first = PV_XTREE_NONE, prev = PV_XTREE_NONE;
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && sc->s[i - 1].func == sc->s[i].func &&
                sc->s[i - 1].label == sc->s[i].label && sc->s[i - 1].chain == sc->s[i].chain) {
                pv_xtree_absorb(x, prev, sc->s[i].box);
                continue;
            }
            uint32_t c = sc->s[i].box;
            if (prev == PV_XTREE_NONE)
                first = c;
            else
                x->boxes[prev].next = c;
            prev = c;
        }
        x->boxes[prev].next = PV_XTREE_NONE;
        x->boxes[at].first = first;
    }
    for (uint32_t c = x->boxes[at].first; c != PV_XTREE_NONE; c = x->boxes[c].next)
        merge_under(x, c, sc);
}

void pv_xtree_merge_siblings(pv_xtree *x)
{
    scratch sc = {0};
    merge_under(x, x->root, &sc);
    free(sc.s);
}

/* ---- views ----------------------------------------------------------- */

static pv_tree_node to_node(const pv_xtree *x, uint32_t i)
{
    const pv_xbox *b = &x->boxes[i];
    return (pv_tree_node){.func = b->func, .n_merged = b->n_merged, .time = b->time,
                          .self = b->self, .calls = b->calls, .lo = b->lo, .hi = b->hi,
                          .exact = b->exact, .calls_exact = b->calls_exact, .more = b->more,
                          .whole = 1, .node = b->func == PV_TREE_COLLAPSED ? b->label : 0};
}

/* A child being placed: sorted by time, descending; ties by function,
 * so views are stable. */
typedef struct kid {
    double time;
    int64_t func;
    uint32_t box;
} kid;

static int by_time(const void *a, const void *b)
{
    const kid *x = a, *y = b;
    if (x->time != y->time)
        return x->time > y->time ? -1 : 1;
    return x->func < y->func ? -1 : x->func > y->func;
}

/* A view being cut: its nodes and, for each, the box it shows. */
typedef struct cut {
    const pv_xtree *x;
    const pv_graph *g;
    pv_tree_node *nodes;
    uint32_t *src;
    size_t n, cap, bytes;
    kid *kids;
    size_t kids_cap;
    double min_time;
} cut;

static uint32_t add(cut *c, const pv_tree_node *node, uint32_t src)
{
    if (c->n == c->cap) {
        size_t cap = c->cap;
        c->nodes = pv_xgrow(c->nodes, &cap, c->n + 1, sizeof *c->nodes);
        c->src = pv_xrealloc(c->src, cap * sizeof *c->src);
        c->cap = cap;
    }
    c->nodes[c->n] = *node;
    c->src[c->n] = src;
    c->bytes += PV_TREE_BOX_JSON;
    if (node->func >= 0)
        c->bytes += strlen(c->g->funcs[node->func].name) + strlen(c->g->funcs[node->func].file);
    else if (node->func == PV_TREE_COLLAPSED)
        c->bytes += 2 * strlen(c->x->labels + node->node);
    return (uint32_t)c->n++;
}

/* Adds the children of node `at` the cutoff shows, then one "(n
 * smaller)" box for the rest (the whole tree's own included). */
static void add_children(cut *c, uint32_t at)
{
    const pv_xtree *x = c->x;
    size_t n = 0;
    for (uint32_t k = x->boxes[c->src[at]].first; k != PV_XTREE_NONE; k = x->boxes[k].next) {
        c->kids = pv_xgrow(c->kids, &c->kids_cap, n + 1, sizeof *c->kids);
        c->kids[n++] = (kid){.time = x->boxes[k].time, .func = x->boxes[k].func, .box = k};
    }
    qsort(c->kids, n, sizeof *c->kids, by_time);
    uint32_t level = c->nodes[at].depth + 1;
    size_t first = c->n;
    pv_tree_node small = {.func = PV_TREE_SMALLER, .depth = level, .parent = at, .more = 1,
                          .exact = 1, .calls_exact = 1, .whole = 1};
    size_t n_small = 0;
    for (size_t i = 0; i < n; i++) {
        const pv_xbox *b = &x->boxes[c->kids[i].box];
        if (b->func != PV_TREE_SMALLER && b->time >= c->min_time) {
            pv_tree_node node = to_node(x, c->kids[i].box);
            node.depth = level;
            node.parent = at;
            add(c, &node, c->kids[i].box);
            continue;
        }
        n_small++;
        small.n_merged += b->func == PV_TREE_SMALLER ? b->n_merged : 1;
        small.time += b->time;
        small.lo += b->lo;
        small.hi += b->hi;
        small.calls += b->calls;
        small.exact &= b->exact;
        small.calls_exact &= b->calls_exact;
    }
    if (n_small) {
        small.self = small.time;
        add(c, &small, PV_XTREE_NONE);
    }
    c->nodes[at].first_child = (uint32_t)first;
    c->nodes[at].n_children = (uint32_t)(c->n - first);
}

int pv_xtree_view(const pv_xtree *x, const pv_graph *g, const uint32_t *path, size_t path_len,
                  unsigned depth, double cutoff, const pv_tree_limits *limits, pv_tree *out,
                  pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (depth > PV_TREE_MAX_DEPTH)
        return pv_err_set(err, PV_E_USAGE, "depth %u is more than %d", depth, PV_TREE_MAX_DEPTH);
    if (!(cutoff >= 0.0 && cutoff <= 1.0))
        return pv_err_set(err, PV_E_USAGE, "cutoff must be between 0 and 1");
    size_t max_boxes = PV_TREE_MAX_NODES, max_bytes = 0;
    if (limits) {
        if (limits->max_boxes && limits->max_boxes < max_boxes)
            max_boxes = limits->max_boxes;
        max_bytes = limits->max_bytes;
    }
    cut c = {.x = x, .g = g};
    pv_tree_node *steps = pv_xmalloc((path_len ? path_len : 1) * sizeof *steps);
    uint32_t at = x->root;
    for (size_t i = 0; i < path_len; i++) {
        at = pv_xtree_child(x, at, path[i]);
        if (at == PV_XTREE_NONE) {
            free(steps);
            return pv_err_set(err, PV_E_NOTFOUND,
                              "path step %zu: function %u is not called there in the "
                              "transformed tree",
                              i + 1, (unsigned)path[i]);
        }
        steps[i] = to_node(x, at);
        c.bytes += PV_TREE_BOX_JSON;
    }
    c.min_time = cutoff * x->boxes[at].time;
    pv_tree_node root = to_node(x, at);
    root.parent = UINT32_MAX;
    add(&c, &root, at);
    size_t level_start = 0, level_end = 1;
    for (unsigned level = 0; level_start < level_end; level++) {
        size_t mark = c.n, bytes_mark = c.bytes;
        for (size_t i = level_start; i < level_end; i++) {
            if (c.nodes[i].func == PV_TREE_SMALLER)
                continue;
            if (level >= depth)
                c.nodes[i].more |= x->boxes[c.src[i]].first != PV_XTREE_NONE;
            else
                add_children(&c, (uint32_t)i);
        }
        int over = c.n > max_boxes ? PV_TREE_CAP_BOXES
                   : max_bytes && c.bytes > max_bytes ? PV_TREE_CAP_BYTES : PV_TREE_FULL;
        if (over && level > 0) {
            /* The new level does not fit: the one above is the last. */
            c.n = mark;
            c.bytes = bytes_mark;
            for (size_t i = level_start; i < level_end; i++) {
                c.nodes[i].more |= c.nodes[i].n_children > 0;
                c.nodes[i].n_children = c.nodes[i].first_child = 0;
            }
            out->capped = (uint8_t)over;
            out->shown_depth = level;
            break;
        }
        level_start = level_end;
        level_end = c.n;
    }
    if (path_len)
        steps[path_len - 1] = c.nodes[0];
    free(c.src);
    free(c.kids);
    out->nodes = c.nodes;
    out->n_nodes = c.n;
    out->json_bytes = c.bytes;
    out->path = steps;
    out->path_len = path_len;
    if (x->labels_len) {
        out->labels = pv_xmalloc(x->labels_len);
        memcpy(out->labels, x->labels, x->labels_len);
    }
    return PV_OK;
}
