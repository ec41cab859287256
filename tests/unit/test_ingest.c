/* test_ingest.c — serving files before they are committed (ingest.c,
 * pending.c): every answer the API gives for a profile still being stored
 * is the answer it gives once the store has it (store_ms and "stored"
 * aside, which say where the store is); no other connection sees anything
 * before the commit; an abandoned commit leaves nothing in the store and
 * never gives the printed id to another profile.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api_fixture.h"
#include "ctx.h"
#include "ingest.h"
#include "loader.h"
#include "testutil.h"
#include "testutil_api.h"

Suite *pv_ingest_suite(void);

static const char *fixture(const char *name)
{
    static char path[4096];
    const char *data = getenv("PV_TEST_DATA");
    ck_assert_msg(data != NULL, "PV_TEST_DATA is not set");
    snprintf(path, sizeof path, "%s/pstats/%s", data, name);
    return path;
}

/* Parses fixture `name` and adds it to a new ingest, then builds its
 * graph: it is served, not committed.  Returns its id. */
static pv_ingest *ingest(const char *name, int64_t *id)
{
    pv_file_map file;
    pv_err err;
    ck_assert_int_eq(pv_file_map_open(fixture(name), &file, &err), PV_OK);
    pv_parsed parsed;
    ck_assert_msg(pv_parse_bytes(name, "test", file.bytes, file.len, NULL, &parsed, &err) == PV_OK,
                  "%s: %s", name, err.msg);
    pv_ingest *in;
    ck_assert_msg(pv_ingest_begin(ctx, 1, &in, &err) == PV_OK, "%s", err.msg);
    int existed = -1;
    ck_assert_msg(pv_ingest_add(in, &parsed, &file, id, &existed, &err) == PV_OK, "%s",
                  err.msg);
    ck_assert_int_eq(existed, 0);
    pv_ingest_build_graphs(in);
    return in;
}

/* Whether another connection finds any profile in the store. */
static size_t stored_profiles(void)
{
    pv_store *s;
    ck_assert_int_eq(pv_store_open(tmp.path, PV_STORE_READONLY, &s, NULL), PV_OK);
    pv_profile_info *list;
    size_t n;
    ck_assert_int_eq(pv_store_list(s, &list, &n, NULL), PV_OK);
    pv_profile_info_free_array(list, n);
    pv_store_close(s);
    return n;
}

/* The requests a viewer makes, in order. */
#define N_TARGETS 8
static void targets(int64_t id, char out[N_TARGETS][160])
{
    static const char *const fmt[N_TARGETS] = {
        "/api/profiles/%lld",
        "/api/profiles",
        "/api/profiles/%lld/functions?limit=1000",
        "/api/profiles/%lld/functions?sort=name&order=asc&q=a",
        "/api/profiles/%lld/functions/0",
        "/api/profiles/%lld/tree",
        "/api/profiles/%lld/tree?depth=3&cutoff=0",
        "/api/profiles/%lld/raw",
    };
    for (int i = 0; i < N_TARGETS; i++)
        snprintf(out[i], 160, fmt[i], (long long)id);
}

/* The answers to every target, as text; the summary's store_ms and
 * "stored" are checked against `stored` and left out. */
static void answers(int64_t id, int stored, char *out[N_TARGETS])
{
    char t[N_TARGETS][160];
    targets(id, t);
    for (int i = 0; i < N_TARGETS; i++) {
        reply *r = request_with(ctx, "GET", t[i], NULL, NULL, 0);
        ck_assert_msg(r->status == 200, "GET %s: %d %s", t[i], r->status, r->text);
        if (i == 0) {
            cJSON *s = cJSON_GetObjectItem(r->json, "stored");
            cJSON *ms = cJSON_GetObjectItem(r->json, "store_ms");
            ck_assert_msg(cJSON_IsBool(s) && cJSON_IsTrue(s) == stored, "stored: %s", r->text);
            ck_assert_msg(stored ? cJSON_IsNumber(ms) : cJSON_IsNull(ms), "store_ms: %s",
                          r->text);
            cJSON_DeleteItemFromObject(r->json, "stored");
            cJSON_DeleteItemFromObject(r->json, "store_ms");
            out[i] = cJSON_PrintUnformatted(r->json);
        } else {
            out[i] = strdup(r->text);
        }
        reply_free(r);
    }
}

