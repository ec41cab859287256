/* folded.c — `export --folded`: one line per call path, "f1;f2;...;fn W",
 * W the path's own weight (what flamegraph.pl, inferno, speedscope and
 * profviz's own folded reader take).
 *
 * An exact tree (recorded, or a stack format's) is written node by node:
 * the figures are the data's.  A pstats dump keeps caller/callee totals,
 * not stacks, so its paths are the chart's estimate (callgraph/tree.h:
 * every box's time not shown in its children, the whole profile, as deep
 * as a view goes), and the first line, a comment, says so.
 * Frames are "name (file:line)", py-spy's form, or the bare name for
 * builtins and for functions with no file (a folded file's own frames);
 * a ';' in a name, which every reader splits on, becomes ':' (as
 * stackcollapse.pl does), line breaks become spaces.
 * Weights: whole numbers (samples, bytes, whole microseconds) are written
 * as they are; fractional times as whole nanoseconds, since speedscope
 * reads integers only; any other fraction as a plain decimal.  Paths of
 * zero, negative or NaN weight are left out: no reader draws them.
 * SPDX-License-Identifier: MIT
 */
#include "export.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "json.h"
#include "tree.h"
#include "units.h"
#include "xalloc.h"

/* The most a stored profile may take in memory while it is written. */
#define READ_LIMIT ((size_t)1 << 34)

/* How weights are written (see the file's comment). */
typedef enum weight_mode { W_WHOLE, W_NANOSECONDS, W_DECIMAL } weight_mode;

typedef struct writer {
    pv_jbuf line;             /* the line being built */
    FILE *out;
    weight_mode mode;
    double to_ns;             /* W_NANOSECONDS: nanoseconds in one of the profile's unit */
} writer;

static bool is_whole(double w)
{
    return !(w > 0) || (w == floor(w) && w < 9.2e18);
}

static weight_mode choose_mode(const pv_profile *p, const double *w, size_t n, double *to_ns)
{
    bool whole = true;
    for (size_t i = 0; i < n && whole; i++)
        whole = is_whole(w[i]);
    double per_second = pv_unit_per_second(p->unit);
    *to_ns = per_second ? 1e9 / per_second : 0;
    return whole ? W_WHOLE : per_second ? W_NANOSECONDS : W_DECIMAL;
}

/* A frame's text: see the file's comment. */
static void add_frame(pv_jbuf *b, const char *name, const char *file, int64_t line)
{
    size_t start = b->len;
    pv_jbuf_raw(b, name, strlen(name));
    if (file && *file && strcmp(file, "~") != 0) {
        char tail[40];
        pv_jbuf_lit(b, " (");
        pv_jbuf_raw(b, file, strlen(file));
        int n = snprintf(tail, sizeof tail, ":%lld)", (long long)line);
        pv_jbuf_raw(b, tail, (size_t)n);
    }
    for (size_t i = start; i < b->len; i++) {
        if (b->s[i] == ';')
            b->s[i] = ':';
        else if (b->s[i] == '\n' || b->s[i] == '\r' || b->s[i] == '\t')
            b->s[i] = ' ';
    }
}

