/* test_transform.c — the transforms of a whole call tree (transform.h,
 * xtree.h, mycode.h) on real profiles: what each keeps (the total, the
 * boxes it does not touch), what each removes, and the views cut after
 * them.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "mycode.h"
#include "names.h"
#include "testutil.h"
#include "transform.h"
#include "xtree.h"

Suite *pv_transform_suite(void);

/* Profiles the properties are checked on: a real `python -m cProfile -m`
 * run, pstats corpus files (recursion, many callers) and recorded trees
 * (every box exact). */
static const char *const fixtures[] = {
    "transforms/jsonwork.prof", "pstats/recursion.prof", "pstats/wide.prof",
    "pstats/real_pydoc.prof", "pstats/py313_cprofile.prof", "recorded/fib.prof", "recorded/mutual.prof",
    "recorded/diamond.prof", "recorded/many_callers.prof",
};
#define N_FIXTURES (sizeof fixtures / sizeof *fixtures)

typedef struct loaded {
    pv_graph *g;
    pv_xtree_base *base;
    pv_funcpkg *pk;
} loaded;

static loaded load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", getenv("PV_TEST_DATA"), name);
    loaded l;
    l.g = pv_test_graph(path);
    ck_assert_msg(l.g, "cannot read %s", path);
    size_t bytes;
    l.base = pv_xtree_base_build(l.g, &bytes);
    ck_assert_ptr_nonnull(l.base);
    l.pk = pv_funcpkg_build(l.g, &bytes);
    return l;
}

static void unload(loaded *l)
{
    free(l->base);
    free(l->pk);
    pv_graph_free(l->g);
}

static double tol(double t)
{
    return 1e-9 * fmax(1.0, fabs(t));
}

/* Every box's time is its self plus its children's; exact boxes have
 * lo == hi == time; `all_exact`: every box must be exact. */
static void check_sums(const pv_xtree *x, uint32_t b, bool all_exact)
{
    const pv_xbox *box = &x->boxes[b];
    double sum = 0;
    for (uint32_t c = box->first; c != PV_XTREE_NONE; c = x->boxes[c].next) {
        ck_assert_uint_eq(x->boxes[c].parent, b);
        sum += x->boxes[c].time;
        check_sums(x, c, all_exact);
    }
    if (box->more)
        ck_assert_double_le_tol(sum + box->self, box->time, 1e-7 * fmax(1, box->time));
    else if (!all_exact && box->self == 0 && sum > box->time)
        /* tree.c's estimates: children whose estimates add up to more
         * than their parent's time, whose self is then 0. */
        ck_assert_double_le_tol(box->time, sum, 1e-7 * fmax(1, box->time));
    else
        ck_assert_msg(fabs(sum + box->self - box->time) <= 1e-7 * fmax(1, box->time),
                  "box of %lld: children %.17g + self %.17g != time %.17g", (long long)box->func,
                  sum, box->self, box->time);
    ck_assert_double_le_tol(box->lo, box->hi, tol(box->hi));
    if (all_exact && box->func != PV_TREE_SMALLER)
        ck_assert_msg(box->exact, "a box of a recorded tree is not exact");
}

/* Whether function f has a box in x below (and at) b. */
static bool has_func(const pv_xtree *x, uint32_t b, int64_t f)
{
    if (x->boxes[b].func == f)
        return true;
    for (uint32_t c = x->boxes[b].first; c != PV_XTREE_NONE; c = x->boxes[c].next)
        if (has_func(x, c, f))
            return true;
    return false;
}

static int apply(pv_xtree *x, const loaded *l, pv_transform *t)
{
    pv_err err;
    int rc = pv_transform_apply(x, l->g, l->pk, t, &err);
    pv_transform_release(t);
    return rc;
}

START_TEST(the_whole_tree_adds_up)
{
    loaded l = load(fixtures[_i]);
    pv_xtree plain;
    pv_xtree_from_base(l.base, &plain);
    check_sums(&plain, plain.root, l.g->recorded);
    pv_xtree_release(&plain);
    unload(&l);
}
END_TEST

/* The functions a test tries, spread over the profile: each try copies
 * and walks the whole tree (50,000 boxes for real_pydoc), so all of them
 * while the tries cover half a million boxes, fewer beyond. */
