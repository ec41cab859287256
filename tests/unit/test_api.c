/* test_api.c — the JSON API's handlers, called in process (no sockets):
 * requests are built by hand and go through pv_api_dispatch, against a
 * temporary store loaded with fixtures from tests/data/pstats.
 *
 * Covered: listing, uploads (new, again, damaged, empty, bad names),
 * summaries, raw bytes, the functions table (every sort key both ways,
 * paging, literal case-insensitive filtering), the butterfly view, the
 * tree endpoint's shape, deletes (and the cached graph going with them),
 * tokens, the origin check, the embedded page, exact int64 and WTF-8 in
 * the JSON, and every kind of bad input getting its 4xx.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "gzip.h"
#include "testutil.h"
#include "testutil_api.h"
#include "ctx.h"
#include "loader.h"

Suite *pv_api_suite(void);

/* ---- a store and a context ------------------------------------------- */

static pv_test_tmp tmp;
static pv_ctx *ctx;

static char *fixture_path(const char *name)
{
    const char *data = getenv("PV_TEST_DATA");
    ck_assert_msg(data != NULL, "PV_TEST_DATA is not set");
    static char path[4096];
    snprintf(path, sizeof path, "%s/pstats/%s", data, name);
    return path;
}

static pv_ctx *open_ctx(const char *token, const char *read_token)
{
    pv_ctx_opts opts = {.db_path = tmp.path, .token = token, .read_token = read_token};
    pv_ctx *c = NULL;
    pv_err err;
    ck_assert_msg(pv_ctx_open(&opts, &c, &err) == PV_OK, "%s", err.msg);
    return c;
}

/* Loads a fixture through the context's writer; returns its id. */
static int64_t load(const char *name)
{
    pv_load_result res;
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_load_file(w, fixture_path(name), NULL, &res, &err);
    pv_ctx_writer_unlock(ctx);
    ck_assert_msg(rc == PV_OK, "%s: %s", name, err.msg);
    free(res.warnings);
    return res.id;
}

static void setup(void)
{
    pv_test_tmp_init(&tmp);
    ctx = open_ctx(NULL, NULL);
}

static void teardown(void)
{
    pv_ctx_close(ctx);
    ctx = NULL;
    pv_test_tmp_remove(&tmp);
}

/* ---- requests -------------------------------------------------------- */

static reply *get(const char *target)
{
    return request_with(ctx, "GET", target, NULL, NULL, 0);
}

/* GET target, which must answer `status` with a JSON body. */
static reply *get_ok(const char *target, int status)
{
    reply *r = get(target);
    ck_assert_msg(r->status == status, "GET %s: %d, wanted %d: %s", target, r->status, status,
                  r->text);
    ck_assert_msg(r->json != NULL, "GET %s: not JSON: %s", target, r->text);
    return r;
}

/* GET target must fail with `status` and an {"error": "..."} body. */
static void expect_error(const char *method, const char *target, int status)
{
    reply *r = request_with(ctx, method, target, NULL, NULL, 0);
    ck_assert_msg(r->status == status, "%s %s: %d, wanted %d: %s", method, target, r->status,
                  status, r->text);
    ck_assert_msg(r->json && cJSON_IsString(cJSON_GetObjectItem(r->json, "error")),
                  "%s %s: no error message: %s", method, target, r->text);
    reply_free(r);
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "no number %s", key);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    ck_assert_msg(cJSON_IsString(v), "no string %s", key);
    return v->valuestring;
}

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

static reply *upload(const char *target, const char *file, const char *const *headers)
{
    size_t len;
    unsigned char *bytes = pv_test_read(fixture_path(file), &len);
    reply *r = request_with(ctx, "POST", target, headers, bytes, len);
    free(bytes);
    return r;
}

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

/* ---- the tree -------------------------------------------------------- */

