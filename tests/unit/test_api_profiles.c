/* test_api_profiles.c — /api/profiles (api_profiles.c): listing, uploads
 * (new, again, damaged, empty, bad names), a profile's summary, its raw bytes
 * and deleting it, also through another connection to the same store.
 *
 * Handlers are called in process (no sockets): requests are built by hand
 * and go through pv_api_dispatch, against a temporary store loaded with
 * fixtures from tests/data/pstats (api_fixture.h).
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "testutil.h"

Suite *pv_api_profiles_suite(void);

/* ---- listing and uploading ------------------------------------------- */

START_TEST(list_shows_profiles_newest_first)
{
    reply *r = get_ok("/api/profiles", 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "profiles")), 0);
    reply_free(r);
    int64_t a = load("recursion.prof"), b = load("wide.prof");
    r = get_ok("/api/profiles", 200);
    cJSON *list = cJSON_GetObjectItem(r->json, "profiles");
    ck_assert_int_eq(cJSON_GetArraySize(list), 2);
    cJSON *first = cJSON_GetArrayItem(list, 0), *second = cJSON_GetArrayItem(list, 1);
    ck_assert_int_eq((int64_t)num(first, "id"), b);
    ck_assert_int_eq((int64_t)num(second, "id"), a);
    ck_assert_str_eq(str(second, "name"), "recursion.prof");
    ck_assert_str_eq(str(second, "format"), "pstats");
    ck_assert_str_eq(str(second, "writer"), "cProfile");
    ck_assert_int_eq((int64_t)num(second, "total_calls"), 8839);
    ck_assert_int_eq((int64_t)num(second, "n_funcs"), 11);
    ck_assert_int_eq((int64_t)num(second, "size"), 1310);
    ck_assert_double_eq(num(second, "total_tt"), 0.08990050000000002);
    ck_assert(num(second, "loaded_at") > 1.6e9);
    ck_assert_str_eq(r->res.cache_control ? r->res.cache_control : "no-store", "no-store");
    reply_free(r);
}
END_TEST

START_TEST(upload_stores_once_and_says_so_the_second_time)
{
    reply *r = upload("/api/profiles?name=mine.prof", "recursion.prof", NULL);
    ck_assert_msg(r->status == 201, "%s", r->text);
    int64_t id = (int64_t)num(r->json, "id");
    char url[32];
    snprintf(url, sizeof url, "/p/%lld", (long long)id);
    ck_assert_str_eq(str(r->json, "url"), url);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "existed")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "warnings")), 0);
    reply_free(r);

    r = upload("/api/profiles", "recursion.prof", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq((int64_t)num(r->json, "id"), id);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "existed")));
    reply_free(r);

    r = get_ok("/api/profiles", 200);
    cJSON *list = cJSON_GetObjectItem(r->json, "profiles");
    ck_assert_int_eq(cJSON_GetArraySize(list), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(list, 0), "name"), "mine.prof");
    reply_free(r);
}
END_TEST

START_TEST(upload_takes_the_name_from_the_header_and_reports_warnings)
{
    static const char *const hdrs[] = {"X-Profile-Name: from-header.prof", NULL};
    reply *r = upload("/api/profiles", "bad_caller_missing_function.prof", hdrs);
    ck_assert_msg(r->status == 201, "%s", r->text);
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "warnings")), 0);
    reply_free(r);
    r = get_ok("/api/profiles", 200);
    ck_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "profiles"), 0), "name"),
                     "from-header.prof");
    reply_free(r);
    /* The same file again: warnings of the first load. */
    r = upload("/api/profiles", "bad_caller_missing_function.prof", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "warnings")), 0);
    reply_free(r);
}
END_TEST

START_TEST(upload_refuses_bad_files_and_names_and_stores_nothing)
{
    reply *r = upload("/api/profiles", "bad_trunc_half.prof", NULL);
    ck_assert_int_eq(r->status, 400);
    ck_assert_ptr_nonnull(strstr(str(r->json, "error"), "byte"));
    reply_free(r);
    r = upload("/api/profiles", "bad_random.prof", NULL);
    ck_assert_int_eq(r->status, 400);
    reply_free(r);

    r = request_with(ctx, "POST", "/api/profiles", NULL, NULL, 0);
    ck_assert_int_eq(r->status, 400);
    ck_assert_ptr_nonnull(strstr(str(r->json, "error"), "empty"));
    reply_free(r);

    r = upload("/api/profiles?name=a%0Ab", "recursion.prof", NULL);
    ck_assert_int_eq(r->status, 400);
    reply_free(r);
    char target[400] = "/api/profiles?name=";
    memset(target + strlen(target), 'x', 300);
    r = upload(target, "recursion.prof", NULL);
    ck_assert_int_eq(r->status, 400);
    reply_free(r);

    r = get_ok("/api/profiles", 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "profiles")), 0);
    reply_free(r);
}
END_TEST

/* ---- one profile ----------------------------------------------------- */

