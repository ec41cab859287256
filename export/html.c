/* html.c — `profviz export --html`: one self-contained HTML report.
 *
 * The page is the one `profviz FILE` serves, made one file at build time
 * (tools/report_page.py: styles, the modules bundled into one script, a
 * CSP that allows nothing but them) and embedded here as pv_report_assets.
 * This file writes that page with the profile's data in place of its
 * marker: the page's offline API (web/js/model/offline-api.js) answers
 * the same requests as the server, from that data.
 *
 * The data is one JSON document (format version 1):
 *   "profile"  the summary GET /api/profiles/{id} answers
 *   "funcs"    every function as column arrays: file, name, line, cc, nc,
 *              tt, ct (ids are indices; the first "entries" have a table
 *              row)
 *   "edges"    every caller->callee edge as column arrays, grouped by
 *              callee, each callee's callers in file order: caller,
 *              callee, nc, cc, tt, ct, and "count", the edges whose
 *              figures are estimates (is_count)
 *   "tree"     one view of the whole profile in pre-order: func (id, or
 *              -1 the (all) box, -2 "(N smaller)", -3 paths past a
 *              recorder's cap), kids (children count), time, self, calls,
 *              lo, hi, flags (1 exact, 2 calls_exact, 4 more), merged;
 *              with the depth and cutoff it was built with and what
 *              stopped it short ("capped"), which the page says
 * A null stands for a value equal to another of its row (same_int,
 * same_double): cc for nc; an edge's tt for its ct; a box's self and lo
 * for its time, hi for its lo.
 * The view is what makes the report's size (report_cutoffs below); the
 * functions and edges are all there.
 *
 * JSON of a big profile is large and repetitive (file names, figures),
 * so it is gzip-compressed and written as base64, which the page inflates
 * with the browser's DecompressionStream.  Base64 also makes the element
 * inert whatever a profile's strings hold: no '<' can end it.  The JSON
 * inside escapes <, >, & and U+2028/9 anyway (pv_jbuf_string), as every
 * API answer does.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "asset.h"
#include "export.h"
#include "gzip.h"
#include "json.h"
#include "tree.h"
#include "xalloc.h"

extern const pv_asset pv_report_assets[];
extern const size_t pv_report_assets_count;

/* Where the data goes in the page (tools/report_page.py puts it). */
#define DATA_MARKER "<!--profviz-report-data-->"

/* The inlined view: the finest of these cutoffs (shares of the total
 * below which boxes are merged) whose tree fits REPORT_BOXES boxes to
 * REPORT_DEPTH levels (--depth), else the coarsest, cut to the levels that
 * fit.  A small profile keeps every box; a ten-thousandth keeps every box
 * a person can see at the page's default cutoff (a thousandth of the zoom
 * root) down to zooms on a tenth of the profile.  40 levels cover the
 * deepest real stacks we have seen but recursion, and 60,000 boxes keep a
 * 50,000-function report under 5 MB (bench/README.md). */
static const double report_cutoffs[] = {0, 1e-6, 1e-5, 1e-4};
#define REPORT_DEPTH 40
#define REPORT_BOXES 60000

static const char *const cap_names[] = {
    [PV_TREE_FULL] = "", [PV_TREE_CAP_BOXES] = "boxes",
    [PV_TREE_CAP_BYTES] = "bytes", [PV_TREE_CAP_TIME] = "time",
};

/* ---- the JSON -------------------------------------------------------- */

/* "key":[v0,v1,...] of n values, each written by put(b, i, arg). */
typedef void put_fn(pv_jbuf *b, size_t i, const void *arg);

static void column(pv_jbuf *b, const char *key, size_t n, put_fn *put, const void *arg)
{
    pv_jbuf_raw(b, "\"", 1);
    pv_jbuf_raw(b, key, strlen(key));
    pv_jbuf_lit(b, "\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            pv_jbuf_lit(b, ",");
        put(b, i, arg);
    }
    pv_jbuf_lit(b, "]");
}

/* A value that is often another of the same row's (primitive calls are
 * all calls but for recursion, a leaf's own time is its time, an exact
 * box's bounds are its time) is null when it is: a column of nulls
 * compresses to next to nothing, and the page puts the values back. */
static void same_int(pv_jbuf *b, int64_t v, int64_t as)
{
    if (v == as)
        pv_jbuf_lit(b, "null");
    else
        pv_jbuf_int(b, v);
}

static void same_double(pv_jbuf *b, double v, double as)
{
    /* Bit for bit: 0.0 and -0.0 print differently, and a NaN is never
     * the same as anything. */
    if (v == as && signbit(v) == signbit(as))
        pv_jbuf_lit(b, "null");
    else
        pv_jbuf_double(b, v);
}

