/* callgrind_model.c — a callgrind call graph as the pstats model
 * (model/profile.h), so it goes through the same honest tree inference
 * as a cProfile dump (callgraph/).
 *
 * callgrind gives, per function, its self cost and, per caller->callee
 * pair, the calls and their summed inclusive cost.  What that proves:
 *   - Recursion levels (valgrind's `fib'2`) are one function, as Python
 *     profilers count it: merged into `fib`, their calls to each other
 *     become self-calls.
 *   - A call into F from outside F's recursion cycle (strongly connected
 *     component) never runs inside another F: its inclusive cost is
 *     exact, and it is pstats' ct of the edge (cc = nc).
 *   - F's inclusive cost, self + its calls to other functions, is exact
 *     unless F is in a cycle; there callgrind counts nested calls again,
 *     so it is only an upper bound, as is the cost of the calls entering
 *     the cycle (exact for the cycle as a whole).  F's ct is the smaller.
 *   - A call within a cycle, and a self-call, has an inclusive cost that
 *     counts nested calls again: only its count is honest, so it is a
 *     count edge (is_count: tt, ct 0), whose time the tree estimates and
 *     never calls exact.
 *   - The callee's own cost during one caller's calls (pstats' edge tt)
 *     is not in the file: exact (the callee's self) when that caller is
 *     the only way in, else NaN, which the graph reads as unknown within
 *     [0, min(ct, the callee's self)].
 *   - A function nothing calls is entered once: a top-level box.
 *   - Where the callers' figures and what a function adds up to (self
 *     and calls) disagree by more than rounding (yappi's do), its ct is
 *     the larger and the calls on the side that says more carry counts
 *     only; and nothing costs more than the whole program.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "callgrind_internal.h"
#include "scc.h"
#include "warn.h"
#include "xalloc.h"

#define NONE UINT32_MAX

typedef struct model {
    pv_arena *arena;
    pv_err *err;
    const pv_cg_graph *g;
    uint32_t *canon;          /* raw function -> merged function */
    pv_cg_func *funcs;        /* merged, in order of first use */
    size_t n_funcs, cap_funcs;
    const pv_cg_call *calls;  /* merged, self-calls included */
    size_t n_calls, cap_calls;
    size_t n_levels;          /* raw functions that were a recursion level */
    const char *level_example;
    size_t n_over;            /* functions whose callers' figures disagree with theirs */
} model;

/* The length of `name` without a recursion-level suffix 'N (N >= 2). */
static size_t base_length(const char *name)
{
    size_t n = strlen(name), k = n;
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    if (k == n || k < 2 || name[k - 1] != '\'')
        return n;
    /* N >= 2: any value but 0 and 1 written without leading zeros. */
    const char *d = name + k;
    while (*d == '0' && d[1])
        d++;
    if (d[1] == '\0' && (d[0] == '0' || d[0] == '1'))
        return n;
    return k - 1;
}

static uint64_t hash_key(const pv_cg_func *f, size_t name_n)
{
    uint64_t h = (uint64_t)(uintptr_t)f->object * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)(uintptr_t)f->file * 0xC2B2AE3D27D4EB4Full;
    for (size_t i = 0; i < name_n; i++)
        h = (h ^ (unsigned char)f->name[i]) * 0x100000001b3ull;
    return h;
}

/* Merges functions that are one (object, file, name) once recursion
 * levels are dropped (and ids defined late, which may name a function
 * twice while reading). */
static int merge_funcs(model *m)
{
    const pv_cg_graph *g = m->g;
    pv_cg_map keys = {0};
    m->canon = PV_ARENA_NEW(m->arena, uint32_t, g->n_funcs ? g->n_funcs : 1);
    if (!m->canon)
        return pv_cg_too_big(m->arena, m->err);
    for (size_t i = 0; i < g->n_funcs; i++) {
        const pv_cg_func *f = &g->funcs[i];
        size_t n = base_length(f->name);
        uint64_t h = hash_key(f, n), probe = 0;
        uint32_t at;
        for (;; probe++) {
            at = pv_cg_map_get(&keys, h, probe);
            if (at == NONE)
                break;
            const pv_cg_func *c = &m->funcs[at];
            if (c->object == f->object && c->file == f->file && strlen(c->name) == n &&
                memcmp(c->name, f->name, n) == 0)
                break;
        }
        if (n != strlen(f->name) && m->n_levels++ == 0)
            m->level_example = f->name;
        if (at == NONE) {
            m->funcs = pv_arena_grow(m->arena, m->funcs, &m->cap_funcs, m->n_funcs + 1, sizeof *m->funcs);
            const char *name = n == strlen(f->name) ? f->name : pv_arena_strndup(m->arena, f->name, n);
            if (!m->funcs || !name)
                return pv_cg_too_big(m->arena, m->err);
            at = (uint32_t)m->n_funcs++;
            m->funcs[at] = (pv_cg_func){f->object, f->file, name, 0, 0};
            int rc = pv_cg_map_put(&keys, m->arena, h, probe, at, m->err);
            if (rc)
                return rc;
        }
        pv_cg_func *c = &m->funcs[at];
        c->self = c->self > UINT64_MAX - f->self ? UINT64_MAX : c->self + f->self;
        if (f->line > 0 && (c->line == 0 || f->line < c->line))
            c->line = f->line;
        m->canon[i] = at;
    }
    return PV_OK;
}

