/* api_profiles.c — /api/profiles: list, upload, summary, raw bytes,
 * delete.
 *
 * Uploads and deletes go through the context's single writer connection;
 * everything else reads through the calling thread's own connection, or
 * from memory for a profile still being stored (ctx.h).  An
 * upload is parsed and stored by the loader in one step, all or nothing,
 * so a rejected file leaves no trace.  After a delete the profile's
 * cached graph is dropped: ids are never reused, so nothing else can go
 * stale.
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"
#include "loader.h"
#include "xalloc.h"

/* Display names of uploads: short, printable (they end up in page titles
 * and download names). */
#define MAX_NAME 255
#define DEFAULT_NAME "upload.prof"

/* The shareable page of profile `id`. */
static cJSON *page_url(int64_t id)
{
    char url[32];
    snprintf(url, sizeof url, "/p/%lld", (long long)id);
    return cJSON_CreateString(url);
}

/* The variants a file offers (newline-separated in the store) as an
 * array of strings. */
static cJSON *choices_json(const char *choices)
{
    cJSON *arr = cJSON_CreateArray();
    for (const char *p = choices; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *one = pv_xstrndup(p, n);
        cJSON_AddItemToArray(arr, pv_json_string(one));
        free(one);
        p += n + (nl != NULL);
    }
    return arr;
}

/* The fields a listing shows for each profile. */
static cJSON *info_json(const pv_profile_info *info)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", pv_json_int(info->id));
    cJSON_AddItemToObject(o, "name", pv_json_string(info->name));
    cJSON_AddItemToObject(o, "url", page_url(info->id));
    cJSON_AddItemToObject(o, "format", pv_json_string(info->format));
    cJSON_AddItemToObject(o, "writer", pv_json_string(info->writer));
    cJSON_AddItemToObject(o, "size", pv_json_int(info->size));
    cJSON_AddItemToObject(o, "loaded_at", pv_json_int(info->loaded_at));
    cJSON_AddItemToObject(o, "total_tt", pv_json_double(info->total_tt));
    cJSON_AddItemToObject(o, "total_calls", pv_json_int(info->total_calls));
    cJSON_AddItemToObject(o, "prim_calls", pv_json_int(info->prim_calls));
    cJSON_AddItemToObject(o, "n_funcs", pv_json_int(info->n_funcs));
    cJSON_AddItemToObject(o, "n_edges", pv_json_int(info->n_edges));
    cJSON_AddItemToObject(o, "unit", pv_json_string(info->unit));
    cJSON_AddItemToObject(o, "calls_unit", pv_json_string(info->calls_unit));
    cJSON_AddItemToObject(o, "variant", pv_json_string(info->variant));
    cJSON_AddItemToObject(o, "choices", choices_json(info->choices));
    return o;
}

/* A profile's labels as {"key": "value", ...}, keys in order. */
static cJSON *labels_json(const pv_labels *l)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < l->n; i++)
        cJSON_AddItemToObject(o, l->items[i].key, pv_json_string(l->items[i].value));
    return o;
}

/* Every `label=key:value` query argument, split at the first ':' into
 * `out` (pointers into `buf`, which the caller frees).  At most `max`;
 * each within the limits of store.h.  PV_OK or PV_E_USAGE. */
static int query_labels(const pv_request *req, size_t max, pv_label_arg *out, size_t *n,
                        char **buf, pv_err *err)
{
    *n = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, "label") == 0)
            bytes += strlen(req->query[i].value) + 1;
    char *b = *buf = pv_xmalloc(bytes ? bytes : 1);
    for (size_t i = 0; i < req->n_query; i++) {
        if (strcmp(req->query[i].key, "label") != 0)
            continue;
        if (*n == max)
            return pv_err_set(err, PV_E_USAGE, "at most %zu label parameters", max);
        const char *v = req->query[i].value;
        const char *colon = strchr(v, ':');
        if (!colon)
            return pv_err_set(err, PV_E_USAGE, "label '%.80s' is not key:value", v);
        size_t len = strlen(v);
        memcpy(b, v, len + 1);
        b[colon - v] = '\0';
        out[*n] = (pv_label_arg){b, b + (colon - v) + 1};
        int rc = pv_label_check(out[*n].key, out[*n].value, err);
        if (rc != PV_OK)
            return rc;
        (*n)++;
        b += len + 1;
    }
    return PV_OK;
}

