/* api_packages.c — /api/profiles/{id}/packages: own time per package
 * ("which library is slow"), the package of a function being the one the
 * page colours it by (common/names.h).
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
#include "names.h"
#include "xalloc.h"

#define KEY "packages"

typedef struct pkg_row {
    char *package;
    int64_t functions, calls;
    double tt;
} pkg_row;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const pkg_row *)a)->package, ((const pkg_row *)b)->package);
}

static int by_tt(const void *a, const void *b)
{
    const pkg_row *x = a, *y = b;
    if (x->tt != y->tt)
        return x->tt > y->tt ? -1 : 1;
    return strcmp(x->package, y->package);
}

static char *packages_json(const pv_graph *g, size_t n_entries, size_t *len)
{
    pkg_row *rows = pv_xcalloc(n_entries ? n_entries : 1, sizeof *rows);
    char pkg[4096];
    for (size_t f = 0; f < n_entries; f++) {
        const pv_gfunc *fn = &g->funcs[f];
        pv_package_of(fn->file, fn->name, pkg, sizeof pkg);
        rows[f] = (pkg_row){.package = pv_xstrdup(pkg), .functions = 1, .calls = fn->nc,
                            .tt = fn->tt};
    }
    /* One row per package: sorted by name, runs summed. */
    qsort(rows, n_entries, sizeof *rows, by_name);
    size_t n = 0;
    for (size_t i = 0; i < n_entries; i++) {
        if (n && strcmp(rows[n - 1].package, rows[i].package) == 0) {
            rows[n - 1].functions++;
            rows[n - 1].calls += rows[i].calls;
            rows[n - 1].tt += rows[i].tt;
            free(rows[i].package);
            continue;
        }
        rows[n++] = rows[i];
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
        free(rows[i].package);
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
        text = packages_json(pv_cached_graph(e), pv_cached_n_entries(e), &len);
        pv_cached_keep_text(cache, e, KEY, text, len, 0);
    }
    pv_ctx_graph_release(ctx, e);
    return pv_respond_json_text(res, 200, text, len, free);
}
