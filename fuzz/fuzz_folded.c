/* fuzz_folded.c — libFuzzer target for the folded-stacks reader.
 *
 * Every input is read by the folded reader (forced, as --format folded
 * does: the sniff would turn most mutations away) with the arena limit
 * the loader would use for a file of that size.  A successful read must
 * give a profile the store and the server can index blindly: edges and
 * tree nodes inside the function table, parents before their nodes,
 * finite non-negative weights, nodes that some sample reached, strings
 * that exist; its total must be the sum of its top-level nodes.  A
 * refusal must be PV_E_FORMAT naming a line or byte, or PV_E_TOO_BIG
 * naming the limit it hit.  Any breach abort()s, so libFuzzer keeps the
 * input.  No state survives between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void breach(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_folded: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void check_tree(const pv_profile *p)
{
    const pv_recorded *r = p->recorded;
    if (!r || !r->timer || !r->recorder)
        breach("no tree, or one without timer or recorder", NULL);
    long double top = 0;
    for (size_t i = 0; i < r->n_nodes; i++) {
        const pv_node *n = &r->nodes[i];
        if (n->parent != PV_NODE_TOP && n->parent >= i)
            breach("node's parent is not before it", NULL);
        if (n->func >= p->n_entries)
            breach("node names no entry", NULL);
        if (n->calls < 1 || !(n->tt >= 0 && n->ct >= n->tt) || isinf(n->ct))
            breach("node with figures out of range", NULL);
        if (n->parent == PV_NODE_TOP)
            top += n->ct;
    }
    if (fabsl(top - p->total_tt) > 1e-9L * (fabsl(top) + 1))
        breach("total is not the sum of the top-level nodes", NULL);
}

static void check_profile(const pv_profile *p)
{
    if (strcmp(p->format, "folded") != 0 || strcmp(p->unit, "samples") != 0 ||
        strcmp(p->calls_unit, "samples") != 0 || !p->variant || !p->writer || !p->dialect)
        breach("format, units or names not set", NULL);
    if (p->n_entries > p->n_funcs || (p->n_funcs && !p->funcs) || (p->n_edges && !p->edges))
        breach("tables missing", NULL);
    for (size_t i = 0; i < p->n_funcs; i++) {
        if (!p->funcs[i].file || !p->funcs[i].name)
            breach("function with a NULL file or name", NULL);
        (void)strlen(p->funcs[i].name);
    }
    for (size_t i = 0; i < p->n_edges; i++)
        if (p->edges[i].caller >= p->n_funcs || p->edges[i].callee >= p->n_funcs)
            breach("edge outside the function table", NULL);
    for (size_t i = 0; i < p->n_warnings; i++)
        (void)strlen(p->warnings[i]);
    check_tree(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(size));
    pv_profile p;
    pv_err err;
    pv_err_clear(&err);
    int rc = pv_folded_parse(data, size, NULL, &arena, &p, &err);
    if (rc == PV_OK)
        check_profile(&p);
    else if (rc != PV_E_FORMAT && rc != PV_E_TOO_BIG)
        breach("unexpected error code", err.msg);
    else if (rc == PV_E_FORMAT && !strstr(err.msg, "line ") && !strstr(err.msg, "byte "))
        breach("format error without a line or byte", err.msg);
    else if (rc == PV_E_TOO_BIG && !strstr(err.msg, "limit") && !strstr(err.msg, "frames"))
        breach("limit error that names no limit", err.msg);
    pv_arena_release(&arena);
    return 0;
}