/* Checks a box's fields and, recursively, its children's. */
static void check_box(const cJSON *box, unsigned depth, unsigned max_depth)
{
    static const char *const numbers[] = {"line", "time", "self", "calls", "lo", "hi",
                                          "n_merged"};
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
        num(box, numbers[i]);
    str(box, "name");
    str(box, "file");
    const cJSON *id = cJSON_GetObjectItem(box, "id");
    ck_assert(cJSON_IsNumber(id) || cJSON_IsNull(id));
    ck_assert(cJSON_IsBool(cJSON_GetObjectItem(box, "exact")));
    if (num(box, "n_merged") > 0) {
        ck_assert(cJSON_IsNull(id));
        char name[32];
        snprintf(name, sizeof name, "(%d smaller)", (int)num(box, "n_merged"));
        ck_assert_str_eq(str(box, "name"), name);
    }
    ck_assert_double_ge(num(box, "self"), 0);
    ck_assert_double_le(num(box, "lo"), num(box, "hi"));
    const cJSON *kids = cJSON_GetObjectItem(box, "children"), *kid;
    ck_assert(cJSON_IsArray(kids));
    ck_assert(depth < max_depth || cJSON_GetArraySize(kids) == 0);
    double sum = 0;
    cJSON_ArrayForEach(kid, kids) {
        sum += num(kid, "time");
        check_box(kid, depth + 1, max_depth);
    }
    /* A box whose children this view leaves out (`more`) keeps the self
     * time they do not cover. */
    if (cJSON_IsTrue(cJSON_GetObjectItem(box, "more")) && cJSON_GetArraySize(kids) == 0)
        ck_assert_double_le_tol(num(box, "self"), num(box, "time"), 1e-9 * fmax(1, num(box, "time")));
    else
        ck_assert_double_eq_tol(sum + num(box, "self"), num(box, "time"),
                                1e-9 * fmax(1, num(box, "time")));
}

START_TEST(tree_of_the_whole_profile_has_the_documented_shape)
{
    int64_t id = load("recursion.prof");
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=10&cutoff=0", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "path")), 0);
    cJSON *root = cJSON_GetObjectItem(r->json, "root");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(root, "id")));
    ck_assert_str_eq(str(root, "name"), "(all)");
    ck_assert_double_eq(num(root, "time"), 0.08990050000000002);
    check_box(root, 0, 10);
    reply_free(r);

    /* Defaults: depth 10, cutoff 0.001. */
    snprintf(target, sizeof target, "/api/profiles/%lld/tree", (long long)id);
    r = get_ok(target, 200);
    check_box(cJSON_GetObjectItem(r->json, "root"), 0, 10);
    reply_free(r);

    /* One level, with a cutoff that merges boxes. */
    id = load("wide.prof");
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=2&cutoff=0.01",
             (long long)id);
    r = get_ok(target, 200);
    root = cJSON_GetObjectItem(r->json, "root");
    check_box(root, 0, 2);
    ck_assert_ptr_nonnull(strstr(r->text, " smaller)\""));
    reply_free(r);
}
END_TEST

