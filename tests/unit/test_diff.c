/* test_diff.c — comparing two profiles (callgraph/match.c, tree_diff.c):
 * matching functions, a profile against itself, a known regression, paths
 * on one side only, and honest bounds where BASE's view stops.
 *
 * tests/data/diff holds the synthetic pstats pairs (make_diff.py says
 * what each changes); the real dumps of tests/data/pstats serve for
 * "diffed with itself".
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "testutil.h"
#include "tree_diff.h"

Suite *pv_diff_suite(void);

static pv_graph *graph(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", getenv("PV_TEST_DATA"), dir, name);
    return pv_test_graph(path);
}

static uint32_t find(const pv_graph *g, const char *file, const char *name, int64_t line)
{
    for (uint32_t i = 0; i < g->n_funcs; i++)
        if (!strcmp(g->funcs[i].file, file) && !strcmp(g->funcs[i].name, name) &&
            g->funcs[i].line == line)
            return i;
    ck_abort_msg("no %s:%lld(%s)", file, (long long)line, name);
    return 0;
}

/* The index of the child of box `at` whose function is f. */
static uint32_t child(const pv_tree *t, uint32_t at, uint32_t f)
{
    const pv_tree_node *n = &t->nodes[at];
    for (uint32_t k = 0; k < n->n_children; k++)
        if (t->nodes[n->first_child + k].func == (int64_t)f)
            return n->first_child + k;
    ck_abort_msg("box %u has no child %u", at, f);
    return 0;
}

/* NEW's view (whole profile, `depth`, `cutoff`) and its diff with BASE. */
typedef struct compared {
    pv_match m;
    pv_tree t;
    pv_tree_diff d;
} compared;

static void compare(const pv_graph *base, const pv_graph *nw, const uint32_t *path,
                    size_t path_len, unsigned depth, double cutoff, const pv_tree_limits *lim,
                    compared *c)
{
    pv_err err;
    pv_match_build(base, nw, &c->m);
    ck_assert_int_eq(pv_tree_build(nw, path, path_len, depth, cutoff, &c->t, &err), PV_OK);
    ck_assert_int_eq(pv_tree_diff_build(base, &c->m, &c->t, path, path_len, depth, cutoff, lim,
                                        &c->d, &err), PV_OK);
}

static void release(compared *c)
{
    pv_tree_diff_release(&c->d);
    pv_tree_release(&c->t);
    pv_match_release(&c->m);
}

START_TEST(functions_match_by_line_then_by_moved_line_when_unambiguous)
{
    pv_graph *base = graph("diff", "base.prof"), *nw = graph("diff", "changed.prof");
    pv_match m;
    pv_match_build(base, nw, &m);
    uint32_t b_main = find(base, "f.py", "main", 1), n_main = find(nw, "f.py", "main", 1);
    ck_assert_uint_eq(m.to_new[b_main], n_main);
    ck_assert_uint_eq(m.to_base[n_main], b_main);
    ck_assert_int_eq(m.rule[b_main], PV_RULE_EXACT);
    /* a moved from line 10 to 12: the only a of f.py on each side. */
    uint32_t b_a = find(base, "f.py", "a", 10), n_a = find(nw, "f.py", "a", 12);
    ck_assert_uint_eq(m.to_new[b_a], n_a);
    ck_assert_int_eq(m.rule[b_a], PV_RULE_MOVED);
    ck_assert_str_eq(pv_match_rule_name(m.rule[b_a]), "moved");
    /* Two __init__s of g.py moved on both sides: which is which is a
     * guess, so neither matches. */
    ck_assert_uint_eq(m.to_new[find(base, "g.py", "__init__", 5)], PV_MATCH_NONE);
    ck_assert_uint_eq(m.to_new[find(base, "g.py", "__init__", 50)], PV_MATCH_NONE);
    ck_assert_uint_eq(m.to_base[find(nw, "g.py", "__init__", 6)], PV_MATCH_NONE);
    /* Each side alone: e (gone), d (new). */
    ck_assert_uint_eq(m.to_new[find(base, "f.py", "e", 50)], PV_MATCH_NONE);
    ck_assert_uint_eq(m.to_base[find(nw, "f.py", "d", 40)], PV_MATCH_NONE);
    ck_assert_uint_eq(m.n_moved, 1);
    pv_match_release(&m);
    pv_graph_free(base);
    pv_graph_free(nw);
}
END_TEST