START_TEST(summary_has_totals_counts_and_the_top_level_boxes)
{
    int64_t id = load("recursion.prof");
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_int_eq((int64_t)num(r->json, "id"), id);
    ck_assert_int_eq((int64_t)num(r->json, "total_calls"), 8839);
    ck_assert_int_eq((int64_t)num(r->json, "prim_calls"), 23);
    ck_assert_int_eq((int64_t)num(r->json, "n_funcs"), 11);
    ck_assert_int_eq((int64_t)num(r->json, "n_edges"), 15);
    ck_assert_int_eq((int64_t)num(r->json, "n_caller_only"), 0);
    ck_assert_int_eq((int64_t)num(r->json, "marshal_version"), 4);
    ck_assert_str_eq(str(r->json, "dialect"), "py3");
    ck_assert_str_eq(str(r->json, "sha256"),
                     "102979e1c93d29fff5bb3ab55cd58cb9af6a53f497d4d8d342ff7bb01f49fb97");
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(r->json, "warnings")));
    /* Nobody calls main (9) and the profiler's disable (4): both are top
     * boxes worth their whole cumulative time. */
    cJSON *roots = cJSON_GetObjectItem(r->json, "roots");
    ck_assert_int_ge(cJSON_GetArraySize(roots), 2);
    double sum = 0;
    int seen_main = 0;
    cJSON *box;
    cJSON_ArrayForEach(box, roots) {
        sum += num(box, "time");
        if (num(box, "id") == 9) {
            seen_main = 1;
            ck_assert_str_eq(str(box, "name"), "main");
            ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(box, "exact")));
            ck_assert_double_eq(num(box, "time"), 0.0898975);
        }
        ck_assert_ptr_null(cJSON_GetObjectItem(box, "children"));
    }
    ck_assert(seen_main);
    ck_assert_double_le(sum, num(r->json, "total_tt") * (1 + 1e-12));
    reply_free(r);
}
END_TEST

START_TEST(raw_returns_the_original_bytes_as_a_download)
{
    static const char *const hdrs[] = {"X-Profile-Name: ../../etc/pass wd\"x.prof", NULL};
    reply *r = upload("/api/profiles", "wide.prof", hdrs);
    ck_assert_int_eq(r->status, 201);
    int64_t id = (int64_t)num(r->json, "id");
    reply_free(r);
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld/raw", (long long)id);
    r = get(target);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(r->res.content_type, "application/octet-stream");
    size_t len;
    unsigned char *bytes = pv_test_read(fixture_path("wide.prof"), &len);
    ck_assert_uint_eq(r->res.len, len);
    ck_assert(memcmp(r->res.body, bytes, len) == 0);
    free(bytes);
    /* No path, no quote, no space survives into the download name. */
    ck_assert_str_eq(r->res.disposition, "attachment; filename=\"_.._etc_pass_wd_x.prof\"");
    reply_free(r);
}
END_TEST

/* ---- deleting -------------------------------------------------------- */

START_TEST(delete_removes_the_profile_and_its_cached_graph)
{
    int64_t id = load("recursion.prof"), other = load("wide.prof");
    char tree[64], one[64];
    snprintf(tree, sizeof tree, "/api/profiles/%lld/tree", (long long)id);
    snprintf(one, sizeof one, "/api/profiles/%lld", (long long)id);
    reply_free(get_ok(tree, 200));  /* now cached */
    reply *r = request_with(ctx, "DELETE", one, NULL, NULL, 0);
    ck_assert_int_eq(r->status, 204);
    ck_assert_uint_eq(r->res.len, 0);
    reply_free(r);
    expect_error("GET", tree, 404);
    expect_error("GET", one, 404);
    expect_error("DELETE", one, 404);
    r = get_ok("/api/profiles", 200);
    cJSON *list = cJSON_GetObjectItem(r->json, "profiles");
    ck_assert_int_eq(cJSON_GetArraySize(list), 1);
    ck_assert_int_eq((int64_t)num(cJSON_GetArrayItem(list, 0), "id"), other);
    reply_free(r);
}
END_TEST

START_TEST(a_profile_deleted_through_another_connection_is_not_served)
{
    /* Two contexts on one store: two servers. */
    pv_ctx *other = open_ctx(NULL, NULL);
    int64_t id = load("real_pydoc.prof");
    char tree[96], table[96], summary[64];
    snprintf(tree, sizeof tree, "/api/profiles/%lld/tree", (long long)id);
    snprintf(table, sizeof table, "/api/profiles/%lld/functions", (long long)id);
    snprintf(summary, sizeof summary, "/api/profiles/%lld", (long long)id);
    const char *const targets[] = {tree, table, summary};
    for (size_t i = 0; i < 3; i++) {
        reply *r = request_with(other, "GET", targets[i], NULL, NULL, 0);
        ck_assert_int_eq(r->status, 200);
        reply_free(r);
    }
    reply *del = request_with(ctx, "DELETE", summary, NULL, NULL, 0);
    ck_assert_int_eq(del->status, 204);
    reply_free(del);
    for (size_t i = 0; i < 3; i++) {
        reply *r = request_with(other, "GET", targets[i], NULL, NULL, 0);
        ck_assert_msg(r->status == 404, "%s: %d after the delete", targets[i], r->status);
        reply_free(r);
    }
    size_t n_graphs, bytes;
    pv_cache_stats(pv_ctx_cache(other), &n_graphs, &bytes);
    ck_assert_uint_eq(n_graphs, 0);
    pv_ctx_close(other);
}
END_TEST

Suite *pv_api_profiles_suite(void)
{
    Suite *s = suite_create("api_profiles");
    TCase *tc = tcase_create("api_profiles");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, list_shows_profiles_newest_first);
    tcase_add_test(tc, upload_stores_once_and_says_so_the_second_time);
    tcase_add_test(tc, upload_takes_the_name_from_the_header_and_reports_warnings);
    tcase_add_test(tc, upload_refuses_bad_files_and_names_and_stores_nothing);
    tcase_add_test(tc, summary_has_totals_counts_and_the_top_level_boxes);
    tcase_add_test(tc, raw_returns_the_original_bytes_as_a_download);
    tcase_add_test(tc, delete_removes_the_profile_and_its_cached_graph);
    tcase_add_test(tc, a_profile_deleted_through_another_connection_is_not_served);
    suite_add_tcase(s, tc);
    return s;
}