START_TEST(tree_below_a_path_starts_at_its_last_step)
{
    int64_t id = load("recursion.prof");
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?path=9,6&depth=3", (long long)id);
    reply *r = get_ok(target, 200);
    cJSON *path = cJSON_GetObjectItem(r->json, "path");
    ck_assert_int_eq(cJSON_GetArraySize(path), 2);
    ck_assert_int_eq((int64_t)num(cJSON_GetArrayItem(path, 0), "id"), 9);
    ck_assert_str_eq(str(cJSON_GetArrayItem(path, 0), "name"), "main");
    ck_assert_int_eq((int64_t)num(cJSON_GetArrayItem(path, 1), "id"), 6);
    cJSON *root = cJSON_GetObjectItem(r->json, "root");
    ck_assert_int_eq((int64_t)num(root, "id"), 6);
    ck_assert_str_eq(str(root, "name"), "is_even");
    check_box(root, 0, 3);
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

/* ---- bad requests ---------------------------------------------------- */

START_TEST(bad_requests_get_their_4xx_and_a_message)
{
    int64_t id = load("recursion.prof");
    static const struct { const char *method, *target; int status; } cases[] = {
        {"GET", "/api/profiles/999", 404},
        {"GET", "/api/profiles/0", 404},
        {"GET", "/api/profiles/999/raw", 404},
        {"GET", "/api/profiles/999/tree", 404},
        {"GET", "/api/profiles/999/functions", 404},
        {"GET", "/api/profiles/999/functions/0", 404},
        {"DELETE", "/api/profiles/999", 404},
        {"GET", "/api/profiles/12345678901234567890", 404},
        {"GET", "/api/profiles/99999999999999999999999999999999/tree", 404},
        {"GET", "/api/profiles/abc", 400},
        {"GET", "/api/profiles/-1", 400},
        {"GET", "/api/profiles/1e3", 400},
        {"GET", "/api/profiles/%25zz", 400},
        {"GET", "/api/profiles/abc/functions/0", 400},
        {"GET", "/api/profiles/ID/functions/x", 400},
        {"GET", "/api/profiles/ID/functions/11", 404},
        {"GET", "/api/profiles/ID/functions/4294967296", 404},
        {"GET", "/api/profiles/ID/functions/123456789012345678901", 404},
        {"GET", "/api/profiles/ID/tree?depth=0", 400},
        {"GET", "/api/profiles/ID/tree?depth=1000", 400},
        {"GET", "/api/profiles/ID/tree?depth=65", 400},
        {"GET", "/api/profiles/ID/tree?depth=abc", 400},
        {"GET", "/api/profiles/ID/tree?depth=", 400},
        {"GET", "/api/profiles/ID/tree?depth=99999999999999999999999", 400},
        {"GET", "/api/profiles/ID/tree?cutoff=-1", 400},
        {"GET", "/api/profiles/ID/tree?cutoff=2", 400},
        {"GET", "/api/profiles/ID/tree?cutoff=nan", 400},
        {"GET", "/api/profiles/ID/tree?cutoff=inf", 400},
        {"GET", "/api/profiles/ID/tree?cutoff=%200.1", 400},
        {"GET", "/api/profiles/ID/tree?cutoff=0.1x", 400},
        {"GET", "/api/profiles/ID/tree?path=a", 400},
        {"GET", "/api/profiles/ID/tree?path=9,,6", 400},
        {"GET", "/api/profiles/ID/tree?path=9,", 400},
        {"GET", "/api/profiles/ID/tree?path=-9", 400},
        {"GET", "/api/profiles/ID/tree?path=99999999999999999999", 404},
        {"GET", "/api/profiles/ID/tree?path=4294967296", 404},
        {"GET", "/api/profiles/ID/tree?path=12345", 404},
        {"GET", "/api/profiles/ID/tree?path=9,9", 404},
        {"GET", "/api/profiles/ID/functions?limit=0", 400},
        {"GET", "/api/profiles/ID/functions?limit=100000", 400},
        {"GET", "/api/profiles/ID/functions?limit=-5", 400},
        {"GET", "/api/profiles/ID/functions?offset=-1", 400},
        {"GET", "/api/profiles/ID/functions?offset=1.5", 400},
        {"GET", "/api/profiles/ID/functions?sort=bogus", 400},
        {"GET", "/api/profiles/ID/functions?sort=", 400},
        {"GET", "/api/profiles/ID/functions?order=up", 400},
        {"GET", "/api/nothing", 404},
        {"GET", "/api", 404},
        {"GET", "/api/profiles/ID/tree/extra", 404},
        {"GET", "/api/profiles//tree", 404},
        {"PUT", "/api/profiles", 405},
        {"DELETE", "/api/profiles", 405},
        {"POST", "/api/profiles/ID", 405},
        {"PATCH", "/api/profiles/ID/tree", 405},
        {"BREW", "/api/profiles/ID/functions/0", 405},
        {"GET", "/nothing.html", 404},
        {"GET", "/../../etc/passwd", 404},
        {"GET", "/index.html/../../etc/passwd", 404},
        {"GET", "/p/abc", 404},
        {"GET", "/p/1/x", 404},
        {"POST", "/", 405},
    };
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char target[256];
        const char *at = strstr(cases[i].target, "ID");
        if (at)
            snprintf(target, sizeof target, "%.*s%s%s", (int)(at - cases[i].target),
                     cases[i].target, idtext, at + 2);
        else
            snprintf(target, sizeof target, "%s", cases[i].target);
        expect_error(cases[i].method, target, cases[i].status);
    }
    /* A path step must be a box below the step before it. */
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=1&cutoff=0", (long long)id);
    reply *r = get_ok(target, 200);
    int top[11] = {0};
    cJSON *box;
    cJSON_ArrayForEach(box, cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "root"), "children"))
        top[(int)num(box, "id")] = 1;
    reply_free(r);
    int not_top = 0;
    while (not_top < 11 && top[not_top])
        not_top++;
    ck_assert_int_lt(not_top, 11);
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?path=%d", (long long)id, not_top);
    expect_error("GET", target, 404);

    /* 405 says what is allowed. */
    r = request_with(ctx, "PUT", "/api/profiles", NULL, NULL, 0);
    ck_assert_str_eq(r->res.allow, "GET, HEAD, POST");
    reply_free(r);
    /* A GET with a body. */
    r = request_with(ctx, "GET", "/api/profiles", NULL, "x", 1);
    ck_assert_int_eq(r->status, 400);
    reply_free(r);
}
END_TEST

