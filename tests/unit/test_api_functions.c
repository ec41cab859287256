/* test_api_functions.c — /api/profiles/ID/functions (api_functions.c): the
 * table (every sort key both ways, paging, literal case-insensitive
 * filtering) and one function's callers and callees.
 *
 * Handlers are called in process (no sockets): requests are built by hand
 * and go through pv_api_dispatch, against a temporary store loaded with
 * fixtures from tests/data/pstats (api_fixture.h).
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"

Suite *pv_api_functions_suite(void);

/* ---- the functions table --------------------------------------------- */

/* Every id of the table in the order `sort`/`order` gives, paging with
 * `limit`; checks each page's offset, limit and total. */
static int64_t *all_rows(int64_t id, const char *sort, const char *order, int limit,
                         size_t *n)
{
    size_t cap = 8192, len = 0;
    int64_t *ids = malloc(cap * sizeof *ids), total = -1;
    for (int offset = 0;; offset += limit) {
        char target[160];
        snprintf(target, sizeof target,
                 "/api/profiles/%lld/functions?sort=%s&order=%s&offset=%d&limit=%d",
                 (long long)id, sort, order, offset, limit);
        reply *r = get_ok(target, 200);
        int64_t t = (int64_t)num(r->json, "total");
        ck_assert(total < 0 || t == total);
        total = t;
        ck_assert_int_eq((int64_t)num(r->json, "offset"), offset);
        ck_assert_int_eq((int64_t)num(r->json, "limit"), limit);
        ck_assert_str_eq(str(r->json, "sort"), sort);
        ck_assert_str_eq(str(r->json, "order"), order);
        cJSON *rows = cJSON_GetObjectItem(r->json, "rows"), *row;
        int k = cJSON_GetArraySize(rows);
        ck_assert_int_le(k, limit);
        cJSON_ArrayForEach(row, rows) {
            ck_assert_uint_lt(len, cap);
            ids[len++] = (int64_t)num(row, "id");
        }
        reply_free(r);
        if (k < limit)
            break;
    }
    ck_assert_int_eq((int64_t)len, total);
    *n = len;
    return ids;
}

START_TEST(functions_default_to_cumulative_time_descending)
{
    int64_t id = load("wide.prof");
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld/functions", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_int_eq((int64_t)num(r->json, "total"), 5002);
    ck_assert_int_eq((int64_t)num(r->json, "limit"), 100);
    ck_assert_str_eq(str(r->json, "sort"), "cumtime");
    ck_assert_str_eq(str(r->json, "order"), "desc");
    cJSON *rows = cJSON_GetObjectItem(r->json, "rows"), *row;
    ck_assert_int_eq(cJSON_GetArraySize(rows), 100);
    double prev = INFINITY;
    cJSON_ArrayForEach(row, rows) {
        ck_assert_double_le(num(row, "ct"), prev);
        prev = num(row, "ct");
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(row, "cc")));
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(row, "nc")));
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(row, "tt")));
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(row, "file")));
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(row, "line")));
    }
    ck_assert_str_eq(str(cJSON_GetArrayItem(rows, 0), "name"), "hub");
    reply_free(r);
}
END_TEST

/* The figure a sort key orders by, read back from a function's detail. */
static double sort_figure(const cJSON *f, const char *sort)
{
    if (strcmp(sort, "calls") == 0) return num(f, "nc");
    if (strcmp(sort, "pcalls") == 0) return num(f, "cc");
    if (strcmp(sort, "tottime") == 0) return num(f, "tt");
    if (strcmp(sort, "cumtime") == 0) return num(f, "ct");
    if (strcmp(sort, "line") == 0) return num(f, "line");
    if (strcmp(sort, "tpercall") == 0) return num(f, "nc") ? num(f, "tt") / num(f, "nc") : NAN;
    if (strcmp(sort, "cpercall") == 0) return num(f, "cc") ? num(f, "ct") / num(f, "cc") : NAN;
    return NAN;
}

