/* test_tree_recorded.c — views of a recorded profile's tree
 * (tree_recorded.c through tree.c): the cutoff, the depth, a view rooted
 * at a path, the limits, the overflow node and the hot path, on the
 * recorded fixtures of tests/data/recorded (tests/groundtruth/trailer.py).
 * That every box equals the truth is test_tree_truth.c's.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "graph.h"
#include "hotpath.h"
#include "testutil.h"
#include "tree.h"

Suite *pv_tree_recorded_suite(void);


static pv_tree build(const pv_graph *g, const uint32_t *path, size_t len, unsigned depth,
                     double cutoff, const pv_tree_limits *lim)
{
    pv_tree t;
    pv_err err;
    int rc = pv_tree_build_limited(g, path, len, depth, cutoff, lim, &t, &err);
    ck_assert_msg(rc == PV_OK, "%s", err.msg);
    return t;
}

START_TEST(every_box_is_exact_with_its_nodes_figures)
{
    pv_graph *g = pv_test_recorded_graph("random_graph.prof");
    pv_tree t = build(g, NULL, 0, 64, 0.0, NULL);
    ck_assert_uint_eq(t.capped, PV_TREE_FULL);
    /* Every node is a box, plus the root. */
    ck_assert_uint_eq(t.n_nodes, g->n_rec_nodes + 1);
    for (size_t i = 1; i < t.n_nodes; i++) {
        const pv_tree_node *b = &t.nodes[i];
        const pv_gnode *n = &g->rec_nodes[b->node];
        ck_assert(b->exact && b->calls_exact && b->lo == b->time && b->hi == b->time);
        ck_assert(b->time == n->ct && b->self == n->tt && b->calls == (double)n->calls);
        ck_assert_int_eq(b->func, (int64_t)n->func);
    }
    ck_assert(t.nodes[0].time == g->rec_time && t.nodes[0].exact);
    pv_tree_release(&t);
    pv_graph_free(g);
}
END_TEST

START_TEST(the_cutoff_merges_small_children_into_one_exact_box)
{
    pv_graph *g = pv_test_recorded_graph("random_graph.prof");
    pv_tree all = build(g, NULL, 0, 64, 0.0, NULL);
    pv_tree cut = build(g, NULL, 0, 64, 0.05, NULL);
    ck_assert_uint_lt(cut.n_nodes, all.n_nodes);
    double min = 0.05 * cut.nodes[0].time;
    size_t smaller = 0;
    for (size_t i = 0; i < cut.n_nodes; i++) {
        const pv_tree_node *b = &cut.nodes[i];
        if (b->func == PV_TREE_SMALLER) {
            smaller++;
            ck_assert_uint_gt(b->n_merged, 0);
            /* The merged boxes' times, which the parent's other children
             * and self leave: widths add up. */
            const pv_tree_node *p = &cut.nodes[b->parent];
            double kids = 0.0;
            for (uint32_t k = 0; k < p->n_children; k++)
                kids += cut.nodes[p->first_child + k].time;
            ck_assert(fabs(kids + p->self - p->time) <= 1e-9 * cut.nodes[0].time);
            ck_assert(b->exact && b->lo == b->time && b->hi == b->time);
        } else if (i > 0) {
            ck_assert(b->time >= min);
        }
    }
    ck_assert_uint_gt(smaller, 0);
    pv_tree_release(&all);
    pv_tree_release(&cut);
    pv_graph_free(g);
}
END_TEST

START_TEST(the_depth_stops_the_view_and_says_more)
{
    pv_graph *g = pv_test_recorded_graph("chain.prof");
    pv_tree t = build(g, NULL, 0, 3, 0.0, NULL);
    size_t more = 0;
    for (size_t i = 0; i < t.n_nodes; i++) {
        ck_assert_uint_le(t.nodes[i].depth, 3);
        if (t.nodes[i].depth == 3) {
            ck_assert_uint_eq(t.nodes[i].n_children, 0);
            more += t.nodes[i].more;
        }
    }
    ck_assert_uint_gt(more, 0);
    pv_tree_release(&t);
    pv_graph_free(g);
}
END_TEST