int pv_api_profiles_list(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    pv_label_arg filters[PV_LIST_LABELS_MAX];
    pv_list_query q = {.q = pv_request_query(req, "q"), .labels = filters};
    char *buf = NULL;
    int rc = query_labels(req, PV_LIST_LABELS_MAX, filters, &q.n_labels, &buf, &err);
    if (rc == PV_OK && q.q && strlen(q.q) > PV_LIST_Q_MAX)
        rc = pv_err_set(&err, PV_E_USAGE, "q is at most %d bytes", PV_LIST_Q_MAX);
    if (rc == PV_OK)
        rc = pv_query_int(req, "offset", 0, 0, INT64_MAX, &q.offset, &err);
    if (rc == PV_OK)
        rc = pv_query_int(req, "limit", 100, 1, 1000, &q.limit, &err);
    pv_profile_page page;
    if (rc == PV_OK)
        rc = pv_ctx_query(ctx, &q, &page, &err);
    free(buf);
    if (rc != PV_OK)
        return pv_respond_err(res, &err);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "total", pv_json_int(page.total));
    cJSON_AddItemToObject(doc, "offset", pv_json_int(q.offset));
    cJSON_AddItemToObject(doc, "limit", pv_json_int(q.limit));
    cJSON *arr = cJSON_AddArrayToObject(doc, "profiles");
    for (size_t i = 0; i < page.n; i++) {
        cJSON *o = info_json(&page.infos[i]);
        cJSON_AddItemToObject(o, "labels", labels_json(&page.labels[i]));
        cJSON_AddItemToArray(arr, o);
    }
    pv_profile_page_release(&page);
    return pv_respond_json(res, 200, doc);
}

/* The upload's display name: ?name=, else X-Profile-Name, else a default.
 * NULL (and a message in err) when it is too long or holds control
 * characters. */
static const char *upload_name(const pv_request *req, pv_err *err)
{
    const char *name = pv_request_query(req, "name");
    if (!name)
        name = pv_request_header(req, "X-Profile-Name");
    if (!name || !*name)
        return DEFAULT_NAME;
    size_t n = strlen(name);
    if (n > MAX_NAME) {
        pv_err_set(err, PV_E_USAGE, "name is %zu bytes long; the limit is %d", n, MAX_NAME);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f) {
            pv_err_set(err, PV_E_USAGE, "name holds a control character (byte %zu)", i);
            return NULL;
        }
    }
    return name;
}

int pv_api_profiles_upload(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    const char *name = upload_name(req, &err);
    if (!name)
        return pv_respond_err(res, &err);
    /* Labels are checked before anything is stored. */
    pv_label_arg labels[PV_LABELS_MAX];
    size_t n_labels;
    char *buf;
    if (query_labels(req, PV_LABELS_MAX, labels, &n_labels, &buf, &err) != PV_OK) {
        free(buf);
        return pv_respond_err(res, &err);
    }
    if (req->body_len == 0) {
        free(buf);
        return pv_respond_error(res, 400, "empty body: send the profile file's bytes as the "
                                          "request body (curl --data-binary @FILE)");
    }
    pv_load_result lr;
    pv_profile_info info = {0};
    pv_labels now = {0};
    pv_store *w = pv_ctx_writer_lock(ctx);
    pv_load_opts opts = {.format = pv_request_query(req, "format"),
                         .event = pv_request_query(req, "event"),
                         .profile = pv_request_query(req, "profile")};
    int rc = pv_load_bytes(w, name, "upload", req->body, req->body_len, &opts, &lr, &err);
    /* A file stored before keeps the warnings of its first load, and
     * takes the labels given now as an edit of its own. */
    if (rc == PV_OK && lr.existed)
        rc = pv_store_info(w, lr.id, &info, &err);
    if (rc == PV_OK && n_labels > 0)
        rc = pv_store_label_edit(w, lr.id, labels, n_labels, &err);
    if (rc == PV_OK)
        rc = pv_store_labels(w, lr.id, &now, &err);
    pv_ctx_writer_unlock(ctx);
    free(buf);
    if (rc == PV_OK && !lr.existed)
        pv_ctx_uploaded(ctx);
    if (rc != PV_OK) {
        free(lr.warnings);  /* NULL unless the load itself succeeded */
        pv_profile_info_release(&info);
        return pv_respond_err(res, &err);
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "id", pv_json_int(lr.id));
    cJSON_AddItemToObject(doc, "url", page_url(lr.id));
    cJSON_AddBoolToObject(doc, "existed", lr.existed);
    cJSON_AddItemToObject(doc, "n_funcs", pv_json_int((int64_t)lr.n_funcs));
    cJSON_AddItemToObject(doc, "warnings", pv_api_warnings(lr.existed ? info.warnings : lr.warnings));
    cJSON_AddItemToObject(doc, "labels", labels_json(&now));
    pv_labels_release(&now);
    free(lr.warnings);
    pv_profile_info_release(&info);
    return pv_respond_json(res, lr.existed ? 200 : 201, doc);
}