/* A weight's text into buf; false when the path is to be left out. */
static bool format_weight(const writer *w, double v, char *buf, size_t cap)
{
    if (!(v > 0))
        return false;
    if (w->mode == W_WHOLE) {
        snprintf(buf, cap, "%.0f", v);
        return true;
    }
    if (w->mode == W_NANOSECONDS) {
        double ns = round(v * w->to_ns);
        if (!(ns >= 1))
            return false;
        snprintf(buf, cap, "%.0f", ns);
        return true;
    }
    /* The shortest decimal that reads back as v, without an exponent
     * (flamegraph.pl reads digits and one '.'). */
    for (int prec = 1; prec < 40; prec++) {
        snprintf(buf, cap, "%.*f", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return strtod(buf, NULL) > 0;
}

/* Writes the path in w->line (left as it is) with its weight. */
static int emit(writer *w, double v, pv_err *err)
{
    char num[64];
    if (!format_weight(w, v, num, sizeof num))
        return PV_OK;
    /* A last frame ending in a blank and digits ("thread 1") would read
     * as a count: a trailing ';', which readers drop, keeps it a frame. */
    const char *s = w->line.s;
    size_t end = w->line.len, i = end;
    while (i > 0 && ((s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == '.'))
        i--;
    const char *sep = i < end && i > 0 && s[i - 1] == ' ' ? "; " : " ";
    if (fwrite(s, 1, end, w->out) != end || fprintf(w->out, "%s%s\n", sep, num) < 0)
        return pv_err_set(err, PV_E_IO, "writing folded stacks: %s", strerror(errno));
    return PV_OK;
}

static int comment(FILE *out, const char *text, pv_err *err)
{
    if (fprintf(out, "# %s\n", text) < 0)
        return pv_err_set(err, PV_E_IO, "writing folded stacks: %s", strerror(errno));
    return PV_OK;
}

static int weights_comment(const writer *w, const pv_profile *p, pv_err *err)
{
    char text[200];
    snprintf(text, sizeof text, "weights: each path's own %s",
             w->mode == W_NANOSECONDS ? "time in nanoseconds" : p->unit ? p->unit : "seconds");
    return comment(w->out, text, err);
}

/* ---- exact trees ------------------------------------------------------ */

static void add_node_frame(pv_jbuf *b, const pv_profile *p, uint32_t func)
{
    if (func == PV_NODE_OVERFLOW) {
        add_frame(b, "(paths past the recorder's cap)", NULL, 0);
        return;
    }
    const pv_func *f = &p->funcs[func];
    add_frame(b, f->name, f->file, f->line);
}

static int write_exact(writer *w, const pv_profile *p, pv_err *err)
{
    const pv_recorded *rec = p->recorded;
    double *own = pv_xmalloc((rec->n_nodes ? rec->n_nodes : 1) * sizeof *own);
    for (size_t i = 0; i < rec->n_nodes; i++)
        own[i] = rec->nodes[i].tt;
    w->mode = choose_mode(p, own, rec->n_nodes, &w->to_ns);
    free(own);
    int rc = weights_comment(w, p, err);
    /* Pre-order: the path to a node is the path to its parent plus it, so
     * the line keeps the parent's text and end[i] is where node i's ends. */
    size_t *end = pv_xmalloc((rec->n_nodes + 1) * sizeof *end);
    for (size_t i = 0; i < rec->n_nodes && rc == PV_OK; i++) {
        const pv_node *nd = &rec->nodes[i];
        w->line.len = nd->parent == PV_NODE_TOP ? 0 : end[nd->parent];
        if (nd->parent != PV_NODE_TOP)
            pv_jbuf_lit(&w->line, ";");
        add_node_frame(&w->line, p, nd->func);
        end[i] = w->line.len;
        if (nd->tt > 0)
            rc = emit(w, nd->tt, err);
    }
    free(end);
    return rc;
}

/* ---- estimated paths (pstats) ---------------------------------------- */

static void add_box_frame(pv_jbuf *b, const pv_graph *g, const pv_tree_node *n)
{
    if (n->func == PV_TREE_SMALLER)
        add_frame(b, "(smaller boxes)", NULL, 0);
    else if (n->func == PV_TREE_OVERFLOW)
        add_frame(b, "(paths past the recorder's cap)", NULL, 0);
    else
        add_frame(b, g->funcs[n->func].name, g->funcs[n->func].file, g->funcs[n->func].line);
}

/* A box's own weight: the time its shown children leave, or, for a box
 * whose children the view's depth left out, all of its time (the paths
 * below it summed into it, as the chart draws it). */
static double box_weight(const pv_tree_node *n)
{
    return n->more && n->n_children == 0 ? n->time : n->self;
}

static int write_estimated(writer *w, const pv_profile *p, pv_err *err)
{
    pv_graph *g = pv_graph_new(p);
    pv_tree t;
    int rc = pv_tree_build(g, NULL, 0, PV_TREE_MAX_DEPTH, 0, &t, err);
    if (rc != PV_OK) {
        pv_graph_free(g);
        return rc;
    }
    double *own = pv_xmalloc((t.n_nodes ? t.n_nodes : 1) * sizeof *own);
    bool cut = false;
    for (size_t i = 0; i < t.n_nodes; i++) {
        own[i] = i ? box_weight(&t.nodes[i]) : 0;
        cut = cut || t.nodes[i].more;
    }
    w->mode = choose_mode(p, own, t.n_nodes, &w->to_ns);
    free(own);
    rc = comment(w->out, "estimated: a pstats dump keeps caller/callee totals, not stacks, so "
                 "these paths and their weights are profviz's estimate from those totals (the "
                 "chart's boxes), not measured", err);
    if (rc == PV_OK && cut)
        rc = comment(w->out, "cut short: paths deeper than a chart shows are summed into their "
                     "deepest box shown", err);
    if (rc == PV_OK)
        rc = weights_comment(w, p, err);
    const pv_tree_node *chain[PV_TREE_MAX_DEPTH + 2];
    for (size_t i = 1; i < t.n_nodes && rc == PV_OK; i++) {
        double weight = box_weight(&t.nodes[i]);
        if (!(weight > 0))
            continue;
        size_t n = 0;
        for (uint32_t at = (uint32_t)i; at != 0 && at != UINT32_MAX && n < PV_TREE_MAX_DEPTH + 2;
             at = t.nodes[at].parent)
            chain[n++] = &t.nodes[at];
        w->line.len = 0;
        while (n--) {
            add_box_frame(&w->line, g, chain[n]);
            if (n)
                pv_jbuf_lit(&w->line, ";");
        }
        rc = emit(w, weight, err);
    }
    pv_tree_release(&t);
    pv_graph_free(g);
    return rc;
}

int pv_export_folded(const pv_export_job *job, FILE *out, pv_err *err)
{
    pv_arena arena;
    pv_profile p;
    pv_arena_init(&arena, READ_LIMIT);
    int rc = pv_export_read(job, &arena, &p, err);
    if (rc == PV_OK) {
        writer w = {.out = out};
        pv_jbuf_init(&w.line, 4096);
        rc = p.recorded ? write_exact(&w, &p, err) : write_estimated(&w, &p, err);
        pv_jbuf_free(&w.line);
    }
    pv_arena_release(&arena);
    return rc;
}
