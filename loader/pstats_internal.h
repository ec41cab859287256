/* pstats_internal.h — what the two pstats readers share (internal to loader/).
 *
 * pstats.c reads any dump through the generic marshal tree; pstats_fast.c
 * reads the common shape straight from the bytes and hands anything
 * unusual back.  Both fill the same parser: interned keys (entries and
 * caller-only keys) and caller->callee edges, which pstats.c then turns
 * into a pv_profile.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PSTATS_INTERNAL_H
#define PV_PSTATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "marshal.h"
#include "profile.h"

/* One function while parsing: its key (strings borrowed from the input or
 * the marshal tree), and the numbers read from its entry. */
typedef struct keyinfo {
    const char *file, *name;  /* not NUL-terminated */
    size_t file_n, name_n;
    int64_t line;
    uint64_t hash;
    const pv_mcode *code;     /* the name came from this code object, or NULL */
    const pv_mobj *value;     /* generic reader: the entry's value (last one wins) */
    uint32_t entry;           /* position among the entries + 1; 0 for caller-only keys */
    int64_t cc, nc;
    double tt, ct;
} keyinfo;

/* Per key, kept apart from keyinfo for cache locality: which callee's
 * callers dict named it last, and the edge made then. */
typedef struct edge_stamp {
    uint32_t last_callee;     /* callee index + 1 */
    uint32_t edge_at;         /* that edge's index */
} edge_stamp;

/* A hash-table slot: the key's index + 1 (0 = empty) and its hash. */
typedef struct slot {
    uint64_t hash;
    uint32_t idx;
} key_slot;

/* What the reading found out, beyond keys and edges. */
typedef struct pstats_facts {
    size_t end;               /* offset just after the dump */
    int py2;                  /* Python 2's t/R sharing */
    int version;              /* lowest marshal version consistent with the codes */
    size_t n_entries;         /* keys with an entry of their own (they come first) */
    size_t n_markers;         /* non-function keys skipped (3.15's ("__sampled__",)) */
    size_t n_dups;            /* entry keys seen twice */
    size_t n_edge_dups;       /* caller keys seen twice in one callers dict */
    size_t n_count_edges;     /* edges with a bare count */
    size_t n_escaped;         /* strings whose non-UTF-8 bytes became U+DC80.. */
    size_t n_latin1;          /* ASCII-coded strings read as Latin-1 */
    size_t n_bytes_strings;   /* keys holding bytes in a Python-3 file */
    size_t n_nul_names;       /* names holding NUL, shown as U+2400 */
} pstats_facts;

typedef struct parser {
    pv_arena *arena;
    pv_profile *p;
    keyinfo *keys;            /* becomes p->funcs, same order */
    size_t n_keys, cap_keys;
    edge_stamp *stamps;       /* parallel to keys */
    size_t cap_stamps;
    key_slot *table;          /* open addressing over keys */
    size_t table_mask;
    pv_edge *edges;           /* heap; copied into the arena at the end */
    size_t n_edges, cap_edges;
    pstats_facts facts;
    pv_err *err;
} parser;

/* FNV-1a over a key's file, line and name. */
uint64_t pv_pstats_hash_key(const keyinfo *k);

/* The index of key k (its hash set), adding it if new; *added tells which.
 * PV_E_TOO_BIG past 4 billion keys. */
int pv_pstats_intern(parser *ps, const keyinfo *k, uint32_t *idx, int *added);

/* Appends an edge to ps->edges, or replaces the one `callee` already has
 * from the same caller (a dict keeps the last value of a repeated key). */
void pv_pstats_add_edge(parser *ps, const pv_edge *e);

/* s[0..n) NUL-terminated in the arena with each NUL inside it shown as
 * U+2400 (a NUL would cut every later use of the name short); *out_n its
 * length.  NULL when the arena is full.  The trailer's keys go through it
 * too, so they match the functions'. */
char *pv_pstats_show_nul(pv_arena *arena, const char *s, size_t n, size_t *out_n);

/* pv_pstats_parse, optionally without the fast reader (for tests that
 * hold both readers to the same oracles). */
int pv_pstats_parse_with(const unsigned char *buf, size_t len, pv_arena *arena, pv_profile *out,
                         int generic_only, pv_err *err);

/* Reads the common shape of a dump directly.  PV_OK with the parser
 * filled, or PV_PSTATS_FALLBACK (nothing reported) when the input holds
 * anything else — code objects, text floats, damage — for the generic
 * reader to handle.  Keys come out entries first, in file order. */
#define PV_PSTATS_FALLBACK 1
int pv_pstats_fast(parser *ps, const unsigned char *buf, size_t len);

#endif
