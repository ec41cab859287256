/* fuzz_callgrind.c — libFuzzer target for the callgrind reader.
 *
 * Every input is parsed by pv_callgrind_parse with the arena limit the
 * loader would use for a file of that size (the first byte, when odd,
 * asks for the second event, so event choice is fuzzed too), then the
 * arena is released.  Beyond what ASan/UBSan catch, a successful parse
 * must give a profile the store and the graph can use blindly: edges
 * inside the function table and grouped by callee, counts >= 0, costs
 * finite and >= 0 (an edge's tt may be NaN: unknown), no box of a
 * function beyond the program's total, labels set; a refusal must be
 * PV_E_FORMAT naming the line or byte, PV_E_USAGE (no such event) or
 * PV_E_TOO_BIG naming the limit.  Any breach abort()s, so libFuzzer keeps
 * the input.  Invariant: no state survives between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void breach(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_callgrind: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static bool cost_ok(double v)
{
    return isfinite(v) && v >= 0;
}

static void check_profile(const pv_profile *p)
{
    if (!p->format || !p->unit || !p->calls_unit || !p->variant || !p->writer || !p->dialect)
        breach("a label is NULL", NULL);
    if (p->n_entries != p->n_funcs || (p->n_funcs && !p->funcs) || (p->n_edges && !p->edges))
        breach("arrays missing", NULL);
    for (size_t i = 0; i < p->n_choices; i++)
        (void)strlen(p->choices[i]);
    for (size_t i = 0; i < p->n_funcs; i++) {
        const pv_func *f = &p->funcs[i];
        if (!f->file || !f->name)
            breach("function with a NULL file or name", NULL);
        (void)strlen(f->file);
        (void)strlen(f->name);
        if (f->nc < 0 || f->cc < 0 || f->cc > f->nc)
            breach("calls out of range", f->name);
        if (!cost_ok(f->tt) || !cost_ok(f->ct) || f->ct < f->tt || f->ct > p->total_tt)
            breach("cost out of range", f->name);
    }
    for (size_t i = 0; i < p->n_edges; i++) {
        const pv_edge *e = &p->edges[i];
        if (e->caller >= p->n_funcs || e->callee >= p->n_funcs)
            breach("edge outside the function table", NULL);
        if (i && e->callee < p->edges[i - 1].callee)
            breach("edges not grouped by callee", NULL);
        if (e->nc < 0 || e->cc != e->nc || !cost_ok(e->ct) || (!isnan(e->tt) && !cost_ok(e->tt)))
            breach("edge figures out of range", NULL);
        if (e->ct > p->total_tt)
            breach("an edge costs more than the program", NULL);
    }
    for (size_t i = 0; i < p->n_warnings; i++)
        (void)strlen(p->warnings[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(size));
    pv_profile p;
    pv_err err;
    pv_err_clear(&err);
    /* Event names are words of the file: "Dr" is in the seeds. */
    pv_load_opts opts = {.event = size && (data[0] & 1) ? "Dr" : NULL};
    int rc = pv_callgrind_parse(data, size, &opts, &arena, &p, &err);
    if (rc == PV_OK)
        check_profile(&p);
    else if (rc == PV_E_FORMAT && !strstr(err.msg, "line ") && !strstr(err.msg, "byte "))
        breach("format error without a line or byte", err.msg);
    else if (rc == PV_E_TOO_BIG && !strstr(err.msg, "limit"))
        breach("limit error that names no limit", err.msg);
    else if (rc != PV_E_FORMAT && rc != PV_E_TOO_BIG && rc != PV_E_USAGE)
        breach("unexpected error code", err.msg);
    pv_arena_release(&arena);
    return 0;
}
