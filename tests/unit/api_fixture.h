/* api_fixture.h — what every API suite (test_api*.c, one per resource)
 * shares: a temporary store and a context on it, made fresh for each test
 * by the checked fixture setup/teardown, and requests through
 * pv_api_dispatch (testutil_api.h).  Failures fail the running test.
 * The short names are the tests' vocabulary; only the API suites link
 * this file.
 */
#ifndef PV_API_FIXTURE_H
#define PV_API_FIXTURE_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "ctx.h"
#include "testutil.h"
#include "testutil_api.h"

extern pv_test_tmp tmp;  /* the store's directory */
extern pv_ctx *ctx;      /* the context on it; tests may close and reopen it */

/* tests/data/pstats/NAME (a static buffer, overwritten by the next call). */
char *fixture_path(const char *name);

/* A new context on the test's store, with these tokens (NULL: none). */
pv_ctx *open_ctx(const char *token, const char *read_token);

/* Loads a fixture through the context's writer; returns its id. */
int64_t load(const char *name);

/* The checked fixture: a new store and context, then both removed. */
void setup(void);
void teardown(void);

/* GET target through ctx. */
reply *get(const char *target);

/* GET target, which must answer `status` with a JSON body. */
reply *get_ok(const char *target, int status);

/* METHOD target must fail with `status` and an {"error": "..."} body. */
void expect_error(const char *method, const char *target, int status);

/* o[key], which must be a number / a string (borrowed). */
double num(const cJSON *o, const char *key);
const char *str(const cJSON *o, const char *key);

/* POSTs fixture `file` to target with these "Name: value" headers
 * (NULL-terminated, or NULL for none). */
reply *upload(const char *target, const char *file, const char *const *headers);

#endif
