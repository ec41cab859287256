/* pstats.c — the pstats shape on top of the marshal reader.
 *
 * A dump is {(file, line, name): (cc, nc, tt, ct, callers)} with callers
 * {(file, line, name): (nc, cc, tt, ct) | count}.  This file checks that
 * shape entry by entry (never casting blindly), interns function keys,
 * and computes the totals the way pstats.Stats does.  Odd but harmless
 * input (duplicate keys, NaN times, trailing bytes, byte-string keys, the
 * 3.15 sampling marker) is accepted with a warning; anything else is
 * refused with the byte offset of the offending object.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "marshal.h"
#include "pstats_internal.h"
#include "pstats_order.h"
#include "trailer.h"
#include "warn.h"
#include "xalloc.h"

static int too_big(parser *ps)
{
    return pv_err_set(ps->err, PV_E_TOO_BIG, "decoding needs more than the %zu MiB memory limit",
                      ps->arena->limit >> 20);
}

static int warn(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int warn(parser *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pv_vwarn(ps->p, ps->arena, ps->err, fmt, ap);
    va_end(ap);
    return rc;
}


/* Mixes 8 bytes at a time (multiply and fold, as in wyhash/mum): file
 * names are long, and byte-at-a-time FNV was a tenth of the parse. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    unsigned __int128 m = (unsigned __int128)(h ^ v) * 0x9E3779B97F4A7C15ull;
    return (uint64_t)m ^ (uint64_t)(m >> 64);
}

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
    uint64_t v;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&v, s, 8);
        h = mix(h, v);
    }
    v = 0;
    memcpy(&v, s, n);
    return mix(h, v ^ (uint64_t)n << 56);
}

uint64_t pv_pstats_hash_key(const keyinfo *k)
{
    uint64_t h = hash_bytes(0x243F6A8885A308D3ull, k->file, k->file_n);
    h = mix(h, (uint64_t)k->line);
    return hash_bytes(h, k->name, k->name_n);
}

static int same_key(const keyinfo *a, const keyinfo *b)
{
    return a->hash == b->hash && a->line == b->line && a->file_n == b->file_n &&
           a->name_n == b->name_n && memcmp(a->file, b->file, a->file_n) == 0 &&
           memcmp(a->name, b->name, a->name_n) == 0;
}

/* Checks a key's shape and fills *k (strings still borrowed). */
static int read_key(parser *ps, const pv_mobj *key, const char *role, keyinfo *k)
{
    if (key->type != PV_M_TUPLE || key->n != 3) {
        if (key->type == PV_M_TUPLE)
            return pv_err_set(ps->err, PV_E_FORMAT,
                              "byte %u: %s key is a tuple of %u items, not (file, line, name)",
                              key->offset, role, key->n);
        return pv_err_set(ps->err, PV_E_FORMAT,
                          "byte %u: %s key is %s, not a (file, line, name) tuple", key->offset,
                          role, pv_mtype_article(key->type));
    }
    const pv_mobj *f = key->v.items[0], *l = key->v.items[1], *n = key->v.items[2];
    if (f->type != PV_M_TEXT && f->type != PV_M_BYTES)
        return pv_err_set(ps->err, PV_E_FORMAT, "byte %u: %s key's file name is %s, not a str",
                          f->offset, role, pv_mtype_article(f->type));
    if (l->type != PV_M_INT)
        return pv_err_set(ps->err, PV_E_FORMAT, "byte %u: %s key's line number is %s",
                          l->offset, role, l->type == PV_M_BIGINT ? "an int beyond 64 bits"
                          : pv_mtype_article(l->type));
    memset(k, 0, sizeof *k);
    int esc = pv_marshal_text(ps->arena, f, &k->file, &k->file_n);
    k->line = l->v.i;
    if (n->type == PV_M_TEXT || n->type == PV_M_BYTES) {
        int e2 = pv_marshal_text(ps->arena, n, &k->name, &k->name_n);
        esc = esc < 0 || e2 < 0 ? -1 : esc + e2;
    } else if (n->type == PV_M_CODE) {
        /* `python -m profile` names its fake top entry with a code object;
         * shown as CPython's repr without the memory address. */
        const pv_mcode *c = n->v.code;
        const char *fmt = "<code object %.*s, file \"%.*s\", line %lld>";
        int len = snprintf(NULL, 0, fmt, (int)c->name->n, c->name->v.s, (int)c->filename->n,
                           c->filename->v.s, (long long)c->firstlineno);
        char *s = pv_arena_alloc(ps->arena, (size_t)len + 1);
        if (!s)
            return too_big(ps);
        snprintf(s, (size_t)len + 1, fmt, (int)c->name->n, c->name->v.s, (int)c->filename->n,
                 c->filename->v.s, (long long)c->firstlineno);
        k->name = s;
        k->name_n = (size_t)len;
        k->code = c;
    } else {
        return pv_err_set(ps->err, PV_E_FORMAT, "byte %u: %s key's function name is %s",
                          n->offset, role, pv_mtype_article(n->type));
    }
    if (esc < 0)
        return too_big(ps);
    ps->facts.n_escaped += (size_t)esc;
    /* Byte-string keys are normal in Python 2 files, which may also be
     * written without t/R (marshal version 0); only a file with Python
     * 3's FLAG_REF sharing is certainly from Python 3. */
    if (ps->facts.version >= 3 && !ps->facts.py2 &&
        (f->type == PV_M_BYTES || n->type == PV_M_BYTES))
        ps->facts.n_bytes_strings++;
    k->hash = pv_pstats_hash_key(k);
    return PV_OK;
}

