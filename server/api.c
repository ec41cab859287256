/* api.c — the route table, the checks every request passes before its
 * handler, and the helpers handlers share.  See api.h.
 *
 * Order of the checks: the path (404), the method (405 with Allow), the
 * path's ids (400 when not numbers, 404 when too large to exist), the
 * token (401), the origin of a browser's write (403), and whether a body
 * was sent where none belongs (400).  Only then does a handler run, so
 * handlers see well-formed ids and authorised requests only.
 * SPDX-License-Identifier: MIT
 */
#include "api.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "term.h"
#include "lines.h"
#include "xalloc.h"

enum {
    ROUTE_WRITE = 1 << 0,  /* changes the store: needs the write token */
    ROUTE_BODY = 1 << 1,   /* reads a request body */
    ROUTE_OPEN = 1 << 2,   /* holds no profile data: no read token needed */
};

typedef struct route {
    const char *pattern;   /* "{id}" stands for one path segment */
    const char *method;
    pv_handler handler;
    int flags;             /* ROUTE_* */
    const char *allow;     /* every method the pattern takes, for 405 */
} route;

/* Alphabetized by pattern, then method. */
static const route routes[] = {
    {"/api/profiles", "GET", pv_api_profiles_list, 0, "GET, HEAD, POST"},
    {"/api/profiles", "POST", pv_api_profiles_upload, ROUTE_WRITE | ROUTE_BODY,
     "GET, HEAD, POST"},
    {"/api/profiles/{id}", "DELETE", pv_api_profiles_delete, ROUTE_WRITE, "DELETE, GET, HEAD"},
    {"/api/profiles/{id}", "GET", pv_api_profiles_get, 0, "DELETE, GET, HEAD"},
    {"/api/profiles/{id}/diff", "GET", pv_api_diff_get, 0, "GET, HEAD"},
    {"/api/profiles/{id}/functions", "GET", pv_api_functions_list, 0, "GET, HEAD"},
    {"/api/profiles/{id}/functions/{id}", "GET", pv_api_functions_get, 0, "GET, HEAD"},
    {"/api/profiles/{id}/labels", "PATCH", pv_api_profiles_labels, ROUTE_WRITE | ROUTE_BODY,
     "PATCH"},
    {"/api/profiles/{id}/packages", "GET", pv_api_packages_get, 0, "GET, HEAD"},
    {"/api/profiles/{id}/raw", "GET", pv_api_profiles_raw, 0, "GET, HEAD"},
    {"/api/profiles/{id}/tree", "GET", pv_api_tree_get, 0, "GET, HEAD"},
    {"/api/server", "GET", pv_api_server_get, ROUTE_OPEN, "GET, HEAD"},
};

/* What a path parameter stands for, in its 400 and 404 messages. */
static const char *const id_names[] = {"profile", "function"};

typedef struct segment {
    const char *at;
    size_t len;
} segment;

/* Whether `path` has the shape of `pattern`; the segments standing for
 * {id} go to ids[] (at most two). */
static bool match(const char *pattern, const char *path, segment ids[2], size_t *n_ids)
{
    *n_ids = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++, s++;
        size_t pl = strcspn(p, "/"), sl = strcspn(s, "/");
        if (pl == 4 && memcmp(p, "{id}", 4) == 0) {
            if (sl == 0 || *n_ids == 2)
                return false;
            ids[(*n_ids)++] = (segment){s, sl};
        } else if (pl != sl || memcmp(p, s, pl) != 0) {
            return false;
        }
        p += pl, s += sl;
    }
    return *p == '\0' && *s == '\0';
}

static bool is_api_path(const char *path)
{
    return strncmp(path, "/api", 4) == 0 && (path[4] == '\0' || path[4] == '/');
}

/* A browser says where a page came from in Origin; a write from a page of
 * another site (a form posting to this server) is refused.  Clients that
 * are not browsers send no Origin.  The scheme is not compared: behind a
 * TLS proxy the page is https and this server sees plain HTTP. */
