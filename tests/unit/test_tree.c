/* test_tree.c — tree invariants on every corpus profile.
 *
 * For each valid dump of tests/data (tree_shared: the shared corpus's
 * 50,000-function dump, a skip without ../shared): the root
 * is worth total_tt; every box's children and self add up to it; no self
 * is negative; every estimate lies within its bounds; exact boxes have
 * lo == hi == time; children come largest first with "(n smaller)" last;
 * and re-rooting the view on any box gives that box the same figures it
 * had seen from above.  Small profiles are checked whole (depth 64, no
 * cutoff); big ones as the UI asks for them (depth 10, cutoff 1/1000).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "graph.h"
#include "hotpath.h"
#include "loader.h"
#include "testutil.h"
#include "tree.h"

Suite *pv_tree_suite(void);

#define MAX_FILES 256
static char *files[MAX_FILES];
static size_t n_files;


static const char *cur;

static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-12;
}

/* Checks node `i` and its subtree; returns how many boxes were checked. */
static size_t check_node(const pv_tree *t, size_t i)
{
    const pv_tree_node *n = &t->nodes[i];
    ck_assert_msg(n->self >= 0, "%s: node %zu: negative self %g", cur, i, n->self);
    ck_assert_msg(n->lo <= n->time && n->time <= n->hi, "%s: node %zu: %g outside [%g, %g]", cur,
                  i, n->time, n->lo, n->hi);
    if (n->exact)
        ck_assert_msg(n->lo == n->hi && n->time == n->hi, "%s: node %zu: exact but [%g, %g] %g",
                      cur, i, n->lo, n->hi, n->time);
    size_t checked = 1;
    double sum = 0, prev = INFINITY;
    for (uint32_t k = 0; k < n->n_children; k++) {
        const pv_tree_node *c = &t->nodes[n->first_child + k];
        sum += c->time;
        if (c->func == PV_TREE_SMALLER) {
            ck_assert_msg(k == n->n_children - 1, "%s: '(n smaller)' is not last", cur);
            ck_assert_uint_gt(c->n_merged, 0);
        } else {
            ck_assert_msg(c->time <= prev, "%s: node %zu: children out of order", cur, i);
            prev = c->time;
        }
        ck_assert_uint_eq(c->depth, n->depth + 1);
        checked += check_node(t, n->first_child + k);
    }
    if (n->n_children) {
        /* Widths add up: children and self make the parent, unless exact
         * children (figures from the file, never scaled) exceed it — as
         * when a root's ct is more than total_tt (real_pydoc). */
        if (sum <= n->time * (1 + 1e-9)) {
            ck_assert_msg(close_to(sum + n->self, n->time), "%s: node %zu: %g + %g != %g", cur,
                          i, sum, n->self, n->time);
        } else {
            int any_exact = 0;
            for (uint32_t k = 0; k < n->n_children; k++)
                any_exact |= t->nodes[n->first_child + k].exact;
            ck_assert_msg(n->self == 0 && any_exact, "%s: node %zu: estimates %g exceed %g", cur,
                          i, sum, n->time);
        }
    }
    return checked;
}

/* Re-roots the view on a box and compares its figures. */
static void check_reroot(const pv_graph *g, const pv_tree *t, size_t i, uint32_t *path,
                         size_t len)
{
    pv_tree sub;
    pv_err err;
    int rc = pv_tree_build(g, path, len, 1, 0.0, &sub, &err);
    ck_assert_msg(rc == PV_OK, "%s: re-rooting on node %zu: %s", cur, i, err.msg);
    const pv_tree_node *a = &t->nodes[i], *b = &sub.nodes[0];
    ck_assert_msg(a->time == b->time && a->lo == b->lo && a->hi == b->hi && a->exact == b->exact,
                  "%s: node %zu differs when re-rooted: %g [%g,%g] vs %g [%g,%g]", cur, i, a->time,
                  a->lo, a->hi, b->time, b->lo, b->hi);
    ck_assert_uint_eq(sub.path_len, len);
    pv_tree_release(&sub);
}

/* Depth-first over the tree, re-rooting on every `stride`-th box. */
static void reroot_all(const pv_graph *g, const pv_tree *t, size_t i, uint32_t *path, size_t len,
                       size_t *count, size_t stride)
{
    const pv_tree_node *n = &t->nodes[i];
    for (uint32_t k = 0; k < n->n_children; k++) {
        size_t c = n->first_child + k;
        if (t->nodes[c].func < 0)
            continue;
        path[len] = (uint32_t)t->nodes[c].func;
        if ((*count)++ % stride == 0)
            check_reroot(g, t, c, path, len + 1);
        reroot_all(g, t, c, path, len + 1, count, stride);
    }
}