#define G ((const pv_graph *)arg)
static void f_file(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_string(b, G->funcs[i].file); }
static void f_name(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_string(b, G->funcs[i].name); }
static void f_line(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, G->funcs[i].line); }
static void f_cc(pv_jbuf *b, size_t i, const void *arg)
{
    same_int(b, G->funcs[i].cc, G->funcs[i].nc);
}
static void f_nc(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, G->funcs[i].nc); }
static void f_tt(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_double(b, G->funcs[i].tt); }
static void f_ct(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_double(b, G->funcs[i].ct); }
/* Edges in g->callers order: grouped by callee, callers in file order. */
static void e_caller(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, G->callers[i].other); }
static void e_nc(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, G->callers[i].nc); }
static void e_cc(pv_jbuf *b, size_t i, const void *arg)
{
    same_int(b, G->callers[i].cc, G->callers[i].nc);
}
static void e_tt(pv_jbuf *b, size_t i, const void *arg)
{
    same_double(b, G->callers[i].tt, G->callers[i].ct);
}
static void e_ct(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_double(b, G->callers[i].ct); }
#undef G

/* The callee of each edge: every function's range of g->callers. */
static void edges_callee(pv_jbuf *b, const pv_graph *g)
{
    pv_jbuf_lit(b, "\"callee\":[");
    int first = 1;
    for (size_t f = 0; f < g->n_funcs; f++)
        for (uint32_t k = 0; k < g->funcs[f].n_callers; k++) {
            if (!first)
                pv_jbuf_lit(b, ",");
            first = 0;
            pv_jbuf_int(b, (int64_t)f);
        }
    pv_jbuf_lit(b, "]");
}

static void edges_count(pv_jbuf *b, const pv_graph *g)
{
    pv_jbuf_lit(b, "\"count\":[");
    int first = 1;
    for (size_t i = 0; i < g->n_edges; i++)
        if (g->callers[i].is_count) {
            if (!first)
                pv_jbuf_lit(b, ",");
            first = 0;
            pv_jbuf_int(b, (int64_t)i);
        }
    pv_jbuf_lit(b, "]");
}

typedef struct tree_walk {
    const pv_tree *t;
    uint32_t *order;  /* node indices in pre-order */
} tree_walk;

/* t's nodes in pre-order (children are stored by level, not under their
 * parent): what the page rebuilds the tree from with children counts.
 * malloc'd; the caller frees it. */
static uint32_t *preorder(const pv_tree *t)
{
    uint32_t *order = pv_xmalloc((t->n_nodes ? t->n_nodes : 1) * sizeof *order);
    uint32_t *stack = pv_xmalloc((t->n_nodes ? t->n_nodes : 1) * sizeof *stack);
    size_t n = 0, top = 0;
    stack[top++] = 0;
    while (top) {
        uint32_t i = stack[--top];
        order[n++] = i;
        const pv_tree_node *nd = &t->nodes[i];
        for (uint32_t k = nd->n_children; k-- > 0;)
            stack[top++] = nd->first_child + k;
    }
    free(stack);
    return order;
}

#define W ((const tree_walk *)arg)
#define NODE (&W->t->nodes[W->order[i]])
static void t_func(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, NODE->func); }
static void t_kids(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, NODE->n_children); }
static void t_time(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_double(b, NODE->time); }
static void t_self(pv_jbuf *b, size_t i, const void *arg) { same_double(b, NODE->self, NODE->time); }
static void t_calls(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_double(b, NODE->calls); }
static void t_lo(pv_jbuf *b, size_t i, const void *arg) { same_double(b, NODE->lo, NODE->time); }
static void t_hi(pv_jbuf *b, size_t i, const void *arg) { same_double(b, NODE->hi, NODE->lo); }
static void t_merged(pv_jbuf *b, size_t i, const void *arg) { pv_jbuf_int(b, NODE->n_merged); }
static void t_flags(pv_jbuf *b, size_t i, const void *arg)
{
    pv_jbuf_int(b, (NODE->exact ? 1 : 0) | (NODE->calls_exact ? 2 : 0) | (NODE->more ? 4 : 0));
}
#undef NODE
#undef W

/* The summary, as the API answers it. */
static int summary_json(const pv_export_job *job, pv_jbuf *b, pv_err *err)
{
    char path[64];
    snprintf(path, sizeof path, "/api/profiles/%lld", (long long)job->id);
    pv_request req = {.method = "GET", .path = path};
    pv_response res;
    int status = pv_api_dispatch(&req, job->ctx, &res);
    if (status == 200)
        pv_jbuf_raw(b, res.body, res.len);
    else
        pv_err_set(err, status == 404 ? PV_E_NOTFOUND : PV_E_IO,
                   "profile %lld: its summary could not be read (HTTP %d)", (long long)job->id,
                   status);
    pv_response_release(&res);
    return status == 200 ? PV_OK : err->code;
}

