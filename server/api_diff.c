/* api_diff.c — comparing two profiles: the pair a comparison reads (the
 * `base` and `compare` parameters, shared with /tree's comparison) and
 * /api/profiles/{id}/diff, the table of every function of either side
 * with both sides' figures and the change.
 *
 * Both sides come from the cached graphs; the functions are matched
 * (callgraph/match.h) per request, O(n log n), as is the table's order
 * (it depends on the pair, so it is not a memo of one graph).  Times are
 * compared in seconds (well, the profiles' unit, which must be the same
 * for both) or, with compare=share, as shares of each profile's total,
 * for runs of different length.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"
#include "xalloc.h"

/* Rows per page, as /functions. */
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000
#define MAX_QUERY 1024

/* A profile's whole time: what its tree's "(all)" box holds. */
static double graph_total(const pv_graph *g)
{
    return g->recorded ? g->rec_time : g->total_tt;
}

int pv_api_pair_open(const pv_request *req, pv_ctx *ctx, const pv_graph *nw, pv_api_pair *out,
                     pv_err *err)
{
    memset(out, 0, sizeof *out);
    const char *compare = pv_request_query(req, "compare");
    if (compare && strcmp(compare, "share") != 0 && strcmp(compare, "seconds") != 0)
        return pv_err_set(err, PV_E_USAGE, "compare must be seconds or share, not '%.40s'",
                          compare);
    out->share = compare && strcmp(compare, "share") == 0;
    const char *base = pv_request_query(req, "base");
    if (!base || !*base)
        return pv_err_set(err, PV_E_USAGE, "base must name the profile to compare with");
    int rc = pv_parse_uint(base, strlen(base), &out->base_id);
    if (rc == PV_E_USAGE)
        return pv_err_set(err, PV_E_USAGE, "base must be a profile id, not '%.40s'", base);
    pv_profile_info bi = {0}, ni = {0};
    if (rc == PV_E_TOO_BIG || (rc = pv_ctx_info(ctx, out->base_id, &bi, err)) == PV_E_NOTFOUND)
        return pv_err_set(err, PV_E_NOTFOUND, "there is no profile %.40s to compare with", base);
    if (rc != PV_OK)
        return rc;
    rc = pv_ctx_info(ctx, req->ids[0], &ni, err);
    if (rc == PV_OK && strcmp(bi.unit, ni.unit) != 0)
        rc = pv_err_set(err, PV_E_USAGE,
                        "profile %lld measures %s and profile %lld %s: they cannot be compared",
                        (long long)out->base_id, bi.unit, (long long)req->ids[0], ni.unit);
    pv_profile_info_release(&bi);
    pv_profile_info_release(&ni);
    if (rc == PV_OK)
        rc = pv_ctx_graph(ctx, out->base_id, &out->base, err);
    if (rc != PV_OK)
        return rc;
    const pv_graph *bg = pv_cached_graph(out->base);
    pv_match_build(bg, nw, &out->match);
    out->total = graph_total(nw);
    out->base_total = graph_total(bg);
    return PV_OK;
}

void pv_api_pair_close(pv_ctx *ctx, pv_api_pair *p)
{
    if (p->base)
        pv_ctx_graph_release(ctx, p->base);
    pv_match_release(&p->match);
    memset(p, 0, sizeof *p);
}

double pv_api_pair_scale(const pv_api_pair *p, int base)
{
    double total = base ? p->base_total : p->total;
    return !p->share ? 1.0 : total > 0 ? 1.0 / total : 0.0;
}

void pv_api_pair_json(pv_jbuf *b, const pv_api_pair *p)
{
    size_t n_rule[4] = {0}, lone_new = 0;
    for (size_t i = 0; i < p->match.n_base; i++)
        n_rule[p->match.rule[i]]++;
    for (size_t i = 0; i < p->match.n_new; i++)
        lone_new += p->match.to_base[i] == PV_MATCH_NONE;
    pv_jbuf_lit(b, "\"base\":{\"id\":");
    pv_jbuf_int(b, p->base_id);
    pv_jbuf_lit(b, ",\"total\":");
    pv_jbuf_double(b, p->base_total);
    pv_jbuf_lit(b, "},\"new_total\":");
    pv_jbuf_double(b, p->total);
    pv_jbuf_lit(b, ",\"compare\":");
    pv_jbuf_string(b, p->share ? "share" : "seconds");
    pv_jbuf_lit(b, ",\"match\":{\"exact\":");
    pv_jbuf_int(b, (int64_t)n_rule[PV_RULE_EXACT]);
    pv_jbuf_lit(b, ",\"moved\":");
    pv_jbuf_int(b, (int64_t)n_rule[PV_RULE_MOVED]);
    pv_jbuf_lit(b, ",\"builtin\":");
    pv_jbuf_int(b, (int64_t)n_rule[PV_RULE_BUILTIN]);
    pv_jbuf_lit(b, ",\"only_base\":");
    pv_jbuf_int(b, (int64_t)n_rule[PV_RULE_NONE]);
    pv_jbuf_lit(b, ",\"only_new\":");
    pv_jbuf_int(b, (int64_t)lone_new);
    pv_jbuf_lit(b, "}");
}

