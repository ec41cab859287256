/* api_functions.c — /api/profiles/{id}/functions: the statistics table
 * (sorted, filtered and paged on the server) and one function with its
 * callers and callees (the butterfly view).
 *
 * Both read the cached graph, never SQLite.  The table's row order for
 * each sort key and direction is computed once per graph and kept with it
 * (a cache memo), so a page of a 100,000-function profile costs a slice
 * of a sorted index, and a filtered page one pass over it.  Ties keep file
 * order in both directions, and a NaN (or a per-call figure of a function
 * never called) sorts last in both, so paging is stable.  The table lists
 * the functions with an entry of their own, as pstats does; functions
 * named only as callers appear in the butterfly view.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "hotpath.h"
#include "json.h"
#include "xalloc.h"

typedef enum { K_CALLS, K_CPERCALL, K_CUMTIME, K_FILE, K_LINE, K_NAME, K_PCALLS, K_TOTTIME,
               K_TPERCALL, N_KEYS } sort_key;

static const struct {
    const char *name;
    int desc;  /* the default direction: largest first for figures */
} sort_keys[N_KEYS] = {
    [K_CALLS] = {"calls", 1},       [K_CPERCALL] = {"cpercall", 1},
    [K_CUMTIME] = {"cumtime", 1},   [K_FILE] = {"file", 0},
    [K_LINE] = {"line", 0},         [K_NAME] = {"name", 0},
    [K_PCALLS] = {"pcalls", 1},     [K_TOTTIME] = {"tottime", 1},
    [K_TPERCALL] = {"tpercall", 1},
};
#define SORT_KEY_LIST "name, file, line, calls, pcalls, tottime, cumtime, tpercall, cpercall"
#define DEFAULT_KEY K_CUMTIME

/* Rows per page: enough for any screen, small enough to answer fast. */
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000
/* A search string longer than any file name is a mistake or an attack. */
#define MAX_QUERY 1024

/* ---- the sorted indexes ---------------------------------------------- */

typedef struct sort_spec {
    const pv_gfunc *funcs;
    sort_key key;
    int desc;
} sort_spec;

/* Per-call time: NaN when there were no calls to divide by. */
static double per_call(double t, int64_t calls)
{
    return calls > 0 ? t / (double)calls : NAN;
}

static double figure(const pv_gfunc *f, sort_key key)
{
    switch (key) {
    case K_TOTTIME: return f->tt;
    case K_CUMTIME: return f->ct;
    case K_TPERCALL: return per_call(f->tt, f->nc);
    case K_CPERCALL: return per_call(f->ct, f->cc);
    default: return 0;
    }
}

static int cmp_int(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* Compares rows a and b in the spec's order: NaN last, then ties by id. */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
    const sort_spec *sp = arg;
    uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
    const pv_gfunc *a = &sp->funcs[ia], *b = &sp->funcs[ib];
    int c;
    switch (sp->key) {
    case K_NAME: c = strcmp(a->name, b->name); break;
    case K_FILE: c = strcmp(a->file, b->file); break;
    case K_LINE: c = cmp_int(a->line, b->line); break;
    case K_CALLS: c = cmp_int(a->nc, b->nc); break;
    case K_PCALLS: c = cmp_int(a->cc, b->cc); break;
    default: {
        double x = figure(a, sp->key), y = figure(b, sp->key);
        if (isnan(x) || isnan(y)) {
            if (isnan(x) != isnan(y))
                return isnan(x) ? 1 : -1;
            c = 0;
        } else {
            c = (x > y) - (x < y);
        }
    }
    }
    if (sp->desc)
        c = -c;
    return c ? c : cmp_int(ia, ib);
}

_Static_assert(PV_MEMO_ORDERS + 2 * N_KEYS <= PV_MEMO_ROOTS, "sort orders overlap the next memo");

/* Memo slot of a key and direction. */
static unsigned order_slot(sort_key key, int desc)
{
    return PV_MEMO_ORDERS + (unsigned)key * 2 + (unsigned)desc;
}

