/* api_packages.c — /api/profiles/{id}/packages: own time per package
 * ("which library is slow"), the package of a function being the one the
 * page colours it by (common/names.h, worked out once: funcpkg.h).
 *
 * {"total": total_tt, "rows": [{"package", "functions", "calls", "tt",
 * "share"}]}, rows by tt descending (then by name): "functions" counts the
 * functions with an entry of their own, "calls" sums their calls, "tt"
 * their own time and "share" is tt / total.  The text is kept with the
 * graph (it never changes), so only the first request walks the
 * functions.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "xalloc.h"

#define KEY "packages"

typedef struct pkg_row {
    const char *package;
    int64_t functions, calls;
    double tt;
} pkg_row;

static int by_tt(const void *a, const void *b)
{
    const pkg_row *x = a, *y = b;
    if (x->tt != y->tt)
        return x->tt > y->tt ? -1 : 1;
    return strcmp(x->package, y->package);
}

static char *packages_json(const pv_graph *g, const pv_funcpkg *pk, size_t n_entries,
                           size_t *len)
{
    pkg_row *rows = pv_xcalloc(pk->n_packages ? pk->n_packages : 1, sizeof *rows);
    for (size_t f = 0; f < n_entries; f++) {
        pkg_row *r = &rows[pk->package[f]];
        r->functions++;
        r->calls += g->funcs[f].nc;
        r->tt += g->funcs[f].tt;
    }
    /* Packages only caller-only functions are in have no row. */
    size_t n = 0;
    for (uint32_t i = 0; i < pk->n_packages; i++)
        if (rows[i].functions) {
            rows[n] = rows[i];
            rows[n++].package = pv_funcpkg_name(pk, i);
        }
    qsort(rows, n, sizeof *rows, by_tt);
    pv_jbuf b;
    pv_jbuf_init(&b, 64 + n * 128);
    pv_jbuf_lit(&b, "{\"total\":");
    pv_jbuf_double(&b, g->total_tt);
    pv_jbuf_lit(&b, ",\"rows\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            pv_jbuf_lit(&b, ",");
        pv_jbuf_lit(&b, "{\"package\":");
        pv_jbuf_string(&b, rows[i].package);
        pv_jbuf_lit(&b, ",\"functions\":");
        pv_jbuf_int(&b, rows[i].functions);
        pv_jbuf_lit(&b, ",\"calls\":");
        pv_jbuf_int(&b, rows[i].calls);
        pv_jbuf_lit(&b, ",\"tt\":");
        pv_jbuf_double(&b, rows[i].tt);
        pv_jbuf_lit(&b, ",\"share\":");
        pv_jbuf_double(&b, g->total_tt > 0 ? rows[i].tt / g->total_tt : 0);
        pv_jbuf_lit(&b, "}");
    }
    pv_jbuf_lit(&b, "]}");
    free(rows);
    return pv_jbuf_take(&b, len);
}

int pv_api_packages_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    pv_err err;
    pv_cached *e;
    if (pv_ctx_graph(ctx, req->ids[0], &e, &err) != PV_OK)
        return pv_respond_err(res, &err);
    pv_cache *cache = pv_ctx_cache(ctx);
    size_t len;
    int gzipped;
    char *text = pv_cached_text(cache, e, KEY, &len, &gzipped);
    if (!text) {
        text = packages_json(pv_cached_graph(e), pv_api_funcpkg(ctx, e), pv_cached_n_entries(e),
                             &len);
        pv_cached_keep_text(cache, e, KEY, text, len, 0);
    }
    pv_ctx_graph_release(ctx, e);
    return pv_respond_json_text(res, 200, text, len, free);
}