static void grow_table(parser *ps)
{
    size_t cap = (ps->table_mask + 1) * 2;
    key_slot *t = pv_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < ps->n_keys; i++) {
        size_t j = ps->keys[i].hash & (cap - 1);
        while (t[j].idx)
            j = (j + 1) & (cap - 1);
        t[j].idx = (uint32_t)i + 1;
        t[j].hash = ps->keys[i].hash;
    }
    free(ps->table);
    ps->table = t;
    ps->table_mask = cap - 1;
}

int pv_pstats_intern(parser *ps, const keyinfo *k, uint32_t *idx, int *added)
{
    size_t j = k->hash & ps->table_mask;
    for (; ps->table[j].idx; j = (j + 1) & ps->table_mask) {
        uint32_t i = ps->table[j].idx - 1;
        /* The hash beside the index spares a cache miss on every probe
         * that does not match. */
        if (ps->table[j].hash == k->hash && same_key(&ps->keys[i], k)) {
            *idx = i;
            *added = 0;
            return PV_OK;
        }
    }
    if (ps->n_keys >= UINT32_MAX - 1)
        return pv_err_set(ps->err, PV_E_TOO_BIG, "more than the limit of 4 billion functions");
    ps->keys = pv_xgrow(ps->keys, &ps->cap_keys, ps->n_keys + 1, sizeof *ps->keys);
    ps->keys[ps->n_keys] = *k;
    ps->stamps = pv_xgrow(ps->stamps, &ps->cap_stamps, ps->n_keys + 1, sizeof *ps->stamps);
    ps->stamps[ps->n_keys] = (edge_stamp){0, 0};
    ps->table[j].idx = (uint32_t)ps->n_keys + 1;
    ps->table[j].hash = k->hash;
    *idx = (uint32_t)ps->n_keys++;
    *added = 1;
    if (ps->n_keys * 2 > ps->table_mask)
        grow_table(ps);
    return PV_OK;
}

void pv_pstats_add_edge(parser *ps, const pv_edge *e)
{
    edge_stamp *ci = &ps->stamps[e->caller];
    if (ci->last_callee == e->callee + 1) {
        /* Two caller keys that decode alike (bytes and str): the later
         * value wins, as a dict would keep it. */
        ps->edges[ci->edge_at] = *e;
        ps->facts.n_edge_dups++;
        return;
    }
    ps->edges = pv_xgrow(ps->edges, &ps->cap_edges, ps->n_edges + 1, sizeof *ps->edges);
    ci->last_callee = e->callee + 1;
    ci->edge_at = (uint32_t)ps->n_edges;
    ps->edges[ps->n_edges++] = *e;
}

