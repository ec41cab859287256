/* test_api_transform.c — /tree's transforms (t=, api_transform.c) and
 * /packages (api_packages.c) through the API: the answer's shape, stacks
 * applied in order, the errors a user gets for a malformed transform, and
 * the packages table adding up to the profile's total.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"

Suite *pv_api_transform_suite(void);

/* The real `python -m cProfile -m jsonwork` dump (tests/data/transforms). */
#define JSONWORK "../transforms/jsonwork.prof"

/* The id of the first box named `name` in a view (depth first), or -1. */
static int64_t find_id(const cJSON *box, const char *name)
{
    if (cJSON_IsNumber(cJSON_GetObjectItem(box, "id")) && strcmp(str(box, "name"), name) == 0)
        return (int64_t)num(box, "id");
    const cJSON *kid;
    cJSON_ArrayForEach(kid, cJSON_GetObjectItem(box, "children")) {
        int64_t id = find_id(kid, name);
        if (id >= 0)
            return id;
    }
    return -1;
}

/* The first box of a view whose "collapsed" is set, or NULL. */
static const cJSON *find_collapsed(const cJSON *box)
{
    if (cJSON_IsString(cJSON_GetObjectItem(box, "collapsed")))
        return box;
    const cJSON *kid;
    cJSON_ArrayForEach(kid, cJSON_GetObjectItem(box, "children")) {
        const cJSON *c = find_collapsed(kid);
        if (c)
            return c;
    }
    return NULL;
}

static reply *view(int64_t id, const char *query, int status)
{
    char target[512];
    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=20&cutoff=0&%s",
             (long long)id, query);
    return get_ok(target, status);
}

START_TEST(transformed_views_echo_and_keep_the_total)
{
    int64_t id = load(JSONWORK);
    reply *plain = view(id, "", 200);
    const cJSON *root = cJSON_GetObjectItem(plain->json, "root");
    double total = num(root, "time");
    ck_assert(!cJSON_GetObjectItem(plain->json, "transforms"));
    int64_t main_id = find_id(root, "main");
    ck_assert_int_ge(main_id, 0);

    char q[128];
    snprintf(q, sizeof q, "t=merge:%lld&t=mycode", (long long)main_id);
    reply *r = view(id, q, 200);
    ck_assert_str_eq(str(r->json, "view"), "top");
    const cJSON *tf = cJSON_GetObjectItem(r->json, "transforms");
    ck_assert_int_eq(cJSON_GetArraySize(tf), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(tf, 1)->valuestring, "mycode");
    const cJSON *troot = cJSON_GetObjectItem(r->json, "root");
    ck_assert_double_eq_tol(num(troot, "time"), total, 1e-12);
    ck_assert_int_lt(find_id(troot, "main"), 0);
    ck_assert_int_ge(find_id(troot, "round_trip"), 0);
    /* json's machinery is one box below round_trip, with no id. */
    const cJSON *json = find_collapsed(troot);
    ck_assert_ptr_nonnull(json);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(json, "id")));
    ck_assert_str_eq(str(json, "name"), str(json, "collapsed"));
    const char *pkg = str(json, "collapsed");
    ck_assert_str_eq(pkg + strlen(pkg) - 5, "/json");
    reply_free(r);
    reply_free(plain);
}
END_TEST