/* ---- tokens and origins ---------------------------------------------- */

START_TEST(tokens_guard_writes_and_optionally_reads)
{
    pv_ctx_close(ctx);
    ctx = open_ctx("s3cret", "r3ad");
    static const char *const none[] = {NULL};
    static const char *const wrong[] = {"Authorization: Bearer s3cre", NULL};
    static const char *const basic[] = {"Authorization: Basic czNjcmV0", NULL};
    static const char *const writer[] = {"Authorization: Bearer s3cret", NULL};
    static const char *const lower[] = {"Authorization: bearer s3cret", NULL};
    static const char *const reader[] = {"Authorization: Bearer r3ad", NULL};
    const char *const *refused[] = {none, wrong, basic, reader};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        reply *r = upload("/api/profiles", "recursion.prof", refused[i]);
        ck_assert_int_eq(r->status, 401);
        ck_assert(r->res.challenge);
        reply_free(r);
    }
    reply *r = upload("/api/profiles", "recursion.prof", lower);
    ck_assert_int_eq(r->status, 201);
    int64_t id = (int64_t)num(r->json, "id");
    reply_free(r);
    /* Reads: either token, nothing else. */
    r = request_with(ctx, "GET", "/api/profiles", none, NULL, 0);
    ck_assert_int_eq(r->status, 401);
    reply_free(r);
    r = request_with(ctx, "GET", "/api/profiles", wrong, NULL, 0);
    ck_assert_int_eq(r->status, 401);
    reply_free(r);
    r = request_with(ctx, "GET", "/api/profiles", reader, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
    r = request_with(ctx, "GET", "/api/profiles", writer, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
    /* The page itself is not guarded: it holds no data. */
    r = request_with(ctx, "GET", "/", none, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
    char one[64];
    snprintf(one, sizeof one, "/api/profiles/%lld", (long long)id);
    r = request_with(ctx, "DELETE", one, reader, NULL, 0);
    ck_assert_int_eq(r->status, 401);
    reply_free(r);
    r = request_with(ctx, "DELETE", one, writer, NULL, 0);
    ck_assert_int_eq(r->status, 204);
    reply_free(r);

    /* A write token alone leaves reads open. */
    pv_ctx_close(ctx);
    ctx = open_ctx("s3cret", NULL);
    r = request_with(ctx, "GET", "/api/profiles", none, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
    r = upload("/api/profiles", "recursion.prof", none);
    ck_assert_int_eq(r->status, 401);
    reply_free(r);

    /* A read token alone is refused. */
    pv_ctx_opts opts = {.db_path = tmp.path, .read_token = "r3ad"};
    pv_ctx *c;
    pv_err err;
    ck_assert_int_eq(pv_ctx_open(&opts, &c, &err), PV_E_USAGE);
}
END_TEST

/* The page asks before it offers an upload or a token field. */
START_TEST(server_info_says_which_tokens_are_needed_without_one)
{
    static const char *const none[] = {NULL};
    const char *const cases[][4] = {
        {NULL, NULL, "open", "open"},
        {"s3cret", NULL, "open", "token"},
        {"s3cret", "r3ad", "token", "token"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pv_ctx_close(ctx);
        ctx = open_ctx(cases[i][0], cases[i][1]);
        reply *r = request_with(ctx, "GET", "/api/server", none, NULL, 0);
        ck_assert_int_eq(r->status, 200);
        ck_assert_str_eq(str(r->json, "reads"), cases[i][2]);
        ck_assert_str_eq(str(r->json, "uploads"), cases[i][3]);
        ck_assert(strlen(str(r->json, "version")) > 0);
        reply_free(r);
    }
}
END_TEST

START_TEST(an_unauthorised_upload_is_refused_before_its_body_is_read)
{
    pv_ctx_close(ctx);
    ctx = open_ctx("s3cret", NULL);
    pv_request req = {.method = "POST", .path = "/api/profiles", .has_body = 1};
    pv_response res;
    ck_assert_int_eq(pv_api_dispatch(&req, ctx, &res), 401);
    pv_response_release(&res);
    pv_param auth = {"authorization", "Bearer s3cret"};
    req.headers = &auth;
    req.n_headers = 1;
    /* Authorised: 0, "send the body". */
    ck_assert_int_eq(pv_api_dispatch(&req, ctx, &res), 0);
    pv_response_release(&res);
}
END_TEST

START_TEST(a_page_of_another_site_may_not_write)
{
    static const char *const cross[] = {"Host: 127.0.0.1:8080", "Origin: http://evil.example",
                                        NULL};
    static const char *const same[] = {"Host: 127.0.0.1:8080", "Origin: http://127.0.0.1:8080",
                                       NULL};
    reply *r = upload("/api/profiles", "recursion.prof", cross);
    ck_assert_int_eq(r->status, 403);
    reply_free(r);
    r = upload("/api/profiles", "recursion.prof", same);
    ck_assert_int_eq(r->status, 201);
    reply_free(r);
}
END_TEST

/* ---- the page -------------------------------------------------------- */

START_TEST(the_page_is_served_for_root_and_profile_links_with_revalidation)
{
    static const char *const targets[] = {"/", "/index.html", "/p/1", "/p/123456"};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        reply *r = get(targets[i]);
        ck_assert_int_eq(r->status, 200);
        ck_assert_str_eq(r->res.content_type, "text/html; charset=utf-8");
        ck_assert_str_eq(r->res.cache_control, "no-cache");
        ck_assert_ptr_nonnull(r->res.etag);
        ck_assert_ptr_nonnull(strstr(r->text, "<html"));
        ck_assert_ptr_null(r->res.body_free);
        char inm[64];
        snprintf(inm, sizeof inm, "If-None-Match: %s", r->res.etag);
        const char *const hdrs[] = {inm, NULL};
        reply *again = request_with(ctx, "GET", targets[i], hdrs, NULL, 0);
        ck_assert_int_eq(again->status, 304);
        ck_assert_uint_eq(again->res.len, 0);
        reply_free(again);
        reply_free(r);
    }
    static const char *const stale[] = {"If-None-Match: \"0123456789abcdef\"", NULL};
    reply *r = request_with(ctx, "GET", "/", stale, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
    r = request_with(ctx, "HEAD", "/api/profiles", NULL, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
}
END_TEST

/* ---- exact numbers and strings --------------------------------------- */

START_TEST(int64_counts_extreme_doubles_and_wtf8_names_come_out_exactly)
{
    int64_t id = load("edge_values_py3_v4.prof");
    reply *r = get_ok("/api/profiles", 200);
    ck_assert_ptr_nonnull(strstr(r->text, "\"total_calls\":1101659111442"));
    ck_assert_ptr_nonnull(strstr(r->text, "\"total_tt\":1e+300"));
    reply_free(r);
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/functions?sort=calls&limit=1000",
             (long long)id);
    r = get_ok(target, 200);
    ck_assert_ptr_nonnull(strstr(r->text, "\"nc\":2147483653"));
    ck_assert_ptr_nonnull(strstr(r->text, "g\xc3\xbcnther_\xf0\x9f\x98\x80"));
    /* <, > and & are escaped, so no profile string is markup. */
    ck_assert_ptr_null(strchr(r->text, '<'));
    reply_free(r);

    id = load("odd_surrogate_filename.prof");
    snprintf(target, sizeof target, "/api/profiles/%lld/functions", (long long)id);
    r = get(target);
    ck_assert_int_eq(r->status, 200);
    /* The lone surrogate travels as an escape, the emoji as UTF-8. */
    ck_assert_ptr_nonnull(strstr(r->text, "caf\\udce9/\xf0\x9f\x98\x80_mod.py"));
    reply_free(r);
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?cutoff=0", (long long)id);
    r = get(target);
    ck_assert_int_eq(r->status, 200);
    ck_assert_ptr_nonnull(strstr(r->text, "caf\\udce9"));
    reply_free(r);
}
END_TEST

/* ---- the graph cache ------------------------------------------------- */

START_TEST(a_view_asked_again_is_the_same_bytes_and_counts_against_the_budget)
{
    int64_t id = load("real_pydoc.prof");
    size_t n_graphs, bytes, after;
    pv_cache_stats(pv_ctx_cache(ctx), &n_graphs, &bytes);
    ck_assert_uint_eq(n_graphs, 0);
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=6", (long long)id);
    reply *first = get_ok(target, 200);
    pv_cache_stats(pv_ctx_cache(ctx), &n_graphs, &bytes);
    ck_assert_uint_eq(n_graphs, 1);
    ck_assert_uint_gt(bytes, first->res.len);
    reply *again = get_ok(target, 200);
    ck_assert_str_eq(again->text, first->text);
    pv_cache_stats(pv_ctx_cache(ctx), &n_graphs, &after);
    ck_assert_uint_eq(after, bytes);
    reply_free(again);
    reply_free(first);
    /* Sorting for the table is kept too. */
    snprintf(target, sizeof target, "/api/profiles/%lld/functions?sort=name", (long long)id);
    reply_free(get_ok(target, 200));
    pv_cache_stats(pv_ctx_cache(ctx), &n_graphs, &after);
    ck_assert_uint_gt(after, bytes);
}
END_TEST

START_TEST(a_small_cache_keeps_only_the_newest_graph_and_still_answers)
{
    pv_ctx_close(ctx);
    pv_ctx_opts opts = {.db_path = tmp.path, .cache_bytes = 1};
    pv_err err;
    ck_assert_int_eq(pv_ctx_open(&opts, &ctx, &err), PV_OK);
    int64_t ids[3] = {load("recursion.prof"), load("wide.prof"), load("real_pydoc.prof")};
    char *first[3];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3; i++) {
            char target[96];
            snprintf(target, sizeof target, "/api/profiles/%lld/tree?cutoff=0", (long long)ids[i]);
            reply *r = get_ok(target, 200);
            if (round == 0)
                first[i] = strdup(r->text);
            else
                ck_assert_str_eq(r->text, first[i]);
            reply_free(r);
            size_t n_graphs, bytes;
            pv_cache_stats(pv_ctx_cache(ctx), &n_graphs, &bytes);
            ck_assert_uint_eq(n_graphs, 1);
        }
    }
    for (int i = 0; i < 3; i++)
        free(first[i]);
}
END_TEST

/* ---- what a view may cost ------------------------------------------- */

static size_t count_boxes(const cJSON *box)
{
    size_t n = 1;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(box, "children"))
        n += count_boxes(c);
    return n;
}

START_TEST(a_view_past_its_byte_limit_says_so_and_fits)
{
    /* A 2 MiB budget: views of at most 64 KiB. */
    pv_ctx_close(ctx);
    pv_ctx_opts opts = {.db_path = tmp.path, .cache_bytes = (size_t)2 << 20};
    pv_err err;
    ck_assert_int_eq(pv_ctx_open(&opts, &ctx, &err), PV_OK);
    ck_assert_uint_eq(pv_ctx_view_bytes(ctx), PV_CTX_VIEW_MIN);
    int64_t id = load("real_unittest.prof");
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=64&cutoff=0", (long long)id);
    reply *r = get_ok(target, 200);
    ck_assert_uint_le(r->res.len, PV_CTX_VIEW_MIN);
    const cJSON *cap = cJSON_GetObjectItem(r->json, "capped");
    ck_assert_msg(cJSON_IsObject(cap), "not capped: %.200s", r->text);
    ck_assert_str_eq(str(cap, "reason"), "bytes");
    ck_assert_uint_eq(num(cap, "limit"), PV_CTX_VIEW_MIN);
    const cJSON *root = cJSON_GetObjectItem(r->json, "root");
    ck_assert_uint_eq(num(cap, "boxes"), count_boxes(root));
    int depth = (int)num(cap, "depth");
    ck_assert_int_lt(depth, 64);
    /* The view asked to stop there is whole, and not capped. */
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=%d&cutoff=0", (long long)id,
             depth);
    reply *whole = get_ok(target, 200);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(whole->json, "capped")));
    ck_assert_uint_eq(count_boxes(cJSON_GetObjectItem(whole->json, "root")), count_boxes(root));
    reply_free(whole);
    reply_free(r);
}
END_TEST