START_TEST(ingest_answers_before_the_commit_as_the_store_does_after)
{
    static const char *const files[] = {"recursion.prof", "profile_module.prof", "real_pydoc.prof",
                                        "py27_cprofile.prof"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        int64_t id;
        pv_ingest *in = ingest(files[f], &id);
        char *before[N_TARGETS], *after[N_TARGETS];
        answers(id, 0, before);
        ck_assert_uint_eq(stored_profiles(), f);

        pv_ingest_commit_in_background(in, NULL, NULL);
        ck_assert_int_eq(pv_ingest_wait(in), PV_INGEST_STORED);
        ck_assert_uint_eq(stored_profiles(), f + 1);
        answers(id, 1, after);
        for (int i = 0; i < N_TARGETS; i++) {
            ck_assert_msg(strcmp(before[i], after[i]) == 0, "%s, answer %d:\nbefore %.300s\nafter  %.300s",
                          files[f], i, before[i], after[i]);
            free(before[i]);
            free(after[i]);
        }
        pv_ingest_free(in);
        /* Still answered, now from the store alone. */
        answers(id, 1, after);
        for (int i = 0; i < N_TARGETS; i++)
            free(after[i]);
    }
}
END_TEST

START_TEST(ingest_of_bytes_already_stored_gives_their_id_and_stores_nothing)
{
    int64_t id, again;
    pv_ingest *in = ingest("recursion.prof", &id);
    pv_ingest_commit_in_background(in, NULL, NULL);
    ck_assert_int_eq(pv_ingest_wait(in), PV_INGEST_STORED);
    pv_ingest_free(in);

    pv_file_map file;
    ck_assert_int_eq(pv_file_map_open(fixture("recursion.prof"), &file, NULL), PV_OK);
    pv_parsed parsed;
    ck_assert_int_eq(pv_parse_bytes("again", "test", file.bytes, file.len, NULL, &parsed, NULL),
                     PV_OK);
    ck_assert_int_eq(pv_ingest_begin(ctx, 1, &in, NULL), PV_OK);
    int existed = 0;
    ck_assert_int_eq(pv_ingest_add(in, &parsed, &file, &again, &existed, NULL), PV_OK);
    ck_assert_int_eq(existed, 1);
    ck_assert_int_eq(again, id);
    pv_ingest_build_graphs(in);
    pv_ingest_commit_in_background(in, NULL, NULL);
    ck_assert_int_eq(pv_ingest_wait(in), PV_INGEST_STORED);
    pv_ingest_free(in);
    ck_assert_uint_eq(stored_profiles(), 1);
}
END_TEST

static pv_ingest_outcome told;
static size_t told_n;

static void on_done(void *arg, pv_ingest_outcome outcome, const pv_ingest_item *items, size_t n,
                    const pv_err *err)
{
    told = outcome;
    told_n = n;
}

START_TEST(ingest_abandoned_stores_nothing_and_its_id_is_never_given_again)
{
    int64_t id;
    pv_ingest *in = ingest("recursion.prof", &id);
    pv_ingest_abandon(in);
    pv_ingest_commit_in_background(in, on_done, NULL);
    ck_assert_int_eq(pv_ingest_wait(in), PV_INGEST_ROLLED_BACK);
    ck_assert_int_eq(told, PV_INGEST_ROLLED_BACK);
    ck_assert_uint_eq(told_n, 1);
    ck_assert_uint_eq(stored_profiles(), 0);

    /* Served from memory until the ingest goes, then gone. */
    char path[64];
    snprintf(path, sizeof path, "/api/profiles/%lld", (long long)id);
    reply *r = request_with(ctx, "GET", path, NULL, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    reply_free(r);
    pv_ingest_free(in);
    r = request_with(ctx, "GET", path, NULL, NULL, 0);
    ck_assert_int_eq(r->status, 404);
    reply_free(r);

    /* The writer is free again, and the same file gets a new id. */
    pv_load_result res;
    pv_store *w = pv_ctx_writer_lock(ctx);
    ck_assert_int_eq(pv_load_file(w, fixture("recursion.prof"), NULL, &res, NULL), PV_OK);
    pv_ctx_writer_unlock(ctx);
    free(res.warnings);
    ck_assert_int_eq(res.existed, 0);
    ck_assert_int_gt(res.id, id);
}
END_TEST

START_TEST(ingest_never_started_rolls_back_when_freed)
{
    int64_t id;
    pv_ingest *in = ingest("recursion.prof", &id);
    pv_ingest_free(in);
    ck_assert_uint_eq(stored_profiles(), 0);
    pv_store *w = pv_ctx_writer_lock(ctx);  /* not left held */
    pv_ctx_writer_unlock(ctx);
    ck_assert_ptr_nonnull(w);
}
END_TEST

Suite *pv_ingest_suite(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("ingest");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ingest_answers_before_the_commit_as_the_store_does_after);
    tcase_add_test(tc, ingest_of_bytes_already_stored_gives_their_id_and_stores_nothing);
    tcase_add_test(tc, ingest_abandoned_stores_nothing_and_its_id_is_never_given_again);
    tcase_add_test(tc, ingest_never_started_rolls_back_when_freed);
    suite_add_tcase(s, tc);
    return s;
}
