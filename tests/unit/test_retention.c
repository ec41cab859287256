/* test_retention.c — retention passes (server/retention.c) against a real
 * store: age and size limits, labels keeping profiles, and profiles in use
 * (a graph held by a request, a profile still being stored) never
 * deleted.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_fixture.h"
#include "ctx.h"
#include "loader.h"
#include "retention.h"
#include "testutil.h"

Suite *pv_retention_suite(void);

/* Stores fixture `name` through the writer; its id. */
static int64_t store(const char *name)
{
    char path[4096];
    const char *data = getenv("PV_TEST_DATA");
    ck_assert_msg(data != NULL, "PV_TEST_DATA is not set");
    snprintf(path, sizeof path, "%s/pstats/%s", data, name);
    pv_load_result lr;
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_load_file(w, path, NULL, &lr, &err);
    pv_ctx_writer_unlock(ctx);
    ck_assert_msg(rc == PV_OK, "%s: %s", name, err.msg);
    free(lr.warnings);
    return lr.id;
}

static void label(int64_t id, const char *key, const char *value)
{
    pv_label_arg e = {key, value};
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_label_edit(w, id, &e, 1, &err);
    pv_ctx_writer_unlock(ctx);
    ck_assert_msg(rc == PV_OK, "%s", err.msg);
}

static int exists(int64_t id)
{
    pv_profile_info info;
    int rc = pv_ctx_info(ctx, id, &info, NULL);
    if (rc == PV_OK)
        pv_profile_info_release(&info);
    return rc == PV_OK;
}

static int64_t used_bytes(void)
{
    int64_t used;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_used_bytes(w, &used, NULL);
    pv_ctx_writer_unlock(ctx);
    ck_assert_int_eq(rc, PV_OK);
    return used;
}

START_TEST(retention_ages_out_unlabelled_profiles_only)
{
    int64_t a = store("recursion.prof"), b = store("wide.prof"), c = store("deep.prof");
    label(b, "keep", "yes");
    pv_retention_opts o = {.keep_days = 7};
    int64_t now = (int64_t)time(NULL);
    /* Nothing is a week old yet. */
    ck_assert_uint_eq(pv_retention_pass(ctx, &o, now), 0);
    ck_assert_uint_eq(pv_retention_pass(ctx, &o, now + 8 * 86400), 2);
    ck_assert(!exists(a));
    ck_assert(exists(b));
    ck_assert(!exists(c));
}
END_TEST

START_TEST(retention_never_deletes_a_profile_in_use)
{
    int64_t a = store("recursion.prof"), b = store("wide.prof");
    /* A request holding a's graph. */
    pv_cached *held;
    pv_err err;
    ck_assert_msg(pv_ctx_graph(ctx, a, &held, &err) == PV_OK, "%s", err.msg);
    /* A profile still being stored (profviz FILE's background commit). */
    pv_profile_info pending = {.id = b + 1, .name = "p", .origin = "o", .format = "pstats",
                               .writer = "cProfile", .dialect = "py3", .sha256 = "",
                               .warnings = "", .unit = "seconds", .calls_unit = "calls",
                               .variant = "", .choices = ""};
    pv_ctx_pending_add(ctx, &pending, (const unsigned char *)"x", 1);
    ck_assert(pv_ctx_in_use(ctx, a));
    ck_assert(pv_ctx_in_use(ctx, b + 1));
    ck_assert(!pv_ctx_in_use(ctx, b));
    pv_retention_opts o = {.keep_days = 1};
    int64_t later = (int64_t)time(NULL) + 2 * 86400;
    ck_assert_uint_eq(pv_retention_pass(ctx, &o, later), 1);
    ck_assert(exists(a));
    ck_assert(!exists(b));
    pv_ctx_graph_release(ctx, held);
    pv_ctx_pending_done(ctx, b + 1);
    ck_assert_uint_eq(pv_retention_pass(ctx, &o, later), 1);
    ck_assert(!exists(a));
}
END_TEST

START_TEST(retention_keeps_the_store_under_its_size_unlabelled_first)
{
    int64_t a = store("deep.prof"), b = store("real_pydoc.prof"), c = store("wide.prof");
    label(a, "release", "1.0");
    int64_t all = used_bytes();
    /* A limit that deleting the oldest unlabelled profile (b) meets. */
    pv_retention_opts o = {.max_store_bytes = all - 32 * 1024};
    ck_assert_uint_eq(pv_retention_pass(ctx, &o, (int64_t)time(NULL)), 1);
    ck_assert(exists(a));
    ck_assert(!exists(b));
    ck_assert(exists(c));
    ck_assert_int_le(used_bytes(), o.max_store_bytes);
    /* A limit nothing meets: the labelled go too, but never the newest
     * profile (c: an upload has just given out its link). */
    o.max_store_bytes = 1;
    ck_assert_uint_eq(pv_retention_pass(ctx, &o, (int64_t)time(NULL)), 1);
    ck_assert(!exists(a));
    ck_assert(exists(c));
    ck_assert_int_gt(used_bytes(), o.max_store_bytes);
}
END_TEST

Suite *pv_retention_suite(void)
{
    Suite *s = suite_create("retention");
    TCase *tc = tcase_create("retention");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, retention_ages_out_unlabelled_profiles_only);
    tcase_add_test(tc, retention_never_deletes_a_profile_in_use);
    tcase_add_test(tc, retention_keeps_the_store_under_its_size_unlabelled_first);
    suite_add_tcase(s, tc);
    return s;
}