START_TEST(a_profile_matches_itself_builtins_by_name)
{
    pv_graph *g = graph("pstats", "real_pydoc.prof");
    pv_match m;
    pv_match_build(g, g, &m);
    size_t builtins = 0;
    for (uint32_t i = 0; i < g->n_funcs; i++) {
        ck_assert_uint_eq(m.to_new[i], i);
        int builtin = strcmp(g->funcs[i].file, "~") == 0;
        builtins += builtin;
        ck_assert_int_eq(m.rule[i], builtin ? PV_RULE_BUILTIN : PV_RULE_EXACT);
    }
    ck_assert_uint_gt(builtins, 10);
    pv_match_release(&m);
    pv_graph_free(g);
}
END_TEST

static const char *const self_files[] = {"real_pydoc.prof", "real_unittest.prof",
                                         "recursion.prof", "wide.prof", "deep.prof"};

START_TEST(a_profile_diffed_with_itself_is_all_zero)
{
    pv_graph *g = graph("pstats", self_files[_i]);
    compared c;
    compare(g, g, NULL, 0, 12, 0.001, NULL, &c);
    ck_assert_uint_gt(c.t.n_nodes, 3);
    for (size_t i = 0; i < c.t.n_nodes; i++) {
        const pv_tree_node *n = &c.t.nodes[i];
        const pv_diff_box *d = &c.d.boxes[i];
        ck_assert_msg(d->state == PV_BASE_PRESENT, "%s: box %zu reads %s", self_files[_i], i,
                      pv_base_state_name(d->state));
        /* A "(n smaller)" box sums BASE's boxes (its view is finer) in
         * another order: equal within rounding. */
        double tol = n->func == PV_TREE_SMALLER ? 1e-12 * fmax(1, n->hi) : 0;
        ck_assert_msg(fabs(d->time - n->time) <= tol && fabs(d->lo - n->lo) <= tol &&
                      fabs(d->hi - n->hi) <= tol,
                      "%s: box %zu: %g [%g, %g] against %g [%g, %g]", self_files[_i], i, n->time,
                      n->lo, n->hi, d->time, d->lo, d->hi);
        if (n->func != PV_TREE_SMALLER)
            ck_assert_int_eq(d->exact, n->exact);
        ck_assert_uint_eq(d->n_removed, 0);
    }
    ck_assert(c.d.base_total == g->total_tt);
    release(&c);
    pv_graph_free(g);
}
END_TEST

START_TEST(one_regression_shows_exactly_its_path)
{
    pv_graph *base = graph("diff", "base.prof"), *nw = graph("diff", "slower.prof");
    compared c;
    compare(base, nw, NULL, 0, 10, 0.0, NULL, &c);
    uint32_t main_f = find(nw, "f.py", "main", 1), b = find(nw, "f.py", "b", 20);
    uint32_t cf = find(nw, "f.py", "c", 30);
    uint32_t on_path[4] = {0, child(&c.t, 0, main_f), 0, 0};
    on_path[2] = child(&c.t, on_path[1], b);
    on_path[3] = child(&c.t, on_path[2], cf);
    size_t changed = 0;
    for (uint32_t i = 0; i < c.t.n_nodes; i++) {
        const pv_diff_box *d = &c.d.boxes[i];
        ck_assert_int_eq(d->state, PV_BASE_PRESENT);
        ck_assert(d->exact && c.t.nodes[i].exact);
        double delta = c.t.nodes[i].time - d->time;
        int expected = i == on_path[0] || i == on_path[1] || i == on_path[2] || i == on_path[3];
        ck_assert_msg(delta == (expected ? 1.0 : 0.0), "box %u (%s): delta %g", i,
                      c.t.nodes[i].func >= 0 ? nw->funcs[c.t.nodes[i].func].name : "-", delta);
        changed += delta != 0;
    }
    ck_assert_uint_eq(changed, 4);
    release(&c);
    pv_graph_free(base);
    pv_graph_free(nw);
}
END_TEST

