/* transform.c — the transforms of a whole call tree (transform.h).
 * SPDX-License-Identifier: MIT
 */
#include "transform.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void pv_transform_release(pv_transform *t)
{
    free(t->package);
    free(t->path);
    memset(t, 0, sizeof *t);
}

static uint32_t next_of(const pv_xtree *x, uint32_t b)
{
    return x->boxes[b].next;
}

/* ---- focus ----------------------------------------------------------- */

static int focus(pv_xtree *x, const pv_graph *g, uint32_t func, pv_err *err)
{
    /* The outermost boxes of func: one below another is inside it. */
    uint32_t *stack = pv_xmalloc(x->n * sizeof *stack), *found = pv_xmalloc(x->n * sizeof *found);
    size_t n_stack = 0, n_found = 0;
    stack[n_stack++] = x->root;
    while (n_stack) {
        uint32_t b = stack[--n_stack];
        if (x->boxes[b].func == (int64_t)func) {
            found[n_found++] = b;
            continue;
        }
        for (uint32_t c = x->boxes[b].first; c != PV_XTREE_NONE; c = next_of(x, c))
            stack[n_stack++] = c;
    }
    free(stack);
    if (!n_found) {
        free(found);
        return pv_err_set(err, PV_E_USAGE,
                          "%s (function %u) is not in the tree as transformed so far",
                          g->funcs[func].name, (unsigned)func);
    }
    uint32_t f = found[0];
    for (size_t i = 1; i < n_found; i++)
        pv_xtree_absorb(x, f, found[i]);
    free(found);
    /* The root stays "(all)", as in every top-down view, now worth f's
     * time alone: paths from the top start at f. */
    pv_xbox *r = &x->boxes[x->root], *fb = &x->boxes[f];
    r->time = fb->time;
    r->lo = fb->lo;
    r->hi = fb->hi;
    r->calls = fb->calls;
    r->exact = fb->exact;
    r->calls_exact = fb->calls_exact;
    r->self = 0;
    r->more = 0;
    r->first = f;
    fb->parent = x->root;
    fb->next = PV_XTREE_NONE;
    return PV_OK;
}

/* ---- merge ----------------------------------------------------------- */

static void merge_under(pv_xtree *x, uint32_t at, int64_t func)
{
    uint32_t prev = PV_XTREE_NONE, c = x->boxes[at].first;
    while (c != PV_XTREE_NONE) {
        if (x->boxes[c].func == func) {
            c = pv_xtree_dissolve(x, prev, c);
            continue;
        }
        merge_under(x, c, func);
        prev = c;
        c = next_of(x, c);
    }
}

/* ---- collapse -------------------------------------------------------- */

/* Box b is one of the package's: a function of it, or a box that
 * collapsed it already. */
static bool box_in(const pv_xtree *x, const pv_funcpkg *pk, uint32_t package, uint32_t label,
                   uint32_t b)
{
    const pv_xbox *box = &x->boxes[b];
    if (box->func == PV_TREE_COLLAPSED)
        return !box->chain && box->label == label;
    return box->func >= 0 && pk->package[box->func] == package;
}

static void collapse_under(pv_xtree *x, uint32_t at, const pv_funcpkg *pk, uint32_t package,
                           uint32_t label)
{
    bool in_chain = box_in(x, pk, package, label, at);
    uint32_t prev = PV_XTREE_NONE, c = x->boxes[at].first;
    while (c != PV_XTREE_NONE) {
        if (box_in(x, pk, package, label, c)) {
            if (in_chain) {
                c = pv_xtree_dissolve(x, prev, c);
                continue;
            }
            x->boxes[c].func = PV_TREE_COLLAPSED;
            x->boxes[c].label = label;
            x->boxes[c].chain = 0;
            x->boxes[at].dirty = 1;
        }
        collapse_under(x, c, pk, package, label);
        prev = c;
        c = next_of(x, c);
    }
}

static void collapse(pv_xtree *x, const pv_funcpkg *pk, const char *name)
{
    uint32_t package = pv_funcpkg_find(pk, name);
    uint32_t label = pv_xtree_label(x, name);
    collapse_under(x, x->root, pk, package, label);
}

/* ---- my code only ---------------------------------------------------- */