/* ---- the table ------------------------------------------------------- */

typedef enum { D_TOTTIME, D_CUMTIME, D_CALLS, N_DKEYS } diff_key;
static const char *const dkey_names[N_DKEYS] = {"tottime", "cumtime", "calls"};

/* One row: a function of either side, or a matched pair. */
typedef struct drow {
    uint32_t nid, bid;       /* PV_MATCH_NONE for the side that lacks it */
    double d[N_DKEYS];       /* the change, sorted by: |Δtt|, |Δct|, Δnc */
} drow;

typedef struct dsort {
    diff_key key;
    int desc;
} dsort;

static double sort_value(const drow *r, diff_key k)
{
    return k == D_CALLS ? r->d[k] : fabs(r->d[k]);
}

static int cmp_drows(const void *pa, const void *pb, void *arg)
{
    const dsort *s = arg;
    const drow *a = pa, *b = pb;
    double x = sort_value(a, s->key), y = sort_value(b, s->key);
    int c;
    if (isnan(x) || isnan(y))
        return isnan(x) == isnan(y) ? 0 : isnan(x) ? 1 : -1;
    c = (x > y) - (x < y);
    if (s->desc)
        c = -c;
    if (!c)
        c = (a->nid > b->nid) - (a->nid < b->nid);
    return c ? c : (a->bid > b->bid) - (a->bid < b->bid);
}

static const pv_gfunc *side(const pv_graph *g, uint32_t id)
{
    return id == PV_MATCH_NONE ? NULL : &g->funcs[id];
}

/* Every function with an entry on either side, with its changes. */
static drow *make_rows(const pv_api_pair *p, const pv_graph *ng, size_t n_new_entries,
                       const pv_graph *bg, size_t n_base_entries, size_t *n_rows)
{
    drow *rows = pv_xmalloc((n_new_entries + n_base_entries + 1) * sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < n_new_entries; i++)
        rows[n++] = (drow){(uint32_t)i, p->match.to_base[i], {0}};
    for (size_t j = 0; j < n_base_entries; j++) {
        uint32_t nid = p->match.to_new[j];
        if (nid == PV_MATCH_NONE || nid >= n_new_entries)
            rows[n++] = (drow){nid, (uint32_t)j, {0}};
    }
    double sn = pv_api_pair_scale(p, 0), sb = pv_api_pair_scale(p, 1);
    for (size_t i = 0; i < n; i++) {
        const pv_gfunc *a = side(ng, rows[i].nid), *b = side(bg, rows[i].bid);
        rows[i].d[D_TOTTIME] = (a ? a->tt * sn : 0) - (b ? b->tt * sb : 0);
        rows[i].d[D_CUMTIME] = (a ? a->ct * sn : 0) - (b ? b->ct * sb : 0);
        rows[i].d[D_CALLS] = (double)(a ? a->nc : 0) - (double)(b ? b->nc : 0);
    }
    *n_rows = n;
    return rows;
}

static void figures_json(pv_jbuf *b, const char *key, const pv_gfunc *f)
{
    pv_jbuf_raw(b, key, strlen(key));
    if (!f) {
        pv_jbuf_lit(b, "null");
        return;
    }
    pv_jbuf_lit(b, "{\"cc\":");
    pv_jbuf_int(b, f->cc);
    pv_jbuf_lit(b, ",\"nc\":");
    pv_jbuf_int(b, f->nc);
    pv_jbuf_lit(b, ",\"tt\":");
    pv_jbuf_double(b, f->tt);
    pv_jbuf_lit(b, ",\"ct\":");
    pv_jbuf_double(b, f->ct);
    pv_jbuf_lit(b, "}");
}

static void id_json(pv_jbuf *b, uint32_t id)
{
    if (id == PV_MATCH_NONE)
        pv_jbuf_lit(b, "null");
    else
        pv_jbuf_int(b, id);
}

static void row_json(pv_jbuf *b, const pv_api_pair *p, const pv_graph *ng, const pv_graph *bg,
                     const drow *r)
{
    const pv_gfunc *a = side(ng, r->nid), *o = side(bg, r->bid), *f = a ? a : o;
    pv_jbuf_lit(b, "{\"id\":");
    id_json(b, r->nid);
    pv_jbuf_lit(b, ",\"base_id\":");
    id_json(b, r->bid);
    pv_jbuf_lit(b, ",\"file\":");
    pv_jbuf_string(b, f->file);
    pv_jbuf_lit(b, ",\"line\":");
    pv_jbuf_int(b, f->line);
    pv_jbuf_lit(b, ",\"name\":");
    pv_jbuf_string(b, f->name);
    if (a && o && a->line != o->line) {
        pv_jbuf_lit(b, ",\"base_line\":");
        pv_jbuf_int(b, o->line);
    }
    pv_jbuf_lit(b, ",\"rule\":");
    pv_jbuf_string(b, pv_match_rule_name(r->bid == PV_MATCH_NONE ? PV_RULE_NONE
                                                                 : p->match.rule[r->bid]));
    pv_jbuf_lit(b, ",\"lacks\":");
    if (r->nid == PV_MATCH_NONE || r->bid == PV_MATCH_NONE)
        pv_jbuf_string(b, r->nid == PV_MATCH_NONE ? "new" : "base");
    else
        pv_jbuf_lit(b, "null");
    figures_json(b, ",\"new\":", a);
    figures_json(b, ",\"base\":", o);
    pv_jbuf_lit(b, ",\"d_tt\":");
    pv_jbuf_double(b, r->d[D_TOTTIME]);
    pv_jbuf_lit(b, ",\"d_ct\":");
    pv_jbuf_double(b, r->d[D_CUMTIME]);
    pv_jbuf_lit(b, ",\"d_nc\":");
    pv_jbuf_double(b, r->d[D_CALLS]);
    pv_jbuf_lit(b, "}");
}

