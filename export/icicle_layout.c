/* icicle_layout.c — a view's icicle as boxes in pixels (icicle_layout.h).
 * SPDX-License-Identifier: MIT
 */
#include "icicle_layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "figures.h"
#include "icicle_colours.h"
#include "icicle_text.h"
#include "names.h"
#include "tree.h"
#include "xalloc.h"

#define ALMOST "\xe2\x89\x88 "   /* "≈ ": the figure is an estimate */
#define TITLE_MAX 4096
#define KEY_GAP 14

static const char *node_file(const pv_graph *g, const pv_tree_node *n)
{
    return n->func >= 0 ? g->funcs[n->func].file : n->func == PV_TREE_OVERFLOW ? "~" : "";
}

/* The name as the profile has it (the hover text), or the synthetic box's. */
static void raw_name(const pv_graph *g, const pv_tree_node *n, char *out, size_t cap)
{
    if (n->func >= 0)
        snprintf(out, cap, "%s", g->funcs[n->func].name);
    else if (n->func == PV_TREE_SMALLER)
        snprintf(out, cap, "(%u smaller)", (unsigned)n->n_merged);
    else if (n->func == PV_TREE_OVERFLOW)
        snprintf(out, cap, "<paths past the cap>");
    else
        snprintf(out, cap, "(all)");
}

/* The name a box shows (names.h), synthetic boxes' their own. */
static void box_name(const pv_graph *g, const pv_tree_node *n, char *out, size_t cap)
{
    if (n->func >= 0)
        pv_short_name(g->funcs[n->func].file, g->funcs[n->func].name, out, cap);
    else
        raw_name(g, n, out, cap);
}

/* What hovering a box says (svg.js's titleOf): its name as the profile
 * has it, file:line (none for built-ins and synthetic boxes), its time. */
static char *title_of(const pv_graph *g, const pv_tree_node *n, const char *unit)
{
    char name[TITLE_MAX / 2], fig[64], out[TITLE_MAX];
    raw_name(g, n, name, sizeof name);
    pv_format_with_unit(n->time, unit, fig, sizeof fig);
    const char *est = n->exact ? "" : " (estimated)";
    const char *file = node_file(g, n);
    int64_t line = n->func >= 0 ? g->funcs[n->func].line : 0;
    if (n->func >= 0 && strcmp(file, "~") != 0 && (*file || line != 0))
        snprintf(out, sizeof out, "%s\n%s:%lld\n%s%s", name, file, (long long)line, fig, est);
    else
        snprintf(out, sizeof out, "%s\n%s%s", name, fig, est);
    return pv_xstrdup(out);
}

static int by_row_x(const void *a, const void *b)
{
    const pv_icicle_box *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->x < y->x ? -1 : x->x > y->x;
}

/* "name · total 1.17 s · unit: seconds · view: (all) > main > run (1.02 s)",
 * cut to the width. */
static char *header_of(const pv_graph *g, const pv_tree *t, const pv_profile_info *info,
                       unsigned width)
{
    size_t cap = 256 + strlen(info->name) + strlen(info->unit), len;
    char fig[64], name[512];
    pv_format_with_unit(info->total_tt, info->unit, fig, sizeof fig);
    char *s = pv_xmalloc(cap);
    len = (size_t)snprintf(s, cap, "%s \xc2\xb7 total %s \xc2\xb7 unit: %s \xc2\xb7 view: (all)",
                           info->name, fig, info->unit);
    for (size_t i = 0; i < t->path_len; i++) {
        box_name(g, &t->path[i], name, sizeof name);
        s = pv_xgrow(s, &cap, len + strlen(name) + 4, 1);
        len += (size_t)snprintf(s + len, cap - len, " > %s", name);
    }
    if (t->path_len > 0) {
        pv_format_with_unit(t->nodes[0].time, info->unit, fig, sizeof fig);
        s = pv_xgrow(s, &cap, len + strlen(fig) + 4, 1);
        len += (size_t)snprintf(s + len, cap - len, " (%s)", fig);
    }
    char *out = pv_icicle_fit(s, (width - 2 * PV_ICICLE_PAD) / PV_ICICLE_CHAR_PX);
    free(s);
    return out;
}

