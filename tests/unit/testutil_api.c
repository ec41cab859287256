/* testutil_api.c — requests through pv_api_dispatch, built by hand as
 * http.c would build them; see testutil_api.h.
 */
#include "testutil_api.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 16

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes s in place, as the HTTP layer would. */
static void decode(char *s)
{
    char *o = s;
    for (char *p = s; *p;) {
        if (p[0] == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            *o++ = (char)(hex(p[1]) << 4 | hex(p[2]));
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

reply *request_with(pv_ctx *c, const char *method, const char *target,
                           const char *const *headers, const void *body, size_t body_len)
{
    char *buf = strdup(target), *q = strchr(buf, '?');
    pv_param query[MAX_PARAMS], hdrs[MAX_PARAMS];
    char *hbuf[MAX_PARAMS];
    size_t nq = 0, nh = 0;
    if (q) {
        *q++ = '\0';
        for (char *save, *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
            ck_assert_uint_lt(nq, MAX_PARAMS);
            char *eq = strchr(kv, '=');
            if (eq)
                *eq++ = '\0';
            decode(kv);
            if (eq)
                decode(eq);
            query[nq++] = (pv_param){kv, eq ? eq : ""};
        }
    }
    decode(buf);
    for (; headers && headers[nh]; nh++) {
        ck_assert_uint_lt(nh, MAX_PARAMS);
        hbuf[nh] = strdup(headers[nh]);
        char *colon = strchr(hbuf[nh], ':');
        *colon = '\0';
        hdrs[nh] = (pv_param){hbuf[nh], colon + 2};
    }
    pv_request req = {.method = method, .path = buf, .query = query, .n_query = nq,
                      .headers = hdrs, .n_headers = nh, .has_body = body != NULL};
    reply *r = calloc(1, sizeof *r);
    r->status = pv_api_dispatch(&req, c, &r->res);
    if (r->status == 0) {
        req.body = body ? body : (const void *)"";
        req.body_len = body_len;
        r->status = pv_api_dispatch(&req, c, &r->res);
    }
    ck_assert_int_eq(r->status, r->res.status);
    r->text = malloc(r->res.len + 1);
    memcpy(r->text, r->res.body ? r->res.body : "", r->res.len);
    r->text[r->res.len] = '\0';
    if (r->res.content_type && strcmp(r->res.content_type, "application/json") == 0)
        r->json = cJSON_ParseWithLength(r->text, r->res.len);
    for (size_t i = 0; i < nh; i++)
        free(hbuf[i]);
    free(buf);
    return r;
}

void reply_free(reply *r)
{
    pv_response_release(&r->res);
    cJSON_Delete(r->json);
    free(r->text);
    free(r);
}