START_TEST(transforms_apply_in_the_order_given)
{
    int64_t id = load(JSONWORK);
    reply *plain = view(id, "", 200);
    const cJSON *root = cJSON_GetObjectItem(plain->json, "root");
    int64_t rt = find_id(root, "round_trip"), dumps = find_id(root, "dumps");
    ck_assert_int_ge(rt, 0);
    ck_assert_int_ge(dumps, 0);
    char q[128];
    /* Focus, then drop dumps below round_trip: loads is what is left. */
    snprintf(q, sizeof q, "t=focus:%lld&t=drop:%lld,%lld", (long long)rt, (long long)rt,
             (long long)dumps);
    reply *r = view(id, q, 200);
    const cJSON *troot = cJSON_GetObjectItem(r->json, "root");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(troot, "id")));
    const cJSON *kids = cJSON_GetObjectItem(troot, "children");
    ck_assert_int_eq(cJSON_GetArraySize(kids), 1);
    ck_assert_int_eq((int64_t)num(cJSON_GetArrayItem(kids, 0), "id"), rt);
    ck_assert_double_eq_tol(num(troot, "time"), num(cJSON_GetArrayItem(kids, 0), "time"), 1e-12);
    ck_assert_int_lt(find_id(troot, "dumps"), 0);
    ck_assert_int_ge(find_id(troot, "loads"), 0);
    /* A view below a path of the transformed tree. */
    int64_t loads = find_id(troot, "loads");
    snprintf(q, sizeof q, "t=focus:%lld&t=drop:%lld,%lld&path=%lld,%lld", (long long)rt,
             (long long)rt, (long long)dumps, (long long)rt, (long long)loads);
    reply *below = view(id, q, 200);
    ck_assert_int_eq((int64_t)num(cJSON_GetObjectItem(below->json, "root"), "id"), loads);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(below->json, "path")), 2);
    reply_free(below);
    reply_free(r);
    /* The other way round, round_trip is not at the top: the drop fails. */
    snprintf(q, sizeof q, "t=drop:%lld,%lld&t=focus:%lld", (long long)rt, (long long)dumps,
             (long long)rt);
    r = view(id, q, 400);
    ck_assert_ptr_nonnull(strstr(str(r->json, "error"), "drop:"));
    reply_free(r);
    reply_free(plain);
}
END_TEST

/* Every malformed transform is a 400 that names it. */
START_TEST(malformed_transforms_are_refused_with_a_reason)
{
    int64_t id = load(JSONWORK);
    static const struct {
        const char *query, *says;
    } bad[] = {
        {"t=zoom:1", "unknown transform"},
        {"t=focus", "needs an argument"},
        {"t=focus:", "needs an argument"},
        {"t=merge:abc", "function id"},
        {"t=focus:4000000", "no function with that id"},
        {"t=collapse:/no/such/dir", "no function of the profile is in that package"},
        {"t=drop:1,x", "drop:1,x"},
        {"t=mycode:1", "takes no argument"},
        {"t=mycode&view=inverted", "view=top only"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        reply *r = view(id, bad[i].query, 400);
        const char *e = str(r->json, "error");
        ck_assert_msg(strstr(e, bad[i].says), "%s: %s", bad[i].query, e);
        reply_free(r);
    }
    /* An unknown profile is a 404, transforms or not. */
    expect_error("GET", "/api/profiles/999/tree?t=mycode", 404);
    expect_error("GET", "/api/profiles/999/packages", 404);
}
END_TEST

START_TEST(packages_add_up_to_the_total)
{
    static const char *const files[] = {JSONWORK, "wide.prof", "real_pydoc.prof"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        int64_t id = load(files[k]);
        char target[96];
        snprintf(target, sizeof target, "/api/profiles/%lld/packages", (long long)id);
        reply *r = get_ok(target, 200);
        double total = num(r->json, "total");
        ck_assert_double_gt(total, 0);
        const cJSON *rows = cJSON_GetObjectItem(r->json, "rows"), *row;
        ck_assert_int_gt(cJSON_GetArraySize(rows), 0);
        double tt = 0, share = 0, last = INFINITY;
        int functions = 0;
        cJSON_ArrayForEach(row, rows) {
            str(row, "package");
            ck_assert_double_le(num(row, "tt"), last);
            last = num(row, "tt");
            tt += num(row, "tt");
            share += num(row, "share");
            functions += (int)num(row, "functions");
            ck_assert_double_ge(num(row, "calls"), 0);
        }
        ck_assert_double_eq_tol(tt, total, 1e-9 * total);
        ck_assert_double_eq_tol(share, 1, 1e-9);
        /* Every function with an entry is in one row. */
        snprintf(target, sizeof target, "/api/profiles/%lld", (long long)id);
        reply *p = get_ok(target, 200);
        ck_assert_int_eq(functions, (int)num(p->json, "n_funcs"));
        reply_free(p);
        reply_free(r);
    }
}
END_TEST

Suite *pv_api_transform_suite(void)
{
    Suite *s = suite_create("api_transform");
    TCase *tc = tcase_create("api_transform");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, transformed_views_echo_and_keep_the_total);
    tcase_add_test(tc, transforms_apply_in_the_order_given);
    tcase_add_test(tc, malformed_transforms_are_refused_with_a_reason);
    tcase_add_test(tc, packages_add_up_to_the_total);
    suite_add_tcase(s, tc);
    return s;
}