static size_t func_step(const loaded *l)
{
    return l->g->n_funcs * l->base->n / 500000 + 1;
}

/* ---- merge ----------------------------------------------------------- */

/* Boxes of `before` no box above which (nor it) is f, and no box above
 * which has an f child, are in `after` at the same path with the same
 * figures (self too unless it has an f child). */
static void check_untouched(const pv_xtree *before, uint32_t b, const pv_xtree *after, uint32_t a,
                            int64_t f)
{
    const pv_xbox *x = &before->boxes[b], *y = &after->boxes[a];
    ck_assert_double_eq_tol(x->time, y->time, tol(x->time));
    ck_assert_double_eq_tol(x->lo, y->lo, tol(x->lo));
    ck_assert_double_eq_tol(x->hi, y->hi, tol(x->hi));
    ck_assert_double_eq_tol(x->calls, y->calls, tol(x->calls));
    ck_assert_int_eq(x->exact, y->exact);
    bool f_child = pv_xtree_child(before, b, f) != PV_XTREE_NONE;
    if (f_child)
        return;
    ck_assert_double_eq_tol(x->self, y->self, tol(x->self));
    for (uint32_t c = x->first; c != PV_XTREE_NONE; c = before->boxes[c].next) {
        if (before->boxes[c].func < 0)
            continue;
        uint32_t d = pv_xtree_child(after, a, before->boxes[c].func);
        ck_assert_msg(d != PV_XTREE_NONE, "a box merge did not touch is gone");
        check_untouched(before, c, after, d, f);
    }
}

START_TEST(merge_removes_the_function_and_keeps_the_rest)
{
    loaded l = load(fixtures[_i]);
    pv_xtree plain;
    pv_xtree_from_base(l.base, &plain);
    double total = plain.boxes[plain.root].time;
    for (size_t f = 0; f < l.g->n_funcs; f += func_step(&l)) {
        if (!has_func(&plain, plain.root, (int64_t)f))
            continue;
        pv_xtree x;
        pv_xtree_from_base(l.base, &x);
        ck_assert_int_eq(apply(&x, &l, &(pv_transform){.kind = PV_TF_MERGE, .func = (uint32_t)f}),
                         PV_OK);
        ck_assert(!has_func(&x, x.root, (int64_t)f));
        ck_assert_double_eq_tol(x.boxes[x.root].time, total, tol(total));
        check_sums(&x, x.root, l.g->recorded);
        check_untouched(&plain, plain.root, &x, x.root, (int64_t)f);
        pv_xtree_release(&x);
    }
    pv_xtree_release(&plain);
    unload(&l);
}
END_TEST

/* ---- focus ----------------------------------------------------------- */

/* The time of f's outermost boxes below b, and whether all are exact. */
static double outermost(const pv_xtree *x, uint32_t b, int64_t f, bool *exact)
{
    if (x->boxes[b].func == f) {
        *exact &= x->boxes[b].exact;
        return x->boxes[b].time;
    }
    double t = 0;
    for (uint32_t c = x->boxes[b].first; c != PV_XTREE_NONE; c = x->boxes[c].next)
        t += outermost(x, c, f, exact);
    return t;
}

START_TEST(focus_merges_every_outermost_box_below_the_root)
{
    loaded l = load(fixtures[_i]);
    pv_xtree plain;
    pv_xtree_from_base(l.base, &plain);
    for (size_t f = 0; f < l.g->n_funcs; f += func_step(&l)) {
        bool exact = true;
        double want = outermost(&plain, plain.root, (int64_t)f, &exact);
        pv_xtree x;
        pv_xtree_from_base(l.base, &x);
        int rc = apply(&x, &l, &(pv_transform){.kind = PV_TF_FOCUS, .func = (uint32_t)f});
        if (!has_func(&plain, plain.root, (int64_t)f)) {
            ck_assert_int_eq(rc, PV_E_USAGE);
        } else {
            ck_assert_int_eq(rc, PV_OK);
            /* "(all)", worth f's outermost boxes, over one box of f. */
            const pv_xbox *root = &x.boxes[x.root];
            ck_assert_int_eq(root->func, PV_TREE_ROOT);
            ck_assert_double_eq_tol(root->time, want, tol(want));
            ck_assert_int_eq(root->exact, exact);
            ck_assert_uint_ne(root->first, PV_XTREE_NONE);
            const pv_xbox *fb = &x.boxes[root->first];
            ck_assert_uint_eq(fb->next, PV_XTREE_NONE);
            ck_assert_int_eq(fb->func, (int64_t)f);
            ck_assert_double_eq_tol(fb->time, want, tol(want));
            ck_assert_int_eq(fb->exact, exact);
            check_sums(&x, x.root, l.g->recorded);
        }
        pv_xtree_release(&x);
    }
    pv_xtree_release(&plain);
    unload(&l);
}
END_TEST