/* pv_memo_fn: the ids of the table's rows in the slot's order. */
static void *make_order(const pv_cached *e, unsigned slot, size_t *bytes)
{
    size_t n = pv_cached_n_entries(e);
    uint32_t *order = pv_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    slot -= PV_MEMO_ORDERS;
    sort_spec sp = {pv_cached_graph(e)->funcs, (sort_key)(slot / 2), (int)(slot % 2)};
    qsort_r(order, n, sizeof *order, cmp_rows, &sp);
    *bytes = n * sizeof *order;
    return order;
}

/* ---- the table ------------------------------------------------------- */

typedef struct table_query {
    sort_key key;
    int desc;
    const char *q;       /* NULL: no filter */
    int64_t offset, limit;
} table_query;

static int parse_table_query(const pv_request *req, table_query *tq, pv_err *err)
{
    const char *sort = pv_request_query(req, "sort");
    tq->key = DEFAULT_KEY;
    if (sort) {
        int k = 0;
        while (k < N_KEYS && strcmp(sort_keys[k].name, sort) != 0)
            k++;
        if (k == N_KEYS)
            return pv_err_set(err, PV_E_USAGE, "sort must be one of " SORT_KEY_LIST ", not '%.40s'",
                              sort);
        tq->key = (sort_key)k;
    }
    const char *order = pv_request_query(req, "order");
    tq->desc = sort_keys[tq->key].desc;
    if (order && strcmp(order, "asc") == 0)
        tq->desc = 0;
    else if (order && strcmp(order, "desc") == 0)
        tq->desc = 1;
    else if (order)
        return pv_err_set(err, PV_E_USAGE, "order must be asc or desc, not '%.40s'", order);
    tq->q = pv_request_query(req, "q");
    if (tq->q && strlen(tq->q) > MAX_QUERY)
        return pv_err_set(err, PV_E_USAGE, "q is longer than %d bytes", MAX_QUERY);
    if (tq->q && !*tq->q)
        tq->q = NULL;
    int rc = pv_query_int(req, "offset", 0, 0, INT64_MAX, &tq->offset, err);
    if (rc == PV_OK)
        rc = pv_query_int(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, &tq->limit, err);
    return rc;
}

/* Whether function f's file or name contains q, ignoring ASCII case.
 * q is matched as it is: no wildcards, no escapes. */
static bool matches(const pv_gfunc *f, const char *q)
{
    return strcasestr(f->name, q) || strcasestr(f->file, q);
}

static cJSON *row_json(const pv_graph *g, uint32_t id)
{
    const pv_gfunc *f = &g->funcs[id];
    cJSON *row = cJSON_CreateObject();
    pv_api_add_func(row, g, id);
    cJSON_AddItemToObject(row, "cc", pv_json_int(f->cc));
    cJSON_AddItemToObject(row, "nc", pv_json_int(f->nc));
    cJSON_AddItemToObject(row, "tt", pv_json_double(f->tt));
    cJSON_AddItemToObject(row, "ct", pv_json_double(f->ct));
    return row;
}

int pv_api_functions_list(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    table_query tq;
    pv_cached *e;
    if (parse_table_query(req, &tq, &err) != PV_OK ||
        pv_ctx_graph(ctx, req->ids[0], &e, &err) != PV_OK)
        return pv_respond_err(res, &err);
    const pv_graph *g = pv_cached_graph(e);
    size_t n = pv_cached_n_entries(e);
    const uint32_t *order = pv_cached_memo(pv_ctx_cache(ctx), e,
                                            order_slot(tq.key, tq.desc), make_order);

    cJSON *doc = cJSON_CreateObject();
    cJSON *rows = cJSON_CreateArray();
    uint64_t total = 0, offset = (uint64_t)tq.offset, end = offset + (uint64_t)tq.limit;
    if (!tq.q) {
        total = n;
        for (uint64_t i = offset; i < end && i < n; i++)
            cJSON_AddItemToArray(rows, row_json(g, order[i]));
    } else {
        for (size_t i = 0; i < n; i++) {
            if (!matches(&g->funcs[order[i]], tq.q))
                continue;
            if (total >= offset && total < end)
                cJSON_AddItemToArray(rows, row_json(g, order[i]));
            total++;
        }
    }
    cJSON_AddItemToObject(doc, "total", pv_json_int((int64_t)total));
    cJSON_AddItemToObject(doc, "offset", pv_json_int(tq.offset));
    cJSON_AddItemToObject(doc, "limit", pv_json_int(tq.limit));
    cJSON_AddStringToObject(doc, "sort", sort_keys[tq.key].name);
    cJSON_AddStringToObject(doc, "order", tq.desc ? "desc" : "asc");
    cJSON_AddItemToObject(doc, "rows", rows);
    pv_ctx_graph_release(ctx, e);
    return pv_respond_json(res, 200, doc);
}

