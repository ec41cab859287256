/* test_api.c — what every route shares: the dispatcher's checks (every kind of bad
 * input gets its 4xx and a message), tokens, the origin check, the server's
 * own info, and exact int64, doubles and WTF-8 in the JSON any route prints.
 *
 * Handlers are called in process (no sockets): requests are built by hand
 * and go through pv_api_dispatch, against a temporary store loaded with
 * fixtures from tests/data/pstats (api_fixture.h).
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "api_fixture.h"

Suite *pv_api_suite(void);

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

START_TEST(parse_uint_tells_not_a_number_from_too_big)
{
    int64_t v = -1;
    ck_assert_int_eq(pv_parse_uint("9223372036854775807", 19, &v), PV_OK);
    ck_assert_int_eq(v, INT64_MAX);
    ck_assert_int_eq(pv_parse_uint("0", 1, &v), PV_OK);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(pv_parse_uint("9223372036854775808", 19, &v), PV_E_TOO_BIG);
    ck_assert_int_eq(pv_parse_uint("", 0, &v), PV_E_USAGE);
    ck_assert_int_eq(pv_parse_uint("12a", 3, &v), PV_E_USAGE);
    ck_assert_int_eq(pv_parse_uint("-1", 2, &v), PV_E_USAGE);
    ck_assert_int_eq(pv_parse_uint("42,7", 2, &v), PV_OK);  /* only the first len bytes */
    ck_assert_int_eq(v, 42);
}
END_TEST

Suite *pv_api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bad_requests_get_their_4xx_and_a_message);
    tcase_add_test(tc, tokens_guard_writes_and_optionally_reads);
    tcase_add_test(tc, server_info_says_which_tokens_are_needed_without_one);
    tcase_add_test(tc, an_unauthorised_upload_is_refused_before_its_body_is_read);
    tcase_add_test(tc, a_page_of_another_site_may_not_write);
    tcase_add_test(tc, int64_counts_extreme_doubles_and_wtf8_names_come_out_exactly);
    tcase_add_test(tc, parse_uint_tells_not_a_number_from_too_big);
    suite_add_tcase(s, tc);
    return s;
}