/* ---- collapse -------------------------------------------------------- */

/* in[f] = whether function f is in package pkg, by names.h's rule. */
static uint8_t *in_package(const pv_graph *g, const char *pkg)
{
    uint8_t *in = malloc(g->n_funcs + 1);
    char p[4096];
    for (size_t f = 0; f < g->n_funcs; f++) {
        pv_package_of(g->funcs[f].file, g->funcs[f].name, p, sizeof p);
        in[f] = strcmp(p, pkg) == 0;
    }
    return in;
}

/* No box of the package's functions (in) is left, and no collapsed box
 * of it has one of it right below. */
static void check_collapsed(const pv_xtree *x, uint32_t b, const uint8_t *in, const char *pkg)
{
    const pv_xbox *box = &x->boxes[b];
    ck_assert(!(box->func >= 0 && in[box->func]));
    bool is_pkg = box->func == PV_TREE_COLLAPSED && strcmp(x->labels + box->label, pkg) == 0;
    for (uint32_t c = box->first; c != PV_XTREE_NONE; c = x->boxes[c].next) {
        const pv_xbox *k = &x->boxes[c];
        ck_assert(!(is_pkg && k->func == PV_TREE_COLLAPSED &&
                    strcmp(x->labels + k->label, pkg) == 0));
        check_collapsed(x, c, in, pkg);
    }
}

START_TEST(collapse_leaves_no_two_boxes_of_the_package_in_a_row)
{
    loaded l = load(fixtures[_i]);
    pv_xtree plain;
    pv_xtree_from_base(l.base, &plain);
    double total = plain.boxes[plain.root].time;
    for (size_t f = 0; f < l.g->n_funcs; f += func_step(&l)) {
        char pkg[4096];
        pv_package_of(l.g->funcs[f].file, l.g->funcs[f].name, pkg, sizeof pkg);
        pv_xtree x;
        pv_xtree_from_base(l.base, &x);
        pv_transform t = {.kind = PV_TF_COLLAPSE, .package = strdup(pkg)};
        ck_assert_int_eq(apply(&x, &l, &t), PV_OK);
        ck_assert_double_eq_tol(x.boxes[x.root].time, total, tol(total));
        check_sums(&x, x.root, l.g->recorded);
        uint8_t *in = in_package(l.g, pkg);
        check_collapsed(&x, x.root, in, pkg);
        free(in);
        pv_xtree_release(&x);
    }
    pv_xtree_release(&plain);
    unload(&l);
}
END_TEST

/* ---- drop ------------------------------------------------------------ */

