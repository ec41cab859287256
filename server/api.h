/* api.h — the JSON API as plain C: requests in, responses out, no HTTP
 * library in sight.
 *
 * http.c turns each libmicrohttpd request into a pv_request, calls
 * pv_api_dispatch and sends the pv_response it gets back; the unit tests
 * call the same functions with requests they build themselves.
 * pv_api_dispatch routes (the table is in api.c), checks tokens and
 * path parameters, and calls one handler per endpoint; handlers live one
 * file per resource (api_profiles.c, api_functions.c, api_tree.c) and the
 * embedded web files are served by assets.c.  A handler returns the HTTP
 * status it put in the response; every error response is
 * {"error": "..."}.  Every string that comes from a profile goes out
 * through pv_json_string, so it is data, never markup.
 * Ownership: a pv_response owns its body; pv_response_release frees it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_API_H
#define PV_API_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "graph.h"
#include "json.h"
#include "match.h"
#include "transform.h"
#include "tree.h"

/* A query argument or a header. */
typedef struct pv_param {
    const char *key;    /* header names compare case-insensitively */
    const char *value;  /* "" for a bare "?key" */
} pv_param;

typedef struct pv_request {
    const char *method;           /* as sent: "GET", "HEAD", "POST", ... */
    const char *path;             /* percent-decoded, without the query */
    const pv_param *query;        /* decoded query arguments, in order */
    size_t n_query;
    const pv_param *headers;
    size_t n_headers;
    int has_body;                 /* the client announced a body */
    const unsigned char *body;    /* the whole body once read; NULL before */
    size_t body_len;              /* bytes */
    int64_t ids[2];               /* path parameters: {id}, then {fid} (dispatch fills) */
} pv_request;

typedef struct pv_response {
    int status;                   /* HTTP status */
    const char *content_type;     /* static string; NULL when there is no body */
    const char *cache_control;    /* static string; NULL means "no-store" */
    const char *etag;             /* static string, e.g. an asset's; NULL for none */
    const char *allow;            /* 405: the methods the resource takes */
    const char *encoding;         /* static: "gzip" when body is compressed; NULL: plain */
    int challenge;                /* 401: ask for a bearer token */
    char disposition[160];        /* Content-Disposition value; "" for none */
    void *body;                   /* the bytes to send */
    size_t len;
    void (*body_free)(void *);    /* frees body; NULL when body is static */
} pv_response;

/* A handler: fills `res` and returns its status.  It never sees
 * libmicrohttpd (http.c is the only code that does), so the unit tests call
 * it directly with an in-memory request. */
typedef int (*pv_handler)(const pv_request *req, pv_ctx *ctx, pv_response *res);

/* Routes and answers `req`.  Returns the status put in `res`, or 0 when
 * the route reads a request body and req->body is still NULL: the caller
 * then reads the body and calls again with it (checks on the route and
 * the token came first, so an upload is refused before it is read). */
int pv_api_dispatch(const pv_request *req, pv_ctx *ctx, pv_response *res);

/* Frees the body; the response may be reused. */
void pv_response_release(pv_response *res);

/* ---- helpers for handlers (api.c) ------------------------------------ */

/* The first query argument `key`, or NULL. */
const char *pv_request_query(const pv_request *req, const char *key);

/* The first header `name` (any case), or NULL. */
const char *pv_request_header(const pv_request *req, const char *name);

/* Query argument `key` as an integer in [min, max]; `def` when absent.
 * PV_E_USAGE (message for the client) when it is empty, not a decimal
 * integer or out of range. */
int pv_query_int(const pv_request *req, const char *key, int64_t def, int64_t min, int64_t max,
                 int64_t *out, pv_err *err);

/* The same for a finite number in [min, max], written as JSON writes one
 * ("0.001", "1e-7"; not "0x1", "+1", ".5" or " 1"). */
int pv_query_double(const pv_request *req, const char *key, double def, double min, double max,
                    double *out, pv_err *err);

/* Parses a decimal integer with nothing around it (no sign, no space) into
 * *out.  Returns PV_OK; PV_E_USAGE when `s` is empty or not all digits;
 * PV_E_TOO_BIG when it is digits only but too large for int64 (*out is
 * then left alone).  Sets no message: callers word their own. */
int pv_parse_uint(const char *s, size_t len, int64_t *out);

/* Prints `doc` (taking ownership of it) as the response body. */
int pv_respond_json(pv_response *res, int status, cJSON *doc);

/* Sends JSON text already printed; takes ownership of `text`, which
 * `text_free` frees. */
int pv_respond_json_text(pv_response *res, int status, char *text, size_t len,
                         void (*text_free)(void *));