int pv_api_profiles_labels(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)req->body, req->body_len);
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return pv_respond_error(res, 400, "the body is a JSON object: {\"key\": \"value\"} sets"
                                          " a label, {\"key\": null} removes it");
    }
    size_t n = (size_t)cJSON_GetArraySize(doc);
    if (n > 2 * PV_LABELS_MAX) {
        cJSON_Delete(doc);
        return pv_respond_error(res, 400, "at most %d edits at once", 2 * PV_LABELS_MAX);
    }
    pv_label_arg *edits = pv_xcalloc(n ? n : 1, sizeof *edits);
    size_t i = 0;
    for (cJSON *m = doc->child; m; m = m->next, i++) {
        if (!cJSON_IsString(m) && !cJSON_IsNull(m)) {
            /* The key is the document's: answer before freeing it. */
            pv_respond_error(res, 400, "label %.64s: a value is a string, or null to remove it",
                             m->string);
            free(edits);
            cJSON_Delete(doc);
            return res->status;
        }
        edits[i] = (pv_label_arg){m->string, cJSON_IsString(m) ? m->valuestring : NULL};
    }
    pv_err err;
    pv_labels now = {0};
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_label_edit(w, req->ids[0], edits, n, &err);
    if (rc == PV_OK)
        rc = pv_store_labels(w, req->ids[0], &now, &err);
    pv_ctx_writer_unlock(ctx);
    free(edits);
    cJSON_Delete(doc);
    if (rc != PV_OK)
        return pv_respond_err(res, &err);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "labels", labels_json(&now));
    pv_labels_release(&now);
    return pv_respond_json(res, 200, out);
}

int pv_api_profiles_delete(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_delete(w, req->ids[0], &err);
    pv_ctx_writer_unlock(ctx);
    if (rc != PV_OK)
        return pv_respond_err(res, &err);
    pv_ctx_forget(ctx, req->ids[0]);
    return res->status = 204;
}

/* pv_memo_fn: the top-level boxes of the profile's tree, printed as a JSON
 * array.  Kept with the graph: for a 200,000-function profile they are
 * tens of thousands of boxes, 2 MB of JSON and 50 ms to print, asked
 * again by every page load. */
static void *make_roots(const pv_cached *e, unsigned slot, size_t *bytes)
{
    const pv_graph *g = pv_cached_graph(e);
    pv_tree t;
    /* The whole tree one level deep: no path to miss, depth and cutoff in
     * range, so it cannot fail. */
    int rc = pv_tree_build(g, NULL, 0, 1, 0.0, &t, NULL);
    assert(rc == PV_OK);
    (void)rc;
    cJSON *roots = cJSON_CreateArray();
    const pv_tree_node *top = &t.nodes[0];
    for (uint32_t i = 0; i < top->n_children; i++)
        cJSON_AddItemToArray(roots, pv_api_tree_node(g, &t, &t.nodes[top->first_child + i], 0));
    pv_tree_release(&t);
    char *printed = cJSON_PrintUnformatted(roots);
    cJSON_Delete(roots);
    /* The memo is freed with free(), cJSON's text with cJSON_free. */
    char *text = pv_xstrdup(printed);
    cJSON_free(printed);
    *bytes = strlen(text) + 1;
    return text;
}