/* The message prefix naming the function being read: "byte N: f.py:3(g)". */
static int shape_error(parser *ps, const pv_mobj *o, const keyinfo *k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int shape_error(parser *ps, const pv_mobj *o, const keyinfo *k, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pv_err_set(ps->err, PV_E_FORMAT, "byte %u: %.*s:%lld(%.*s): %s", o->offset,
                      (int)(k->file_n > 120 ? 120 : k->file_n), k->file, (long long)k->line,
                      (int)(k->name_n > 80 ? 80 : k->name_n), k->name, what);
}

static int read_count(parser *ps, const pv_mobj *o, const keyinfo *k, const char *what,
                      int64_t *v)
{
    if (o->type == PV_M_BIGINT)
        return shape_error(ps, o, k, "%s is an int beyond 64 bits", what);
    if (o->type != PV_M_INT)
        return shape_error(ps, o, k, "%s is %s, not an int", what, pv_mtype_article(o->type));
    *v = o->v.i;
    return PV_OK;
}

static int read_time(parser *ps, const pv_mobj *o, const keyinfo *k, const char *what, double *v)
{
    if (o->type == PV_M_FLOAT)
        *v = o->v.f;
    else if (o->type == PV_M_INT)
        *v = (double)o->v.i;
    else
        return shape_error(ps, o, k, "%s is %s, not a number", what,
                           o->type == PV_M_BIGINT ? "an int beyond 64 bits"
                           : pv_mtype_article(o->type));
    return PV_OK;
}

/* Pass 1: every top-level entry, in file order.  A later duplicate keeps
 * the first position and takes the last value, as CPython's dict does. */
static int read_entries(parser *ps, const pv_mobj *root)
{
    for (uint32_t i = 0; i < root->n; i++) {
        const pv_mobj *key = root->v.items[2 * i], *value = root->v.items[2 * i + 1];
        if (key->type == PV_M_TUPLE && key->n == 1) {
            /* Python 3.15's sampling profiler adds ("__sampled__",): True. */
            ps->facts.n_markers++;
            continue;
        }
        keyinfo k;
        int rc = read_key(ps, key, "function", &k);
        if (rc)
            return rc;
        if (value->type == PV_M_TUPLE && value->n != 5)
            return shape_error(ps, value, &k, "value is a tuple of %u items, not "
                               "(cc, nc, tt, ct, callers)", value->n);
        if (value->type != PV_M_TUPLE)
            return shape_error(ps, value, &k, "value is %s, not (cc, nc, tt, ct, callers)",
                               pv_mtype_article(value->type));
        uint32_t idx;
        int added;
        if ((rc = pv_pstats_intern(ps, &k, &idx, &added)))
            return rc;
        if (added)
            ps->keys[idx].entry = (uint32_t)++ps->facts.n_entries;
        else
            ps->facts.n_dups++;
        ps->keys[idx].value = value;
        ((pv_mobj *)key)->memo = idx + 1;
    }
    return PV_OK;
}

/* Reads one callers entry of function `callee` into *e. */
static int read_caller_value(parser *ps, const pv_mobj *cv, const keyinfo *k, pv_edge *e)
{
    if (cv->type == PV_M_INT) {
        e->nc = e->cc = cv->v.i;
        e->is_count = 1;
        return PV_OK;
    }
    if (cv->type == PV_M_TUPLE && cv->n != 4)
        return shape_error(ps, cv, k, "a caller's value is a tuple of %u items, not "
                           "(nc, cc, tt, ct) or a count", cv->n);
    if (cv->type != PV_M_TUPLE)
        return shape_error(ps, cv, k, "a caller's value is %s, not (nc, cc, tt, ct) or a count",
                           pv_mtype_article(cv->type));
    const pv_mobj *const *t = (const pv_mobj *const *)cv->v.items;
    int rc;
    if ((rc = read_count(ps, t[0], k, "a caller's call count", &e->nc)) ||
        (rc = read_count(ps, t[1], k, "a caller's primitive call count", &e->cc)) ||
        (rc = read_time(ps, t[2], k, "a caller's tottime", &e->tt)) ||
        (rc = read_time(ps, t[3], k, "a caller's cumtime", &e->ct)))
        return rc;
    return PV_OK;
}

/* The function index of a caller key.  Python 3 writes a key tuple once
 * and refers back to it, so the index is memoised on the tuple object and
 * most caller keys cost no hashing at all. */
static int intern_caller(parser *ps, const pv_mobj *ck, uint32_t *c)
{
    if (ck->memo) {
        *c = ck->memo - 1;
        return PV_OK;
    }
    keyinfo k;
    int added, rc;
    if ((rc = read_key(ps, ck, "caller", &k)) || (rc = pv_pstats_intern(ps, &k, c, &added)))
        return rc;
    ((pv_mobj *)ck)->memo = *c + 1;
    return PV_OK;
}

/* Pass 2: values and callers.  Caller keys that have no entry of their own
 * become caller-only functions, interned after all the entries. */
static int read_values(parser *ps, size_t n_entries)
{
    for (size_t i = 0; i < n_entries; i++) {
        keyinfo *k = &ps->keys[i];
        const pv_mobj *const *v = (const pv_mobj *const *)k->value->v.items;
        int rc;
        if ((rc = read_count(ps, v[0], k, "primitive call count", &k->cc)) ||
            (rc = read_count(ps, v[1], k, "call count", &k->nc)) ||
            (rc = read_time(ps, v[2], k, "tottime", &k->tt)) ||
            (rc = read_time(ps, v[3], k, "cumtime", &k->ct)))
            return rc;
        const pv_mobj *callers = v[4];
        if (callers->type != PV_M_DICT)
            return shape_error(ps, callers, k, "callers is %s, not a dict",
                               pv_mtype_article(callers->type));
        for (uint32_t j = 0; j < callers->n; j++) {
            const pv_mobj *ck = callers->v.items[2 * j], *cv = callers->v.items[2 * j + 1];
            uint32_t c;
            pv_edge e = {.callee = (uint32_t)i};
            if ((rc = intern_caller(ps, ck, &c)) ||
                (rc = read_caller_value(ps, cv, &ps->keys[i], &e)))
                return rc;
            e.caller = c;
            pv_pstats_add_edge(ps, &e);
        }
    }
    return PV_OK;
}

char *pv_pstats_show_nul(pv_arena *arena, const char *s, size_t n, size_t *out_n)
{
    char *out = pv_arena_alloc(arena, 3 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i]) {
            *o++ = s[i];
        } else {
            memcpy(o, "\xe2\x90\x80", 3);
            o += 3;
        }
    }
    *o = '\0';
    *out_n = (size_t)(o - out);
    return out;
}