static bool same_origin(const pv_request *req)
{
    const char *origin = pv_request_header(req, "Origin");
    if (!origin)
        return true;
    const char *host = pv_request_header(req, "Host");
    const char *sep = strstr(origin, "://");
    return host && sep && strcmp(sep + 3, host) == 0;
}

int pv_api_dispatch(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    memset(res, 0, sizeof *res);
    if (!is_api_path(req->path))
        return pv_assets_serve(req, ctx, res);

    /* HEAD is GET without the body, which the HTTP layer drops. */
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    const route *hit = NULL, *shape = NULL;
    segment ids[2];
    size_t n_ids = 0;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (!match(routes[i].pattern, req->path, ids, &n_ids))
            continue;
        shape = &routes[i];
        if (strcmp(routes[i].method, method) == 0) {
            hit = &routes[i];
            break;
        }
    }
    if (!shape)
        return pv_respond_error(res, 404, "no such API endpoint: %.200s", req->path);
    if (!hit) {
        res->allow = shape->allow;
        return pv_respond_error(res, 405, "%.20s is not allowed here; use %s", req->method,
                                shape->allow);
    }

    pv_request r = *req;
    for (size_t i = 0; i < n_ids; i++) {
        int rc = pv_parse_uint(ids[i].at, ids[i].len, &r.ids[i]);
        if (rc != PV_OK) {
            if (rc == PV_E_TOO_BIG)
                return pv_respond_error(res, 404, "no %s %.*s", id_names[i], (int)ids[i].len,
                                        ids[i].at);
            return pv_respond_error(res, 400, "'%.*s' is not a %s id (a number)",
                                    ids[i].len > 40 ? 40 : (int)ids[i].len, ids[i].at,
                                    id_names[i]);
        }
    }
    int write = (hit->flags & ROUTE_WRITE) != 0;
    if (!(hit->flags & ROUTE_OPEN) && !pv_ctx_allowed(ctx, pv_request_header(req, "Authorization"), write)) {
        res->challenge = 1;
        return pv_respond_error(res, 401, "%s needs 'Authorization: Bearer TOKEN'",
                                write ? "changing profiles" : "reading profiles");
    }
    if (write && !same_origin(req))
        return pv_respond_error(res, 403, "a page of another site may not change profiles");
    if (!(hit->flags & ROUTE_BODY) && req->has_body)
        return pv_respond_error(res, 400, "%s %s takes no request body", hit->method,
                                hit->pattern);
    if ((hit->flags & ROUTE_BODY) && !req->body)
        return 0;
    return hit->handler(&r, ctx, res);
}

void pv_response_release(pv_response *res)
{
    if (res->body_free)
        res->body_free(res->body);
    res->body = NULL;
    res->body_free = NULL;
    res->len = 0;
}

/* ---- requests -------------------------------------------------------- */

const char *pv_request_query(const pv_request *req, const char *key)
{
    for (size_t i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, key) == 0)
            return req->query[i].value;
    return NULL;
}

const char *pv_request_header(const pv_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].key, name) == 0)
            return req->headers[i].value;
    return NULL;
}

int pv_parse_uint(const char *s, size_t len, int64_t *out)
{
    if (len == 0)
        return PV_E_USAGE;
    int64_t v = 0;
    int overflow = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return PV_E_USAGE;
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
    }
    if (overflow)
        return PV_E_TOO_BIG;
    *out = v;
    return PV_OK;
}

int pv_query_int(const pv_request *req, const char *key, int64_t def, int64_t min, int64_t max,
                 int64_t *out, pv_err *err)
{
    const char *v = pv_request_query(req, key);
    if (!v) {
        *out = def;
        return PV_OK;
    }
    int negative = v[0] == '-';
    int64_t mag;
    if (pv_parse_uint(v + negative, strlen(v + negative), &mag) == PV_OK) {
        int64_t x = negative ? -mag : mag;
        if (x >= min && x <= max) {
            *out = x;
            return PV_OK;
        }
    }
    return pv_err_set(err, PV_E_USAGE, "%s must be an integer from %lld to %lld, not '%.40s'",
                      key, (long long)min, (long long)max, v);
}