/* The top-level boxes of the profile's tree: what a viewer shows first. */
static int add_roots(cJSON *doc, pv_ctx *ctx, int64_t id, pv_err *err)
{
    pv_cached *e;
    int rc = pv_ctx_graph(ctx, id, &e, err);
    if (rc != PV_OK)
        return rc;
    const pv_graph *g = pv_cached_graph(e);
    const char *roots = pv_cached_memo(pv_ctx_cache(ctx), e, PV_MEMO_ROOTS, make_roots);
    cJSON_AddItemToObject(doc, "roots", cJSON_CreateRaw(roots));
    /* Where the tree's figures come from: a recorded tree's nodes (every
     * box exact), or inferred from the pstats call graph. */
    cJSON_AddItemToObject(doc, "tree", pv_json_string(g->recorded ? "recorded" : "inferred"));
    cJSON_AddItemToObject(doc, "n_caller_only",
                          pv_json_int((int64_t)(g->n_funcs - pv_cached_n_entries(e))));
    pv_ctx_graph_release(ctx, e);
    return PV_OK;
}

/* The profile's labels; none while it is still being stored (a pending
 * profile is not in the store yet). */
static int add_labels(cJSON *doc, pv_ctx *ctx, int64_t id, pv_err *err)
{
    pv_store *s = pv_ctx_reader(ctx, err);
    if (!s)
        return PV_E_DB;
    pv_labels l;
    int rc = pv_store_labels(s, id, &l, err);
    if (rc == PV_E_NOTFOUND)
        rc = PV_OK;
    if (rc == PV_OK)
        cJSON_AddItemToObject(doc, "labels", labels_json(&l));
    pv_labels_release(&l);
    return rc;
}

int pv_api_profiles_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    pv_profile_info info;
    if (pv_ctx_info(ctx, req->ids[0], &info, &err) != PV_OK)
        return pv_respond_err(res, &err);
    cJSON *doc = info_json(&info);
    /* A profile still being stored has no store_ms yet (ctx.h). */
    int stored = !isnan(info.store_ms);
    cJSON_AddItemToObject(doc, "dialect", pv_json_string(info.dialect));
    cJSON_AddItemToObject(doc, "marshal_version", pv_json_int(info.marshal_version));
    cJSON_AddItemToObject(doc, "sha256", pv_json_string(info.sha256));
    cJSON_AddItemToObject(doc, "parse_ms", pv_json_double(info.parse_ms));
    cJSON_AddItemToObject(doc, "store_ms",
                          stored ? pv_json_double(info.store_ms) : cJSON_CreateNull());
    cJSON_AddBoolToObject(doc, "stored", stored);
    cJSON_AddItemToObject(doc, "warnings", pv_api_warnings(info.warnings));
    pv_profile_info_release(&info);
    if (add_labels(doc, ctx, req->ids[0], &err) != PV_OK ||
        add_roots(doc, ctx, req->ids[0], &err) != PV_OK) {
        cJSON_Delete(doc);
        return pv_respond_err(res, &err);
    }
    return pv_respond_json(res, 200, doc);
}

/* A download name that is safe in a header and on any file system:
 * letters, digits and ".-_+" kept, anything else '_', no leading dot. */
static void safe_filename(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < cap; p++) {
        unsigned char c = (unsigned char)*p;
        if (n == 0 && c == '.')
            continue;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_' || c == '+';
        out[n++] = keep ? (char)c : '_';
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, cap, "profile.prof");
}

int pv_api_profiles_raw(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    pv_profile_info info;
    unsigned char *bytes;
    size_t len;
    if (pv_ctx_info(ctx, req->ids[0], &info, &err) != PV_OK)
        return pv_respond_err(res, &err);
    char filename[101];
    safe_filename(info.name, filename, sizeof filename);
    pv_profile_info_release(&info);
    if (pv_ctx_raw(ctx, req->ids[0], &bytes, &len, &err) != PV_OK)
        return pv_respond_err(res, &err);
    snprintf(res->disposition, sizeof res->disposition, "attachment; filename=\"%s\"", filename);
    res->status = 200;
    res->content_type = "application/octet-stream";
    res->body = bytes;
    res->len = len;
    res->body_free = free;
    return res->status;
}