START_TEST(a_view_rooted_at_a_path_of_function_ids)
{
    pv_graph *g = pv_test_recorded_graph("fib.prof");
    /* fib.py: main (4) calls fib (0), which calls itself. */
    uint32_t path[] = {4, 0, 0};
    pv_tree t = build(g, path, 3, 2, 0.0, NULL);
    ck_assert_uint_eq(t.path_len, 3);
    ck_assert_int_eq(t.nodes[0].func, 0);
    ck_assert(t.nodes[0].time == 0.176 && t.nodes[0].calls == 2);
    ck_assert(t.path[0].time == 0.24 && t.path[1].time == 0.177);
    ck_assert_int_eq(t.nodes[t.nodes[0].first_child].func, 0);
    pv_tree_release(&t);
    pv_err err;
    uint32_t not_called[] = {4, 5};  /* main never calls disable */
    ck_assert_int_eq(pv_tree_build(g, not_called, 2, 2, 0.0, &t, &err), PV_E_NOTFOUND);
    uint32_t no_function[] = {4, 99};
    ck_assert_int_eq(pv_tree_build(g, no_function, 2, 2, 0.0, &t, &err), PV_E_NOTFOUND);
    uint32_t not_top[] = {0};
    ck_assert_int_eq(pv_tree_build(g, not_top, 1, 2, 0.0, &t, &err), PV_E_NOTFOUND);
    pv_graph_free(g);
}
END_TEST

START_TEST(the_box_limit_caps_the_view_at_a_whole_level)
{
    pv_graph *g = pv_test_recorded_graph("random_graph.prof");
    pv_tree_limits lim = {.max_boxes = 40};
    pv_tree t = build(g, NULL, 0, 64, 0.0, &lim);
    ck_assert_uint_eq(t.capped, PV_TREE_CAP_BOXES);
    ck_assert_uint_le(t.n_nodes, 41);
    size_t more = 0;
    for (size_t i = 0; i < t.n_nodes; i++) {
        ck_assert_uint_le(t.nodes[i].depth, t.shown_depth);
        more += t.nodes[i].more;
    }
    ck_assert_uint_gt(more, 0);
    pv_tree_release(&t);
    pv_graph_free(g);
}
END_TEST

START_TEST(overflow_nodes_are_leaf_boxes_of_their_own)
{
    pv_graph *g = pv_test_recorded_graph("overflow.prof");
    pv_tree t = build(g, NULL, 0, 64, 0.0, NULL);
    size_t overflow = 0;
    for (size_t i = 0; i < t.n_nodes; i++) {
        const pv_tree_node *b = &t.nodes[i];
        if (b->func != PV_TREE_OVERFLOW)
            continue;
        overflow++;
        ck_assert(b->exact && b->n_children == 0 && !b->more && b->self == b->time);
        ck_assert(b->time == g->rec_nodes[b->node].ct);
    }
    ck_assert_uint_gt(overflow, 0);
    pv_tree_release(&t);
    pv_graph_free(g);
}
END_TEST

START_TEST(the_hot_path_ends_at_the_widest_box)
{
    pv_graph *g = pv_test_recorded_graph("random_graph.prof");
    for (uint32_t f = 0; f < g->n_funcs; f++) {
        double widest = -1.0;
        for (size_t i = 0; i < g->n_rec_nodes; i++)
            if (g->rec_nodes[i].func == f && g->rec_nodes[i].ct > widest)
                widest = g->rec_nodes[i].ct;
        size_t len;
        uint32_t *path = pv_hot_path(g, f, &len);
        if (widest < 0) {
            ck_assert_ptr_null(path);
            continue;
        }
        ck_assert_ptr_nonnull(path);
        ck_assert_uint_eq(path[len - 1], f);
        pv_tree t = build(g, path, len, 1, 0.0, NULL);
        ck_assert(t.nodes[0].time == widest);
        pv_tree_release(&t);
        free(path);
    }
    pv_graph_free(g);
}
END_TEST

Suite *pv_tree_recorded_suite(void)
{
    Suite *s = suite_create("tree_recorded");
    TCase *tc = tcase_create("tree_recorded");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_box_is_exact_with_its_nodes_figures);
    tcase_add_test(tc, the_cutoff_merges_small_children_into_one_exact_box);
    tcase_add_test(tc, the_depth_stops_the_view_and_says_more);
    tcase_add_test(tc, a_view_rooted_at_a_path_of_function_ids);
    tcase_add_test(tc, the_box_limit_caps_the_view_at_a_whole_level);
    tcase_add_test(tc, overflow_nodes_are_leaf_boxes_of_their_own);
    tcase_add_test(tc, the_hot_path_ends_at_the_widest_box);
    suite_add_tcase(s, tc);
    return s;
}
