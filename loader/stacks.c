/* stacks.c — the exact-tree builder behind the stack formats' readers.
 *
 * While a reader feeds it, the builder keeps a trie: one node per distinct
 * path, found by hashing (parent, function), with each node's own weight
 * and calls.  Nodes are numbered as they are made, so a parent's number is
 * always below its children's; finishing then needs no recursion: subtree
 * sums run from the last node back to the first, and one depth-first walk
 * (an explicit stack) lays the tree out in pre-order and derives the
 * function table and the edges on the way.
 *
 * The derivation counts what cProfile would have counted had it watched
 * the same calls (CPython's Modules/_lsprof.c): a function's cumulative
 * figure and primitive calls come from its outermost activations (no
 * activation of the same function above), an edge's from the activations
 * with no call along the same caller->callee pair above.  That keeps the
 * derived graph consistent with what callgraph/ expects of any graph.
 * SPDX-License-Identifier: MIT
 */
#include "stacks.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
/* The most functions or nodes a profile can have: ids are uint32 and
 * UINT32_MAX means "none". */
#define MAX_IDS (UINT32_MAX - 1)

typedef struct snode {
    uint32_t parent;       /* node id, or NONE at the top level */
    uint32_t func;
    uint32_t first_child;  /* children in order of first sight, linked */
    uint32_t last_child;
    uint32_t next;         /* next sibling */
    int64_t calls;         /* calls/samples ending here; then (finish) in the subtree */
    int64_t own;           /* calls ending here (for pv_stacks_count_own_calls) */
    long double self;      /* weight ending here */
    long double total;     /* finish: the subtree's weight */
} snode;

typedef struct sfunc {
    const char *key;
    size_t key_len;
    uint64_t hash;
    const char *file, *name;
    int64_t line;
} sfunc;

struct pv_stacks {
    pv_arena *arena;
    snode *nodes;
    uint32_t n_nodes, cap_nodes;
    uint32_t first_top, last_top;  /* top-level nodes, linked by next */
    sfunc *funcs;
    uint32_t n_funcs, cap_funcs;
    uint32_t *node_slots;          /* open addressing: node id + 1, 0 = empty */
    uint32_t *func_slots;          /* likewise for functions */
    size_t node_mask, func_mask;   /* table size - 1 (a power of two) */
    long double empty;             /* weight of samples with no frame */
    bool own_calls;                /* nodes show their own calls, not their subtree's */
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;  /* FNV-1a, finished by mix() */
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return mix(h ^ n);
}

static uint64_t hash_pair(uint32_t parent, uint32_t func)
{
    return mix(((uint64_t)parent << 32) ^ func);
}

static uint32_t *new_slots(pv_arena *a, size_t n)
{
    uint32_t *t = PV_ARENA_NEW(a, uint32_t, n);
    if (t)
        memset(t, 0, n * sizeof *t);
    return t;
}

/* `n` bytes from the arena aligned for long double (16 bytes on x86-64),
 * which the arena's 8-byte alignment does not promise. */
static void *alloc16(pv_arena *a, size_t n)
{
    char *p = n > SIZE_MAX - 15 ? NULL : pv_arena_alloc(a, n + 15);
    return p ? (void *)(((uintptr_t)p + 15) & ~(uintptr_t)15) : NULL;
}

/* Grows `*items` (element size `size`) to hold one more; the old array
 * stays in the arena (the doubling wastes at most what is in use).
 * PV_OK, or PV_E_TOO_BIG at the arena's limit or past MAX_IDS. */
static int grow(pv_arena *a, void **items, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap)
        return PV_OK;
    if (n >= MAX_IDS)
        return PV_E_TOO_BIG;
    size_t want = *cap ? (size_t)*cap * 2 : 256;
    if (want > MAX_IDS)
        want = MAX_IDS;
    void *p = want > SIZE_MAX / size ? NULL : alloc16(a, want * size);
    if (!p)
        return PV_E_TOO_BIG;
    if (n)
        memcpy(p, *items, (size_t)n * size);
    *items = p;
    *cap = (uint32_t)want;
    return PV_OK;
}