/* A NUL-terminated copy of a key string in the arena.  A NUL inside a name
 * (Python allows it) would cut every later use short, so it becomes
 * U+2400 SYMBOL FOR NULL, with a warning. */
static const char *copy_name(parser *ps, const char *s, size_t n)
{
    if (!memchr(s, '\0', n))
        return pv_arena_strndup(ps->arena, s, n);
    ps->facts.n_nul_names++;
    size_t len;
    return pv_pstats_show_nul(ps->arena, s, n, &len);
}

/* Moves the keys and edges into the profile, in the arena. */
static int build_profile(parser *ps)
{
    pv_profile *p = ps->p;
    p->n_funcs = ps->n_keys;
    p->n_entries = ps->facts.n_entries;
    p->n_edges = ps->n_edges;
    p->funcs = PV_ARENA_NEW(ps->arena, pv_func, ps->n_keys);
    if (!p->funcs)
        return too_big(ps);
    /* The edge array joins the arena as it is, trimmed, not copied. */
    p->edges = pv_xrealloc(ps->edges, ps->n_edges * sizeof *p->edges);
    ps->edges = NULL;
    if (pv_arena_adopt(ps->arena, p->edges, ps->n_edges * sizeof *p->edges) != 0) {
        free(p->edges);
        p->edges = NULL;
        return too_big(ps);
    }
    for (size_t i = 0; i < ps->n_keys; i++) {
        const keyinfo *k = &ps->keys[i];
        pv_func *f = &p->funcs[i];
        memset(f, 0, sizeof *f);
        f->file = copy_name(ps, k->file, k->file_n);
        f->name = copy_name(ps, k->name, k->name_n);
        if (!f->file || !f->name)
            return too_big(ps);
        f->line = k->line;
        f->cc = k->cc;
        f->nc = k->nc;
        f->tt = k->tt;
        f->ct = k->ct;
        if (!k->entry)
            f->flags |= PV_FUNC_CALLER_ONLY;
        if (k->code) {
            const pv_mcode *c = k->code;
            f->code_name = pv_arena_strndup(ps->arena, c->name->v.s, c->name->n);
            f->code_file = pv_arena_strndup(ps->arena, c->filename->v.s, c->filename->n);
            f->code_line = c->firstlineno;
            if (!f->code_name || !f->code_file)
                return too_big(ps);
        }
    }
    return PV_OK;
}

