/* fuzz_check.c — see fuzz_check.h.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void breach(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static int cost_ok(double v)
{
    return isfinite(v) && v >= 0;
}

/* A tree built from a file's stacks sums to the profile's total. */
static void check_stack_total(const pv_profile *p)
{
    long double top = 0;
    for (size_t i = 0; i < p->recorded->n_nodes; i++)
        if (p->recorded->nodes[i].parent == PV_NODE_TOP)
            top += p->recorded->nodes[i].ct;
    if (fabsl(top - p->total_tt) > 1e-9L * (fabsl(top) + 1))
        breach("total is not the sum of the top-level nodes", NULL);
}

/* callgrind's costs bound what the call graph may draw. */
static void check_graph_costs(const pv_profile *p)
{
    for (size_t i = 0; i < p->n_funcs; i++) {
        const pv_func *f = &p->funcs[i];
        if (f->nc < 0 || f->cc < 0 || f->cc > f->nc)
            breach("calls out of range", f->name);
        if (!cost_ok(f->tt) || !cost_ok(f->ct) || f->ct < f->tt || f->ct > p->total_tt)
            breach("cost out of range", f->name);
    }
    for (size_t i = 0; i < p->n_edges; i++) {
        const pv_edge *e = &p->edges[i];
        if (i && e->callee < p->edges[i - 1].callee)
            breach("edges not grouped by callee", NULL);
        if (e->nc < 0 || e->cc != e->nc || !cost_ok(e->ct) || (!isnan(e->tt) && !cost_ok(e->tt)))
            breach("edge figures out of range", NULL);
        if (e->ct > p->total_tt)
            breach("an edge costs more than the program", NULL);
    }
}

/* Cheap: linear in the profile, and strlen makes ASan check that every
 * string is terminated inside its allocation. */
void pv_fuzz_check_profile(const pv_profile *p)
{
    if (p->n_entries > p->n_funcs)
        breach("more entries than functions", NULL);
    if (!p->format || !p->writer || !p->dialect || !p->unit || !p->calls_unit || !p->variant)
        breach("format, unit, calls_unit, variant, writer or dialect is NULL", NULL);
    for (size_t i = 0; i < p->n_choices; i++)
        (void)strlen(p->choices[i]);
    if ((p->n_funcs && !p->funcs) || (p->n_edges && !p->edges))
        breach("arrays missing", NULL);
    for (size_t i = 0; i < p->n_funcs; i++) {
        const pv_func *f = &p->funcs[i];
        if (!f->file || !f->name)
            breach("function with a NULL file or name", NULL);
        (void)strlen(f->file);
        (void)strlen(f->name);
        if (f->code_name)
            (void)strlen(f->code_name);
        if (f->code_file)
            (void)strlen(f->code_file);
        if ((i < p->n_entries) == ((f->flags & PV_FUNC_CALLER_ONLY) != 0))
            breach("caller-only flag does not match the function's place", f->name);
    }
    for (size_t i = 0; i < p->n_edges; i++)
        if (p->edges[i].caller >= p->n_funcs || p->edges[i].callee >= p->n_funcs)
            breach("edge outside the function table", NULL);
    const pv_recorded *r = p->recorded;
    for (size_t i = 0; r && i < r->n_nodes; i++) {
        const pv_node *n = &r->nodes[i];
        if (n->parent != PV_NODE_TOP && n->parent >= i)
            breach("recorded node's parent is not before it", NULL);
        if (n->func != PV_NODE_OVERFLOW && n->func >= p->n_entries)
            breach("recorded node names no entry", NULL);
        if (n->calls < 1 || !(n->tt >= 0 && n->ct >= 0) || isinf(n->tt) || isinf(n->ct))
            breach("recorded node with figures out of range", NULL);
        if (n->parent != PV_NODE_TOP && r->nodes[n->parent].func == PV_NODE_OVERFLOW)
            breach("recorded node below an overflow node", NULL);
    }
    if (r && (!r->timer || !r->recorder))
        breach("recorded tree without timer or recorder", NULL);
    for (size_t i = 0; i < p->n_warnings; i++) {
        if (!p->warnings || !p->warnings[i])
            breach("NULL warning", NULL);
        (void)strlen(p->warnings[i]);
    }
    if (r && strcmp(p->format, "pstats") != 0)
        check_stack_total(p);
    if (strcmp(p->format, "callgrind") == 0)
        check_graph_costs(p);
}

void pv_fuzz_check_error(int rc, const pv_err *err, int usage_ok)
{
    if (rc == PV_E_FORMAT && !strstr(err->msg, "byte ") && !strstr(err->msg, "line "))
        breach("format error without a byte offset or line", err->msg);
    else if (rc == PV_E_TOO_BIG && !strstr(err->msg, "limit") && !strstr(err->msg, "memory allowed"))
        breach("limit error that names no limit", err->msg);
    else if (rc != PV_E_FORMAT && rc != PV_E_TOO_BIG && !(usage_ok && rc == PV_E_USAGE))
        breach("unexpected error code", err->msg);
}