/* ---- one function ---------------------------------------------------- */

/* The edges of one side of a function: each with the function at its
 * other end and the edge's figures (those of the callee during the calls
 * along it). */
static cJSON *edges_json(const pv_graph *g, const pv_gedge *edges, uint32_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (uint32_t i = 0; i < n; i++) {
        const pv_gedge *ed = &edges[i];
        cJSON *o = cJSON_CreateObject();
        pv_api_add_func(o, g, ed->other);
        cJSON_AddItemToObject(o, "nc", pv_json_int(ed->nc));
        cJSON_AddItemToObject(o, "cc", pv_json_int(ed->cc));
        cJSON_AddItemToObject(o, "tt", pv_json_double(ed->tt));
        cJSON_AddItemToObject(o, "ct", pv_json_double(ed->ct));
        cJSON_AddBoolToObject(o, "is_count", ed->is_count);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static int by_ct_desc(const void *a, const void *b)
{
    const pv_gedge *x = a, *y = b;
    if (x->ct != y->ct)
        return x->ct < y->ct ? 1 : -1;
    return (x->other > y->other) - (x->other < y->other);
}

/* A function's callees, largest ct first (the graph keeps file order). */
static cJSON *callees_json(const pv_graph *g, const pv_gfunc *f)
{
    pv_gedge *sorted = pv_xmalloc((f->n_callees ? f->n_callees : 1) * sizeof *sorted);
    memcpy(sorted, g->callees + f->callees_at, f->n_callees * sizeof *sorted);
    qsort(sorted, f->n_callees, sizeof *sorted, by_ct_desc);
    cJSON *arr = edges_json(g, sorted, f->n_callees);
    free(sorted);
    return arr;
}

int pv_api_functions_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    pv_cached *e;
    if (pv_ctx_graph(ctx, req->ids[0], &e, &err) != PV_OK)
        return pv_respond_err(res, &err);
    const pv_graph *g = pv_cached_graph(e);
    int64_t fid = req->ids[1];
    if (fid >= (int64_t)g->n_funcs) {
        pv_ctx_graph_release(ctx, e);
        return pv_respond_error(res, 404, "profile %lld has no function %lld",
                                (long long)req->ids[0], (long long)fid);
    }
    const pv_gfunc *f = &g->funcs[fid];
    cJSON *doc = row_json(g, (uint32_t)fid);
    cJSON_AddBoolToObject(doc, "caller_only", (size_t)fid >= pv_cached_n_entries(e));
    cJSON_AddItemToObject(doc, "callers", edges_json(g, g->callers + f->callers_at, f->n_callers));
    cJSON_AddItemToObject(doc, "callees", callees_json(g, f));
    size_t len;
    uint32_t *path = pv_hot_path(g, (uint32_t)fid, &len);
    if (path) {
        cJSON *arr = cJSON_AddArrayToObject(doc, "path");
        for (size_t i = 0; i < len; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(path[i]));
        free(path);
    } else {
        cJSON_AddNullToObject(doc, "path");
    }
    pv_ctx_graph_release(ctx, e);
    return pv_respond_json(res, 200, doc);
}
