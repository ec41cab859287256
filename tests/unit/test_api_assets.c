/* test_api_assets.c — the embedded page (assets.c): served for / and for
 * profile links, with ETags for revalidation.
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

Suite *pv_api_assets_suite(void);

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

Suite *pv_api_assets_suite(void)
{
    Suite *s = suite_create("api_assets");
    TCase *tc = tcase_create("api_assets");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, the_page_is_served_for_root_and_profile_links_with_revalidation);
    suite_add_tcase(s, tc);
    return s;
}