/* The legend under the chart from `top`: swatch, label, flowing onto
 * new lines at the right edge.  Returns the y under it. */
static unsigned place_keys(pv_icicle *ic, unsigned top)
{
    double x = PV_ICICLE_PAD, y = top;
    for (size_t k = 0; k < ic->n_keys; k++) {
        pv_icicle_key *key = &ic->keys[k];
        double w = PV_ICICLE_SWATCH_PX + 4 +
                   (double)pv_icicle_chars(key->label) * PV_ICICLE_CHAR_PX;
        if (x > PV_ICICLE_PAD && x + w > ic->width - PV_ICICLE_PAD) {
            x = PV_ICICLE_PAD;
            y += PV_ICICLE_ROW_PX;
        }
        key->x = x;
        key->y = y + (PV_ICICLE_ROW_PX - PV_ICICLE_SWATCH_PX) / 2.0;
        x += w + KEY_GAP;
    }
    return (unsigned)y + PV_ICICLE_ROW_PX;
}

/* A box's rectangle at x, w wide on `row`, with the gap to its
 * neighbours taken off as the page does (boxes.js's GAP, when the box
 * can spare it). */
static pv_icicle_box *place(pv_icicle *ic, double x, double w, unsigned row)
{
    pv_icicle_box *b = &ic->boxes[ic->n_boxes++];
    memset(b, 0, sizeof *b);
    b->row = row;
    b->x = x;
    b->w = w > 2 ? w - 1 : w;
    b->y = PV_ICICLE_HEADER_PX + (double)row * PV_ICICLE_ROW_PX;
    b->h = PV_ICICLE_ROW_PX - 1;
    return b;
}

/* A run of neighbouring boxes each too thin to draw, as the page's band
 * (layout/icicle.js's RUN_THIN): one grey box, so their time shows where
 * it is rather than reading as the parent's self time. */
static int band(pv_icicle *ic, double x0, double x1, unsigned row, double boxes, double time,
                const char *unit)
{
    if (x1 - x0 < PV_ICICLE_MIN_PX)
        return 0;
    char fig[64], title[256];
    pv_format_with_unit(time, unit, fig, sizeof fig);
    snprintf(title, sizeof title, "%.0f %s too thin to draw\n%s\n"
             "(--path to a box above, or a larger --width, shows them)", boxes,
             boxes == 1 ? "box," : "boxes, each", fig);
    pv_icicle_box *b = place(ic, x0, x1 - x0, row);
    b->fill = pv_neutral();
    b->label = pv_xstrdup("");
    b->title = pv_xstrdup(title);
    return 1;
}

/* The labels of the boxes (node_of[k]: box k's tree node, SIZE_MAX for a
 * band, which says nothing): names that start as another one drawn does
 * keep their ends. */
static void label_boxes(const pv_graph *g, const pv_tree *t, const size_t *node_of,
                        const char *unit, pv_icicle *ic)
{
    char name[1024], fig[80];
    /* The names of the functions drawn, once per function. */
    char **names = pv_xmalloc((ic->n_boxes + 1) * sizeof *names);
    uint8_t *seen = pv_xcalloc(g->n_funcs + 1, 1);
    size_t n_names = 0;
    for (size_t k = 0; k < ic->n_boxes; k++) {
        const pv_tree_node *n = node_of[k] == SIZE_MAX ? NULL : &t->nodes[node_of[k]];
        if (!n || n->func < 0 || seen[n->func])
            continue;
        seen[n->func] = 1;
        box_name(g, n, name, sizeof name);
        names[n_names++] = pv_xstrdup(name);
    }
    pv_shared_set shared;
    pv_shared_init(&shared, names, n_names);
    for (size_t k = 0; k < ic->n_boxes; k++) {
        if (node_of[k] == SIZE_MAX)
            continue;
        const pv_tree_node *n = &t->nodes[node_of[k]];
        box_name(g, n, name, sizeof name);
        pv_format_value(n->time, unit, fig + 4, sizeof fig - 4);
        const char *figure = fig + 4;
        if (!n->exact) {
            /* "≈ " in front, in the room left before the figure. */
            memcpy(fig + 4 - (sizeof ALMOST - 1), ALMOST, sizeof ALMOST - 1);
            figure = fig + 4 - (sizeof ALMOST - 1);
        }
        ic->boxes[k].label = pv_icicle_label(name, figure, ic->boxes[k].w,
                                             n->func >= 0 && pv_shared_has(&shared, name));
    }
    pv_shared_release(&shared);
    free(seen);
}