START_TEST(tree_invariants_hold_on_every_corpus_profile)
{
    cur = files[_i];
    pv_graph *g = pv_test_graph(cur);
    int small = g->n_funcs < 200;
    pv_tree t;
    pv_err err;
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, small ? 64 : 10, small ? 0.0 : 0.001, &t, &err),
                     PV_OK);
    ck_assert_msg(t.nodes[0].time == g->total_tt, "%s: root %g != total_tt %g", cur,
                  t.nodes[0].time, g->total_tt);
    ck_assert_int_eq(t.nodes[0].func, PV_TREE_ROOT);
    size_t boxes = check_node(&t, 0);
    ck_assert_uint_eq(boxes, t.n_nodes);
    uint32_t path[PV_TREE_MAX_DEPTH + 2];
    size_t count = 0;
    reroot_all(g, &t, 0, path, 0, &count, small ? 1 : 7);
    pv_tree_release(&t);
    pv_graph_free(g);
}
END_TEST

static double width_of(double t)
{
    return isnan(t) ? -INFINITY : t;
}

/* Widths of boxes, as hotpath.c measures them: a top box's time, then
 * each edge's time times the share the box's group made of it. */
static double step_width(const pv_graph *g, uint32_t ei, uint32_t grp)
{
    return width_of(g->callees[ei].ct * pv_graph_edge_share(g, ei, grp));
}

/* The widest-path widths by a plain fixed point over groups (independent
 * of hotpath.c's heap): state k < n_edges is caller edge k's group, state
 * n_edges + f the top-level group of f; w[s] = max over the states that
 * may call into s of min(w, step).  Per function, the best of its states;
 * NaN: unreachable. */
static double *widest_by_fixed_point(const pv_graph *g)
{
    size_t n = g->n_edges + g->n_funcs;
    double *w = malloc(n * sizeof *w), *best = malloc(g->n_funcs * sizeof *best);
    for (size_t i = 0; i < n; i++)
        w[i] = NAN;
    for (size_t i = 0; i < g->n_tops; i++)
        w[g->n_edges + g->tops[i]] = width_of(g->funcs[g->tops[i]].top_time);
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t s = 0; s < n; s++) {
            if (isnan(w[s]))
                continue;
            uint32_t u = s < g->n_edges ? g->callees[g->callers[s].twin].other
                                        : (uint32_t)(s - g->n_edges);
            uint32_t grp = s < g->n_edges ? (uint32_t)s : PV_GROUP_TOP;
            const pv_gfunc *f = &g->funcs[u];
            for (uint32_t k = 0; k < f->n_callees; k++) {
                uint32_t ei = f->callees_at + k, to = g->callees[ei].twin;
                if (!pv_graph_edge_in_group(g, ei, grp))
                    continue;
                double x = fmin(w[s], step_width(g, ei, grp));
                if (isnan(w[to]) || x > w[to])
                    w[to] = x, changed = 1;
            }
        }
    }
    for (size_t f = 0; f < g->n_funcs; f++)
        best[f] = w[g->n_edges + f];
    for (size_t s = 0; s < g->n_edges; s++) {
        uint32_t f = g->callees[g->callers[s].twin].other;
        if (!isnan(w[s]) && (isnan(best[f]) || w[s] > best[f]))
            best[f] = w[s];
    }
    free(w);
    return best;
}

/* The width of a path of function ids, walked box by box. */
static double path_width(const pv_graph *g, const uint32_t *path, size_t len)
{
    double w = width_of(g->funcs[path[0]].top_time);
    uint32_t grp = PV_GROUP_TOP;
    for (size_t i = 1; i < len; i++) {
        const pv_gfunc *u = &g->funcs[path[i - 1]];
        for (uint32_t k = 0; k < u->n_callees; k++) {
            uint32_t ei = u->callees_at + k;
            if (g->callees[ei].other == path[i]) {
                w = fmin(w, step_width(g, ei, grp));
                grp = g->callees[ei].twin;
                break;
            }
        }
    }
    return w;
}

