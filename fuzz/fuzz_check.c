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
}

void pv_fuzz_check_error(int rc, const pv_err *err, int usage_ok)
{
    if (rc == PV_E_FORMAT && !strstr(err->msg, "byte "))
        breach("format error without a byte offset", err->msg);
    else if (rc == PV_E_TOO_BIG && !strstr(err->msg, "limit") && !strstr(err->msg, "memory allowed"))
        breach("limit error that names no limit", err->msg);
    else if (rc != PV_E_FORMAT && rc != PV_E_TOO_BIG && !(usage_ok && rc == PV_E_USAGE))
        breach("unexpected error code", err->msg);
}