/* Lays out the boxes (layout/icicle.js's layoutIcicle, in pixels);
 * *exact and *total get the time of the exact boxes drawn and of all of
 * them, summed over the levels (legend.js's exactTime: what the legend's
 * share says). */
static void lay_boxes(const pv_graph *g, const pv_tree *t, const pv_rgb *fill, const char *unit,
                      pv_icicle *ic, double *exact, double *total)
{
    *exact = *total = 0;
    double *x0 = pv_xmalloc(t->n_nodes * sizeof *x0), *ww = pv_xmalloc(t->n_nodes * sizeof *ww);
    /* Each node is a box or in a band, and a band stands for one node at least. */
    ic->boxes = pv_xmalloc(t->n_nodes * sizeof *ic->boxes);
    /* The node of each box (SIZE_MAX: a band), for the labels below. */
    size_t *node_of = pv_xmalloc(t->n_nodes * sizeof *node_of);
    x0[0] = 0;
    ww[0] = ic->width;
    for (size_t i = 0; i < t->n_nodes; i++) {
        const pv_tree_node *n = &t->nodes[i];
        if (ww[i] < PV_ICICLE_THIN_PX) {
            /* Culled, with everything under it. */
            for (uint32_t c = 0; c < n->n_children; c++)
                ww[n->first_child + c] = 0;
            continue;
        }
        /* Children from the parent's left edge; scaled down together when
         * their figures exceed the parent's, so none pokes out of it. */
        double sum = 0;
        for (uint32_t c = 0; c < n->n_children; c++)
            sum += pv_finite_time(t->nodes[n->first_child + c].time);
        double parent = pv_finite_time(n->time);
        double per = parent > 0 ? ww[i] / (sum > parent ? sum : parent) : 0;
        double cursor = x0[i], run_x = -1, run_boxes = 0, run_time = 0;
        for (uint32_t c = 0; c < n->n_children; c++) {
            size_t k = n->first_child + c;
            const pv_tree_node *kid = &t->nodes[k];
            x0[k] = cursor;
            ww[k] = pv_finite_time(kid->time) * per;
            cursor = fmin(cursor + ww[k], x0[i] + ww[i]);
            if (ww[k] < PV_ICICLE_THIN_PX) {
                if (ww[k] > 0) {
                    run_x = run_x < 0 ? x0[k] : run_x;
                    run_boxes += kid->func == PV_TREE_SMALLER ? kid->n_merged : 1;
                    run_time += pv_finite_time(kid->time);
                }
                continue;
            }
            if (run_x >= 0 && band(ic, run_x, x0[k], n->depth + 1, run_boxes, run_time, unit))
                node_of[ic->n_boxes - 1] = SIZE_MAX;
            run_x = -1, run_boxes = run_time = 0;
        }
        if (run_x >= 0 && band(ic, run_x, cursor, n->depth + 1, run_boxes, run_time, unit))
            node_of[ic->n_boxes - 1] = SIZE_MAX;
        node_of[ic->n_boxes] = i;
        pv_icicle_box *b = place(ic, x0[i], ww[i], n->depth);
        b->fill = fill[i];
        b->estimated = !n->exact;
        ic->any_estimated |= b->estimated;
        *total += pv_finite_time(n->time);
        *exact += n->exact ? pv_finite_time(n->time) : 0;
        b->title = title_of(g, n, unit);
    }
    label_boxes(g, t, node_of, unit, ic);
    free(node_of);
    qsort(ic->boxes, ic->n_boxes, sizeof *ic->boxes, by_row_x);
    free(x0);
    free(ww);
}