/* Doubles a hash table once it is half full, re-inserting every id.
 * PV_OK, or PV_E_TOO_BIG at the arena's limit. */
static int rehash(pv_arena *a, uint32_t **slots, size_t *mask, uint32_t n,
                  uint64_t (*hash_of)(const void *, uint32_t), const void *ctx)
{
    if ((size_t)n * 2 < *mask + 1)
        return PV_OK;
    size_t size = (*mask + 1) * 2;
    uint32_t *t = new_slots(a, size);
    if (!t)
        return PV_E_TOO_BIG;
    for (uint32_t id = 0; id < n; id++) {
        size_t i = hash_of(ctx, id) & (size - 1);
        while (t[i])
            i = (i + 1) & (size - 1);
        t[i] = id + 1;
    }
    *slots = t;
    *mask = size - 1;
    return PV_OK;
}

static uint64_t node_hash(const void *ctx, uint32_t id)
{
    const pv_stacks *b = ctx;
    return hash_pair(b->nodes[id].parent, b->nodes[id].func);
}

static uint64_t func_hash(const void *ctx, uint32_t id)
{
    const pv_stacks *b = ctx;
    return b->funcs[id].hash;
}

static int too_big(pv_err *err, const char *what)
{
    return pv_err_set(err, PV_E_TOO_BIG, "too many distinct %s for the memory allowed", what);
}

pv_stacks *pv_stacks_new(pv_arena *arena)
{
    pv_stacks *b = alloc16(arena, sizeof *b);
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    b->arena = arena;
    b->first_top = b->last_top = NONE;
    b->node_mask = b->func_mask = 1023;
    b->node_slots = new_slots(arena, 1024);
    b->func_slots = new_slots(arena, 1024);
    return b->node_slots && b->func_slots ? b : NULL;
}

int pv_stacks_func(pv_stacks *b, const void *key, size_t key_len, const char *file, int64_t line,
                   const char *name, uint32_t *id, pv_err *err)
{
    uint64_t h = hash_bytes(key, key_len);
    size_t i = h & b->func_mask;
    for (uint32_t s; (s = b->func_slots[i]); i = (i + 1) & b->func_mask) {
        const sfunc *f = &b->funcs[s - 1];
        if (f->hash == h && f->key_len == key_len && memcmp(f->key, key, key_len) == 0) {
            *id = s - 1;
            return PV_OK;
        }
    }
    if (grow(b->arena, (void **)&b->funcs, b->n_funcs, &b->cap_funcs, sizeof *b->funcs) != PV_OK)
        return too_big(err, "functions");
    sfunc *f = &b->funcs[b->n_funcs];
    f->key = pv_arena_strndup(b->arena, key, key_len);
    f->key_len = key_len;
    f->hash = h;
    f->file = pv_arena_strndup(b->arena, file, strlen(file));
    f->name = pv_arena_strndup(b->arena, name, strlen(name));
    f->line = line;
    if (!f->key || !f->file || !f->name)
        return too_big(err, "functions");
    b->func_slots[i] = ++b->n_funcs;
    *id = b->n_funcs - 1;
    if (rehash(b->arena, &b->func_slots, &b->func_mask, b->n_funcs, func_hash, b) != PV_OK)
        return too_big(err, "functions");
    return PV_OK;
}