START_TEST(functions_sort_by_every_key_both_ways_and_page_without_gaps)
{
    static const char *const keys[] = {"name", "file", "line", "calls", "pcalls",
                                       "tottime", "cumtime", "tpercall", "cpercall"};
    int64_t id = load("recursion.prof");
    load("wide.prof");
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        for (int desc = 0; desc <= 1; desc++) {
            size_t n;
            /* Pages of 3 across 11 functions. */
            int64_t *ids = all_rows(id, keys[k], desc ? "desc" : "asc", 3, &n);
            ck_assert_uint_eq(n, 11);
            int seen[11] = {0};
            cJSON *prev = NULL;
            for (size_t i = 0; i < n; i++) {
                ck_assert(ids[i] >= 0 && ids[i] < 11);
                ck_assert_msg(!seen[ids[i]]++, "%s: id %lld twice", keys[k], (long long)ids[i]);
                char target[64];
                snprintf(target, sizeof target, "/api/profiles/%lld/functions/%lld",
                         (long long)id, (long long)ids[i]);
                reply *r = get_ok(target, 200);
                cJSON *cur = cJSON_Duplicate(r->json, 1);
                reply_free(r);
                if (prev) {
                    int c;
                    if (strcmp(keys[k], "name") == 0 || strcmp(keys[k], "file") == 0) {
                        c = strcmp(str(prev, keys[k]), str(cur, keys[k]));
                    } else {
                        double a = sort_figure(prev, keys[k]), b = sort_figure(cur, keys[k]);
                        c = isnan(a) || isnan(b) ? 0 : (a > b) - (a < b);
                        /* NaN sorts last both ways. */
                        ck_assert(!(isnan(a) && !isnan(b)));
                    }
                    ck_assert_msg(desc ? c >= 0 : c <= 0, "%s %s out of order at %zu", keys[k],
                                  desc ? "desc" : "asc", i);
                    if (c == 0 && ids[i] < ids[i - 1])
                        ck_abort_msg("%s: ties not in file order", keys[k]);
                }
                cJSON_Delete(prev);
                prev = cur;
            }
            cJSON_Delete(prev);
            free(ids);
        }
    }
}
END_TEST

START_TEST(functions_page_through_a_wide_profile)
{
    int64_t id = load("wide.prof");
    size_t n;
    int64_t *ids = all_rows(id, "tottime", "desc", 1000, &n);
    ck_assert_uint_eq(n, 5002);
    char *seen = calloc(5002, 1);
    for (size_t i = 0; i < n; i++) {
        ck_assert(ids[i] >= 0 && ids[i] < 5002 && !seen[ids[i]]);
        seen[ids[i]] = 1;
    }
    free(seen);
    free(ids);
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/functions?offset=99999999", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_int_eq((int64_t)num(r->json, "total"), 5002);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "rows")), 0);
    reply_free(r);
}
END_TEST

/* The table's total for search `q` (already percent-encoded). */
static int64_t total_for(int64_t id, const char *q)
{
    char target[256];
    snprintf(target, sizeof target, "/api/profiles/%lld/functions?q=%s", (long long)id, q);
    reply *r = get_ok(target, 200);
    int64_t t = (int64_t)num(r->json, "total");
    reply_free(r);
    return t;
}

START_TEST(functions_filter_literally_ignoring_case)
{
    int64_t wide = load("wide.prof"), rec = load("recursion.prof");
    ck_assert_int_eq(total_for(wide, "W4948"), 1);
    ck_assert_int_eq(total_for(wide, "w494"), 10);       /* w4940 .. w4949 */
    ck_assert_int_eq(total_for(wide, "WIDE_MOD.PY"), 5001);  /* the file: all but disable */
    ck_assert_int_eq(total_for(wide, ""), 5002);
    /* Nothing is a wildcard: not %, not _, not quotes. */
    ck_assert_int_eq(total_for(wide, "%25"), 0);
    ck_assert_int_eq(total_for(wide, "w_9"), 0);
    ck_assert_int_eq(total_for(rec, "cyc_"), 3);
    ck_assert_int_eq(total_for(rec, "%27%22"), 0);
    ck_assert_int_eq(total_for(rec, "%27"), 1);          /* <method 'disable' ...> */
    ck_assert_int_eq(total_for(rec, "fib"), 1);
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/functions?q=w49&limit=5&offset=3",
             (long long)wide);
    reply *r = get_ok(target, 200);
    ck_assert_int_eq((int64_t)num(r->json, "total"), 100);  /* w4900 .. w4999 */
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "rows")), 5);
    reply_free(r);
}
END_TEST