/* Whether `s` is a number as JSON (and JavaScript's String(number))
 * writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s)
{
    s += *s == '-';
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        s += strspn(s, "0123456789");
    else
        return false;
    if (*s == '.') {
        size_t n = strspn(++s, "0123456789");
        if (!n)
            return false;
        s += n;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        s += *s == '+' || *s == '-';
        size_t n = strspn(s, "0123456789");
        if (!n)
            return false;
        s += n;
    }
    return *s == '\0';
}

int pv_query_double(const pv_request *req, const char *key, double def, double min, double max,
                    double *out, pv_err *err)
{
    const char *v = pv_request_query(req, key);
    if (!v) {
        *out = def;
        return PV_OK;
    }
    /* strtod alone would also take " 1", "+1", "0x1", "nan" and "inf". */
    char *end;
    double x = is_json_number(v) ? strtod(v, &end) : NAN;
    if (isfinite(x) && *end == '\0' && x >= min && x <= max) {
        *out = x;
        return PV_OK;
    }
    return pv_err_set(err, PV_E_USAGE, "%s must be a number from %g to %g, not '%.40s'", key, min,
                      max, v);
}

/* ---- responses ------------------------------------------------------- */

int pv_respond_json(pv_response *res, int status, cJSON *doc)
{
    assert(doc);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return pv_respond_json_text(res, status, text, strlen(text), cJSON_free);
}

int pv_respond_json_text(pv_response *res, int status, char *text, size_t len,
                         void (*text_free)(void *))
{
    pv_response_release(res);
    res->status = status;
    res->content_type = "application/json";
    res->encoding = NULL;
    res->body = text;
    res->len = len;
    res->body_free = text_free;
    return status;
}

int pv_respond_error(pv_response *res, int status, const char *fmt, ...)
{
    char msg[sizeof ((pv_err *)0)->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *doc = cJSON_CreateObject();
    /* The message may quote what the client sent, in any bytes. */
    cJSON_AddItemToObject(doc, "error", pv_json_string(msg));
    return pv_respond_json(res, status, doc);
}

int pv_respond_err(pv_response *res, const pv_err *err)
{
    switch (err->code) {
    case PV_E_NOTFOUND: return pv_respond_error(res, 404, "%s", err->msg);
    case PV_E_USAGE:
    case PV_E_FORMAT: return pv_respond_error(res, 400, "%s", err->msg);
    case PV_E_TOO_BIG: return pv_respond_error(res, 413, "%s", err->msg);
    case PV_E_FULL:
        pv_term_println(stderr, "profviz: %s", err->msg);
        return pv_respond_error(res, 507, "store full: the server's disk has no room left; "
                                          "deleting profiles frees some");
    default:
        /* The details (paths, SQLite's words) are for the operator. */
        pv_term_println(stderr, "profviz: %s: %s", pv_err_name(err->code), err->msg);
        return pv_respond_error(res, 500, "internal error (%s); see the server's log",
                                pv_err_name(err->code));
    }
}

/* ---- JSON pieces ----------------------------------------------------- */

void pv_api_add_func(cJSON *obj, const pv_graph *g, uint32_t f)
{
    const pv_gfunc *fn = &g->funcs[f];
    cJSON_AddItemToObject(obj, "id", pv_json_int(f));
    cJSON_AddItemToObject(obj, "file", pv_json_string(fn->file));
    cJSON_AddItemToObject(obj, "line", pv_json_int(fn->line));
    cJSON_AddItemToObject(obj, "name", pv_json_string(fn->name));
}

cJSON *pv_api_warnings(const char *warnings)
{
    cJSON *arr = cJSON_CreateArray();
    pv_lines_iter it;
    pv_lines_begin(&it, warnings, warnings ? strlen(warnings) : 0);
    const char *w;
    size_t n;
    while ((w = pv_lines_next(&it, &n))) {
        char *line = pv_xstrndup(w, n);
        cJSON_AddItemToArray(arr, pv_json_string(line));
        free(line);
    }
    return arr;
}
