/* api_tree.c — /api/profiles/{id}/tree: one view of the call tree, as
 * nested JSON.
 *
 * The tree itself is tree.c's (pv_tree_build_limited, from the cached
 * graph); this file reads the view's parameters, bounds what the view may
 * cost, and prints what the view holds: the path from the top to the view
 * root, then the view root and its subtree, and which limit left levels
 * out ("capped").  A box is {"id", "file", "line", "name", "time", "self",
 * "calls", "exact", "calls_exact", "more", "lo", "hi", "n_merged",
 * "children"}; the synthetic root above the top level, the
 * "(N smaller)" boxes and a recorded tree's "<paths past the cap>" boxes
 * have "id": null.
 *
 * The JSON is written straight into one buffer (json.h's pv_jbuf), not
 * built as cJSON items: a view of a big profile holds thousands of boxes,
 * and one allocation per value then a second pass to print it cost more
 * than computing the tree.  Views are kept with the graph once printed,
 * gzip-compressed once a client asked for gzip (gzip.h).
 *
 * `view` picks the tree (tree.h's pv_tree_view: the top-down tree, the
 * inverted one, or a half of the sandwich around `fn`); the answer echoes
 * it, and each view is kept under its own key.
 *
 * With `base` the view is compared with another profile (tree_diff.h, the
 * pair from api_diff.c): every box also carries "base", "delta",
 * "delta_lo", "delta_hi" and, where the base had calls that are gone,
 * "removed"; such views are printed per request, not kept.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "gzip.h"
#include "json.h"
#include "tree_diff.h"
#include "xalloc.h"

#define DEFAULT_DEPTH 10
#define DEFAULT_CUTOFF 0.001

/* Time one view may take to build, from the request's start, ms: a view
 * this slow blocks the other connections its server thread polls, and
 * 0.5 s is still an answer a user waits for. */
#define VIEW_MS 500.0

/* The name shown for the synthetic root: all the profile's time. */
#define ROOT_NAME "(all)"

/* The name of a recorded tree's overflow node, as its key names it
 * (docs/recorded-tree.md): the calls made once the recorder's cap on
 * distinct paths was reached. */
#define OVERFLOW_NAME "<paths past the cap>"

/* The `view` parameter's names, by pv_tree_view. */
static const char *const view_names[] = {
    [PV_VIEW_TOP] = "top",
    [PV_VIEW_INVERTED] = "inverted",
    [PV_VIEW_CALLERS] = "callers",
    [PV_VIEW_CALLEES] = "callees",
};

/* A view's tree and, for the sandwich, its function. */
typedef struct view_kind {
    pv_tree_view view;
    uint32_t fn;
} view_kind;

/* Whether a and b print the same (0.0 and -0.0 do not). */
static bool same_double(double a, double b)
{
    return a == b && signbit(a) == signbit(b);
}

/* A comparison being written: BASE's figures for the view's boxes. */
typedef struct view_diff {
    const pv_tree_diff *d;
    const pv_api_pair *pair;
} view_diff;

static void write_bool(pv_jbuf *b, int v)
{
    pv_jbuf_raw(b, v ? "true" : "false", v ? 4 : 5);
}

/* Boxes of BASE named in a "removed": its largest few, enough to say
 * what went away. */
#define REMOVED_NAMED 3

/* "removed": {"count", "time", "top": [the largest of them, each {"id"
 * (BASE's), "file", "line", "name", "time"}]}.  BASE's children are in
 * time order, so the first ones gone are the largest. */
static void write_removed(pv_jbuf *b, const pv_diff_box *d, const view_diff *vd)
{
    pv_jbuf_lit(b, ",\"removed\":{\"count\":");
    pv_jbuf_int(b, d->n_removed);
    pv_jbuf_lit(b, ",\"time\":");
    pv_jbuf_double(b, d->removed_time);
    pv_jbuf_lit(b, ",\"top\":[");
    const pv_tree *bt = &vd->d->base;
    const pv_graph *bg = pv_cached_graph(vd->pair->base);
    const pv_tree_node *bp = &bt->nodes[d->base_node];
    unsigned named = 0;
    for (uint32_t k = 0; k < bp->n_children && named < REMOVED_NAMED; k++) {
        uint32_t bi = bp->first_child + k;
        const pv_tree_node *c = &bt->nodes[bi];
        if (!vd->d->gone[bi] || c->func < 0)
            continue;
        if (named++)
            pv_jbuf_lit(b, ",");
        const pv_gfunc *f = &bg->funcs[c->func];
        pv_jbuf_lit(b, "{\"id\":");
        pv_jbuf_int(b, c->func);
        pv_jbuf_lit(b, ",\"file\":");
        pv_jbuf_string(b, f->file);
        pv_jbuf_lit(b, ",\"line\":");
        pv_jbuf_int(b, f->line);
        pv_jbuf_lit(b, ",\"name\":");
        pv_jbuf_string(b, f->name);
        pv_jbuf_lit(b, ",\"time\":");
        pv_jbuf_double(b, c->time);
        pv_jbuf_lit(b, "}");
    }
    pv_jbuf_lit(b, "]}");
}

