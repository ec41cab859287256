/* api_fixture.c — the store, context and request helpers every API
 * suite shares; see api_fixture.h.
 * SPDX-License-Identifier: MIT
 */
#include "api_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "loader.h"
#include "testutil.h"

pv_test_tmp tmp;
pv_ctx *ctx;

char *fixture_path(const char *name)
{
    const char *data = getenv("PV_TEST_DATA");
    ck_assert_msg(data != NULL, "PV_TEST_DATA is not set");
    static char path[4096];
    snprintf(path, sizeof path, "%s/pstats/%s", data, name);
    return path;
}

pv_ctx *open_ctx(const char *token, const char *read_token)
{
    pv_ctx_opts opts = {.db_path = tmp.path, .token = token, .read_token = read_token};
    pv_ctx *c = NULL;
    pv_err err;
    ck_assert_msg(pv_ctx_open(&opts, &c, &err) == PV_OK, "%s", err.msg);
    return c;
}

/* Loads a fixture through the context's writer; returns its id. */
int64_t load(const char *name)
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

void setup(void)
{
    pv_test_tmp_init(&tmp);
    ctx = open_ctx(NULL, NULL);
}

void teardown(void)
{
    pv_ctx_close(ctx);
    ctx = NULL;
    pv_test_tmp_remove(&tmp);
}

reply *get(const char *target)
{
    return request_with(ctx, "GET", target, NULL, NULL, 0);
}

/* GET target, which must answer `status` with a JSON body. */
reply *get_ok(const char *target, int status)
{
    reply *r = get(target);
    ck_assert_msg(r->status == status, "GET %s: %d, wanted %d: %s", target, r->status, status,
                  r->text);
    ck_assert_msg(r->json != NULL, "GET %s: not JSON: %s", target, r->text);
    return r;
}

/* GET target must fail with `status` and an {"error": "..."} body. */
void expect_error(const char *method, const char *target, int status)
{
    reply *r = request_with(ctx, method, target, NULL, NULL, 0);
    ck_assert_msg(r->status == status, "%s %s: %d, wanted %d: %s", method, target, r->status,
                  status, r->text);
    ck_assert_msg(r->json && cJSON_IsString(cJSON_GetObjectItem(r->json, "error")),
                  "%s %s: no error message: %s", method, target, r->text);
    reply_free(r);
}

double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "no number %s", key);
    return v->valuedouble;
}

const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsString(v), "no string %s", key);
    return v->valuestring;
}

reply *upload(const char *target, const char *file, const char *const *headers)
{
    size_t len;
    unsigned char *bytes = pv_test_read(fixture_path(file), &len);
    reply *r = request_with(ctx, "POST", target, headers, bytes, len);
    free(bytes);
    return r;
}