START_TEST(paths_on_one_side_only_read_absent_or_removed)
{
    pv_graph *base = graph("diff", "base.prof"), *nw = graph("diff", "changed.prof");
    compared c;
    compare(base, nw, NULL, 0, 10, 0.0, NULL, &c);
    uint32_t m = child(&c.t, 0, find(nw, "f.py", "main", 1));
    uint32_t a = child(&c.t, m, find(nw, "f.py", "a", 12));
    uint32_t d = child(&c.t, a, find(nw, "f.py", "d", 40));
    uint32_t init = child(&c.t, m, find(nw, "g.py", "__init__", 6));
    /* a moved but is the same path: BASE's 3 s. */
    ck_assert_int_eq(c.d.boxes[a].state, PV_BASE_PRESENT);
    ck_assert(c.d.boxes[a].time == 3.0);
    /* NEW alone: d, and the unmatched __init__. */
    ck_assert_int_eq(c.d.boxes[d].state, PV_BASE_ABSENT);
    ck_assert(c.d.boxes[d].time == 0 && c.d.boxes[d].hi == 0);
    ck_assert_int_eq(c.d.boxes[init].state, PV_BASE_ABSENT);
    /* BASE alone, under main: e (3.5 s) and its two __init__s (0 s). */
    ck_assert_uint_eq(c.d.boxes[m].n_removed, 3);
    ck_assert(c.d.boxes[m].removed_time == 3.5);
    ck_assert_uint_eq(c.d.boxes[a].n_removed, 0);
    release(&c);

    /* A view below d: the path exists up to a in BASE. */
    uint32_t path[3] = {find(nw, "f.py", "main", 1), find(nw, "f.py", "a", 12),
                        find(nw, "f.py", "d", 40)};
    compare(base, nw, path, 3, 4, 0.0, NULL, &c);
    ck_assert_int_eq(c.d.path[0].state, PV_BASE_PRESENT);
    ck_assert(c.d.path[0].time == 10.0);
    ck_assert_int_eq(c.d.path[1].state, PV_BASE_PRESENT);
    ck_assert(c.d.path[1].time == 3.0);
    ck_assert_int_eq(c.d.path[2].state, PV_BASE_ABSENT);
    ck_assert_int_eq(c.d.boxes[0].state, PV_BASE_ABSENT);
    release(&c);
    pv_graph_free(base);
    pv_graph_free(nw);
}
END_TEST

/* Where BASE's view stops (here: a box limit), the boxes below read
 * "below": not 0, an estimate within [0, the BASE box above's hi]. */
START_TEST(where_base_view_stops_boxes_get_bounds_not_zero)
{
    pv_graph *g = graph("pstats", "real_unittest.prof");
    compared full, cut;
    compare(g, g, NULL, 0, 8, 0.0, NULL, &full);
    pv_tree_limits lim = {.max_boxes = full.t.n_nodes / 4};
    compare(g, g, NULL, 0, 8, 0.0, &lim, &cut);
    ck_assert_int_eq(cut.d.base.capped, PV_TREE_CAP_BOXES);
    size_t below = 0;
    for (size_t i = 0; i < cut.t.n_nodes; i++) {
        const pv_diff_box *d = &cut.d.boxes[i];
        const pv_tree_node *n = &cut.t.nodes[i];
        ck_assert_int_ne(d->state, PV_BASE_ABSENT);
        if (d->state != PV_BASE_BELOW)
            continue;
        below++;
        /* The same profile: the true figure is NEW's own, inside the bounds. */
        ck_assert_msg(d->lo == 0 && d->lo <= n->lo && n->hi <= d->hi * (1 + 1e-12) &&
                      d->time <= d->hi, "box %zu: %g [%g, %g] for %g", i, d->time, d->lo, d->hi,
                      n->time);
        ck_assert_int_eq(d->exact, 0);
    }
    ck_assert_uint_gt(below, 0);
    release(&full);
    release(&cut);
    pv_graph_free(g);
}
END_TEST

Suite *pv_diff_suite(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("diff");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, functions_match_by_line_then_by_moved_line_when_unambiguous);
    tcase_add_test(tc, a_profile_matches_itself_builtins_by_name);
    tcase_add_loop_test(tc, a_profile_diffed_with_itself_is_all_zero, 0,
                        (int)(sizeof self_files / sizeof *self_files));
    tcase_add_test(tc, one_regression_shows_exactly_its_path);
    tcase_add_test(tc, paths_on_one_side_only_read_absent_or_removed);
    tcase_add_test(tc, where_base_view_stops_boxes_get_bounds_not_zero);
    suite_add_tcase(s, tc);
    return s;
}
