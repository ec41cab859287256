/* testutil_api.h — the API's handlers called in process (no sockets), for
 * the API suites (test_api*.c) and test_ingest.c.  Failures fail the
 * running test.
 */
#ifndef PV_TESTUTIL_API_H
#define PV_TESTUTIL_API_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "api.h"

typedef struct reply {
    int status;
    pv_response res;
    char *text;   /* the body, NUL-terminated */
    cJSON *json;  /* the body parsed, when it is JSON cJSON can read */
} reply;

/* Sends METHOD TARGET ("/path?query") with "Name: value" headers (NULL
 * ends the list) and a body (NULL for none) through pv_api_dispatch, as
 * http.c does: a route that wants the body gets it on a second call. */
reply *request_with(pv_ctx *c, const char *method, const char *target,
                    const char *const *headers, const void *body, size_t body_len);

void reply_free(reply *r);

#endif