START_TEST(hot_paths_open_in_the_tree_and_are_the_widest)
{
    cur = files[_i];
    pv_graph *g = pv_test_graph(cur);
    int small = g->n_funcs < 5000;
    double *best = small ? widest_by_fixed_point(g) : NULL;
    size_t found = 0;
    for (size_t f = 0; f < g->n_funcs; f += small ? 1 : 97) {
        size_t len;
        uint32_t *path = pv_hot_path(g, (uint32_t)f, &len);
        if (best)
            ck_assert_msg(!path == !!isnan(best[f]), "%s: function %zu: path %p, reachable %d",
                          cur, f, (void *)path, !isnan(best[f]));
        if (!path)
            continue;
        found++;
        ck_assert_uint_eq(path[len - 1], f);
        pv_tree t;
        pv_err err;
        ck_assert_msg(pv_tree_build(g, path, len, 1, 0.0, &t, &err) == PV_OK,
                      "%s: hot path of %zu refused: %s", cur, f, err.msg);
        pv_tree_release(&t);
        if (best) {
            double w = path_width(g, path, len);
            ck_assert_msg(w == best[f], "%s: function %zu: path width %g, widest %g", cur, f, w,
                          best[f]);
        }
        free(path);
    }
    ck_assert_msg(found > 0 || g->n_tops == 0, "%s: no function has a path", cur);
    free(best);
    pv_graph_free(g);
}
END_TEST

static int calls(const pv_graph *g, uint32_t f, uint32_t c)
{
    for (uint32_t k = 0; k < g->funcs[f].n_callees; k++)
        if (g->callees[g->funcs[f].callees_at + k].other == c)
            return 1;
    return 0;
}

START_TEST(bad_paths_and_parameters_are_refused)
{
    pv_graph *g = pv_test_graph(files[0]);
    pv_tree t;
    pv_err err;
    uint32_t far = (uint32_t)g->n_funcs + 5;
    ck_assert_int_eq(pv_tree_build(g, &far, 1, 3, 0.0, &t, &err), PV_E_NOTFOUND);
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, PV_TREE_MAX_DEPTH + 1, 0.0, &t, &err), PV_E_USAGE);
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, 3, -0.5, &t, &err), PV_E_USAGE);
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, 3, NAN, &t, &err), PV_E_USAGE);
    /* A step that the step before does not call. */
    uint32_t stranger = 0;
    while (stranger < g->n_funcs && calls(g, g->tops[0], stranger))
        stranger++;
    ck_assert_uint_lt(stranger, g->n_funcs);
    uint32_t bad[2] = {g->tops[0], stranger};
    ck_assert_int_eq(pv_tree_build(g, bad, 2, 3, 0.0, &t, &err), PV_E_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.msg, "not called by the step before"));
    pv_graph_free(g);
}
END_TEST

/* recursion.prof: fib has nc 8501, cc 11; its box may not claim a
 * recursive caller's time as exact, and self never goes negative. */
START_TEST(recursive_functions_get_bounds_not_invented_numbers)
{
    const char *data = getenv("PV_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/pstats/recursion.prof", data);
    cur = path;
    pv_graph *g = pv_test_graph(path);
    pv_tree t;
    pv_err err;
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, 64, 0.0, &t, &err), PV_OK);
    size_t n_estimated = 0, n_exact = 0;
    for (size_t i = 0; i < t.n_nodes; i++) {
        n_exact += t.nodes[i].exact;
        n_estimated += !t.nodes[i].exact;
    }
    /* The cycles make some boxes estimates; the plain calls stay exact. */
    ck_assert_uint_gt(n_estimated, 0);
    ck_assert_uint_gt(n_exact, 0);
    check_node(&t, 0);
    pv_tree_release(&t);
    /* A function calling itself is shown again below itself: fib's path,
     * then fib once more, is a box of the tree. */
    uint32_t fib = 0;
    while (fib < g->n_funcs && strcmp(g->funcs[fib].name, "fib") != 0)
        fib++;
    ck_assert_uint_lt(fib, g->n_funcs);
    ck_assert(calls(g, fib, fib));
    size_t len;
    uint32_t *hot = pv_hot_path(g, fib, &len);
    ck_assert_ptr_nonnull(hot);
    uint32_t again[PV_TREE_MAX_DEPTH + 1];
    ck_assert_uint_lt(len, PV_TREE_MAX_DEPTH);
    memcpy(again, hot, len * sizeof *hot);
    again[len] = fib;
    ck_assert_int_eq(pv_tree_build(g, again, len + 1, 2, 0.0, &t, &err), PV_OK);
    ck_assert_int_eq(t.nodes[0].func, (int64_t)fib);
    ck_assert(t.nodes[0].time <= t.path[len - 1].time);
    check_node(&t, 0);
    pv_tree_release(&t);
    free(hot);
    pv_graph_free(g);
}
END_TEST

/* How many boxes of t are `level` levels below its root. */
static size_t boxes_at(const pv_tree *t, unsigned level)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_nodes; i++)
        n += t->nodes[i].depth == level;
    return n;
}

/* A capped tree: whole levels down to shown_depth, equal to the full
 * tree's there, and nothing below; the deepest boxes that have children
 * in the full tree say `more`. */
