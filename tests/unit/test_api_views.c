/* test_api_views.c — /api/profiles/ID/tree's views (view=inverted,
 * callers, callees with fn; api_tree.c): the answer echoes the view, its
 * boxes have the tree's shape and figures, paths walk the view, and bad
 * parameters are refused with a message saying which and why.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"

Suite *pv_api_views_suite(void);

static reply *view(int64_t id, const char *query)
{
    char target[256];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?%s", (long long)id, query);
    return get_ok(target, 200);
}

/* Children and self add up to each box; bounds hold the estimate. */
static void check_sums(const cJSON *box)
{
    const cJSON *kids = cJSON_GetObjectItem(box, "children"), *kid;
    double sum = 0;
    cJSON_ArrayForEach(kid, kids) {
        sum += num(kid, "time");
        ck_assert(num(kid, "lo") <= num(kid, "time") + 1e-12);
        ck_assert(num(kid, "time") <= num(kid, "hi") + 1e-12);
        check_sums(kid);
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItem(box, "more")))
        ck_assert_double_eq_tol(sum + num(box, "self"), num(box, "time"),
                                1e-9 * fmax(1, num(box, "time")));
}

static const cJSON *child_named(const cJSON *box, const char *name)
{
    const cJSON *kid;
    cJSON_ArrayForEach(kid, cJSON_GetObjectItem(box, "children"))
        if (strcmp(str(kid, "name"), name) == 0)
            return kid;
    return NULL;
}

START_TEST(inverted_view_starts_at_own_time_and_walks_up)
{
    int64_t id = load("recursion.prof");
    reply *r = view(id, "view=inverted&depth=3&cutoff=0");
    ck_assert_str_eq(str(r->json, "view"), "inverted");
    const cJSON *root = cJSON_GetObjectItem(r->json, "root");
    ck_assert_str_eq(str(root, "name"), "(all)");
    /* recursion.prof: fib's own time 0.086431601 s, 8490 of its 8501
     * calls from fib itself (tt 0.0862665), as pstats prints them. */
    const cJSON *fib = child_named(root, "fib");
    ck_assert(fib && num(fib, "time") == 0.08643160100000001 && num(fib, "calls") == 8501);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(fib, "exact")));
    const cJSON *self_calls = child_named(fib, "fib");
    ck_assert(self_calls && num(self_calls, "time") == 0.08626650000000001);
    check_sums(root);
    /* The path of that box, bottom up, roots the view there. */
    char q[96];
    snprintf(q, sizeof q, "view=inverted&path=%d,%d&depth=1", (int)num(fib, "id"),
             (int)num(self_calls, "id"));
    reply *below = view(id, q);
    const cJSON *p = cJSON_GetObjectItem(below->json, "path");
    ck_assert_int_eq(cJSON_GetArraySize(p), 2);
    ck_assert(num(cJSON_GetObjectItem(below->json, "root"), "time") == num(self_calls, "time"));
    reply_free(below);
    reply_free(r);
}
END_TEST

START_TEST(sandwich_halves_center_on_the_function)
{
    int64_t id = load("recursion.prof");
    reply *r = view(id, "view=inverted&depth=1&cutoff=0");
    int fib = (int)num(child_named(cJSON_GetObjectItem(r->json, "root"), "fib"), "id");
    reply_free(r);
    char q[96];
    snprintf(q, sizeof q, "view=callers&fn=%d&depth=4&cutoff=0", fib);
    reply *up = view(id, q);
    snprintf(q, sizeof q, "view=callees&fn=%d&depth=4&cutoff=0", fib);
    reply *down = view(id, q);
    ck_assert_str_eq(str(up->json, "view"), "callers");
    ck_assert_str_eq(str(down->json, "view"), "callees");
    ck_assert_int_eq((int)num(up->json, "fn"), fib);
    /* Both roots are fib's row: ct 0.08643160100000001 (its recursion
     * counted once), 8501 calls; fib is never above or below itself. */
    for (int h = 0; h < 2; h++) {
        const cJSON *root = cJSON_GetObjectItem((h ? down : up)->json, "root");
        ck_assert_str_eq(str(root, "name"), "fib");
        ck_assert(num(root, "time") == 0.08643160100000001 && num(root, "calls") == 8501);
        ck_assert(!child_named(root, "fib"));
        check_sums(root);
    }
    /* main's 3 calls of fib: 0.085448601 s, the edge's ct. */
    const cJSON *main_box = child_named(cJSON_GetObjectItem(up->json, "root"), "main");
    ck_assert(main_box && num(main_box, "calls") == 3);
    ck_assert_double_le(num(main_box, "hi"), 0.085448601);
    reply_free(up);
    reply_free(down);
}
END_TEST

START_TEST(bad_view_parameters_are_refused_saying_why)
{
    int64_t id = load("recursion.prof");
    char t[160];
    static const char *const bad[] = {
        "view=bottom",                 /* no such view */
        "view=callers",                /* fn missing */
        "view=callees&fn=",            /* fn empty */
        "view=callees&fn=abc",         /* not an id */
        "view=callers&fn=99999",       /* no such function */
        "view=inverted&t=mycode",      /* transforms are for view=top */
        "view=callers&fn=0&base=1",    /* comparisons are for view=top */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(t, sizeof t, "/api/profiles/%lld/tree?%s", (long long)id, bad[i]);
        expect_error("GET", t, 400);
    }
    /* A sandwich path that does not start at fn, an inverted step that is
     * no caller: no such view. */
    snprintf(t, sizeof t, "/api/profiles/%lld/tree?view=callers&fn=0&path=1", (long long)id);
    expect_error("GET", t, 404);
    snprintf(t, sizeof t, "/api/profiles/%lld/tree?view=inverted&path=99999", (long long)id);
    expect_error("GET", t, 404);
    expect_error("GET", "/api/profiles/987654/tree?view=inverted", 404);
    reply *r = get("/api/profiles/1/tree?view=bottom");
    ck_assert(strstr(str(r->json, "error"), "bottom") && strstr(str(r->json, "error"), "inverted"));
    reply_free(r);
}
END_TEST

START_TEST(views_are_kept_apart)
{
    /* The same depth, cutoff and path in two views: two answers, each
     * the same again when asked twice (kept with the graph). */
    int64_t id = load("recursion.prof");
    reply *a = view(id, "view=inverted&depth=2");
    reply *b = view(id, "depth=2");
    reply *a2 = view(id, "view=inverted&depth=2");
    ck_assert_str_eq(str(b->json, "view"), "top");
    ck_assert_str_ne(a->text, b->text);
    ck_assert_str_eq(a->text, a2->text);
    reply_free(a);
    reply_free(b);
    reply_free(a2);
}
END_TEST

Suite *pv_api_views_suite(void)
{
    Suite *s = suite_create("api_views");
    TCase *tc = tcase_create("views");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, inverted_view_starts_at_own_time_and_walks_up);
    tcase_add_test(tc, sandwich_halves_center_on_the_function);
    tcase_add_test(tc, bad_view_parameters_are_refused_saying_why);
    tcase_add_test(tc, views_are_kept_apart);
    suite_add_tcase(s, tc);
    return s;
}
