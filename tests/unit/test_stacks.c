/* test_stacks.c — the exact-tree builder (loader/stacks.c): paths merge
 * however far apart they come, the tree comes out in pre-order with
 * children in order of first sight, the derived function table and edges
 * count what cProfile counts (outermost activations for a function's
 * cumulative figure, per caller/callee pair for an edge's), weights stay
 * exact past 2^53, unreached nodes leave the tree but not the table, and
 * the arena's cap holds.  The last test feeds the stacks of a folded
 * fixture and runs the oracle checker the readers' tests use on them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_stacks.h"
#include "stacks.h"
#include "testutil.h"

Suite *pv_stacks_suite(void);

typedef struct fixture {
    pv_arena arena;
    pv_stacks *b;
    pv_profile p;
    pv_err err;
} fixture;

static void setup(fixture *f, size_t limit)
{
    memset(f, 0, sizeof *f);
    pv_arena_init(&f->arena, limit);
    f->b = pv_stacks_new(&f->arena);
    ck_assert_ptr_nonnull(f->b);
}

static uint32_t fn(fixture *f, const char *name)
{
    uint32_t id;
    ck_assert_int_eq(pv_stacks_func(f->b, name, strlen(name), "", 0, name, &id, &f->err), PV_OK);
    return id;
}

/* Adds the stack "a;b;c" (names made on first sight) with weight and calls. */
static void add(fixture *f, const char *stack, double weight, int64_t calls)
{
    uint32_t ids[64];
    size_t depth = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", stack);
    for (char *save, *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
        ids[depth++] = fn(f, tok);
    ck_assert_int_eq(pv_stacks_add(f->b, ids, depth, weight, calls, &f->err), PV_OK);
}

static void finish(fixture *f)
{
    ck_assert_msg(pv_stacks_finish(f->b, &f->p, &f->err) == PV_OK, "%s", f->err.msg);
}

static const pv_func *func(const fixture *f, const char *name)
{
    for (size_t i = 0; i < f->p.n_funcs; i++)
        if (strcmp(f->p.funcs[i].name, name) == 0)
            return &f->p.funcs[i];
    ck_abort_msg("no function %s", name);
    return NULL;
}

static const pv_edge *edge(const fixture *f, const char *caller, const char *callee)
{
    for (size_t i = 0; i < f->p.n_edges; i++) {
        const pv_edge *e = &f->p.edges[i];
        if (strcmp(f->p.funcs[e->caller].name, caller) == 0 &&
            strcmp(f->p.funcs[e->callee].name, callee) == 0)
            return e;
    }
    ck_abort_msg("no edge %s -> %s", caller, callee);
    return NULL;
}

START_TEST(stacks_merge_into_a_preorder_tree)
{
    fixture f;
    setup(&f, 1 << 20);
    add(&f, "a;b", 5, 5);
    add(&f, "a;b;c", 5, 5);
    add(&f, "x", 2, 2);
    add(&f, "a;b;d", 4, 4);
    add(&f, "a;b;c", 1, 1);  /* far from its twin: merged all the same */
    finish(&f);
    const pv_recorded *r = f.p.recorded;
    ck_assert_uint_eq(r->n_nodes, 5);
    /* a, b, c, d, x: a subtree is contiguous, children in order of first sight */
    static const char *order[] = {"a", "b", "c", "d", "x"};
    static const uint32_t parent[] = {PV_NODE_TOP, 0, 1, 1, PV_NODE_TOP};
    static const double tt[] = {0, 5, 6, 4, 2}, ct[] = {15, 15, 6, 4, 2};
    static const int64_t calls[] = {15, 15, 6, 4, 2};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_str_eq(f.p.funcs[r->nodes[i].func].name, order[i]);
        ck_assert_uint_eq(r->nodes[i].parent, parent[i]);
        ck_assert_double_eq(r->nodes[i].tt, tt[i]);
        ck_assert_double_eq(r->nodes[i].ct, ct[i]);
        ck_assert_int_eq(r->nodes[i].calls, calls[i]);
    }
    ck_assert_double_eq(func(&f, "b")->ct, 15);
    ck_assert_double_eq(func(&f, "b")->tt, 5);
    ck_assert_double_eq(f.p.total_tt, 17);
    ck_assert_int_eq(f.p.total_calls, 15 + 15 + 6 + 4 + 2);
    ck_assert_uint_eq(f.p.n_edges, 3);
    const pv_edge *bc = edge(&f, "b", "c");
    ck_assert_int_eq(bc->nc, 6);
    ck_assert_double_eq(bc->ct, 6);
    /* grouped by callee, callers in order */
    for (size_t i = 1; i < f.p.n_edges; i++)
        ck_assert(f.p.edges[i - 1].callee < f.p.edges[i].callee ||
                  (f.p.edges[i - 1].callee == f.p.edges[i].callee &&
                   f.p.edges[i - 1].caller < f.p.edges[i].caller));
    pv_arena_release(&f.arena);
}
END_TEST