START_TEST(kept_views_never_pass_the_budget)
{
    /* 17 MiB, less the page caches of the writer and this thread's
     * reader (8 MiB each): 1 MiB for the graph and the views kept. */
    pv_ctx_close(ctx);
    pv_ctx_opts opts = {.db_path = tmp.path, .cache_bytes = (size_t)17 << 20};
    pv_err err;
    ck_assert_int_eq(pv_ctx_open(&opts, &ctx, &err), PV_OK);
    int64_t id = load("real_pydoc.prof");
    size_t sent = 0;
    for (int depth = 2; depth <= 64; depth++) {
        char target[96];
        snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=%d&cutoff=0",
                 (long long)id, depth);
        reply *r = get_ok(target, 200);
        sent += r->res.len;
        reply_free(r);
        size_t n_graphs, bytes;
        pv_cache_stats(pv_ctx_cache(ctx), &n_graphs, &bytes);
        ck_assert_uint_eq(n_graphs, 1);
        ck_assert_uint_le(bytes, (size_t)1 << 20);
    }
    ck_assert_uint_gt(sent, (size_t)2 << 20);  /* the views would not have fitted */
}
END_TEST

/* GET target with Accept-Encoding `accept`. */
static reply *get_encoded(const char *target, const char *accept)
{
    char header[96];
    snprintf(header, sizeof header, "Accept-Encoding: %s", accept);
    const char *const headers[] = {header, NULL};
    return request_with(ctx, "GET", target, headers, NULL, 0);
}

