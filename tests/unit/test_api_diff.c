/* test_api_diff.c — comparing profiles through the API (api_diff.c and
 * /tree's base): the diff table and its sorts, the compared view, shares
 * of totals, and the errors.  In process, against a temporary store
 * (api_fixture.h) loaded with tests/data/diff's synthetic pairs.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"

Suite *pv_api_diff_suite(void);

static reply *getf(int status, const char *fmt, long long a, long long b)
{
    char target[256];
    snprintf(target, sizeof target, fmt, a, b);
    return get_ok(target, status);
}

/* The row of the table named `name` (with `line`, or any when < 0). */
static const cJSON *row_named(const cJSON *rows, const char *name, int line)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, rows) {
        if (!strcmp(str(r, "name"), name) && (line < 0 || num(r, "line") == line))
            return r;
    }
    ck_abort_msg("no row %s", name);
    return NULL;
}

START_TEST(diff_table_puts_the_regression_first)
{
    int64_t base = load("../diff/base.prof"), nw = load("../diff/slower.prof");
    reply *r = getf(200, "/api/profiles/%lld/diff?base=%lld", nw, base);
    const cJSON *rows = cJSON_GetObjectItem(r->json, "rows");
    ck_assert_int_eq((int)num(r->json, "total"), 7);
    ck_assert_int_eq(cJSON_GetArraySize(rows), 7);
    const cJSON *first = cJSON_GetArrayItem(rows, 0);
    ck_assert_str_eq(str(first, "name"), "c");
    ck_assert_double_eq(num(first, "d_tt"), 1.0);
    ck_assert_str_eq(str(first, "rule"), "exact");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(first, "lacks")));
    ck_assert_double_eq(num(cJSON_GetObjectItem(first, "new"), "tt"), 5.0);
    ck_assert_double_eq(num(cJSON_GetObjectItem(first, "base"), "tt"), 4.0);
    for (int i = 1; i < 7; i++)
        ck_assert_double_eq(num(cJSON_GetArrayItem(rows, i), "d_tt"), 0.0);
    reply_free(r);

    /* By |Δ cumtime|: main, b and c grew by 1 s, the rest not at all. */
    r = getf(200, "/api/profiles/%lld/diff?base=%lld&sort=cumtime", nw, base);
    rows = cJSON_GetObjectItem(r->json, "rows");
    for (int i = 0; i < 7; i++)
        ck_assert_double_eq(num(cJSON_GetArrayItem(rows, i), "d_ct"), i < 3 ? 1.0 : 0.0);
    ck_assert_str_eq(str(r->json, "sort"), "cumtime");
    reply_free(r);

    /* Filter and page. */
    r = getf(200, "/api/profiles/%lld/diff?base=%lld&q=__init__&limit=1&offset=1", nw, base);
    ck_assert_int_eq((int)num(r->json, "total"), 2);
    rows = cJSON_GetObjectItem(r->json, "rows");
    ck_assert_int_eq(cJSON_GetArraySize(rows), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(rows, 0), "name"), "__init__");
    reply_free(r);
}
END_TEST

START_TEST(diff_table_says_which_side_lacks_a_function_and_how_it_matched)
{
    int64_t base = load("../diff/base.prof"), nw = load("../diff/changed.prof");
    reply *r = getf(200, "/api/profiles/%lld/diff?base=%lld&limit=100", nw, base);
    const cJSON *rows = cJSON_GetObjectItem(r->json, "rows");
    /* main, a, b, c, d, e, and two __init__s on each side, unmatched. */
    ck_assert_int_eq((int)num(r->json, "total"), 10);
    const cJSON *a = row_named(rows, "a", 12);
    ck_assert_str_eq(str(a, "rule"), "moved");
    ck_assert_double_eq(num(a, "base_line"), 10);
    const cJSON *e = row_named(rows, "e", -1);
    ck_assert_str_eq(str(e, "lacks"), "new");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(e, "id")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(e, "new")));
    ck_assert_double_eq(num(e, "d_tt"), -3.5);
    ck_assert_str_eq(str(row_named(rows, "d", -1), "lacks"), "base");
    ck_assert_str_eq(str(row_named(rows, "__init__", 51), "lacks"), "base");
    ck_assert_str_eq(str(row_named(rows, "__init__", 50), "lacks"), "new");
    /* Largest |Δ tottime| first: e's -3.5. */
    ck_assert_str_eq(str(cJSON_GetArrayItem(rows, 0), "name"), "e");
    const cJSON *match = cJSON_GetObjectItem(r->json, "match");
    ck_assert_int_eq((int)num(match, "exact"), 3);
    ck_assert_int_eq((int)num(match, "moved"), 1);
    ck_assert_int_eq((int)num(match, "only_base"), 3);
    ck_assert_int_eq((int)num(match, "only_new"), 3);
    reply_free(r);

    /* By Δ calls ascending: the functions that lost calls first. */
    r = getf(200, "/api/profiles/%lld/diff?base=%lld&sort=calls&order=asc", nw, base);
    ck_assert_double_eq(num(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "rows"), 0), "d_nc"),
                        -1);
    reply_free(r);
}
END_TEST