int pv_stacks_child(pv_stacks *b, uint32_t parent, uint32_t func, uint32_t *node, pv_err *err)
{
    if (func >= b->n_funcs || (parent != PV_STACKS_TOP && parent >= b->n_nodes))
        return pv_err_set(err, PV_E_USAGE, "stack builder: no function %u or node %u", func, parent);
    uint32_t p = parent == PV_STACKS_TOP ? NONE : parent;
    size_t i = hash_pair(p, func) & b->node_mask;
    for (uint32_t s; (s = b->node_slots[i]); i = (i + 1) & b->node_mask) {
        const snode *n = &b->nodes[s - 1];
        if (n->parent == p && n->func == func) {
            *node = s - 1;
            return PV_OK;
        }
    }
    if (grow(b->arena, (void **)&b->nodes, b->n_nodes, &b->cap_nodes, sizeof *b->nodes) != PV_OK)
        return too_big(err, "call paths");
    uint32_t id = b->n_nodes++;
    b->nodes[id] = (snode){.parent = p, .func = func, .first_child = NONE, .last_child = NONE,
                           .next = NONE};
    uint32_t *first = p == NONE ? &b->first_top : &b->nodes[p].first_child;
    uint32_t *last = p == NONE ? &b->last_top : &b->nodes[p].last_child;
    if (*last == NONE)
        *first = id;
    else
        b->nodes[*last].next = id;
    *last = id;
    b->node_slots[i] = id + 1;
    if (rehash(b->arena, &b->node_slots, &b->node_mask, b->n_nodes, node_hash, b) != PV_OK)
        return too_big(err, "call paths");
    *node = id;
    return PV_OK;
}

