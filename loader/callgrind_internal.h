/* callgrind_internal.h — what the callgrind reader's two halves share
 * (internal to loader/): callgrind.c reads the lines into a raw call graph
 * keyed by callgrind's own names, callgrind_model.c turns that graph into
 * the pv_profile the pstats consumers read.
 *
 * Everything lives in the load's arena (its limit is the memory cap).
 * callgrind_map.c holds the small helpers the three files share.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CALLGRIND_INTERNAL_H
#define PV_CALLGRIND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "loader.h"
#include "profile.h"
#include "read_util.h"

/* A function as the file names it: (object, file, name), interned, so
 * equal strings are equal pointers. */
typedef struct pv_cg_func {
    const char *object, *file, *name;
    uint64_t self;       /* sum of its cost lines, in the chosen event */
    int64_t line;        /* smallest line of its own cost lines in its file, 0 if none */
} pv_cg_func;

/* All calls from one function to another (or to itself). */
typedef struct pv_cg_call {
    uint32_t caller, callee;  /* indices into pv_cg_graph.funcs */
    uint64_t count;           /* sum of calls= counts */
    uint64_t incl;            /* sum of the calls' inclusive costs, chosen event */
} pv_cg_call;

/* What the lines say: functions in order of first use, calls in order of
 * first appearance, and the facts the model and warnings need. */
typedef struct pv_cg_graph {
    pv_cg_func *funcs;
    size_t n_funcs;
    pv_cg_call *calls;
    size_t n_calls;
    const char *const *events;  /* the events: line's names */
    size_t n_events;
    size_t event;               /* the chosen one */
    const char *creator;        /* the first creator: header, or NULL */
    int has_event_header;       /* pyprof2calltree writes `event: ns : Nanoseconds` */
    int fi_before_fn;           /* lsprofcalltree puts fi= before fn= */
    uint64_t total;             /* sum of all self costs, chosen event */
    int overflow;               /* some sum passed 2^64 - 1 and was clamped */
    int has_summary, has_totals;
    uint64_t summary, totals;   /* chosen event, last line of each (summed over parts) */
    size_t n_forward;           /* ids used before the line defining them */
} pv_cg_graph;

static inline bool pv_cg_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Whether s[0..n) starts with prefix. */
static inline bool pv_cg_starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* An open-addressing hash map from a pair of 64-bit keys to a 32-bit
 * value, in the arena: names' ids, function keys, caller->callee pairs. */
typedef struct pv_cg_slot {
    uint64_t k1, k2;
    uint32_t value;   /* UINT32_MAX: empty */
} pv_cg_slot;

typedef struct pv_cg_map {
    pv_cg_slot *slots;
    size_t mask, n;
} pv_cg_map;

/* The value stored for (k1, k2), or UINT32_MAX. */
uint32_t pv_cg_map_get(const pv_cg_map *m, uint64_t k1, uint64_t k2);

/* Stores value for (k1, k2), replacing the one there.  PV_OK or
 * PV_E_TOO_BIG. */
int pv_cg_map_put(pv_cg_map *m, pv_arena *arena, uint64_t k1, uint64_t k2, uint32_t value,
                  pv_err *err);

/* callgrind_read.c: reads the lines of buf into *g (in `arena`), the costs of
 * opts->event (the first event by default).  PV_OK, PV_E_FORMAT ("line
 * N: ..."), PV_E_USAGE (no such event) or PV_E_TOO_BIG. */
int pv_callgrind_read(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                      pv_arena *arena, pv_cg_graph *g, pv_err *err);

/* Turns the raw graph into `out` (funcs, edges, totals, warnings; the
 * caller sets format, unit and the other labels).  PV_OK or PV_E_TOO_BIG. */
int pv_cg_model(const pv_cg_graph *g, pv_arena *arena, pv_profile *out, pv_err *err);

/* The arena's limit as an error. */
int pv_cg_too_big(pv_arena *arena, pv_err *err);

#endif