/* The compared view: every box has BASE's figures and the delta. */
static void check_deltas(const cJSON *box, double *sum_abs, const char **changed)
{
    const cJSON *base = cJSON_GetObjectItem(box, "base");
    ck_assert_ptr_nonnull(base);
    ck_assert_str_eq(str(base, "state"), "present");
    double delta = num(box, "delta");
    ck_assert_double_eq_tol(delta, num(box, "time") - num(base, "time"), 1e-12);
    ck_assert_double_le(num(box, "delta_lo"), delta);
    ck_assert_double_ge(num(box, "delta_hi"), delta);
    if (delta != 0 && cJSON_IsNumber(cJSON_GetObjectItem(box, "id")))
        *changed = str(box, "name");
    *sum_abs += fabs(delta);
    const cJSON *kid;
    cJSON_ArrayForEach(kid, cJSON_GetObjectItem(box, "children"))
        check_deltas(kid, sum_abs, changed);
}

START_TEST(compared_view_carries_base_figures_and_deltas)
{
    int64_t id = load("real_pydoc.prof");
    reply *r = getf(200, "/api/profiles/%lld/tree?base=%lld&depth=8", id, id);
    double sum = 0;
    const char *changed = NULL;
    check_deltas(cJSON_GetObjectItem(r->json, "root"), &sum, &changed);
    ck_assert_double_eq_tol(sum, 0, 1e-9);
    ck_assert_str_eq(str(r->json, "compare"), "seconds");
    ck_assert_double_eq(num(cJSON_GetObjectItem(r->json, "base"), "id"), id);
    reply_free(r);

    int64_t base = load("../diff/base.prof"), nw = load("../diff/slower.prof");
    r = getf(200, "/api/profiles/%lld/tree?base=%lld&cutoff=0", nw, base);
    sum = 0;
    check_deltas(cJSON_GetObjectItem(r->json, "root"), &sum, &changed);
    /* (all), main, b, c: each 1 s more; the deepest changed is c. */
    ck_assert_double_eq(sum, 4.0);
    ck_assert_str_eq(changed, "c");
    reply_free(r);

    /* Shares: (all) is 100% on both sides. */
    r = getf(200, "/api/profiles/%lld/tree?base=%lld&compare=share", nw, base);
    const cJSON *root = cJSON_GetObjectItem(r->json, "root");
    ck_assert_double_eq(num(root, "delta"), 0);
    ck_assert_str_eq(str(r->json, "compare"), "share");
    ck_assert_double_eq(num(r->json, "new_total"), 11.0);
    ck_assert_double_eq(num(cJSON_GetObjectItem(r->json, "base"), "total"), 10.0);
    reply_free(r);
    r = getf(200, "/api/profiles/%lld/diff?base=%lld&compare=share", nw, base);
    const cJSON *c = row_named(cJSON_GetObjectItem(r->json, "rows"), "c", -1);
    ck_assert_double_eq_tol(num(c, "d_tt"), 5.0 / 11 - 4.0 / 10, 1e-15);
    reply_free(r);
}
END_TEST