START_TEST(drop_removes_exactly_the_subtree)
{
    loaded l = load(fixtures[_i]);
    pv_xtree plain;
    pv_xtree_from_base(l.base, &plain);
    double total = plain.boxes[plain.root].time;
    /* Every box two levels down at most, by its path. */
    for (uint32_t a = plain.boxes[plain.root].first; a != PV_XTREE_NONE; a = plain.boxes[a].next) {
        for (int deep = 0; deep < 2; deep++) {
            uint32_t b = deep ? plain.boxes[a].first : a;
            if (b == PV_XTREE_NONE || plain.boxes[b].func < 0 || plain.boxes[a].func < 0)
                continue;
            uint32_t path[2] = {(uint32_t)plain.boxes[a].func, (uint32_t)plain.boxes[b].func};
            pv_xtree x;
            pv_xtree_from_base(l.base, &x);
            pv_transform t = {.kind = PV_TF_DROP, .path = malloc(sizeof path),
                              .path_len = (size_t)deep + 1};
            memcpy(t.path, path, sizeof path);
            ck_assert_int_eq(apply(&x, &l, &t), PV_OK);
            double want = fmax(0.0, total - plain.boxes[b].time);
            ck_assert_double_eq_tol(x.boxes[x.root].time, want, 1e-9 * fmax(1, total));
            check_sums(&x, x.root, l.g->recorded);
            uint32_t at = pv_xtree_child(&x, x.root, path[0]);
            if (deep)
                ck_assert(at == PV_XTREE_NONE ||
                          pv_xtree_child(&x, at, path[1]) == PV_XTREE_NONE);
            else
                ck_assert(at == PV_XTREE_NONE);
            pv_xtree_release(&x);
        }
    }
    /* A path not in the tree. */
    pv_xtree x;
    pv_xtree_from_base(l.base, &x);
    pv_transform t = {.kind = PV_TF_DROP, .path = malloc(sizeof(uint32_t)), .path_len = 1};
    t.path[0] = (uint32_t)l.g->n_funcs + 7;
    ck_assert_int_eq(apply(&x, &l, &t), PV_E_USAGE);
    pv_xtree_release(&x);
    pv_xtree_release(&plain);
    unload(&l);
}
END_TEST

/* ---- my code only ---------------------------------------------------- */

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* The label of the collapsed box below b whose package ends in `tail`. */
static bool has_collapsed(const pv_xtree *x, uint32_t b, const char *tail)
{
    const pv_xbox *box = &x->boxes[b];
    if (box->func == PV_TREE_COLLAPSED && box->chain && ends_with(x->labels + box->label, tail))
        return true;
    for (uint32_t c = box->first; c != PV_XTREE_NONE; c = x->boxes[c].next)
        if (has_collapsed(x, c, tail))
            return true;
    return false;
}

START_TEST(mycode_starts_at_the_users_module)
{
    loaded l = load("transforms/jsonwork.prof");
    uint8_t *lib = malloc(l.g->n_funcs);
    pv_mycode_libs(l.g, lib);
    size_t n_user = 0;
    for (size_t f = 0; f < l.g->n_funcs; f++) {
        const pv_gfunc *fn = &l.g->funcs[f];
        bool user = ends_with(fn->file, "/jsonwork.py");
        ck_assert_msg(lib[f] == !user, "%s %s: lib %d", fn->file, fn->name, lib[f]);
        n_user += user;
    }
    /* <module>, make_records and its list comprehension, round_trip, main. */
    ck_assert_uint_eq(n_user, 5);

    pv_xtree x;
    pv_xtree_from_base(l.base, &x);
    double total = x.boxes[x.root].time;
    ck_assert_int_eq(apply(&x, &l, &(pv_transform){.kind = PV_TF_MYCODE}), PV_OK);
    ck_assert_double_eq_tol(x.boxes[x.root].time, total, tol(total));
    check_sums(&x, x.root, false);
    /* The top level is the user's module: runpy, exec and cProfile's own
     * frames are merged away. */
    uint32_t top = x.boxes[x.root].first, widest = top;
    ck_assert_uint_ne(top, PV_XTREE_NONE);
    for (uint32_t c = top; c != PV_XTREE_NONE; c = x.boxes[c].next)
        if (x.boxes[c].time > x.boxes[widest].time)
            widest = c;
    const pv_xbox *mod = &x.boxes[widest];
    ck_assert_int_ge(mod->func, 0);
    ck_assert_str_eq(l.g->funcs[mod->func].name, "<module>");
    ck_assert(ends_with(l.g->funcs[mod->func].file, "/jsonwork.py"));
    for (uint32_t c = top; c != PV_XTREE_NONE; c = x.boxes[c].next)
        ck_assert(x.boxes[c].func < 0 || !lib[x.boxes[c].func]);
    /* No library function keeps a box; json's chain below round_trip is
     * one box. */
    for (size_t f = 0; f < l.g->n_funcs; f++)
        if (lib[f])
            ck_assert(!has_func(&x, x.root, (int64_t)f));
    ck_assert(has_collapsed(&x, x.root, "/json"));
    pv_xtree_release(&x);
    free(lib);
    unload(&l);
}
END_TEST

