/* fuzz_pstats.c — libFuzzer target for the pstats parser.
 *
 * Every input is parsed by pv_pstats_parse with the same arena limit the
 * loader would use for a file of that size, then the arena is released.
 * Beyond what ASan/UBSan catch, a successful parse must give a profile
 * whose edges point inside the function table and whose strings exist,
 * and whose recorded tree (a trailer, seeded by tests/data/recorded) is
 * one the store and the server can index blindly: parents before their
 * nodes, functions that are entries or the overflow key, finite times;
 * a refusal must be PV_E_FORMAT with a message naming the byte offset, or
 * PV_E_TOO_BIG naming the limit (loader.h's contract).  Any breach abort()s, so libFuzzer
 * keeps the input.  Invariant: no state survives between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void breach(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_pstats: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* Cheap: linear in the profile, and strlen makes ASan check that every
 * string is terminated inside its allocation. */
static void check_profile(const pv_profile *p)
{
    if (p->n_entries > p->n_funcs)
        breach("more entries than functions", NULL);
    if (!p->format || !p->writer || !p->dialect)
        breach("format, writer or dialect is NULL", NULL);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(size));
    pv_profile p;
    pv_err err;
    pv_err_clear(&err);
    int rc = pv_pstats_parse(data, size, &arena, &p, &err);
    if (rc == PV_OK)
        check_profile(&p);
    else if (rc != PV_E_FORMAT && rc != PV_E_TOO_BIG)
        breach("unexpected error code", err.msg);
    else if (rc == PV_E_FORMAT && !strstr(err.msg, "byte "))
        breach("format error without a byte offset", err.msg);
    else if (rc == PV_E_TOO_BIG && !strstr(err.msg, "limit"))
        breach("limit error that names no limit", err.msg);
    pv_arena_release(&arena);
    return 0;
}