static int data_json(const pv_export_job *job, const pv_graph *g, size_t n_entries, pv_jbuf *b,
                     pv_err *err)
{
    pv_tree t;
    pv_tree_limits lim = {.max_boxes = REPORT_BOXES};
    unsigned depth = job->depth ? job->depth : REPORT_DEPTH;
    size_t n_cutoffs = sizeof report_cutoffs / sizeof *report_cutoffs, ci = 0;
    int rc;
    for (;; ci++) {
        rc = pv_tree_build_limited(g, NULL, 0, depth, report_cutoffs[ci], &lim, &t, err);
        if (rc != PV_OK || !t.capped || ci + 1 == n_cutoffs)
            break;
        pv_tree_release(&t);
    }
    if (rc != PV_OK)
        return rc;
    tree_walk walk = {&t, preorder(&t)};
    pv_jbuf_lit(b, "{\"v\":1,\"profile\":");
    rc = summary_json(job, b, err);
    if (rc == PV_OK) {
        pv_jbuf_lit(b, ",\"funcs\":{\"entries\":");
        pv_jbuf_int(b, (int64_t)n_entries);
        static const struct { const char *key; put_fn *put; } fcols[] = {
            {"file", f_file}, {"name", f_name}, {"line", f_line}, {"cc", f_cc},
            {"nc", f_nc},     {"tt", f_tt},     {"ct", f_ct},
        };
        for (size_t k = 0; k < sizeof fcols / sizeof *fcols; k++) {
            pv_jbuf_lit(b, ",");
            column(b, fcols[k].key, g->n_funcs, fcols[k].put, g);
        }
        pv_jbuf_lit(b, "},\"edges\":{");
        column(b, "caller", g->n_edges, e_caller, g);
        pv_jbuf_lit(b, ",");
        edges_callee(b, g);
        static const struct { const char *key; put_fn *put; } ecols[] = {
            {"nc", e_nc}, {"cc", e_cc}, {"tt", e_tt}, {"ct", e_ct},
        };
        for (size_t k = 0; k < sizeof ecols / sizeof *ecols; k++) {
            pv_jbuf_lit(b, ",");
            column(b, ecols[k].key, g->n_edges, ecols[k].put, g);
        }
        pv_jbuf_lit(b, ",");
        edges_count(b, g);
        pv_jbuf_lit(b, "},\"tree\":{\"depth\":");
        pv_jbuf_int(b, depth);
        pv_jbuf_lit(b, ",\"cutoff\":");
        pv_jbuf_double(b, report_cutoffs[ci]);
        pv_jbuf_lit(b, ",\"capped\":");
        pv_jbuf_string(b, cap_names[t.capped]);
        pv_jbuf_lit(b, ",\"shown_depth\":");
        pv_jbuf_int(b, t.capped ? t.shown_depth : depth);
        static const struct { const char *key; put_fn *put; } tcols[] = {
            {"func", t_func}, {"kids", t_kids}, {"time", t_time},   {"self", t_self},
            {"calls", t_calls}, {"lo", t_lo},   {"hi", t_hi},       {"flags", t_flags},
            {"merged", t_merged},
        };
        for (size_t k = 0; k < sizeof tcols / sizeof *tcols; k++) {
            pv_jbuf_lit(b, ",");
            column(b, tcols[k].key, t.n_nodes, tcols[k].put, &walk);
        }
        pv_jbuf_lit(b, "}}");
    }
    free(walk.order);
    pv_tree_release(&t);
    return rc;
}

/* ---- the page -------------------------------------------------------- */

/* data[0..n) as base64 (RFC 4648, padded) into out. */
static void write_base64(const unsigned char *data, size_t n, FILE *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char buf[4096];
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < n)
            v |= data[i + 2];
        buf[k++] = abc[v >> 18 & 63];
        buf[k++] = abc[v >> 12 & 63];
        buf[k++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
        buf[k++] = i + 2 < n ? abc[v & 63] : '=';
        if (k + 4 > sizeof buf) {
            fwrite(buf, 1, k, out);
            k = 0;
        }
    }
    fwrite(buf, 1, k, out);
}

int pv_export_html(const pv_export_job *job, FILE *out, pv_err *err)
{
    const pv_asset *page = pv_asset_find(pv_report_assets, pv_report_assets_count, "/report.html");
    const char *marker = page ? strstr((const char *)page->data, DATA_MARKER) : NULL;
    if (!marker)
        return pv_err_set(err, PV_E_FORMAT, "this profviz was built without its report page");
    pv_cached *e;
    int rc = pv_ctx_graph(job->ctx, job->id, &e, err);
    if (rc != PV_OK)
        return rc;
    pv_jbuf b;
    pv_jbuf_init(&b, 1 << 20);
    rc = data_json(job, pv_cached_graph(e), pv_cached_n_entries(e), &b, err);
    pv_ctx_graph_release(job->ctx, e);
    if (rc != PV_OK) {
        pv_jbuf_free(&b);
        return rc;
    }
    char *gz;
    size_t gz_len;
    pv_gzip(b.s, b.len, &gz, &gz_len);
    pv_jbuf_free(&b);
    size_t head = (size_t)(marker - (const char *)page->data);
    fwrite(page->data, 1, head, out);
    fprintf(out, "<script type=\"application/json\" id=\"report-data\" data-profile=\"%lld\" "
                 "data-encoding=\"gzip+base64\">", (long long)job->id);
    write_base64((const unsigned char *)gz, gz_len, out);
    fputs("</script>", out);
    const char *tail = marker + strlen(DATA_MARKER);
    fwrite(tail, 1, page->len - (size_t)(tail - (const char *)page->data), out);
    free(gz);
    return ferror(out) ? pv_err_set(err, PV_E_IO, "writing the report failed") : PV_OK;
}