/* A compared box's "base" (BASE's figures for its path), "delta" with
 * its bounds (NEW's less BASE's, in seconds or shares: pv_api_pair_scale)
 * and, when BASE had children there that NEW lacks, "removed". */
static void write_base(pv_jbuf *b, const pv_tree_node *n, const pv_diff_box *d,
                       const view_diff *vd)
{
    const pv_api_pair *pair = vd->pair;
    double sn = pv_api_pair_scale(pair, 0), sb = pv_api_pair_scale(pair, 1);
    pv_jbuf_lit(b, ",\"base\":{\"state\":");
    pv_jbuf_string(b, pv_base_state_name((pv_base_state)d->state));
    pv_jbuf_lit(b, ",\"time\":");
    pv_jbuf_double(b, d->time);
    pv_jbuf_lit(b, ",\"lo\":");
    pv_jbuf_double(b, d->lo);
    pv_jbuf_lit(b, ",\"hi\":");
    pv_jbuf_double(b, d->hi);
    pv_jbuf_lit(b, ",\"calls\":");
    pv_jbuf_double(b, d->calls);
    pv_jbuf_lit(b, ",\"exact\":");
    write_bool(b, d->exact);
    pv_jbuf_lit(b, "},\"delta\":");
    pv_jbuf_double(b, n->time * sn - d->time * sb);
    pv_jbuf_lit(b, ",\"delta_lo\":");
    pv_jbuf_double(b, n->lo * sn - d->hi * sb);
    pv_jbuf_lit(b, ",\"delta_hi\":");
    pv_jbuf_double(b, n->hi * sn - d->lo * sb);
    if (d->n_removed)
        write_removed(b, d, vd);
}

/* Writes box n (of tree t) as JSON, with its subtree when `children`;
 * with BASE's figures `d` when comparing (vd, d not NULL). */