/* Sums with overflow detection, clamped to int64 with a warning: pstats'
 * Python integers never overflow, but no real run makes 2**63 calls. */
static int64_t clamp_sum(__int128 s, int *clamped)
{
    if (s > INT64_MAX || s < INT64_MIN) {
        *clamped = 1;
        return s > 0 ? INT64_MAX : INT64_MIN;
    }
    return (int64_t)s;
}

static const char *guess_writer(const pv_profile *p, size_t n_markers)
{
    size_t n_count = 0;
    for (size_t e = 0; e < p->n_edges; e++)
        n_count += p->edges[e].is_count;
    if (n_markers)
        return "profiling.sampling";
    size_t minus_one = 0, yappi_builtins = 0;
    for (size_t i = 0; i < p->n_entries; i++) {
        const pv_func *f = &p->funcs[i];
        minus_one += f->nc == -1 && f->cc == -1;
        yappi_builtins += f->line == 0 && (strcmp(f->file, "builtins") == 0 ||
                                           strcmp(f->file, "__builtin__") == 0);
    }
    if (minus_one == p->n_entries)
        return "pyinstrument";
    if (yappi_builtins)
        return "yappi";
    if (n_count && n_count < p->n_edges)
        return "mixed";
    return n_count ? "profile" : "cProfile";
}

static int finish_totals(parser *ps)
{
    pv_profile *p = ps->p;
    __int128 calls = 0, prim = 0;
    size_t n_nan = 0, n_inf = 0, n_neg = 0;
    for (size_t i = 0; i < p->n_entries; i++) {
        const pv_func *f = &p->funcs[i];
        calls += f->nc;
        prim += f->cc;
        n_nan += isnan(f->tt) || isnan(f->ct);
        n_inf += isinf(f->tt) || isinf(f->ct);
        n_neg += f->tt < 0 || f->ct < 0;
    }
    int clamped = 0;
    p->total_calls = clamp_sum(calls, &clamped);
    p->prim_calls = clamp_sum(prim, &clamped);
    p->total_tt = pv_pstats_total_tt(p, ps->facts.py2);
    int rc = PV_OK;
    if (clamped)
        rc = warn(ps, "the total call count does not fit in 64 bits; shown as %lld",
                  (long long)p->total_calls);
    if (!rc && n_nan)
        rc = warn(ps, "%zu functions have NaN times (not a number)", n_nan);
    if (!rc && n_inf)
        rc = warn(ps, "%zu functions have infinite times", n_inf);
    if (!rc && n_neg)
        rc = warn(ps, "%zu functions have negative times", n_neg);
    return rc;
}

/* The generic reader: the whole marshal tree first, then its shape. */
static int read_generic(parser *ps, const unsigned char *buf, size_t len)
{
    pv_marshal m;
    int rc = pv_marshal_read(buf, len, ps->arena, &m, ps->err);
    if (rc)
        return rc;
    pstats_facts *f = &ps->facts;
    f->end = m.end;
    f->py2 = m.py2;
    f->version = m.version;
    f->n_escaped = m.n_escaped;
    f->n_latin1 = m.n_latin1;
    if ((rc = read_entries(ps, m.root)))
        return rc;
    if (f->n_entries == 0)
        return pv_err_set(ps->err, PV_E_FORMAT, "byte 0: the profile holds no functions");
    return read_values(ps, f->n_entries);
}