START_TEST(function_detail_lists_callers_and_callees_with_edge_figures)
{
    int64_t id = load("recursion.prof");
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld/functions/0", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_str_eq(str(r->json, "name"), "fib");
    ck_assert_int_eq((int64_t)num(r->json, "nc"), 8501);
    ck_assert_int_eq((int64_t)num(r->json, "cc"), 11);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "caller_only")));
    cJSON *callers = cJSON_GetObjectItem(r->json, "callers");
    ck_assert_int_eq(cJSON_GetArraySize(callers), 3);
    /* In file order: fib itself, <listcomp>, main. */
    cJSON *self = cJSON_GetArrayItem(callers, 0);
    ck_assert_int_eq((int64_t)num(self, "id"), 0);
    ck_assert_int_eq((int64_t)num(self, "nc"), 8490);
    ck_assert_int_eq((int64_t)num(self, "cc"), 18);
    ck_assert_double_eq(num(self, "ct"), 0.08626650000000001);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(self, "is_count")));
    ck_assert_str_eq(str(cJSON_GetArrayItem(callers, 2), "name"), "main");
    cJSON *callees = cJSON_GetObjectItem(r->json, "callees");
    ck_assert_int_eq(cJSON_GetArraySize(callees), 1);
    ck_assert_int_eq((int64_t)num(cJSON_GetArrayItem(callees, 0), "id"), 0);
    /* Where the page opens fib: under main, its widest caller. */
    cJSON *path = cJSON_GetObjectItem(r->json, "path");
    ck_assert_int_eq(cJSON_GetArraySize(path), 2);
    ck_assert_str_eq(str(cJSON_GetArrayItem(callers, 2), "name"), "main");
    ck_assert_int_eq(cJSON_GetArrayItem(path, 0)->valueint,
                     (int)num(cJSON_GetArrayItem(callers, 2), "id"));
    ck_assert_int_eq(cJSON_GetArrayItem(path, 1)->valueint, 0);
    reply_free(r);
}
END_TEST

START_TEST(function_detail_covers_caller_only_functions_and_count_edges)
{
    int64_t id = load("bad_caller_missing_function.prof");
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_int_eq((int64_t)num(r->json, "n_caller_only"), 1);
    int64_t n = (int64_t)num(r->json, "n_funcs");
    reply_free(r);
    snprintf(target, sizeof target, "/api/profiles/%lld/functions/%lld", (long long)id,
             (long long)n);
    r = get_ok(target, 200);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "caller_only")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "callees")), 1);
    reply_free(r);

    /* python -m profile: callers hold bare counts. */
    id = load("profile_module_cli.prof");
    snprintf(target, sizeof target, "/api/profiles/%lld/functions/2", (long long)id);
    r = get_ok(target, 200);
    cJSON *edge = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "callers"), 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(edge, "is_count")));
    reply_free(r);
}
END_TEST

Suite *pv_api_functions_suite(void)
{
    Suite *s = suite_create("api_functions");
    TCase *tc = tcase_create("api_functions");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, functions_default_to_cumulative_time_descending);
    tcase_add_test(tc, functions_sort_by_every_key_both_ways_and_page_without_gaps);
    tcase_add_test(tc, functions_page_through_a_wide_profile);
    tcase_add_test(tc, functions_filter_literally_ignoring_case);
    tcase_add_test(tc, function_detail_lists_callers_and_callees_with_edge_figures);
    tcase_add_test(tc, function_detail_covers_caller_only_functions_and_count_edges);
    suite_add_tcase(s, tc);
    return s;
}
