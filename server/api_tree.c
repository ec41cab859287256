/* api_tree.c — /api/profiles/{id}/tree: one view of the call tree, as
 * nested JSON.
 *
 * The tree itself is tree.c's (pv_tree_build, from the cached graph);
 * this file reads the view's parameters and prints what the view holds:
 * the path from the top to the view root, then the view root and its
 * subtree, and whether the box limit left levels out ("capped").  A box is {"id", "name", "file", "line", "time", "self",
 * "calls", "exact", "lo", "hi", "n_merged", "children"}; the synthetic
 * root above the top level and the "(N smaller)" boxes have "id": null.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"
#include "xalloc.h"

#define DEFAULT_DEPTH 10
#define DEFAULT_CUTOFF 0.001

/* The name shown for the synthetic root: all the profile's time. */
#define ROOT_NAME "(all)"

cJSON *pv_api_tree_node(const pv_graph *g, const pv_tree *t, const pv_tree_node *n, int children)
{
    cJSON *o = cJSON_CreateObject();
    if (n->func >= 0) {
        pv_api_add_func(o, g, (uint32_t)n->func);
    } else {
        char name[32];
        if (n->func == PV_TREE_SMALLER)
            snprintf(name, sizeof name, "(%u smaller)", (unsigned)n->n_merged);
        else
            snprintf(name, sizeof name, "%s", ROOT_NAME);
        cJSON_AddNullToObject(o, "id");
        cJSON_AddStringToObject(o, "file", "");
        cJSON_AddItemToObject(o, "line", pv_json_int(0));
        cJSON_AddStringToObject(o, "name", name);
    }
    cJSON_AddItemToObject(o, "time", pv_json_double(n->time));
    cJSON_AddItemToObject(o, "self", pv_json_double(n->self));
    cJSON_AddItemToObject(o, "calls", pv_json_double(n->calls));
    cJSON_AddBoolToObject(o, "exact", n->exact);
    cJSON_AddBoolToObject(o, "calls_exact", n->calls_exact);
    cJSON_AddBoolToObject(o, "more", n->more);
    cJSON_AddItemToObject(o, "lo", pv_json_double(n->lo));
    cJSON_AddItemToObject(o, "hi", pv_json_double(n->hi));
    cJSON_AddItemToObject(o, "n_merged", pv_json_int(n->n_merged));
    if (children) {
        cJSON *arr = cJSON_AddArrayToObject(o, "children");
        for (uint32_t i = 0; i < n->n_children; i++)
            cJSON_AddItemToArray(arr, pv_api_tree_node(g, t, &t->nodes[n->first_child + i], 1));
    }
    return o;
}

/* Parses "path": function ids separated by commas, "" for none.  On
 * PV_OK *out is malloc'd (the caller frees it). */
static int parse_path(const char *text, uint32_t **out, size_t *len, pv_err *err)
{
    *out = NULL;
    *len = 0;
    if (!text || !*text)
        return PV_OK;
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    if (n > PV_TREE_MAX_PATH)
        return pv_err_set(err, PV_E_USAGE, "path has %zu steps; the limit is %d", n,
                          PV_TREE_MAX_PATH);
    uint32_t *path = pv_xmalloc(n * sizeof *path);
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        size_t k = strcspn(p, ",");
        int64_t v;
        int overflow, ok = pv_parse_uint(p, k, &v, &overflow);
        if (k == 0 || (!ok && !overflow)) {
            free(path);
            return pv_err_set(err, PV_E_USAGE, "path step %zu, '%.*s', is not a function id",
                              i + 1, k > 40 ? 40 : (int)k, p);
        }
        if (!ok || v > UINT32_MAX) {
            free(path);
            return pv_err_set(err, PV_E_NOTFOUND, "path step %zu: no function %.*s", i + 1,
                              k > 40 ? 40 : (int)k, p);
        }
        path[i] = (uint32_t)v;
        p += k + 1;
    }
    *out = path;
    *len = n;
    return PV_OK;
}

/* The key a view's printed JSON is kept under with the graph. */
static char *view_key(const uint32_t *path, size_t path_len, int64_t depth, double cutoff)
{
    size_t cap = path_len * 11 + 64, n;
    char *key = pv_xmalloc(cap);
    n = (size_t)snprintf(key, cap, "tree %lld %.17g", (long long)depth, cutoff);
    for (size_t i = 0; i < path_len; i++)
        n += (size_t)snprintf(key + n, cap - n, "%s%u", i ? "," : " ", (unsigned)path[i]);
    return key;
}

/* The view's JSON, printed now or kept from before: a view never changes,
 * and printing (shortest round-trip doubles above all) costs more than
 * building the tree. */
static int tree_json(pv_ctx *ctx, pv_cached *e, const uint32_t *path, size_t path_len,
                     int64_t depth, double cutoff, pv_response *res, pv_err *err)
{
    char *key = view_key(path, path_len, depth, cutoff);
    size_t len;
    char *text = pv_cached_text(pv_ctx_cache(ctx), e, key, &len);
    if (text) {
        free(key);
        pv_respond_json_text(res, 200, text, len, free);
        return PV_OK;
    }
    const pv_graph *g = pv_cached_graph(e);
    pv_tree t;
    int rc = pv_tree_build(g, path, path_len, (unsigned)depth, cutoff, &t, err);
    if (rc == PV_OK) {
        cJSON *doc = cJSON_CreateObject();
        cJSON *steps = cJSON_AddArrayToObject(doc, "path");
        for (size_t i = 0; i < t.path_len; i++)
            cJSON_AddItemToArray(steps, pv_api_tree_node(g, &t, &t.path[i], 0));
        cJSON_AddItemToObject(doc, "root", pv_api_tree_node(g, &t, &t.nodes[0], 1));
        if (t.capped) {
            cJSON *cap = cJSON_AddObjectToObject(doc, "capped");
            cJSON_AddItemToObject(cap, "max_boxes", pv_json_int(PV_TREE_MAX_NODES));
            cJSON_AddItemToObject(cap, "depth", pv_json_int(t.shown_depth));
        } else {
            cJSON_AddFalseToObject(doc, "capped");
        }
        pv_tree_release(&t);
        pv_respond_json(res, 200, doc);
        pv_cached_keep_text(pv_ctx_cache(ctx), e, key, res->body, res->len);
    }
    free(key);
    return rc;
}

int pv_api_tree_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    int64_t depth;
    double cutoff;
    uint32_t *path;
    size_t path_len;
    int rc = pv_query_int(req, "depth", DEFAULT_DEPTH, 1, PV_TREE_MAX_DEPTH, &depth, &err);
    if (rc == PV_OK)
        rc = pv_query_double(req, "cutoff", DEFAULT_CUTOFF, 0, 1, &cutoff, &err);
    if (rc == PV_OK)
        rc = parse_path(pv_request_query(req, "path"), &path, &path_len, &err);
    if (rc != PV_OK)
        return pv_respond_err(res, &err);
    pv_cached *e;
    rc = pv_ctx_graph(ctx, req->ids[0], &e, &err);
    if (rc == PV_OK) {
        rc = tree_json(ctx, e, path, path_len, depth, cutoff, res, &err);
        pv_ctx_graph_release(ctx, e);
    }
    free(path);
    return rc == PV_OK ? res->status : pv_respond_err(res, &err);
}