static bool row_matches(const pv_gfunc *a, const pv_gfunc *o, const char *q)
{
    return (a && (strcasestr(a->name, q) || strcasestr(a->file, q))) ||
           (o && (strcasestr(o->name, q) || strcasestr(o->file, q)));
}

typedef struct diff_query {
    dsort sort;
    const char *q;
    int64_t offset, limit;
} diff_query;

static int parse_diff_query(const pv_request *req, diff_query *dq, pv_err *err)
{
    const char *sort = pv_request_query(req, "sort");
    dq->sort.key = D_TOTTIME;
    if (sort) {
        int k = 0;
        while (k < N_DKEYS && strcmp(dkey_names[k], sort) != 0)
            k++;
        if (k == N_DKEYS)
            return pv_err_set(err, PV_E_USAGE,
                              "sort must be one of tottime, cumtime, calls, not '%.40s'", sort);
        dq->sort.key = (diff_key)k;
    }
    const char *order = pv_request_query(req, "order");
    dq->sort.desc = !(order && strcmp(order, "asc") == 0);
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
        return pv_err_set(err, PV_E_USAGE, "order must be asc or desc, not '%.40s'", order);
    dq->q = pv_request_query(req, "q");
    if (dq->q && strlen(dq->q) > MAX_QUERY)
        return pv_err_set(err, PV_E_USAGE, "q is longer than %d bytes", MAX_QUERY);
    if (dq->q && !*dq->q)
        dq->q = NULL;
    int rc = pv_query_int(req, "offset", 0, 0, INT64_MAX, &dq->offset, err);
    if (rc == PV_OK)
        rc = pv_query_int(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, &dq->limit, err);
    return rc;
}

int pv_api_diff_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    diff_query dq;
    pv_cached *e;
    pv_api_pair pair;
    if (parse_diff_query(req, &dq, &err) != PV_OK ||
        pv_ctx_graph(ctx, req->ids[0], &e, &err) != PV_OK)
        return pv_respond_err(res, &err);
    const pv_graph *ng = pv_cached_graph(e);
    if (pv_api_pair_open(req, ctx, ng, &pair, &err) != PV_OK) {
        pv_ctx_graph_release(ctx, e);
        return pv_respond_err(res, &err);
    }
    const pv_graph *bg = pv_cached_graph(pair.base);
    size_t n;
    drow *rows = make_rows(&pair, ng, pv_cached_n_entries(e), bg, pv_cached_n_entries(pair.base),
                           &n);
    qsort_r(rows, n, sizeof *rows, cmp_drows, &dq.sort);

    pv_jbuf b;
    pv_jbuf_init(&b, 4096);
    pv_jbuf_lit(&b, "{");
    pv_api_pair_json(&b, &pair);
    pv_jbuf_lit(&b, ",\"sort\":");
    pv_jbuf_string(&b, dkey_names[dq.sort.key]);
    pv_jbuf_lit(&b, ",\"order\":");
    pv_jbuf_string(&b, dq.sort.desc ? "desc" : "asc");
    pv_jbuf_lit(&b, ",\"offset\":");
    pv_jbuf_int(&b, dq.offset);
    pv_jbuf_lit(&b, ",\"limit\":");
    pv_jbuf_int(&b, dq.limit);
    pv_jbuf_lit(&b, ",\"rows\":[");
    uint64_t total = 0, offset = (uint64_t)dq.offset, end = offset + (uint64_t)dq.limit;
    for (size_t i = 0; i < n; i++) {
        if (dq.q && !row_matches(side(ng, rows[i].nid), side(bg, rows[i].bid), dq.q))
            continue;
        if (total >= offset && total < end) {
            if (total > offset)
                pv_jbuf_lit(&b, ",");
            row_json(&b, &pair, ng, bg, &rows[i]);
        }
        total++;
    }
    pv_jbuf_lit(&b, "],\"total\":");
    pv_jbuf_int(&b, (int64_t)total);
    pv_jbuf_lit(&b, "}");
    free(rows);
    pv_api_pair_close(ctx, &pair);
    pv_ctx_graph_release(ctx, e);
    size_t len;
    char *text = pv_jbuf_take(&b, &len);
    return pv_respond_json_text(res, 200, text, len, free);
}