/* a -> a -> a with 3 samples at the bottom, and a alone with 1: cProfile
 * would count a's cumulative time once per outermost call (4), and the
 * pair a->a's once per outermost a->a call (3, not 3 + 3). */
START_TEST(recursion_counts_outermost_activations)
{
    fixture f;
    setup(&f, 1 << 20);
    add(&f, "a;a;a", 3, 3);
    add(&f, "a", 1, 1);
    finish(&f);
    const pv_func *a = func(&f, "a");
    ck_assert_double_eq(a->tt, 4);
    ck_assert_double_eq(a->ct, 4);
    ck_assert_int_eq(a->nc, 4 + 3 + 3);
    ck_assert_int_eq(a->cc, 4);
    const pv_edge *aa = edge(&f, "a", "a");
    ck_assert_int_eq(aa->nc, 6);
    ck_assert_int_eq(aa->cc, 3);
    ck_assert_double_eq(aa->tt, 3);
    ck_assert_double_eq(aa->ct, 3);
    pv_arena_release(&f.arena);
}
END_TEST

/* a -> b -> a -> b: the inner b is under a different pair above (b->a),
 * so the pair a->b counts once, while b's cumulative counts once too. */
START_TEST(mutual_recursion_counts_per_pair)
{
    fixture f;
    setup(&f, 1 << 20);
    add(&f, "a;b;a;b", 2, 2);
    finish(&f);
    ck_assert_double_eq(func(&f, "b")->ct, 2);
    ck_assert_int_eq(func(&f, "b")->cc, 2);
    const pv_edge *ab = edge(&f, "a", "b"), *ba = edge(&f, "b", "a");
    ck_assert_int_eq(ab->nc, 4);
    ck_assert_int_eq(ab->cc, 2);
    ck_assert_double_eq(ab->ct, 2);
    ck_assert_int_eq(ba->nc, 2);
    ck_assert_double_eq(ba->ct, 2);
    pv_arena_release(&f.arena);
}
END_TEST

START_TEST(unreached_paths_leave_the_tree_not_the_table)
{
    fixture f;
    setup(&f, 1 << 20);
    add(&f, "a;z", 0, 0);
    add(&f, "a;b", 2, 2);
    add(&f, "", 3, 3);
    finish(&f);
    ck_assert_uint_eq(f.p.n_funcs, 3);
    ck_assert_uint_eq(f.p.recorded->n_nodes, 2);
    ck_assert_double_eq(func(&f, "z")->ct, 0);
    ck_assert_int_eq(func(&f, "z")->nc, 0);
    ck_assert_double_eq(f.p.empty_weight, 3);
    ck_assert_uint_eq(f.p.n_edges, 1);
    pv_arena_release(&f.arena);
}
END_TEST

/* 2^53 + 1 sixteen times: a double accumulator would stay at 2^53. */
START_TEST(integer_weights_stay_exact_past_2_to_the_53)
{
    fixture f;
    setup(&f, 1 << 20);
    add(&f, "a", 9007199254740992.0, 1);
    for (int i = 0; i < 16; i++)
        add(&f, "a;b", 1, 1);
    finish(&f);
    ck_assert_double_eq(func(&f, "a")->ct, 9007199254741008.0);
    ck_assert_double_eq(f.p.recorded->nodes[0].ct, 9007199254741008.0);
    pv_arena_release(&f.arena);
}
END_TEST

START_TEST(the_arena_cap_holds)
{
    fixture f;
    setup(&f, 256 << 10);
    uint32_t a = fn(&f, "a"), node = PV_STACKS_TOP;
    int rc = PV_OK;
    /* one path 100,000 deep: 100,000 distinct nodes */
    for (int i = 0; i < 100000 && rc == PV_OK; i++)
        rc = pv_stacks_child(f.b, node, a, &node, &f.err);
    ck_assert_int_eq(rc, PV_E_TOO_BIG);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "call paths"));
    pv_arena_release(&f.arena);
}
END_TEST