START_TEST(mycode_keeps_the_total_everywhere)
{
    loaded l = load(fixtures[_i]);
    pv_xtree x;
    pv_xtree_from_base(l.base, &x);
    double total = x.boxes[x.root].time;
    ck_assert_int_eq(apply(&x, &l, &(pv_transform){.kind = PV_TF_MYCODE}), PV_OK);
    ck_assert_double_eq_tol(x.boxes[x.root].time, total, tol(total));
    check_sums(&x, x.root, l.g->recorded);
    pv_xtree_release(&x);
    unload(&l);
}
END_TEST

/* ---- stacks and views ------------------------------------------------ */

static int64_t func_named(const pv_graph *g, const char *name)
{
    for (size_t f = 0; f < g->n_funcs; f++)
        if (strcmp(g->funcs[f].name, name) == 0)
            return (int64_t)f;
    ck_abort_msg("no function %s", name);
    return -1;
}

START_TEST(transforms_apply_in_order)
{
    loaded l = load("transforms/jsonwork.prof");
    uint32_t rt = (uint32_t)func_named(l.g, "round_trip");
    uint32_t dumps = (uint32_t)func_named(l.g, "dumps");
    /* focus round_trip, then drop dumps below it: what is left is loads. */
    pv_xtree x;
    pv_xtree_from_base(l.base, &x);
    ck_assert_int_eq(apply(&x, &l, &(pv_transform){.kind = PV_TF_FOCUS, .func = rt}), PV_OK);
    uint32_t at = pv_xtree_child(&x, x.root, rt);
    ck_assert_uint_ne(at, PV_XTREE_NONE);
    uint32_t d = pv_xtree_child(&x, at, dumps);
    ck_assert_uint_ne(d, PV_XTREE_NONE);
    double want = x.boxes[x.root].time - x.boxes[d].time;
    pv_transform drop = {.kind = PV_TF_DROP, .path = malloc(2 * sizeof(uint32_t)), .path_len = 2};
    drop.path[0] = rt;
    drop.path[1] = dumps;
    ck_assert_int_eq(apply(&x, &l, &drop), PV_OK);
    ck_assert_double_eq_tol(x.boxes[x.root].time, want, tol(want));
    ck_assert_double_eq_tol(x.boxes[at].time, want, tol(want));
    ck_assert(!has_func(&x, x.root, dumps));
    /* The other way round, round_trip's callee is not at the top. */
    pv_xtree y;
    pv_xtree_from_base(l.base, &y);
    drop = (pv_transform){.kind = PV_TF_DROP, .path = malloc(2 * sizeof(uint32_t)), .path_len = 2};
    drop.path[0] = rt;
    drop.path[1] = dumps;
    ck_assert_int_eq(apply(&y, &l, &drop), PV_E_USAGE);

    /* A view cut after them adds up as tree.c's do. */
    pv_tree t;
    pv_err err;
    ck_assert_int_eq(pv_xtree_view(&x, l.g, NULL, 0, 4, 0.01, NULL, &t, &err), PV_OK);
    ck_assert_int_eq(t.nodes[0].func, PV_TREE_ROOT);
    ck_assert_int_eq(t.nodes[t.nodes[0].first_child].func, rt);
    for (size_t i = 0; i < t.n_nodes; i++) {
        const pv_tree_node *n = &t.nodes[i];
        double sum = 0;
        for (uint32_t k = 0; k < n->n_children; k++) {
            sum += t.nodes[n->first_child + k].time;
            ck_assert_uint_eq(t.nodes[n->first_child + k].depth, n->depth + 1);
            if (k)
                ck_assert(t.nodes[n->first_child + k].func == PV_TREE_SMALLER ||
                          t.nodes[n->first_child + k].time <=
                              t.nodes[n->first_child + k - 1].time);
        }
        if (n->n_children)
            ck_assert_double_eq_tol(sum + n->self, n->time, 1e-7);
        ck_assert_uint_le(n->depth, 4);
    }
    pv_tree_release(&t);
    uint32_t bad_path[2] = {rt, dumps};
    ck_assert_int_eq(pv_xtree_view(&x, l.g, bad_path, 2, 4, 0.01, NULL, &t, &err),
                     PV_E_NOTFOUND);
    /* Merging the focused function after the focus lifts its callees
     * under "(all)", keeping the total. */
    ck_assert_int_eq(apply(&x, &l, &(pv_transform){.kind = PV_TF_MERGE, .func = rt}), PV_OK);
    ck_assert_double_eq_tol(x.boxes[x.root].time, want, tol(want));
    ck_assert_uint_ne(pv_xtree_child(&x, x.root, (uint32_t)func_named(l.g, "loads")),
                      PV_XTREE_NONE);
    pv_xtree_release(&x);
    pv_xtree_release(&y);
    unload(&l);
}
END_TEST