START_TEST(views_are_gzip_for_clients_that_take_it)
{
    int64_t id = load("real_pydoc.prof");
    char target[96];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=8&cutoff=0", (long long)id);
    reply *plain = get_ok(target, 200);
    ck_assert_ptr_null(plain->res.encoding);
    ck_assert_uint_ge(plain->res.len, PV_GZIP_MIN);
    /* Kept plain, then asked for compressed (and kept so), then plain
     * again, then compressed from what is kept: the same text each time. */
    for (int round = 0; round < 3; round++) {
        reply *r = get_encoded(target, round == 1 ? "identity" : "deflate, gzip;q=0.8");
        ck_assert_int_eq(r->status, 200);
        if (round == 1) {
            ck_assert_ptr_null(r->res.encoding);
            ck_assert_str_eq(r->text, plain->text);
        } else {
            ck_assert_str_eq(r->res.encoding, "gzip");
            ck_assert_uint_lt(r->res.len, plain->res.len / 4);
            char *text;
            size_t len;
            ck_assert_int_eq(pv_gunzip(r->res.body, r->res.len, &text, &len), 0);
            ck_assert_uint_eq(len, plain->res.len);
            ck_assert_str_eq(text, plain->text);
            free(text);
        }
        reply_free(r);
    }
    /* A view not asked for before, compressed at once. */
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=9&cutoff=0", (long long)id);
    reply *r = get_encoded(target, "gzip");
    ck_assert_str_eq(r->res.encoding, "gzip");
    reply_free(r);
    reply *again = get_ok(target, 200);
    ck_assert_ptr_null(again->res.encoding);
    reply_free(again);
    reply_free(plain);
}
END_TEST