static void write_box(pv_jbuf *b, const pv_graph *g, const pv_tree *t, const pv_tree_node *n,
                      int children, const view_diff *vd, const pv_diff_box *d)
{
    if (n->func >= 0) {
        const pv_gfunc *fn = &g->funcs[n->func];
        pv_jbuf_lit(b, "{\"id\":");
        pv_jbuf_int(b, n->func);
        pv_jbuf_lit(b, ",\"file\":");
        pv_jbuf_string(b, fn->file);
        pv_jbuf_lit(b, ",\"line\":");
        pv_jbuf_int(b, fn->line);
        pv_jbuf_lit(b, ",\"name\":");
        pv_jbuf_string(b, fn->name);
    } else if (n->func == PV_TREE_COLLAPSED) {
        /* A transform's chain of one package's boxes (xtree.h). */
        const char *pkg = t->labels + n->node;
        pv_jbuf_lit(b, "{\"id\":null,\"file\":\"\",\"line\":0,\"name\":");
        pv_jbuf_string(b, pkg);
        pv_jbuf_lit(b, ",\"collapsed\":");
        pv_jbuf_string(b, pkg);
    } else if (n->func == PV_TREE_OVERFLOW) {
        pv_jbuf_lit(b, "{\"id\":null,\"file\":\"~\",\"line\":0,\"name\":\"" OVERFLOW_NAME "\"");
    } else {
        char name[32];
        if (n->func == PV_TREE_SMALLER)
            snprintf(name, sizeof name, "(%u smaller)", (unsigned)n->n_merged);
        else
            snprintf(name, sizeof name, "%s", ROOT_NAME);
        pv_jbuf_lit(b, "{\"id\":null,\"file\":\"\",\"line\":0,\"name\":");
        pv_jbuf_string(b, name);
    }
    pv_jbuf_lit(b, ",\"time\":");
    size_t time_at = b->len;
    pv_jbuf_double(b, n->time);
    size_t time_len = b->len - time_at;
    pv_jbuf_lit(b, ",\"self\":");
    pv_jbuf_double(b, n->self);
    pv_jbuf_lit(b, ",\"calls\":");
    pv_jbuf_double(b, n->calls);
    pv_jbuf_lit(b, ",\"exact\":");
    pv_jbuf_raw(b, n->exact ? "true" : "false", n->exact ? 4 : 5);
    pv_jbuf_lit(b, ",\"calls_exact\":");
    pv_jbuf_raw(b, n->calls_exact ? "true" : "false", n->calls_exact ? 4 : 5);
    pv_jbuf_lit(b, ",\"more\":");
    pv_jbuf_raw(b, n->more ? "true" : "false", n->more ? 4 : 5);
    /* Bounds often equal the time (an exact box) or each other: printed
     * once, copied. */
    pv_jbuf_lit(b, ",\"lo\":");
    size_t lo_at = b->len;
    if (same_double(n->lo, n->time))
        pv_jbuf_repeat(b, time_at, time_len);
    else
        pv_jbuf_double(b, n->lo);
    size_t lo_len = b->len - lo_at;
    pv_jbuf_lit(b, ",\"hi\":");
    if (same_double(n->hi, n->lo))
        pv_jbuf_repeat(b, lo_at, lo_len);
    else
        pv_jbuf_double(b, n->hi);
    pv_jbuf_lit(b, ",\"n_merged\":");
    pv_jbuf_int(b, n->n_merged);
    if (vd)
        write_base(b, n, d, vd);
    if (children) {
        pv_jbuf_lit(b, ",\"children\":[");
        for (uint32_t i = 0; i < n->n_children; i++) {
            uint32_t c = n->first_child + i;
            if (i)
                pv_jbuf_lit(b, ",");
            write_box(b, g, t, &t->nodes[c], 1, vd, vd ? &vd->d->boxes[c] : NULL);
        }
        pv_jbuf_lit(b, "]");
    }
    pv_jbuf_lit(b, "}");
}

cJSON *pv_api_tree_node(const pv_graph *g, const pv_tree *t, const pv_tree_node *n, int children)
{
    pv_jbuf b;
    pv_jbuf_init(&b, 512);
    write_box(&b, g, t, n, children, NULL, NULL);
    cJSON *item = cJSON_CreateRaw(b.s);
    pv_jbuf_free(&b);
    return item;
}

/* What stopped the view short, for "capped". */
static const char *const cap_reasons[] = {
    [PV_TREE_CAP_BOXES] = "boxes",
    [PV_TREE_CAP_BYTES] = "bytes",
    [PV_TREE_CAP_TIME] = "time",
};

/* The whole answer: {"path": [...], "root": {...}, "capped": ...}, and
 * the pair's members (pv_api_pair_json) when comparing, the transforms
 * applied ("view", "transforms") when there are some. */
static void write_view(pv_jbuf *b, const pv_graph *g, const pv_tree *t,
                       const pv_tree_limits *lim, const view_diff *vd, const view_kind *vk,
                       const pv_api_transform_list *tl)
{
    pv_jbuf_lit(b, "{\"view\":");
    pv_jbuf_string(b, view_names[vk->view]);
    if (vk->view == PV_VIEW_CALLERS || vk->view == PV_VIEW_CALLEES) {
        pv_jbuf_lit(b, ",\"fn\":");
        pv_jbuf_int(b, vk->fn);
    }
    pv_jbuf_lit(b, ",\"path\":[");
    for (size_t i = 0; i < t->path_len; i++) {
        if (i)
            pv_jbuf_lit(b, ",");
        write_box(b, g, t, &t->path[i], 0, vd, vd ? &vd->d->path[i] : NULL);
    }
    pv_jbuf_lit(b, "],\"root\":");
    write_box(b, g, t, &t->nodes[0], 1, vd, vd ? &vd->d->boxes[0] : NULL);
    if (vd) {
        pv_jbuf_lit(b, ",");
        pv_api_pair_json(b, vd->pair);
    }
    if (tl && tl->n) {
        pv_jbuf_lit(b, ",\"transforms\":[");
        for (size_t i = 0; i < tl->n; i++) {
            if (i)
                pv_jbuf_lit(b, ",");
            pv_jbuf_string(b, tl->text[i]);
        }
        pv_jbuf_lit(b, "]");
    }
    if (t->capped) {
        pv_jbuf_lit(b, ",\"capped\":{\"reason\":\"");
        pv_jbuf_raw(b, cap_reasons[t->capped], strlen(cap_reasons[t->capped]));
        pv_jbuf_lit(b, "\",\"limit\":");
        if (t->capped == PV_TREE_CAP_BOXES)
            pv_jbuf_int(b, (int64_t)lim->max_boxes);
        else if (t->capped == PV_TREE_CAP_BYTES)
            pv_jbuf_int(b, (int64_t)lim->max_bytes);
        else
            pv_jbuf_int(b, (int64_t)VIEW_MS);
        pv_jbuf_lit(b, ",\"boxes\":");
        pv_jbuf_int(b, (int64_t)t->n_nodes);
        pv_jbuf_lit(b, ",\"depth\":");
        pv_jbuf_int(b, t->shown_depth);
        pv_jbuf_lit(b, "}}");
    } else {
        pv_jbuf_lit(b, ",\"capped\":false}");
    }
}