/* A view of a transformed tree within a box limit stops at a whole level,
 * as tree.c's do, and a recorded tree's views stay exact. */
START_TEST(views_stop_at_a_whole_level_within_limits)
{
    loaded l = load(fixtures[_i]);
    pv_xtree x;
    pv_xtree_from_base(l.base, &x);
    ck_assert_int_eq(apply(&x, &l, &(pv_transform){.kind = PV_TF_MYCODE}), PV_OK);
    pv_tree full, cut;
    pv_err err;
    ck_assert_int_eq(pv_xtree_view(&x, l.g, NULL, 0, 64, 0, NULL, &full, &err), PV_OK);
    pv_tree_limits lim = {.max_boxes = full.n_nodes / 2 + 1};
    ck_assert_int_eq(pv_xtree_view(&x, l.g, NULL, 0, 64, 0, &lim, &cut, &err), PV_OK);
    if (full.n_nodes > lim.max_boxes && full.nodes[full.n_nodes - 1].depth > 1) {
        ck_assert_int_eq(cut.capped, PV_TREE_CAP_BOXES);
        ck_assert_uint_le(cut.n_nodes, lim.max_boxes);
        /* Levels are whole: every box of a shown depth is in both. */
        size_t at_depth = 0, full_at_depth = 0;
        for (size_t i = 0; i < cut.n_nodes; i++)
            at_depth += cut.nodes[i].depth == cut.shown_depth;
        for (size_t i = 0; i < full.n_nodes; i++)
            full_at_depth += full.nodes[i].depth == cut.shown_depth;
        ck_assert_uint_eq(at_depth, full_at_depth);
        for (size_t i = 0; i < cut.n_nodes; i++)
            if (cut.nodes[i].depth == cut.shown_depth && cut.nodes[i].func != PV_TREE_SMALLER)
                ck_assert_uint_eq(cut.nodes[i].n_children, 0);
    }
    if (l.g->recorded)
        for (size_t i = 0; i < full.n_nodes; i++)
            ck_assert(full.nodes[i].exact);
    pv_tree_release(&full);
    pv_tree_release(&cut);
    pv_xtree_release(&x);
    unload(&l);
}
END_TEST

Suite *pv_transform_suite(void)
{
    Suite *s = suite_create("transform");
    TCase *tc = tcase_create("transform");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, the_whole_tree_adds_up, 0, N_FIXTURES);
    tcase_add_loop_test(tc, merge_removes_the_function_and_keeps_the_rest, 0, N_FIXTURES);
    tcase_add_loop_test(tc, focus_merges_every_outermost_box_below_the_root, 0, N_FIXTURES);
    tcase_add_loop_test(tc, collapse_leaves_no_two_boxes_of_the_package_in_a_row, 0, N_FIXTURES);
    tcase_add_loop_test(tc, drop_removes_exactly_the_subtree, 0, N_FIXTURES);
    tcase_add_loop_test(tc, mycode_keeps_the_total_everywhere, 0, N_FIXTURES);
    tcase_add_loop_test(tc, views_stop_at_a_whole_level_within_limits, 0, N_FIXTURES);
    tcase_add_test(tc, mycode_starts_at_the_users_module);
    tcase_add_test(tc, transforms_apply_in_order);
    suite_add_tcase(s, tc);
    return s;
}