/* {"error": message}. */
int pv_respond_error(pv_response *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The error response for a failed call: PV_E_NOTFOUND 404, PV_E_USAGE and
 * PV_E_FORMAT 400, PV_E_TOO_BIG 413, PV_E_FULL 507 ("store full"); store
 * and I/O failures are logged to stderr and answered 500 without their
 * details. */
int pv_respond_err(pv_response *res, const pv_err *err);

/* Adds "id", "file", "line" and "name" of function `f` to object `obj`. */
void pv_api_add_func(cJSON *obj, const pv_graph *g, uint32_t f);

/* Splits newline-separated warnings (warnings.h; NULL holds none) into a
 * JSON array of strings. */
cJSON *pv_api_warnings(const char *warnings);

/* One tree box as JSON (api_tree.c): nodes[i] of `t` and, when
 * `children` is set, its subtree. */
cJSON *pv_api_tree_node(const pv_graph *g, const pv_tree *t, const pv_tree_node *n,
                        int children);

/* Parses a /tree "path": function ids separated by commas, "" for none
 * (api_tree.c).  On PV_OK *out is malloc'd (the caller frees it). */
int pv_api_parse_path(const char *text, uint32_t **out, size_t *len, pv_err *err);

/* ---- transforms (api_transform.c) ----------------------------------- */

/* A request's `t` arguments, in order: parsed (t) and as sent (text,
 * borrowed from the request).  Arrays malloc'd, freed by
 * pv_api_transforms_free. */
typedef struct pv_api_transform_list {
    pv_transform *t;
    const char **text;
    size_t n;
} pv_api_transform_list;

/* e's functions' packages (funcpkg.h), made on first use and kept with
 * the graph.  Borrowed: valid while e is held. */
const pv_funcpkg *pv_api_funcpkg(pv_ctx *ctx, pv_cached *e);

/* Reads them against e's graph: PV_E_USAGE naming a malformed one and
 * why.  No `t`: PV_OK with n == 0. */
int pv_api_transforms(const pv_request *req, pv_ctx *ctx, pv_cached *e,
                      pv_api_transform_list *out, pv_err *err);
void pv_api_transforms_free(pv_api_transform_list *l);

/* The view (path, depth, cutoff, limits as pv_tree_build_limited) of
 * e's whole tree (kept with the graph, built on first use) after the
 * transforms of `l`; PV_E_USAGE for one that cannot apply, PV_E_NOTFOUND
 * for a path the transformed tree does not have. */
int pv_api_transformed_tree(pv_ctx *ctx, pv_cached *e, const pv_api_transform_list *l,
                            const uint32_t *path, size_t path_len, unsigned depth,
                            double cutoff, const pv_tree_limits *lim, pv_tree *out,
                            pv_err *err);

/* ---- comparisons (api_diff.c) --------------------------------------- */

/* The BASE side of a comparison with profile req->ids[0] (NEW, whose
 * graph is `nw`): the query's "base" (a profile id) and "compare"
 * ("seconds", the default, or "share": each side's times as shares of
 * its own total).  Holds BASE's graph and the functions' matching until
 * pv_api_pair_close. */
typedef struct pv_api_pair {
    int64_t base_id;
    pv_cached *base;        /* BASE's cached graph, held */
    int share;              /* 1: compare shares of each total */
    pv_match match;         /* BASE's functions to NEW's */
    double total, base_total;  /* each side's whole time, in their (same) unit */
} pv_api_pair;

/* Opens the pair: PV_OK; PV_E_USAGE for a missing or malformed base or
 * compare, or a BASE that measures another unit than NEW; PV_E_NOTFOUND
 * for a BASE that does not exist; what pv_ctx_graph returns. */
int pv_api_pair_open(const pv_request *req, pv_ctx *ctx, const pv_graph *nw, pv_api_pair *out,
                     pv_err *err);
void pv_api_pair_close(pv_ctx *ctx, pv_api_pair *p);

/* What a time of NEW (base = 0) or BASE (base = 1) is multiplied by
 * before comparing: 1 in seconds, 1/total in shares. */
double pv_api_pair_scale(const pv_api_pair *p, int base);

/* Writes "base": {"id", "total"}, "new_total", "compare" and "match" (how
 * many functions each rule matched, how many each side alone has) as
 * members of the object being written. */
void pv_api_pair_json(pv_jbuf *b, const pv_api_pair *p);

/* ---- handlers, one per route ----------------------------------------- */

int pv_api_profiles_list(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_profiles_upload(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_profiles_get(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_profiles_delete(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_profiles_labels(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_profiles_raw(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_functions_list(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_functions_get(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_diff_get(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_tree_get(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_packages_get(const pv_request *req, pv_ctx *ctx, pv_response *res);
int pv_api_server_get(const pv_request *req, pv_ctx *ctx, pv_response *res);

/* The embedded web files (assets.c): GET or HEAD of a path that is not
 * under /api/. */
int pv_assets_serve(const pv_request *req, pv_ctx *ctx, pv_response *res);

#endif