static int merge_calls(model *m)
{
    const pv_cg_graph *g = m->g;
    if (m->n_funcs == g->n_funcs) {
        /* Nothing merged (merge_funcs numbers in order of first use, so
         * the indices are the same): the reader's calls are already one
         * per pair. */
        m->calls = g->calls;
        m->n_calls = g->n_calls;
        return PV_OK;
    }
    pv_cg_map keys = {0};
    pv_cg_call *merged = NULL;
    for (size_t i = 0; i < g->n_calls; i++) {
        const pv_cg_call *c = &g->calls[i];
        uint32_t a = m->canon[c->caller], b = m->canon[c->callee];
        uint32_t at = pv_cg_map_get(&keys, (uint64_t)a << 32 | b, 0);
        if (at == NONE) {
            merged = pv_arena_grow(m->arena, merged, &m->cap_calls, m->n_calls + 1, sizeof *merged);
            if (!merged)
                return pv_cg_too_big(m->arena, m->err);
            m->calls = merged;
            at = (uint32_t)m->n_calls++;
            merged[at] = (pv_cg_call){a, b, 0, 0};
            int rc = pv_cg_map_put(&keys, m->arena, (uint64_t)a << 32 | b, 0, at, m->err);
            if (rc)
                return rc;
        }
        pv_cg_call *d = &merged[at];
        d->count = d->count > UINT64_MAX - c->count ? UINT64_MAX : d->count + c->count;
        d->incl = d->incl > UINT64_MAX - c->incl ? UINT64_MAX : d->incl + c->incl;
    }
    return PV_OK;
}

/* Strongly connected components of the calls between different
 * functions (common/scc.h), as comp[f]; returns whether some component
 * has more than one function, with in_cycle[f] set for their members. */
static int find_cycles(const model *m, uint32_t *comp, uint8_t *in_cycle)
{
    size_t n = m->n_funcs;
    uint32_t *first = pv_xcalloc(n + 1, sizeof *first);
    uint32_t *adj = pv_xmalloc((m->n_calls ? m->n_calls : 1) * sizeof *adj);
    for (size_t i = 0; i < m->n_calls; i++)
        if (m->calls[i].caller != m->calls[i].callee)
            first[m->calls[i].caller + 1]++;
    for (size_t i = 0; i < n; i++)
        first[i + 1] += first[i];
    uint32_t *fill = pv_xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, first, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < m->n_calls; i++)
        if (m->calls[i].caller != m->calls[i].callee)
            adj[fill[m->calls[i].caller]++] = m->calls[i].callee;
    uint32_t n_comp = pv_scc(n, first, adj, comp);
    uint32_t *size = pv_xcalloc(n_comp ? n_comp : 1, sizeof *size);
    for (size_t i = 0; i < n; i++)
        size[comp[i]]++;
    int cycles = 0;
    for (size_t i = 0; i < n; i++) {
        in_cycle[i] = size[comp[i]] > 1;
        cycles |= in_cycle[i];
    }
    free(first);
    free(adj);
    free(fill);
    free(size);
    return cycles;
}