int pv_icicle_layout(const pv_export_job *job, pv_icicle *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    out->width = job->width ? job->width : PV_ICICLE_WIDTH;
    pv_profile_info info;
    int rc = pv_ctx_info(job->ctx, job->id, &info, err);
    if (rc != PV_OK)
        return rc;
    pv_cached *e;
    rc = pv_ctx_graph(job->ctx, job->id, &e, err);
    if (rc != PV_OK) {
        pv_profile_info_release(&info);
        return rc;
    }
    const pv_graph *g = pv_cached_graph(e);
    pv_tree t;
    /* The page's cutoff keeps a level under 2,000 boxes ("(N smaller)"
     * included); a view of many levels could still pass pv_tree_build's
     * cap on boxes, and would then end at the last whole level built. */
    rc = pv_tree_build(g, job->path, job->path_len, job->depth ? job->depth : PV_ICICLE_DEPTH,
                       PV_ICICLE_CUTOFF, &t, err);
    if (rc == PV_OK) {
        pv_rgb *fill = pv_xmalloc(t.n_nodes * sizeof *fill);
        double exact, total;
        pv_icicle_colours(g, &t, fill, out);
        lay_boxes(g, &t, fill, info.unit, out, &exact, &total);
        free(fill);
        if (out->any_estimated) {
            /* As the page's legend: what hatching means and how much of
             * the chart is exact. */
            char label[256], share[16];
            double part = total > 0 ? fmin(1, fmax(0, exact / total)) : 0;
            /* Rounded down, so a chart with any estimate never says 100%. */
            if (part > 0 && floor(100 * part) == 0)
                snprintf(share, sizeof share, "< 1");
            else
                snprintf(share, sizeof share, "%.0f", floor(100 * part));
            snprintf(label, sizeof label,
                     "estimated \xe2\x89\x88 \xc2\xb7 exact: %s%% of the %.64s drawn", share,
                     pv_unit_noun(info.unit));
            pv_icicle_key *key = &out->keys[out->n_keys++];
            key->fill = pv_neutral();
            key->hatched = 1;
            key->label = pv_icicle_fit(label, (out->width - 2 * PV_ICICLE_PAD -
                                               PV_ICICLE_SWATCH_PX - 4) / PV_ICICLE_CHAR_PX);
        }
        out->header = header_of(g, &t, &info, out->width);
        unsigned rows = t.n_nodes ? 1 : 0;
        for (size_t i = 0; i < out->n_boxes; i++)
            if (out->boxes[i].row + 1 > rows)
                rows = out->boxes[i].row + 1;
        unsigned chart_end = PV_ICICLE_HEADER_PX + rows * PV_ICICLE_ROW_PX;
        out->height = place_keys(out, chart_end + 6) + PV_ICICLE_PAD;
        pv_tree_release(&t);
    } else if (rc == PV_E_NOTFOUND) {
        pv_err_prefix(err, "--path");
    }
    pv_ctx_graph_release(job->ctx, e);
    pv_profile_info_release(&info);
    if (rc != PV_OK)
        pv_icicle_release(out);
    return rc;
}

void pv_icicle_release(pv_icicle *ic)
{
    for (size_t i = 0; i < ic->n_boxes; i++) {
        free(ic->boxes[i].label);
        free(ic->boxes[i].title);
    }
    for (size_t k = 0; k < ic->n_keys; k++)
        free(ic->keys[k].label);
    free(ic->boxes);
    free(ic->keys);
    free(ic->header);
    memset(ic, 0, sizeof *ic);
}