START_TEST(accept_encoding_is_read_as_rfc_9110_says)
{
    static const struct {
        const char *value;
        int gzip;
    } cases[] = {
        {NULL, 0}, {"", 0}, {"gzip", 1}, {"GZIP", 1}, {"deflate, gzip", 1}, {"gzip, deflate, br", 1},
        {"gzip;q=0.5", 1}, {"gzip; q=1", 1}, {"*", 1}, {"gzip;q=0", 0}, {"gzip;q=0.000", 0},
        {"gzip;q=0.001", 1}, {"identity", 0}, {"x-gzip", 0}, {"gzipx", 0}, {"br, deflate", 0},
        {" , gzip ,", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(pv_accepts_gzip(cases[i].value) == cases[i].gzip, "'%s'",
                      cases[i].value ? cases[i].value : "(none)");
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

/* What one thread of the concurrency test does: trees, tables and
 * details of the three profiles in turn, and counts wrong answers. */
typedef struct worker {
    const int64_t *ids;
    int k;        /* the worker's number */
    int wrong;    /* answers that were not 200 */
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    static const char *const forms[] = {"/api/profiles/%lld/tree?depth=%d",
                                        "/api/profiles/%lld/functions?sort=tottime&limit=%d",
                                        "/api/profiles/%lld/functions/%d"};
    for (int i = 0; i < 60; i++) {
        char target[128];
        int form = (i + w->k) % 3;
        snprintf(target, sizeof target, forms[form], (long long)w->ids[(i + w->k) % 3],
                 form == 2 ? 1 : 1 + i % 10);
        pv_request req = {.method = "GET", .path = target};
        char *q = strchr(target, '?');
        pv_param query[2];
        if (q) {
            /* One key=value, enough for these requests. */
            *q++ = '\0';
            char *eq = strchr(q, '='), *amp = strchr(q, '&');
            *eq = '\0';
            query[0] = (pv_param){q, eq + 1};
            req.n_query = 1;
            if (amp) {
                *amp = '\0';
                char *eq2 = strchr(amp + 1, '=');
                *eq2 = '\0';
                query[1] = (pv_param){amp + 1, eq2 + 1};
                req.n_query = 2;
            }
            req.query = query;
        }
        pv_response res;
        if (pv_api_dispatch(&req, ctx, &res) != 200)
            w->wrong++;
        pv_response_release(&res);
    }
    return NULL;
}

START_TEST(concurrent_requests_share_and_evict_graphs_safely)
{
    pv_ctx_close(ctx);
    /* A budget below one graph: every request may evict another's graph
     * while that one still holds it. */
    pv_ctx_opts opts = {.db_path = tmp.path, .cache_bytes = 1};
    pv_err err;
    ck_assert_int_eq(pv_ctx_open(&opts, &ctx, &err), PV_OK);
    int64_t ids[3] = {load("recursion.prof"), load("wide.prof"), load("real_pydoc.prof")};
    pthread_t threads[8];
    worker workers[8];
    for (int k = 0; k < 8; k++) {
        workers[k] = (worker){ids, k, 0};
        ck_assert_int_eq(pthread_create(&threads[k], NULL, work, &workers[k]), 0);
    }
    for (int k = 0; k < 8; k++) {
        ck_assert_int_eq(pthread_join(threads[k], NULL), 0);
        ck_assert_int_eq(workers[k].wrong, 0);
    }
}
END_TEST

Suite *pv_api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, list_shows_profiles_newest_first);
    tcase_add_test(tc, upload_stores_once_and_says_so_the_second_time);
    tcase_add_test(tc, upload_takes_the_name_from_the_header_and_reports_warnings);
    tcase_add_test(tc, upload_refuses_bad_files_and_names_and_stores_nothing);
    tcase_add_test(tc, summary_has_totals_counts_and_the_top_level_boxes);
    tcase_add_test(tc, raw_returns_the_original_bytes_as_a_download);
    tcase_add_test(tc, functions_default_to_cumulative_time_descending);
    tcase_add_test(tc, functions_sort_by_every_key_both_ways_and_page_without_gaps);
    tcase_add_test(tc, functions_page_through_a_wide_profile);
    tcase_add_test(tc, functions_filter_literally_ignoring_case);
    tcase_add_test(tc, function_detail_lists_callers_and_callees_with_edge_figures);
    tcase_add_test(tc, function_detail_covers_caller_only_functions_and_count_edges);
    tcase_add_test(tc, tree_of_the_whole_profile_has_the_documented_shape);
    tcase_add_test(tc, tree_below_a_path_starts_at_its_last_step);
    tcase_add_test(tc, delete_removes_the_profile_and_its_cached_graph);
    tcase_add_test(tc, bad_requests_get_their_4xx_and_a_message);
    tcase_add_test(tc, tokens_guard_writes_and_optionally_reads);
    tcase_add_test(tc, server_info_says_which_tokens_are_needed_without_one);
    tcase_add_test(tc, an_unauthorised_upload_is_refused_before_its_body_is_read);
    tcase_add_test(tc, a_page_of_another_site_may_not_write);
    tcase_add_test(tc, the_page_is_served_for_root_and_profile_links_with_revalidation);
    tcase_add_test(tc, int64_counts_extreme_doubles_and_wtf8_names_come_out_exactly);
    tcase_add_test(tc, a_view_asked_again_is_the_same_bytes_and_counts_against_the_budget);
    tcase_add_test(tc, a_small_cache_keeps_only_the_newest_graph_and_still_answers);
    tcase_add_test(tc, concurrent_requests_share_and_evict_graphs_safely);
    tcase_add_test(tc, a_view_past_its_byte_limit_says_so_and_fits);
    tcase_add_test(tc, kept_views_never_pass_the_budget);
    tcase_add_test(tc, views_are_gzip_for_clients_that_take_it);
    tcase_add_test(tc, accept_encoding_is_read_as_rfc_9110_says);
    tcase_add_test(tc, a_profile_deleted_through_another_connection_is_not_served);
    suite_add_tcase(s, tc);
    return s;
}