static int64_t to_int64(uint64_t v)
{
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Per function, what its calls say: see the top of the file. */
typedef struct tally {
    uint64_t calls_in, outside_in, self_calls, out_incl, in_incl;
    uint32_t n_in, n_out;     /* edges from and to other functions */
    uint8_t over;             /* its callers say more than it adds up to */
    uint8_t under;            /* it adds up to more than its callers say */
} tally;

static int by_callee_then_caller(const void *a, const void *b)
{
    const pv_edge *x = a, *y = b;
    if (x->callee != y->callee)
        return x->callee < y->callee ? -1 : 1;
    return (x->caller > y->caller) - (x->caller < y->caller);
}

static const char *display_file(const pv_cg_func *f)
{
    /* valgrind writes ??? for code without debug information: its object
     * (ld.so, libc) is what tells such functions apart. */
    int unknown = f->file[0] == '\0' || strcmp(f->file, "???") == 0;
    return unknown && f->object[0] ? f->object : f->file;
}

/* Whether `loc` names `file`: the same text (yappi), or the module whose
 * file it is (lsprofcalltree: bzrlib.dirstate for .../bzrlib/dirstate.py). */
static bool names_file(const char *loc, size_t n, const char *file)
{
    size_t fn = strlen(file);
    if (fn == n && memcmp(loc, file, n) == 0)
        return true;
    if (fn < n + 4 || strcmp(file + fn - 3, ".py") != 0)
        return false;
    const char *tail = file + fn - 3 - n;
    if (tail > file && tail[-1] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if (tail[i] != (loc[i] == '.' ? '/' : loc[i]))
            return false;
    return true;
}

/* The Python writers name a function "NAME FILE:LINE" (yappi) or "NAME
 * MODULE:LINE" (lsprofcalltree): shown as pstats shows it, NAME in FILE
 * at LINE, when the location is the function's own file.  *name_n is
 * NAME's length (all of it otherwise). */
static int64_t python_line(const char *name, const char *file, size_t *name_n)
{
    size_t n = strlen(name), k = n;
    *name_n = n;
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    if (k == n || n - k > 9 || k < 2 || name[k - 1] != ':')
        return 0;
    size_t colon = k - 1, fn = strlen(file), sp;
    /* The file itself may hold spaces ("<frozen runpy>"). */
    if (fn && colon > fn + 1 && memcmp(name + colon - fn, file, fn) == 0 &&
        name[colon - fn - 1] == ' ') {
        sp = colon - fn;
    } else {
        sp = colon;
        while (sp > 0 && name[sp - 1] != ' ')
            sp--;
        if (sp < 2 || sp == colon || !names_file(name + sp, colon - sp, file))
            return 0;
    }
    *name_n = sp - 1;
    return strtoll(name + k, NULL, 10);
}

static int fill_profile(model *m, const uint32_t *comp, const uint8_t *in_cycle, pv_profile *out)
{
    size_t n = m->n_funcs;
    tally *t = pv_xcalloc(n ? n : 1, sizeof *t);
    /* Per component: the cost of the calls entering it, and whether any. */
    uint64_t *entry = pv_xcalloc(n ? n : 1, sizeof *entry);
    uint8_t *entered = pv_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < m->n_calls; i++) {
        const pv_cg_call *c = &m->calls[i];
        if (c->caller == c->callee) {
            t[c->callee].self_calls = sat_add(t[c->callee].self_calls, c->count);
            continue;
        }
        t[c->callee].calls_in = sat_add(t[c->callee].calls_in, c->count);
        t[c->callee].in_incl = sat_add(t[c->callee].in_incl, c->incl);
        t[c->callee].n_in++;
        t[c->caller].n_out++;
        t[c->caller].out_incl = sat_add(t[c->caller].out_incl, c->incl);
        if (comp[c->caller] != comp[c->callee]) {
            t[c->callee].outside_in = sat_add(t[c->callee].outside_in, c->count);
            entry[comp[c->callee]] = sat_add(entry[comp[c->callee]], c->incl);
            entered[comp[c->callee]] = 1;
        }
    }
    pv_func *funcs = PV_ARENA_NEW(m->arena, pv_func, n ? n : 1);
    pv_edge *edges = PV_ARENA_NEW(m->arena, pv_edge, m->n_calls ? m->n_calls : 1);
    if (!funcs || !edges) {
        free(t);
        free(entry);
        free(entered);
        return pv_cg_too_big(m->arena, m->err);
    }
    double total = (double)m->g->total;
    int64_t total_calls = 0, prim_calls = 0;
    for (size_t i = 0; i < n; i++) {
        const pv_cg_func *f = &m->funcs[i];
        tally *ti = &t[i];
        uint64_t incl = sat_add(f->self, ti->out_incl);
        double ct;
        if (in_cycle[i]) {
            ct = (double)incl;
            if (entered[comp[i]])
                ct = fmin(ct, (double)entry[comp[i]]);
        } else {
            /* Equal in a consistent file; a callee the file never
             * describes has only what its callers say.  When they differ
             * by more than per-figure truncation (yappi writes whole
             * ticks) explains, one side counts some calls again or leaves
             * some out (yappi, for imports run inside imports): which one
             * the file does not say, so the larger is kept as the bound
             * and the calls on the side that says more carry counts only. */
            uint64_t slack = (uint64_t)ti->n_in + ti->n_out + 1;
            ti->over = ti->in_incl > sat_add(incl, slack);
            ti->under = ti->n_in && incl > sat_add(ti->in_incl, slack);
            ct = (double)(incl > ti->in_incl ? incl : ti->in_incl);
        }
        /* Nothing takes longer than the program. */
        ct = fmax((double)f->self, fmin(ct, total));
        uint64_t top = ti->n_in == 0;  /* nothing calls it: entered once */
        size_t name_n;
        int64_t line = python_line(f->name, f->file, &name_n);
        const char *name = line ? pv_arena_strndup(m->arena, f->name, name_n) : f->name;
        if (!name) {
            free(t);
            free(entry);
            free(entered);
            return pv_cg_too_big(m->arena, m->err);
        }
        funcs[i] = (pv_func){.file = display_file(f), .name = name, .line = line ? line : f->line,
                             .nc = to_int64(sat_add(sat_add(ti->calls_in, ti->self_calls), top)),
                             .cc = to_int64(sat_add(ti->outside_in, top)),
                             .tt = (double)f->self, .ct = ct};
        /* The first call of a function is never inside another. */
        if (funcs[i].cc == 0 && funcs[i].nc > 0)
            funcs[i].cc = 1;
        total_calls = total_calls > INT64_MAX - funcs[i].nc ? INT64_MAX : total_calls + funcs[i].nc;
        prim_calls = prim_calls > INT64_MAX - funcs[i].cc ? INT64_MAX : prim_calls + funcs[i].cc;
    }
    for (size_t i = 0; i < m->n_calls; i++) {
        const pv_cg_call *c = &m->calls[i];
        int64_t count = to_int64(c->count);
        pv_edge *e = &edges[i];
        *e = (pv_edge){.caller = c->caller, .callee = c->callee, .nc = count, .cc = count};
        const tally *tc = &t[c->callee];
        if (c->caller == c->callee || comp[c->caller] == comp[c->callee] || tc->over ||
            t[c->caller].under) {
            e->is_count = 1;
            continue;
        }
        e->ct = fmin((double)c->incl, total);
        e->tt = tc->n_in == 1 && tc->self_calls == 0 ? (double)m->funcs[c->callee].self : NAN;
    }
    qsort(edges, m->n_calls, sizeof *edges, by_callee_then_caller);
    out->funcs = funcs;
    out->n_funcs = out->n_entries = n;
    out->edges = edges;
    out->n_edges = m->n_calls;
    out->total_calls = total_calls;
    out->prim_calls = prim_calls;
    out->total_tt = total;
    for (size_t i = 0; i < n; i++)
        m->n_over += t[i].over || t[i].under;
    free(t);
    free(entry);
    free(entered);
    return PV_OK;
}

static int warn_cycles(model *m, const uint8_t *in_cycle, pv_profile *out)
{
    size_t n = 0;
    const char *a = NULL, *b = NULL;
    for (size_t i = 0; i < m->n_funcs; i++)
        if (in_cycle[i] && n++ < 2)
            *(a ? &b : &a) = out->funcs[i].name;
    if (!n)
        return PV_OK;
    return pv_warn(out, m->arena, m->err,
                      "%zu functions call each other in recursion cycles (%.60s, %.60s%s): "
                      "callgrind counts the calls nested in a cycle again, so their inclusive "
                      "cost is an upper bound and the calls within a cycle carry counts only",
                      n, a, b, n > 2 ? ", ..." : "");
}

int pv_cg_model(const pv_cg_graph *g, pv_arena *arena, pv_profile *out, pv_err *err)
{
    model m = {.arena = arena, .err = err, .g = g};
    int rc = merge_funcs(&m);
    if (rc == PV_OK)
        rc = merge_calls(&m);
    if (rc)
        return rc;
    size_t n = m.n_funcs ? m.n_funcs : 1;
    uint32_t *comp = pv_xmalloc(n * sizeof *comp);
    uint8_t *in_cycle = pv_xcalloc(n, 1);
    int cycles = find_cycles(&m, comp, in_cycle);
    rc = fill_profile(&m, comp, in_cycle, out);
    if (rc == PV_OK && m.n_levels)
        rc = pv_warn(out, arena, err,
                        "%zu recursion levels (such as %.60s) are counted as their functions, "
                        "as Python's profilers count recursion", m.n_levels, m.level_example);
    if (rc == PV_OK && cycles)
        rc = warn_cycles(&m, in_cycle, out);
    if (rc == PV_OK && m.n_over)
        rc = pv_warn(out, arena, err,
                        "%zu functions cost more by their callers' figures than by their own "
                        "and their calls' (or less; a writer counting some calls again, as yappi "
                        "does for imports inside imports): their calls carry counts only",
                        m.n_over);
    free(comp);
    free(in_cycle);
    return rc;
}