static bool box_is_lib(const pv_xtree *x, const pv_funcpkg *pk, uint32_t b)
{
    int64_t f = x->boxes[b].func;
    return f >= 0 && pk->lib[f];
}

/* `user`: a box of the user's code is at or above `at`. */
/* A "my code only" rewrite: the packages' labels, made once each. */
typedef struct mine {
    const pv_funcpkg *pk;
    uint32_t *label;        /* per package: its offset in the tree's labels, or NONE */
} mine;

static void mycode_under(pv_xtree *x, mine *m, uint32_t at, bool user)
{
    bool in_chain = x->boxes[at].func == PV_TREE_COLLAPSED && x->boxes[at].chain;
    uint32_t prev = PV_XTREE_NONE, c = x->boxes[at].first;
    while (c != PV_XTREE_NONE) {
        pv_xbox *b = &x->boxes[c];
        if (box_is_lib(x, m->pk, c)) {
            if (!user || in_chain) {
                c = pv_xtree_dissolve(x, prev, c);
                continue;
            }
            uint32_t package = m->pk->package[b->func];
            if (m->label[package] == PV_XTREE_NONE)
                m->label[package] = pv_xtree_label(x, pv_funcpkg_name(m->pk, package));
            b->func = PV_TREE_COLLAPSED;
            b->label = m->label[package];
            b->chain = 1;
            x->boxes[at].dirty = 1;
            mycode_under(x, m, c, true);
        } else {
            mycode_under(x, m, c, user || b->func >= 0 || b->func == PV_TREE_COLLAPSED);
        }
        prev = c;
        c = next_of(x, c);
    }
}

static void mycode(pv_xtree *x, const pv_funcpkg *pk)
{
    mine m = {.pk = pk, .label = pv_xmalloc((pk->n_packages + 1) * sizeof *m.label)};
    for (size_t i = 0; i < pk->n_packages; i++)
        m.label[i] = PV_XTREE_NONE;
    mycode_under(x, &m, x->root, false);
    free(m.label);
}

/* ---- drop ------------------------------------------------------------ */

static int drop(pv_xtree *x, const pv_transform *t, pv_err *err)
{
    uint32_t at = x->root;
    for (size_t i = 0; i < t->path_len; i++) {
        at = pv_xtree_child(x, at, t->path[i]);
        if (at == PV_XTREE_NONE)
            return pv_err_set(err, PV_E_USAGE,
                              "step %zu, function %u, is not called there in the tree as "
                              "transformed so far",
                              i + 1, (unsigned)t->path[i]);
    }
    pv_xbox *d = &x->boxes[at];
    uint32_t p = d->parent;
    if (x->boxes[p].first == at) {
        x->boxes[p].first = d->next;
    } else {
        uint32_t s = x->boxes[p].first;
        while (x->boxes[s].next != at)
            s = x->boxes[s].next;
        x->boxes[s].next = d->next;
    }
    /* Its time leaves every box above: the bounds of what remains are
     * the box's less the dropped subtree's, the other way round. */
    for (uint32_t a = p; a != PV_XTREE_NONE; a = x->boxes[a].parent) {
        pv_xbox *b = &x->boxes[a];
        b->time = fmax(0.0, b->time - d->time);
        b->lo = fmax(0.0, b->lo - d->hi);
        b->hi = fmax(b->lo, b->hi - d->lo);
        b->exact &= d->exact;
        if (b->exact)
            b->lo = b->hi = b->time;
    }
    d->parent = d->next = PV_XTREE_NONE;
    return PV_OK;
}

int pv_transform_apply(pv_xtree *x, const pv_graph *g, const pv_funcpkg *pk,
                       const pv_transform *t, pv_err *err)
{
    int rc = PV_OK;
    switch (t->kind) {
    case PV_TF_FOCUS:
        rc = focus(x, g, t->func, err);
        break;
    case PV_TF_MERGE:
        merge_under(x, x->root, t->func);
        break;
    case PV_TF_COLLAPSE:
        collapse(x, pk, t->package);
        break;
    case PV_TF_DROP:
        return drop(x, t, err);
    case PV_TF_MYCODE:
        mycode(x, pk);
        break;
    }
    if (rc == PV_OK)
        pv_xtree_merge_siblings(x);
    return rc;
}