int pv_api_parse_path(const char *text, uint32_t **out, size_t *len, pv_err *err)
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
        int rc = pv_parse_uint(p, k, &v);
        if (rc == PV_E_USAGE) {
            free(path);
            return pv_err_set(err, PV_E_USAGE, "path step %zu, '%.*s', is not a function id",
                              i + 1, k > 40 ? 40 : (int)k, p);
        }
        if (rc == PV_E_TOO_BIG || v > UINT32_MAX) {
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

/* The key a view's printed JSON is kept under with the graph: after
 * its transforms (one per line) when it has some. */
static char *view_key(const view_kind *vk, const uint32_t *path, size_t path_len, int64_t depth,
                      double cutoff, const pv_api_transform_list *tl)
{
    size_t cap = path_len * 11 + 96, n;
    for (size_t i = 0; i < tl->n; i++)
        cap += strlen(tl->text[i]) + 1;
    char *key = pv_xmalloc(cap);
    n = (size_t)snprintf(key, cap, "tree %lld %.17g", (long long)depth, cutoff);
    if (vk->view != PV_VIEW_TOP)
        n += (size_t)snprintf(key + n, cap - n, " %s %u", view_names[vk->view], (unsigned)vk->fn);
    for (size_t i = 0; i < path_len; i++)
        n += (size_t)snprintf(key + n, cap - n, "%s%u", i ? "," : " ", (unsigned)path[i]);
    for (size_t i = 0; i < tl->n; i++)
        n += (size_t)snprintf(key + n, cap - n, "\n%s", tl->text[i]);
    return key;
}

/* Answers with a view's text, kept or just printed: as gzip bytes when
 * the client takes them, else plain.  Takes ownership of `text`. */
static int send_view(pv_response *res, char *text, size_t len, int gzipped, int want_gzip,
                     pv_err *err)
{
    if (gzipped && !want_gzip) {
        char *plain;
        size_t plain_len;
        int rc = pv_gunzip(text, len, &plain, &plain_len);
        free(text);
        if (rc != PV_OK)
            return pv_err_set(err, PV_E_IO, "a kept view does not decompress");
        text = plain;
        len = plain_len;
    }
    pv_respond_json_text(res, 200, text, len, free);
    res->encoding = gzipped && want_gzip ? "gzip" : NULL;
    return PV_OK;
}

/* The view's JSON, printed now or kept from before: a view never changes,
 * and printing (shortest round-trip doubles above all) costs more than
 * building the tree.  `t0`: when the view's work began (pv_now_ms).
 * A view the clock cut short is not kept: on a less busy server it may
 * show more. */
static int tree_json(pv_ctx *ctx, pv_cached *e, const view_kind *vk, const uint32_t *path,
                     size_t path_len, int64_t depth, double cutoff,
                     const pv_api_transform_list *tl, int want_gzip, double t0,
                     pv_response *res, pv_err *err)
{
    pv_cache *cache = pv_ctx_cache(ctx);
    char *key = view_key(vk, path, path_len, depth, cutoff, tl);
    size_t len;
    int gzipped;
    char *text = pv_cached_text(cache, e, key, &len, &gzipped);
    if (text) {
        if (want_gzip && !gzipped && len >= PV_GZIP_MIN) {
            /* Kept plain for a client that did not take gzip: compress
             * it once, keep that. */
            char *gz;
            size_t gz_len;
            pv_gzip(text, len, &gz, &gz_len);
            free(text);
            pv_cached_keep_text(cache, e, key, gz, gz_len, 1);
            text = gz;
            len = gz_len;
            gzipped = 1;
        }
        free(key);
        return send_view(res, text, len, gzipped, want_gzip, err);
    }
    const pv_graph *g = pv_cached_graph(e);
    pv_tree_limits lim = {.max_boxes = PV_TREE_MAX_NODES,
                          .max_bytes = pv_ctx_view_bytes(ctx),
                          .deadline_ms = t0 + VIEW_MS};
    /* In flight: the boxes (about a third of their JSON) and the text,
     * twice while it is copied or compressed. */
    size_t in_flight = 3 * lim.max_bytes;
    int slot = pv_ctx_compute_begin(ctx, in_flight, lim.deadline_ms);
    pv_tree t;
    int rc = tl->n ? pv_api_transformed_tree(ctx, e, tl, path, path_len, (unsigned)depth, cutoff,
                                             &lim, &t, err)
                   : pv_tree_build_view(g, vk->view, vk->fn, path, path_len, (unsigned)depth,
                                        cutoff, &lim, &t, err);
    if (rc == PV_OK) {
        pv_jbuf b;
        pv_jbuf_init(&b, t.json_bytes + 96);
        write_view(&b, g, &t, &lim, NULL, vk, tl);
        int keep = t.capped != PV_TREE_CAP_TIME;
        pv_tree_release(&t);
        text = pv_jbuf_take(&b, &len);
        gzipped = 0;
        if (want_gzip && len >= PV_GZIP_MIN) {
            char *gz;
            pv_gzip(text, len, &gz, &len);
            free(text);
            text = gz;
            gzipped = 1;
        }
        if (keep)
            pv_cached_keep_text(cache, e, key, text, len, gzipped);
        rc = send_view(res, text, len, gzipped, want_gzip, err);
    }
    pv_ctx_compute_end(ctx, in_flight, slot);
    free(key);
    return rc;
}

/* NEW's view compared with the query's base (tree_diff.h): built and
 * printed for each request, not kept (it depends on two profiles), and
 * sent plain.  BASE's view shares the view's limits and deadline. */
static int diff_json(const pv_request *req, pv_ctx *ctx, pv_cached *e, const uint32_t *path,
                     size_t path_len, int64_t depth, double cutoff, double t0, pv_response *res,
                     pv_err *err)
{
    const pv_graph *g = pv_cached_graph(e);
    pv_api_pair pair;
    int rc = pv_api_pair_open(req, ctx, g, &pair, err);
    if (rc != PV_OK)
        return rc;
    pv_tree_limits lim = {.max_boxes = PV_TREE_MAX_NODES,
                          .max_bytes = pv_ctx_view_bytes(ctx),
                          .deadline_ms = t0 + VIEW_MS};
    /* Two views in flight, and the text. */
    size_t in_flight = 4 * lim.max_bytes;
    int slot = pv_ctx_compute_begin(ctx, in_flight, lim.deadline_ms);
    pv_tree t;
    rc = pv_tree_build_limited(g, path, path_len, (unsigned)depth, cutoff, &lim, &t, err);
    if (rc == PV_OK) {
        pv_tree_diff d;
        rc = pv_tree_diff_build(pv_cached_graph(pair.base), &pair.match, &t, path, path_len,
                                (unsigned)depth, cutoff, &lim, &d, err);
        if (rc == PV_OK) {
            view_diff vd = {&d, &pair};
            pv_jbuf b;
            /* A compared box carries about 170 more bytes. */
            pv_jbuf_init(&b, t.json_bytes + t.n_nodes * 170 + 256);
            view_kind top = {PV_VIEW_TOP, 0};
            write_view(&b, g, &t, &lim, &vd, &top, NULL);
            pv_tree_diff_release(&d);
            size_t len;
            char *text = pv_jbuf_take(&b, &len);
            rc = send_view(res, text, len, 0, 0, err);
        }
        pv_tree_release(&t);
    }
    pv_ctx_compute_end(ctx, in_flight, slot);
    pv_api_pair_close(ctx, &pair);
    return rc;
}

/* Reads `view` and, for the sandwich, `fn` (a function id; whether the
 * profile has it is checked once its graph is there). */
static int parse_view(const pv_request *req, view_kind *vk, pv_err *err)
{
    const char *name = pv_request_query(req, "view");
    vk->view = PV_VIEW_TOP;
    vk->fn = 0;
    if (name) {
        size_t v = 0;
        while (v < sizeof view_names / sizeof *view_names && strcmp(name, view_names[v]) != 0)
            v++;
        if (v == sizeof view_names / sizeof *view_names)
            return pv_err_set(err, PV_E_USAGE,
                              "view '%.40s' is not one of top, inverted, callers, callees", name);
        vk->view = (pv_tree_view)v;
    }
    if (vk->view != PV_VIEW_TOP && pv_request_query(req, "t"))
        return pv_err_set(err, PV_E_USAGE, "transforms (t) apply to view=top only, not to %s",
                          view_names[vk->view]);
    if (vk->view != PV_VIEW_TOP && pv_request_query(req, "base"))
        return pv_err_set(err, PV_E_USAGE, "base (a comparison) applies to view=top only, not to %s",
                          view_names[vk->view]);
    if (vk->view != PV_VIEW_CALLERS && vk->view != PV_VIEW_CALLEES)
        return PV_OK;
    const char *fn = pv_request_query(req, "fn");
    if (!fn || !*fn)
        return pv_err_set(err, PV_E_USAGE, "view=%s needs fn, the id of the function to center on",
                          view_names[vk->view]);
    int64_t v;
    int rc = pv_parse_uint(fn, strlen(fn), &v);
    if (rc != PV_OK || v > UINT32_MAX)
        return pv_err_set(err, PV_E_USAGE, "fn '%.40s' is not a function id", fn);
    vk->fn = (uint32_t)v;
    return PV_OK;
}

int pv_api_tree_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    view_kind vk;
    pv_err err;
    int64_t depth;
    double cutoff;
    uint32_t *path = NULL;
    size_t path_len;
    int rc = pv_query_int(req, "depth", DEFAULT_DEPTH, 1, PV_TREE_MAX_DEPTH, &depth, &err);
    if (rc == PV_OK)
        rc = pv_query_double(req, "cutoff", DEFAULT_CUTOFF, 0, 1, &cutoff, &err);
    if (rc == PV_OK)
        rc = pv_api_parse_path(pv_request_query(req, "path"), &path, &path_len, &err);
    if (rc == PV_OK)
        rc = parse_view(req, &vk, &err);
    if (rc == PV_OK && pv_request_query(req, "compare") && !pv_request_query(req, "base"))
        rc = pv_err_set(&err, PV_E_USAGE, "compare needs base, the profile to compare with");
    if (rc == PV_OK && pv_request_query(req, "t") && pv_request_query(req, "base"))
        rc = pv_err_set(&err, PV_E_USAGE, "transforms (t) and a comparison (base) do not combine");
    if (rc != PV_OK) {
        free(path);
        return pv_respond_err(res, &err);
    }
    int want_gzip = pv_accepts_gzip(pv_request_header(req, "Accept-Encoding"));
    pv_cached *e;
    rc = pv_ctx_graph(ctx, req->ids[0], &e, &err);
    if (rc == PV_OK) {
        /* The view's time starts once the graph is there: a graph built
         * for this request is not the view's cost. */
        double t0 = pv_now_ms();
        pv_api_transform_list tl;
        if (vk.view != PV_VIEW_TOP && vk.view != PV_VIEW_INVERTED &&
            vk.fn >= pv_cached_graph(e)->n_funcs) {
            rc = pv_err_set(&err, PV_E_USAGE, "fn %u: the profile has no such function", vk.fn);
        } else if (pv_request_query(req, "base")) {
            rc = diff_json(req, ctx, e, path, path_len, depth, cutoff, t0, res, &err);
        } else if ((rc = pv_api_transforms(req, ctx, e, &tl, &err)) == PV_OK) {
            rc = tree_json(ctx, e, &vk, path, path_len, depth, cutoff, &tl, want_gzip, t0, res,
                           &err);
            pv_api_transforms_free(&tl);
        }
        pv_ctx_graph_release(ctx, e);
    }
    free(path);
    return rc == PV_OK ? res->status : pv_respond_err(res, &err);
}