START_TEST(bad_ids_are_usage_errors)
{
    fixture f;
    setup(&f, 1 << 20);
    uint32_t node;
    ck_assert_int_eq(pv_stacks_child(f.b, PV_STACKS_TOP, 7, &node, &f.err), PV_E_USAGE);
    uint32_t a = fn(&f, "a");
    ck_assert_int_eq(pv_stacks_child(f.b, 3, a, &node, &f.err), PV_E_USAGE);
    pv_arena_release(&f.arena);
}
END_TEST

/* Keys, not names, identify functions: two frames named alike stay two. */
START_TEST(functions_are_keyed_not_named)
{
    fixture f;
    setup(&f, 1 << 20);
    uint32_t x, y, again;
    ck_assert_int_eq(pv_stacks_func(f.b, "1", 1, "a.js", 3, "f", &x, &f.err), PV_OK);
    ck_assert_int_eq(pv_stacks_func(f.b, "2", 1, "b.js", 9, "f", &y, &f.err), PV_OK);
    ck_assert_int_eq(pv_stacks_func(f.b, "1", 1, "ignored", 0, "ignored", &again, &f.err), PV_OK);
    ck_assert_uint_ne(x, y);
    ck_assert_uint_eq(x, again);
    ck_assert_int_eq(pv_stacks_add(f.b, (uint32_t[]){x, y}, 2, 1, 1, &f.err), PV_OK);
    finish(&f);
    ck_assert_str_eq(f.p.funcs[x].file, "a.js");
    ck_assert_int_eq(f.p.funcs[y].line, 9);
    pv_arena_release(&f.arena);
}
END_TEST

/* A thousand functions and a hundred thousand paths: the tables grow. */
START_TEST(tables_grow)
{
    fixture f;
    setup(&f, 256 << 20);
    char name[32];
    uint32_t ids[3];
    for (int i = 0; i < 100000; i++) {
        for (int k = 0; k < 3; k++) {
            snprintf(name, sizeof name, "f%d", (i * (k + 7)) % 1000);
            ids[k] = fn(&f, name);
        }
        ck_assert_int_eq(pv_stacks_add(f.b, ids, 3, 1, 1, &f.err), PV_OK);
    }
    finish(&f);
    ck_assert_uint_eq(f.p.n_funcs, 1000);
    double sum = 0;
    for (size_t i = 0; i < f.p.recorded->n_nodes; i++)
        if (f.p.recorded->nodes[i].parent == PV_NODE_TOP)
            sum += f.p.recorded->nodes[i].ct;
    ck_assert_double_eq(sum, 100000);
    pv_arena_release(&f.arena);
}
END_TEST

/* speedscope's "simple" folded file, fed by hand, against its oracle. */
START_TEST(the_oracle_checker_accepts_the_right_profile)
{
    fixture f;
    setup(&f, 1 << 20);
    add(&f, "a;b", 5, 5);
    add(&f, "a;b;c", 5, 5);
    add(&f, "a;b;d", 4, 4);
    finish(&f);
    const char *dir = getenv("PV_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/formats/stacks-simple", dir ? dir : "tests/data");
    cJSON *o = pv_oracle_load(path);
    pv_oracle_check_stacks(&f.p, cJSON_GetArrayItem(cJSON_GetObjectItem(o, "profiles"), 0),
                           "stacks-simple");
    cJSON_Delete(o);
    pv_arena_release(&f.arena);
}
END_TEST

Suite *pv_stacks_suite(void)
{
    Suite *s = suite_create("stacks");
    TCase *tc = tcase_create("builder");
    tcase_add_test(tc, stacks_merge_into_a_preorder_tree);
    tcase_add_test(tc, recursion_counts_outermost_activations);
    tcase_add_test(tc, mutual_recursion_counts_per_pair);
    tcase_add_test(tc, unreached_paths_leave_the_tree_not_the_table);
    tcase_add_test(tc, integer_weights_stay_exact_past_2_to_the_53);
    tcase_add_test(tc, the_arena_cap_holds);
    tcase_add_test(tc, bad_ids_are_usage_errors);
    tcase_add_test(tc, functions_are_keyed_not_named);
    tcase_add_test(tc, tables_grow);
    tcase_add_test(tc, the_oracle_checker_accepts_the_right_profile);
    suite_add_tcase(s, tc);
    return s;
}