static void check_capped(const pv_tree *full, const pv_tree *t, int reason)
{
    ck_assert_int_eq(t->capped, reason);
    ck_assert_uint_lt(t->shown_depth, full->shown_depth);
    for (unsigned level = 0; level <= t->shown_depth; level++)
        ck_assert_uint_eq(boxes_at(t, level), boxes_at(full, level));
    ck_assert_uint_eq(boxes_at(t, t->shown_depth + 1), 0);
    for (size_t i = 0; i < t->n_nodes; i++) {
        const pv_tree_node *n = &t->nodes[i], *f = &full->nodes[i];
        ck_assert_int_eq(n->func, f->func);
        ck_assert(n->time == f->time && n->self == f->self);
        if (n->depth == t->shown_depth) {
            ck_assert_uint_eq(n->n_children, 0);
            ck_assert_int_eq(n->more, f->more || f->n_children > 0);
        }
    }
    check_node(t, 0);
}

/* real_unittest.prof 6 levels deep with no cutoff, then within limits on boxes,
 * on bytes and on time: each stops at a whole level and says which
 * limit stopped it. */
START_TEST(view_limits_leave_whole_levels_out_and_say_which)
{
    const char *data = getenv("PV_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/pstats/real_unittest.prof", data);
    cur = path;
    pv_graph *g = pv_test_graph(path);
    pv_tree full, t;
    pv_err err;
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, 6, 0.0, &full, &err), PV_OK);
    ck_assert_int_eq(full.capped, PV_TREE_FULL);
    ck_assert_uint_ge(full.shown_depth, 3);
    /* Generous limits change nothing. */
    pv_tree_limits lim = {.max_boxes = full.n_nodes, .max_bytes = full.json_bytes,
                          .deadline_ms = pv_now_ms() + 60e3};
    ck_assert_int_eq(pv_tree_build_limited(g, NULL, 0, 6, 0.0, &lim, &t, &err), PV_OK);
    ck_assert_int_eq(t.capped, PV_TREE_FULL);
    ck_assert_uint_eq(t.n_nodes, full.n_nodes);
    pv_tree_release(&t);
    /* Boxes: one fewer than the whole tree. */
    lim = (pv_tree_limits){.max_boxes = full.n_nodes - 1};
    ck_assert_int_eq(pv_tree_build_limited(g, NULL, 0, 6, 0.0, &lim, &t, &err), PV_OK);
    check_capped(&full, &t, PV_TREE_CAP_BOXES);
    ck_assert_uint_le(t.n_nodes, lim.max_boxes);
    pv_tree_release(&t);
    /* Bytes: half the whole tree's JSON. */
    lim = (pv_tree_limits){.max_bytes = full.json_bytes / 2};
    ck_assert_int_eq(pv_tree_build_limited(g, NULL, 0, 6, 0.0, &lim, &t, &err), PV_OK);
    check_capped(&full, &t, PV_TREE_CAP_BYTES);
    ck_assert_uint_le(t.json_bytes, lim.max_bytes);
    pv_tree_release(&t);
    /* Time, already out: the first level below the root still comes. */
    lim = (pv_tree_limits){.deadline_ms = pv_now_ms() - 1.0};
    ck_assert_int_eq(pv_tree_build_limited(g, NULL, 0, 6, 0.0, &lim, &t, &err), PV_OK);
    check_capped(&full, &t, PV_TREE_CAP_TIME);
    ck_assert_uint_eq(t.shown_depth, 1);
    pv_tree_release(&t);
    pv_tree_release(&full);
    pv_graph_free(g);
}
END_TEST

Suite *pv_tree_suite(void)
{
    /* tests/data's dumps, or (tree_shared) the shared 50,000-function one. */
    int shared;
    const char *root = pv_test_fixtures(&shared);
    char dir[1024];
    if (root && !shared) {
        pv_test_collect_committed(root, files, MAX_FILES, &n_files);
    } else if (root) {
        snprintf(dir, sizeof dir, "%s/corpus/big_50k.prof", root);
        files[n_files++] = strdup(dir);
    }
    Suite *s = suite_create("tree");
    TCase *tc = tcase_create("invariants");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, tree_invariants_hold_on_every_corpus_profile, 0, (int)n_files);
    tcase_add_loop_test(tc, hot_paths_open_in_the_tree_and_are_the_widest, 0, (int)n_files);
    if (!shared) {
        tcase_add_test(tc, bad_paths_and_parameters_are_refused);
        tcase_add_test(tc, recursive_functions_get_bounds_not_invented_numbers);
        tcase_add_test(tc, view_limits_leave_whole_levels_out_and_say_which);
    }
    suite_add_tcase(s, tc);
    return s;
}
