/* test_api_tree.c — /api/profiles/ID/tree (api_tree.c): the view's shape,
 * views below a path, the graph cache and what a view may cost (budgets,
 * byte limits, gzip), and concurrent requests sharing and evicting graphs.
 *
 * Handlers are called in process (no sockets): requests are built by hand
 * and go through pv_api_dispatch, against a temporary store loaded with
 * fixtures from tests/data/pstats (api_fixture.h).
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "gzip.h"

Suite *pv_api_tree_suite(void);

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
            ck_assert_int_eq(pv_gunzip(r->res.body, r->res.len, &text, &len), PV_OK);
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

Suite *pv_api_tree_suite(void)
{
    Suite *s = suite_create("api_tree");
    TCase *tc = tcase_create("api_tree");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tree_of_the_whole_profile_has_the_documented_shape);
    tcase_add_test(tc, tree_below_a_path_starts_at_its_last_step);
    tcase_add_test(tc, a_view_asked_again_is_the_same_bytes_and_counts_against_the_budget);
    tcase_add_test(tc, a_small_cache_keeps_only_the_newest_graph_and_still_answers);
    tcase_add_test(tc, concurrent_requests_share_and_evict_graphs_safely);
    tcase_add_test(tc, a_view_past_its_byte_limit_says_so_and_fits);
    tcase_add_test(tc, kept_views_never_pass_the_budget);
    tcase_add_test(tc, views_are_gzip_for_clients_that_take_it);
    tcase_add_test(tc, accept_encoding_is_read_as_rfc_9110_says);
    suite_add_tcase(s, tc);
    return s;
}