START_TEST(compared_view_marks_absent_paths_and_removed_work)
{
    int64_t base = load("../diff/base.prof"), nw = load("../diff/changed.prof");
    reply *r = getf(200, "/api/profiles/%lld/tree?base=%lld&cutoff=0", nw, base);
    ck_assert_ptr_nonnull(strstr(r->text, "\"state\":\"absent\""));
    const cJSON *main_box = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "root"), "children"), 0);
    ck_assert_str_eq(str(main_box, "name"), "main");
    const cJSON *removed = cJSON_GetObjectItem(main_box, "removed");
    ck_assert_double_eq(num(removed, "count"), 3);
    ck_assert_double_eq(num(removed, "time"), 3.5);
    /* The largest named first: e, 3.5 s (BASE's id). */
    const cJSON *top = cJSON_GetObjectItem(removed, "top");
    ck_assert_int_eq(cJSON_GetArraySize(top), 3);
    ck_assert_str_eq(str(cJSON_GetArrayItem(top, 0), "name"), "e");
    ck_assert_double_eq(num(cJSON_GetArrayItem(top, 0), "time"), 3.5);
    ck_assert_double_eq(num(cJSON_GetArrayItem(top, 0), "line"), 50);
    reply_free(r);
}
END_TEST

/* A real pair (tests/data/diff/real_*): crunch() made slower is the
 * table's first row and the widest slowdown of the chart below main. */
START_TEST(a_real_regression_is_found)
{
    int64_t base = load("../diff/real_before.prof"), nw = load("../diff/real_after.prof");
    reply *r = getf(200, "/api/profiles/%lld/diff?base=%lld&limit=2", nw, base);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "rows"), 0);
    ck_assert_str_eq(str(first, "name"), "crunch");
    ck_assert_str_eq(str(first, "rule"), "exact");
    ck_assert_double_gt(num(first, "d_tt"), 0.3);
    reply_free(r);
    r = getf(200, "/api/profiles/%lld/tree?base=%lld&depth=5", nw, base);
    const cJSON *box = cJSON_GetObjectItem(r->json, "root");
    const char *names[] = {"<built-in method builtins.exec>", "<module>", "main"};
    for (size_t i = 0; i < 3; i++) {
        box = cJSON_GetArrayItem(cJSON_GetObjectItem(box, "children"), 0);
        ck_assert_str_eq(str(box, "name"), names[i]);
    }
    const cJSON *kid, *widest = NULL;
    cJSON_ArrayForEach(kid, cJSON_GetObjectItem(box, "children"))
        if (!widest || num(kid, "delta") > num(widest, "delta"))
            widest = kid;
    ck_assert_str_eq(str(widest, "name"), "crunch");
    reply_free(r);
}
END_TEST

START_TEST(bad_comparisons_are_refused_with_a_reason)
{
    int64_t id = load("../diff/base.prof");
    int64_t folded = load("../formats/folded/flamegraph__perf-js-stacks-01-collapsed-jit.txt");
    char target[160];
    static const char *const bad400[] = {
        "/api/profiles/%lld/diff",
        "/api/profiles/%lld/diff?base=",
        "/api/profiles/%lld/diff?base=abc",
        "/api/profiles/%lld/diff?base=1&sort=name",
        "/api/profiles/%lld/diff?base=1&order=up",
        "/api/profiles/%lld/diff?base=1&compare=percent",
        "/api/profiles/%lld/diff?base=1&limit=0",
        "/api/profiles/%lld/tree?compare=share",
        "/api/profiles/%lld/tree?base=x",
    };
    for (size_t i = 0; i < sizeof bad400 / sizeof *bad400; i++) {
        snprintf(target, sizeof target, bad400[i], (long long)id);
        expect_error("GET", target, 400);
    }
    snprintf(target, sizeof target, "/api/profiles/%lld/diff?base=999", (long long)id);
    expect_error("GET", target, 404);
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?base=99999999999999999999",
             (long long)id);
    expect_error("GET", target, 404);
    snprintf(target, sizeof target, "/api/profiles/999/diff?base=%lld", (long long)id);
    expect_error("GET", target, 404);
    /* Seconds against samples. */
    reply *r = getf(400, "/api/profiles/%lld/tree?base=%lld", id, folded);
    ck_assert_ptr_nonnull(strstr(str(r->json, "error"), "samples"));
    reply_free(r);
}
END_TEST

Suite *pv_api_diff_suite(void)
{
    Suite *s = suite_create("api_diff");
    TCase *tc = tcase_create("diff");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, diff_table_puts_the_regression_first);
    tcase_add_test(tc, diff_table_says_which_side_lacks_a_function_and_how_it_matched);
    tcase_add_test(tc, compared_view_carries_base_figures_and_deltas);
    tcase_add_test(tc, compared_view_marks_absent_paths_and_removed_work);
    tcase_add_test(tc, a_real_regression_is_found);
    tcase_add_test(tc, bad_comparisons_are_refused_with_a_reason);
    suite_add_tcase(s, tc);
    return s;
}
