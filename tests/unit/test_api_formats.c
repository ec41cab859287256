/* test_api_formats.c — the JSON API over profiles of every format, called
 * in process (no sockets): uploads are recognised by content (or by
 * ?format=), ?event= and ?profile= reach the reader, what a profile's
 * numbers measure (unit, calls_unit) and which part of the file it is
 * (variant, choices) come back in the summary and the listing, and a
 * file no reader takes is refused with what was tried.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_fixture.h"

Suite *pv_api_formats_suite(void);

/* A folded file whose stacks put 7 samples in work and 3 in main itself. */
static const char folded[] = "# austin: 3.3.0\nmain;work 5\nmain 3\nmain;work 2\n";

static reply *post(const char *target, const void *body, size_t len)
{
    return request_with(ctx, "POST", target, NULL, body, len);
}

/* The upload's id, after checking its status. */
static int64_t upload_ok(const char *target, const void *body, size_t len, int status)
{
    reply *r = post(target, body, len);
    ck_assert_msg(r->status == status, "POST %s: %d %s", target, r->status, r->text);
    int64_t id = (int64_t)num(r->json, "id");
    reply_free(r);
    return id;
}

/* What every summary says about a profile's measures. */
static void expect_measures(const cJSON *o, const char *format, const char *unit,
                            const char *calls_unit)
{
    ck_assert_str_eq(str(o, "format"), format);
    ck_assert_str_eq(str(o, "unit"), unit);
    ck_assert_str_eq(str(o, "calls_unit"), calls_unit);
    ck_assert_str_eq(str(o, "variant"), "");
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(o, "choices");
    ck_assert(cJSON_IsArray(choices));
    ck_assert_int_eq(cJSON_GetArraySize(choices), 0);
}

START_TEST(a_folded_upload_is_read_by_content_and_says_what_it_measures)
{
    int64_t id = upload_ok("/api/profiles?name=app.folded", folded, sizeof folded - 1, 201);
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld", (long long)id);
    reply *r = get_ok(target, 200);
    expect_measures(r->json, "folded", "samples", "samples");
    ck_assert_str_eq(str(r->json, "writer"), "austin");
    ck_assert_str_eq(str(r->json, "tree"), "recorded");
    ck_assert_double_eq(num(r->json, "total_tt"), 10);
    /* The top box is main, with all ten samples. */
    const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "roots"), 0);
    ck_assert_str_eq(str(top, "name"), "main");
    reply_free(r);
    r = get_ok("/api/profiles", 200);
    expect_measures(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "profiles"), 0),
                    "folded", "samples", "samples");
    reply_free(r);
    snprintf(target, sizeof target, "/api/profiles/%lld/functions?sort=tottime", (long long)id);
    r = get_ok(target, 200);
    const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "rows"), 0);
    ck_assert_str_eq(str(row, "name"), "work");
    ck_assert_str_eq(str(row, "file"), "");
    ck_assert_double_eq(num(row, "tt"), 7);
    ck_assert_double_eq(num(row, "nc"), 7);  /* samples */
    reply_free(r);
    /* The raw bytes are the file's, and the same bytes are stored once. */
    snprintf(target, sizeof target, "/api/profiles/%lld/raw", (long long)id);
    r = request_with(ctx, "GET", target, NULL, NULL, 0);
    ck_assert_int_eq(r->status, 200);
    ck_assert_uint_eq(r->res.len, sizeof folded - 1);
    ck_assert_int_eq(memcmp(r->res.body, folded, sizeof folded - 1), 0);
    reply_free(r);
    ck_assert_int_eq(upload_ok("/api/profiles", folded, sizeof folded - 1, 200), id);
}
END_TEST

START_TEST(a_pstats_upload_measures_seconds_and_calls)
{
    const char *data = getenv("PV_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/pstats/recursion.prof", data ? data : "tests/data");
    size_t len;
    unsigned char *bytes = pv_test_read(path, &len);
    int64_t id = upload_ok("/api/profiles", bytes, len, 201);
    free(bytes);
    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld", (long long)id);
    reply *r = get_ok(target, 200);
    expect_measures(r->json, "pstats", "seconds", "calls");
    reply_free(r);
}
END_TEST

START_TEST(upload_parameters_reach_the_reader)
{
    /* Forced to a format that does not read it: that reader's error. */
    reply *r = post("/api/profiles?format=pstats", folded, sizeof folded - 1);
    ck_assert_int_eq(r->status, 400);
    ck_assert_msg(strstr(str(r->json, "error"), "pstats dump"), "%s", r->text);
    reply_free(r);
    r = post("/api/profiles?format=perf", folded, sizeof folded - 1);
    ck_assert_int_eq(r->status, 400);
    ck_assert_msg(strstr(str(r->json, "error"), "unknown format \"perf\": the formats are "
                                                "pstats, ") && strstr(r->text, "folded"),
                  "%s", r->text);
    reply_free(r);
    r = post("/api/profiles?event=Ir", folded, sizeof folded - 1);
    ck_assert_int_eq(r->status, 400);
    ck_assert_msg(strstr(str(r->json, "error"), "no event to choose"), "%s", r->text);
    reply_free(r);
    r = post("/api/profiles?profile=1", folded, sizeof folded - 1);
    ck_assert_int_eq(r->status, 400);
    ck_assert_msg(strstr(str(r->json, "error"), "no profile to choose"), "%s", r->text);
    reply_free(r);
    ck_assert_int_eq(upload_ok("/api/profiles?format=folded", folded, sizeof folded - 1, 201), 1);
    /* Nothing was stored by the refused ones. */
    r = get_ok("/api/profiles", 200);
    ck_assert_double_eq(num(r->json, "total"), 1);
    reply_free(r);
}
END_TEST

START_TEST(a_file_no_reader_takes_is_refused_with_what_was_tried)
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
    reply *r = post("/api/profiles", png, sizeof png);
    ck_assert_int_eq(r->status, 400);
    const char *msg = str(r->json, "error");
    ck_assert_msg(strstr(msg, "not a cProfile/profile dump (pstats), a speedscope file, ") &&
                      strstr(msg, " or folded stacks") && strstr(msg, "it starts with 0x89"),
                  "%s", msg);
    reply_free(r);
    static const char text[] = "a;b\nno counts here\n";
    r = post("/api/profiles?name=x.txt", text, sizeof text - 1);
    ck_assert_int_eq(r->status, 400);
    reply_free(r);
}
END_TEST

Suite *pv_api_formats_suite(void)
{
    Suite *s = suite_create("api_formats");
    TCase *tc = tcase_create("formats");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_folded_upload_is_read_by_content_and_says_what_it_measures);
    tcase_add_test(tc, a_pstats_upload_measures_seconds_and_calls);
    tcase_add_test(tc, upload_parameters_reach_the_reader);
    tcase_add_test(tc, a_file_no_reader_takes_is_refused_with_what_was_tried);
    suite_add_tcase(s, tc);
    return s;
}