/* From keys and edges to the profile, its totals and its warnings. */
static int finish(parser *ps, size_t len)
{
    pv_profile *p = ps->p;
    const pstats_facts *f = &ps->facts;
    p->format = "pstats";
    p->unit = "seconds";
    p->calls_unit = "calls";
    p->variant = "";
    p->dialect = f->py2 ? "py2" : "py3";
    p->marshal_version = f->version;
    p->trailing_bytes = len - f->end;
    int rc = build_profile(ps);
    if (!rc) {
        p->writer = guess_writer(p, f->n_markers);
        rc = finish_totals(ps);
    }
    if (!rc && f->n_markers)
        rc = warn(ps, "skipped %zu non-function entr%s such as ('__sampled__',) "
                  "(Python 3.15 sampling profiler marker)", f->n_markers,
                  f->n_markers == 1 ? "y" : "ies");
    if (!rc && f->n_dups)
        rc = warn(ps, "%zu function keys occur twice; the last value of each was kept", f->n_dups);
    if (!rc && f->n_edge_dups)
        rc = warn(ps, "%zu callers occur twice under one function (e.g. as bytes and as str); "
                  "the last value was kept", f->n_edge_dups);
    if (!rc && ps->n_keys > f->n_entries)
        rc = warn(ps, "%zu callers have no entry of their own", ps->n_keys - f->n_entries);
    if (!rc && f->n_bytes_strings)
        rc = warn(ps, "%zu keys hold byte strings where Python 3 writes str; read as text",
                  f->n_bytes_strings);
    if (!rc && f->n_escaped)
        rc = warn(ps, "%zu strings are not valid UTF-8; their bytes are kept as U+DC80..U+DCFF",
                  f->n_escaped);
    if (!rc && f->n_nul_names)
        rc = warn(ps, "%zu names hold NUL characters, shown as U+2400", f->n_nul_names);
    if (!rc && f->n_latin1)
        rc = warn(ps, "%zu ASCII-coded strings hold bytes above 0x7f; read as Latin-1",
                  f->n_latin1);
    if (!rc && p->trailing_bytes)
        rc = warn(ps, "%zu bytes after the end of the profile (byte %zu) were ignored",
                  p->trailing_bytes, f->end);
    return rc;
}

static void parser_free(parser *ps)
{
    free(ps->table);
    free(ps->keys);
    free(ps->stamps);
    free(ps->edges);
}

/* Sizes the arrays for a file of `len` bytes.  Capacities are generous
 * guesses (a function takes 100+ bytes, an edge 25+): large blocks come
 * from mmap and cost nothing until touched, while growing by copying was
 * a seventh of the parse. */
static void parser_reset(parser *ps, size_t len)
{
    parser_free(ps);
    ps->n_keys = ps->n_edges = 0;
    ps->cap_keys = ps->cap_stamps = len / 64 + 16;
    ps->cap_edges = len / 16 + 16;
    ps->keys = pv_xmalloc(ps->cap_keys * sizeof *ps->keys);
    ps->stamps = pv_xmalloc(ps->cap_stamps * sizeof *ps->stamps);
    ps->edges = pv_xmalloc(ps->cap_edges * sizeof *ps->edges);
    memset(&ps->facts, 0, sizeof ps->facts);
    size_t cap = 1024;
    while (cap < len / 128)
        cap *= 2;
    ps->table_mask = cap - 1;
    ps->table = pv_xcalloc(cap, sizeof *ps->table);
}

int pv_pstats_parse(const unsigned char *buf, size_t len, pv_arena *arena, pv_profile *out,
                    pv_err *err)
{
    return pv_pstats_parse_with(buf, len, arena, out, 0, err);
}

int pv_pstats_parse_with(const unsigned char *buf, size_t len, pv_arena *arena, pv_profile *out,
                         int generic_only, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return pv_err_set(err, PV_E_FORMAT, "byte 0: the file is empty, not a pstats dump");
    if ((buf[0] & 0x7F) != '{')
        return pv_err_set(err, PV_E_FORMAT,
                          "byte 0: not a pstats dump: it starts with 0x%02x%s, but a pstats "
                          "dump is a marshalled dict and starts with 0x7b or 0xfb",
                          buf[0], pv_marshal_code_meaning(buf[0]));
    parser ps = {.arena = arena, .p = out, .err = err};
    parser_reset(&ps, len);
    int rc = generic_only ? PV_PSTATS_FALLBACK : pv_pstats_fast(&ps, buf, len);
    if (rc == PV_PSTATS_FALLBACK) {
        parser_reset(&ps, len);
        rc = read_generic(&ps, buf, len);
    }
    /* A recorded profile's trailer is read once the dump's functions are
     * known (it names them); its bytes are not trailing garbage. */
    int recorded = rc == PV_OK && pv_trailer_claims(buf, len, ps.facts.end);
    if (rc == PV_OK)
        rc = finish(&ps, recorded ? ps.facts.end : len);
    if (rc == PV_OK && recorded)
        rc = pv_trailer_read(buf, len, ps.facts.end, arena, out, err);
    parser_free(&ps);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}