static int64_t add_sat(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

void pv_stacks_weigh(pv_stacks *b, uint32_t node, double weight, int64_t calls)
{
    assert(node < b->n_nodes && isfinite(weight) && weight >= 0 && calls >= 0);
    b->nodes[node].self += weight;
    b->nodes[node].calls = add_sat(b->nodes[node].calls, calls);
    b->nodes[node].own = add_sat(b->nodes[node].own, calls);
}

void pv_stacks_count_own_calls(pv_stacks *b)
{
    b->own_calls = true;
}

int pv_stacks_add(pv_stacks *b, const uint32_t *funcs, size_t depth, double weight, int64_t calls,
                  pv_err *err)
{
    if (depth == 0) {
        b->empty += weight;
        return PV_OK;
    }
    uint32_t node = PV_STACKS_TOP;
    for (size_t i = 0; i < depth; i++) {
        int rc = pv_stacks_child(b, node, funcs[i], &node, err);
        if (rc)
            return rc;
    }
    pv_stacks_weigh(b, node, weight, calls);
    return PV_OK;
}

double pv_stacks_empty_weight(const pv_stacks *b)
{
    return (double)b->empty;
}

/* ---- finishing ---- */

/* What the walk accumulates per function and per caller->callee pair, in
 * long double until the one rounding at the end. */
typedef struct acc {
    long double tt, ct;
    int64_t nc, cc;
} acc;

typedef struct pair {
    uint32_t caller, callee;
    acc a;
    uint32_t active;  /* activations along this pair on the current path */
} pair;

typedef struct walk {
    pv_stacks *b;
    acc *funcs;
    uint32_t *func_active;  /* activations of each function on the current path */
    pair *pairs;
    uint32_t n_pairs, cap_pairs;
    uint32_t *pair_slots;
    size_t pair_mask;
    pv_node *out;           /* the tree in pre-order */
    uint32_t n_out;
} walk;

static uint64_t pair_hash(const void *ctx, uint32_t id)
{
    const walk *w = ctx;
    return hash_pair(w->pairs[id].caller, w->pairs[id].callee);
}

/* The pair caller->callee, made on first use; NONE when memory runs out. */
static uint32_t find_pair(walk *w, uint32_t caller, uint32_t callee)
{
    size_t i = hash_pair(caller, callee) & w->pair_mask;
    for (uint32_t s; (s = w->pair_slots[i]); i = (i + 1) & w->pair_mask)
        if (w->pairs[s - 1].caller == caller && w->pairs[s - 1].callee == callee)
            return s - 1;
    if (grow(w->b->arena, (void **)&w->pairs, w->n_pairs, &w->cap_pairs, sizeof *w->pairs) != PV_OK)
        return NONE;
    uint32_t id = w->n_pairs++;
    w->pairs[id] = (pair){.caller = caller, .callee = callee};
    w->pair_slots[i] = id + 1;
    if (rehash(w->b->arena, &w->pair_slots, &w->pair_mask, w->n_pairs, pair_hash, w) != PV_OK)
        return NONE;
    return id;
}

/* Subtree sums, children before parents (a child's id is above its
 * parent's). */
static void sum_subtrees(pv_stacks *b)
{
    for (uint32_t i = 0; i < b->n_nodes; i++)
        b->nodes[i].total = b->nodes[i].self;
    for (uint32_t i = b->n_nodes; i-- > 0;) {
        snode *n = &b->nodes[i];
        if (n->parent != NONE) {
            b->nodes[n->parent].total += n->total;
            b->nodes[n->parent].calls = add_sat(b->nodes[n->parent].calls, n->calls);
        }
    }
}

/* Entering node `id` (its parent in the output is out_parent): emit it,
 * count it into its function and into the pair from its parent's. */
static int enter(walk *w, uint32_t id, uint32_t out_parent, uint32_t *pair_id)
{
    const snode *n = &w->b->nodes[id];
    int64_t calls = w->b->own_calls ? n->own : n->calls;
    w->out[w->n_out] = (pv_node){.parent = out_parent == NONE ? PV_NODE_TOP : out_parent,
                                 .func = n->func, .calls = calls,
                                 .tt = (double)n->self, .ct = (double)n->total};
    w->n_out++;
    acc *f = &w->funcs[n->func];
    f->tt += n->self;
    f->nc = add_sat(f->nc, calls);
    if (w->func_active[n->func]++ == 0) {
        f->ct += n->total;
        f->cc = add_sat(f->cc, calls);
    }
    *pair_id = NONE;
    if (n->parent == NONE)
        return PV_OK;
    uint32_t p = find_pair(w, w->b->nodes[n->parent].func, n->func);
    if (p == NONE)
        return PV_E_TOO_BIG;
    pair *e = &w->pairs[p];
    e->a.tt += n->self;
    e->a.nc = add_sat(e->a.nc, calls);
    if (e->active++ == 0) {
        e->a.ct += n->total;
        e->a.cc = add_sat(e->a.cc, calls);
    }
    *pair_id = p;
    return PV_OK;
}

/* One frame of the depth-first walk: a node entered, and the next of its
 * children to visit. */
typedef struct frame {
    uint32_t node, out, pair, next_child;
} frame;

static int walk_tree(walk *w)
{
    pv_stacks *b = w->b;
    size_t cap = b->n_nodes ? b->n_nodes : 1;  /* size_t: PV_ARENA_NEW's overflow test */
    frame *stack = PV_ARENA_NEW(b->arena, frame, cap);
    if (!stack)
        return PV_E_TOO_BIG;
    size_t depth = 0;
    for (uint32_t top = b->first_top; top != NONE; top = b->nodes[top].next) {
        if (b->nodes[top].calls == 0)
            continue;
        uint32_t pr;
        if (enter(w, top, NONE, &pr) != PV_OK)
            return PV_E_TOO_BIG;
        stack[depth++] = (frame){top, w->n_out - 1, pr, b->nodes[top].first_child};
        while (depth) {
            frame *f = &stack[depth - 1];
            uint32_t c = f->next_child;
            if (c == NONE) {
                w->func_active[b->nodes[f->node].func]--;
                if (f->pair != NONE)
                    w->pairs[f->pair].active--;
                depth--;
                continue;
            }
            f->next_child = b->nodes[c].next;
            /* A subtree no call or sample reached carries no weight
             * either (pv_stacks_weigh adds weight with its calls). */
            if (b->nodes[c].calls == 0) {
                assert(b->nodes[c].total == 0);
                continue;
            }
            if (enter(w, c, f->out, &pr) != PV_OK)
                return PV_E_TOO_BIG;
            stack[depth++] = (frame){c, w->n_out - 1, pr, b->nodes[c].first_child};
        }
    }
    return PV_OK;
}

static int by_callee_then_caller(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    if (a->callee != b->callee)
        return a->callee < b->callee ? -1 : 1;
    return a->caller < b->caller ? -1 : a->caller > b->caller;
}

static void fill_functions(const walk *w, pv_profile *out, pv_func *funcs)
{
    const pv_stacks *b = w->b;
    long double total_tt = 0;
    int64_t total_calls = 0, prim_calls = 0;
    for (uint32_t i = 0; i < b->n_funcs; i++) {
        const acc *a = &w->funcs[i];
        funcs[i] = (pv_func){.file = b->funcs[i].file, .name = b->funcs[i].name,
                             .line = b->funcs[i].line, .cc = a->cc, .nc = a->nc,
                             .tt = (double)a->tt, .ct = (double)a->ct};
        total_tt += a->tt;
        total_calls = add_sat(total_calls, a->nc);
        prim_calls = add_sat(prim_calls, a->cc);
    }
    out->funcs = funcs;
    out->n_funcs = out->n_entries = b->n_funcs;
    out->total_calls = total_calls;
    out->prim_calls = prim_calls;
    out->total_tt = (double)total_tt;
    out->empty_weight = (double)b->empty;
}

int pv_stacks_finish(pv_stacks *b, pv_profile *out, pv_err *err)
{
    pv_arena *a = b->arena;
    walk w = {.b = b, .pair_mask = 1023};
    /* size_t counts: PV_ARENA_NEW's overflow test on a uint32_t is always
     * false, which clang's -Werror refuses. */
    size_t n_funcs = b->n_funcs ? b->n_funcs : 1, n_nodes = b->n_nodes ? b->n_nodes : 1;
    w.funcs = alloc16(a, n_funcs * sizeof *w.funcs);
    w.func_active = PV_ARENA_NEW(a, uint32_t, n_funcs);
    w.out = PV_ARENA_NEW(a, pv_node, n_nodes);
    w.pair_slots = new_slots(a, 1024);
    pv_func *funcs = PV_ARENA_NEW(a, pv_func, n_funcs);
    pv_recorded *rec = PV_ARENA_NEW(a, pv_recorded, (size_t)1);
    if (!w.funcs || !w.func_active || !w.out || !w.pair_slots || !funcs || !rec)
        return too_big(err, "call paths");
    memset(w.funcs, 0, n_funcs * sizeof *w.funcs);
    memset(w.func_active, 0, n_funcs * sizeof *w.func_active);
    sum_subtrees(b);
    if (walk_tree(&w) != PV_OK)
        return too_big(err, "call paths");
    fill_functions(&w, out, funcs);
    if (w.n_pairs)  /* no pairs: w.pairs is NULL, which qsort may not take */
        qsort(w.pairs, w.n_pairs, sizeof *w.pairs, by_callee_then_caller);
    size_t n_edges = w.n_pairs ? w.n_pairs : 1;
    pv_edge *edges = PV_ARENA_NEW(a, pv_edge, n_edges);
    if (!edges)
        return too_big(err, "call paths");
    for (uint32_t i = 0; i < w.n_pairs; i++) {
        const pair *e = &w.pairs[i];
        edges[i] = (pv_edge){.caller = e->caller, .callee = e->callee, .nc = e->a.nc,
                             .cc = e->a.cc, .tt = (double)e->a.tt, .ct = (double)e->a.ct};
    }
    out->edges = edges;
    out->n_edges = w.n_pairs;
    *rec = (pv_recorded){.nodes = w.out, .n_nodes = w.n_out, .threads = 1, .timer = "",
                         .recorder = ""};
    out->recorded = rec;
    return PV_OK;
}
