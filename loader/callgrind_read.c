/* callgrind_read.c — the lines of a callgrind file (valgrind's
 * "Callgrind Format Specification", version 1, as valgrind, yappi,
 * lsprofcalltree, pyprof2calltree and xdebug write it) into a raw call
 * graph (callgrind_internal.h); callgrind_model.c maps it onto the pstats
 * model, callgrind.c is the reader's entry.  The rules, with the
 * files that need them (../shared/formats/README.md lists the evidence):
 *   - header lines (`key: value`) may come anywhere; parts are summed and
 *     must keep the same events:; summary:/totals: are checked against
 *     the sum of the cost lines, which is what counts;
 *   - one id space each for objects (ob cob), files (fl fi fe cfi cfl
 *     jfi) and functions (fn cfn jfn frfn): `(id) name` defines, `(id)`
 *     refers; an id used before its definition (callgrind 0.10) takes the
 *     later one, an id never defined is an error;
 *   - a function is (object, file, name), its file the current one when
 *     its fn= line is read; fi=/fe= switch the file of the following cost
 *     lines (inlined code), not the function;
 *   - cob=/cfi=/cfl=/cfn= name the callee of the next calls= only; the
 *     cost line after calls= is the calls' inclusive cost;
 *   - positions (`positions: instr line`) are numbers, 0x-hex, +n/-n
 *     relative to the previous line's, or `*`; costs are numbers only
 *     (relative costs break the spec: an error), missing ones are 0;
 *   - jump=/jcnd= and other key= lines (bb=, ln=, rec=) are skipped.
 * Every number is exact (uint64); nothing is kept per line, so memory
 * grows with the functions and calls, not with the file.
 * SPDX-License-Identifier: MIT
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgrind_internal.h"
#include "utf8.h"

#define NO_HANDLE UINT32_MAX
#define MAX_POSITIONS 8   /* the spec names three kinds (instr line bb) */

enum { SP_OB, SP_FL, SP_FN };

/* The keys of name lines. */
static const char *const specs[] = {"ob", "fl", "fi", "fe", "fn", "cob", "cfi", "cfl", "cfn",
                                    "jfi", "jfn", "frfn"};

/* A name as a spec line gives it: an interned string, or (name NULL) an
 * id used before the line that defines it. */
typedef struct handle {
    const char *name;
    size_t first_use;     /* line that first used it */
    const char *spec;     /* as that line's key: "cfn", ... */
    uint32_t id;
    /* A function name's last function, and its object and file: most
     * calls name the callee of the call before with the same name. */
    uint32_t func, func_ob, func_file;
} handle;

typedef struct reader {
    pv_arena *arena;
    pv_err *err;
    const pv_load_opts *opts;
    pv_cg_graph *g;
    size_t line;          /* 1-based number of the line being read */
    handle *handles;
    size_t n_handles, cap_handles;
    pv_cg_map strings;    /* (hash, length + probe << 40) -> handle of a plain name */
    pv_cg_map ids;        /* (id, space) -> handle, for ids past dense_ids */
    uint32_t *dense[3];   /* per space, handle by id for small ids (NO_HANDLE: none) */
    size_t cap_dense[3];
    size_t dense_ids;     /* ids below this go in dense[]: writers number from 0 or 1 */
    pv_cg_map func_keys;  /* (object << 32 | file, name) handles -> function */
    pv_cg_map call_keys;  /* (caller << 32 | callee, 0) -> call */
    uint32_t *func_handles;   /* per function: object, file, name handles */
    size_t cap_funcs, cap_calls, cap_func_handles;
    uint32_t empty;       /* the handle of "" */
    uint32_t cur_ob, cur_file, cur_fn_file;
    uint32_t cur_key[3];  /* the last fn=: object, file, name handles */
    uint32_t cur_fn;      /* its function index once registered, else NO_HANDLE */
    uint32_t pend_ob, pend_file, pend_fn;  /* the next call's cob/cfi/cfn */
    int pending_call;     /* the next line is a call's inclusive cost */
    uint32_t call_callee;
    uint64_t call_count;
    size_t n_positions;
    int line_column;      /* which position is the line, -1 if none */
    int64_t prev_pos[MAX_POSITIONS];
    int have_prev_pos;
    int seen_fn;
    /* summary: and totals: lines met before events: (their costs cannot
     * be read yet): their values, in the buffer. */
    const char *early_summary, *early_totals;
    size_t early_summary_n, early_totals_n;
} reader;

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(reader *r, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pv_err_set(r->err, PV_E_FORMAT, "line %zu: %s", r->line, msg);
}

/* ---- names ------------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

static int new_handle(reader *r, const char *name, const char *spec, uint32_t id, uint32_t *out)
{
    r->handles = pv_arena_grow(r->arena, r->handles, &r->cap_handles, r->n_handles + 1,
                            sizeof *r->handles);
    if (!r->handles)
        return pv_cg_too_big(r->arena, r->err);
    r->handles[r->n_handles] = (handle){name, r->line, spec, id, NO_HANDLE, 0, 0};
    *out = (uint32_t)r->n_handles++;
    return PV_OK;
}

/* The handle of the plain name s[0..n), interned: one per distinct text.
 * A hash collision moves on to the next probe key, so a crafted file can
 * slow this down but never merge two names. */
static int plain_name(reader *r, const char *s, size_t n, uint32_t *out)
{
    uint64_t h = hash_bytes(s, n);
    uint64_t probe = 0;
    for (;; probe++) {
        uint32_t v = pv_cg_map_get(&r->strings, h, n | probe << 40);
        if (v == NO_HANDLE)
            break;
        const char *known = r->handles[v].name;
        if (strlen(known) == n && memcmp(known, s, n) == 0) {
            *out = v;
            return PV_OK;
        }
    }
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = s[i] == '\0' ? 0 : pv_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            return fail(r, "a name is not UTF-8 text (at byte %zu of it)", i);
        i += k;
    }
    char *copy = pv_arena_strndup(r->arena, s, n);
    if (!copy)
        return pv_cg_too_big(r->arena, r->err);
    int rc = new_handle(r, copy, "", 0, out);
    return rc ? rc : pv_cg_map_put(&r->strings, r->arena, h, n | probe << 40, *out, r->err);
}

static int space_of(const char *spec, size_t n)
{
    if (spec[n - 2] == 'o')  /* ob, cob */
        return SP_OB;
    if (spec[n - 1] == 'n')  /* fn cfn jfn frfn */
        return SP_FN;
    return SP_FL;            /* fl fi fe cfi cfl jfi */
}

/* Ids are looked up on most lines: an array for the small ones every
 * writer uses (bounded by the file's size, so a hostile id costs no
 * memory), the map for the rest. */
static uint32_t get_id(const reader *r, uint64_t space, uint64_t id)
{
    if (id < r->dense_ids)
        return id < r->cap_dense[space] ? r->dense[space][id] : NO_HANDLE;
    return pv_cg_map_get(&r->ids, id, space);
}

static int put_id(reader *r, uint64_t space, uint64_t id, uint32_t h)
{
    if (id >= r->dense_ids)
        return pv_cg_map_put(&r->ids, r->arena, id, space, h, r->err);
    size_t old = r->cap_dense[space];
    if (id >= old) {
        r->dense[space] = pv_arena_grow(r->arena, r->dense[space], &r->cap_dense[space], id + 1,
                                     sizeof *r->dense[space]);
        if (!r->dense[space])
            return pv_cg_too_big(r->arena, r->err);
        for (size_t i = old; i < r->cap_dense[space]; i++)
            r->dense[space][i] = NO_HANDLE;
    }
    r->dense[space][id] = h;
    return PV_OK;
}

/* The handle a spec line's value names: `(id) name` (a definition),
 * `(id)` (a reference) or a plain name. */
static int resolve(reader *r, int spec, const char *v, size_t n, uint32_t *out)
{
    while (n && pv_cg_is_blank(*v))
        v++, n--;
    size_t k = 1;
    uint64_t id = 0;
    while (k < n && v[k] >= '0' && v[k] <= '9' && id < UINT32_MAX)
        id = id * 10 + (uint64_t)(v[k++] - '0');
    int compressed = n >= 3 && v[0] == '(' && k > 1 && k < n && v[k] == ')' &&
                     (k + 1 == n || pv_cg_is_blank(v[k + 1]));
    if (!compressed)
        return plain_name(r, v, n, out);
    if (id >= UINT32_MAX)
        return fail(r, "name id %.*s is too large", (int)(k - 1), v + 1);
    uint64_t space = (uint64_t)space_of(specs[spec], strlen(specs[spec]));
    uint32_t known = get_id(r, space, id);
    if (k + 1 == n) {
        /* A reference.  Before any definition, callgrind 0.10 means the
         * one further down: a handle to fill in when it comes. */
        if (known != NO_HANDLE) {
            *out = known;
            return PV_OK;
        }
        int rc = new_handle(r, NULL, specs[spec], (uint32_t)id, out);
        return rc ? rc : put_id(r, space, id, *out);
    }
    const char *name = v + k + 1;
    size_t name_n = n - k - 1;
    while (name_n && pv_cg_is_blank(*name))
        name++, name_n--;
    uint32_t plain;
    int rc = plain_name(r, name, name_n, &plain);
    if (rc)
        return rc;
    if (known != NO_HANDLE && r->handles[known].name == NULL) {
        r->handles[known].name = r->handles[plain].name;
        r->g->n_forward++;
        *out = known;
        return PV_OK;
    }
    *out = plain;
    /* A redefinition (the spec forbids it; the oracle lets the new name
     * win) or the first definition. */
    return known == plain ? PV_OK : put_id(r, space, id, plain);
}

/* ---- functions and calls --------------------------------------------- */

static int func_index(reader *r, uint32_t ob, uint32_t file, uint32_t fn, uint32_t *out)
{
    handle *h = &r->handles[fn];
    if (h->func != NO_HANDLE && h->func_ob == ob && h->func_file == file) {
        *out = h->func;
        return PV_OK;
    }
    uint64_t k1 = (uint64_t)ob << 32 | file;
    uint32_t i = pv_cg_map_get(&r->func_keys, k1, fn);
    if (i != NO_HANDLE) {
        *out = h->func = i;
        h->func_ob = ob;
        h->func_file = file;
        return PV_OK;
    }
    pv_cg_graph *g = r->g;
    if (g->n_funcs >= UINT32_MAX - 1)
        return pv_cg_too_big(r->arena, r->err);
    g->funcs = pv_arena_grow(r->arena, g->funcs, &r->cap_funcs, g->n_funcs + 1, sizeof *g->funcs);
    r->func_handles = pv_arena_grow(r->arena, r->func_handles, &r->cap_func_handles,
                                 3 * (g->n_funcs + 1), sizeof *r->func_handles);
    if (!g->funcs || !r->func_handles)
        return pv_cg_too_big(r->arena, r->err);
    g->funcs[g->n_funcs] = (pv_cg_func){0};
    r->func_handles[3 * g->n_funcs] = ob;
    r->func_handles[3 * g->n_funcs + 1] = file;
    r->func_handles[3 * g->n_funcs + 2] = fn;
    *out = (uint32_t)g->n_funcs++;
    h = &r->handles[fn];
    h->func = *out;
    h->func_ob = ob;
    h->func_file = file;
    return pv_cg_map_put(&r->func_keys, r->arena, k1, fn, *out, r->err);
}

/* The function the current fn= names, registered on its first cost or
 * call (so yappi's preamble of definitions makes none). */
static int current_func(reader *r, uint32_t *out)
{
    if (!r->seen_fn)
        return fail(r, "a cost line or call before any fn=");
    if (r->cur_fn == NO_HANDLE) {
        int rc = func_index(r, r->cur_key[0], r->cur_key[1], r->cur_key[2], &r->cur_fn);
        if (rc)
            return rc;
    }
    *out = r->cur_fn;
    return PV_OK;
}

static uint64_t add_sat(pv_cg_graph *g, uint64_t a, uint64_t b)
{
    if (a > UINT64_MAX - b) {
        g->overflow = 1;
        return UINT64_MAX;
    }
    return a + b;
}

static int add_call(reader *r, uint32_t caller, uint32_t callee, uint64_t count, uint64_t incl)
{
    pv_cg_graph *g = r->g;
    uint64_t k1 = (uint64_t)caller << 32 | callee;
    uint32_t i = pv_cg_map_get(&r->call_keys, k1, 0);
    if (i == NO_HANDLE) {
        if (g->n_calls >= UINT32_MAX - 1)
            return pv_cg_too_big(r->arena, r->err);
        g->calls = pv_arena_grow(r->arena, g->calls, &r->cap_calls, g->n_calls + 1, sizeof *g->calls);
        if (!g->calls)
            return pv_cg_too_big(r->arena, r->err);
        i = (uint32_t)g->n_calls++;
        g->calls[i] = (pv_cg_call){caller, callee, 0, 0};
        int rc = pv_cg_map_put(&r->call_keys, r->arena, k1, 0, i, r->err);
        if (rc)
            return rc;
    }
    g->calls[i].count = add_sat(g, g->calls[i].count, count);
    g->calls[i].incl = add_sat(g, g->calls[i].incl, incl);
    return PV_OK;
}

/* ---- numbers ---------------------------------------------------------- */

/* Whether s[0..n) is a decimal or 0x-hex number (that fits in 64 bits),
 * read into *out. */
static bool parse_number(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n > 2 && s[0] == '0' && s[1] == 'x') {
        for (size_t i = 2; i < n; i++) {
            int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
                    : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                    : s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
            if (d < 0 || v > UINT64_MAX >> 4)
                return false;
            v = v << 4 | (uint64_t)d;
        }
    } else {
        if (n == 0)
            return false;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
                return false;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
    }
    *out = v;
    return true;
}

static bool too_large(const char *s, size_t n)
{
    /* Well-formed digits that parse_number refused: an overflow. */
    size_t i = n > 2 && s[0] == '0' && s[1] == 'x' ? 2 : 0;
    if (i == n)
        return false;
    for (; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (i > 1 && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f'))))
            return false;
    return true;
}

static const char *next_token(const char *s, const char *end, size_t *n)
{
    while (s < end && pv_cg_is_blank(*s))
        s++;
    const char *t = s;
    while (t < end && !pv_cg_is_blank(*t))
        t++;
    *n = (size_t)(t - s);
    return s;
}

/* A subposition: a number, +n/-n relative to the previous line's, or `*`
 * (the same).  Positions are addresses or line numbers; relative steps
 * wrap like valgrind's unsigned arithmetic. */
static int parse_subposition(reader *r, size_t k, const char *t, size_t n, uint64_t *out)
{
    int rel = n >= 1 && (t[0] == '+' || t[0] == '-' || (t[0] == '*' && n == 1));
    if (rel && !r->have_prev_pos)
        return fail(r, "relative subposition with no previous position");
    uint64_t base = rel ? (uint64_t)r->prev_pos[k] : 0, v = 0;
    if (t[0] == '*' && n == 1) {
        *out = base;
        return PV_OK;
    }
    size_t skip = rel ? 1 : 0;
    if (!parse_number(t + skip, n - skip, &v))
        return too_large(t + skip, n - skip) ? fail(r, "subposition %.*s is too large", (int)n, t)
                                              : fail(r, "bad subposition '%.*s'", (int)n, t);
    *out = t[0] == '-' ? base - v : base + v;
    return PV_OK;
}

/* A cost line: positions, then up to one cost per event.  *cost is the
 * chosen event's, *line_no the line position (0 when there is none). */
static int parse_costs(reader *r, const char *s, size_t n, uint64_t *cost, uint64_t *line_no)
{
    const char *end = s + n, *t;
    size_t tn;
    uint64_t pos[MAX_POSITIONS];
    for (size_t k = 0; k < r->n_positions; k++) {
        t = next_token(s, end, &tn);
        if (tn == 0)
            return fail(r, "cost line has fewer than %zu subpositions", r->n_positions);
        int rc = parse_subposition(r, k, t, tn, &pos[k]);
        if (rc)
            return rc;
        s = t + tn;
    }
    for (size_t k = 0; k < r->n_positions; k++)
        r->prev_pos[k] = (int64_t)pos[k];
    r->have_prev_pos = 1;
    *line_no = r->line_column >= 0 ? pos[r->line_column] : 0;
    *cost = 0;
    for (size_t k = 0;; k++) {
        t = next_token(s, end, &tn);
        if (tn == 0)
            return PV_OK;
        uint64_t v;
        if (!parse_number(t, tn, &v)) {
            if (too_large(t, tn))
                return fail(r, "cost %.*s is too large", (int)tn, t);
            if (t[0] == '+' || t[0] == '-' || t[0] == '*')
                return fail(r, "bad cost '%.*s' (relative forms are only allowed for positions)",
                            (int)tn, t);
            return fail(r, "bad cost '%.*s'", (int)tn, t);
        }
        if (k >= r->g->n_events)
            return fail(r, "%zu costs but only %zu events", k + 1, r->g->n_events);
        if (k == r->g->event)
            *cost = v;
        s = t + tn;
    }
}

/* ---- header lines ----------------------------------------------------- */

static int read_events(reader *r, const char *v, size_t n)
{
    pv_cg_graph *g = r->g;
    const char *end = v + n, *t;
    size_t tn, count = 0;
    for (const char *s = v; (t = next_token(s, end, &tn)), tn; s = t + tn)
        count++;
    if (count == 0)
        return fail(r, "empty events:");
    if (g->events) {
        /* A later part repeats them; it may not change them. */
        size_t k = 0;
        int same = count == g->n_events;
        for (const char *s = v; same && ((t = next_token(s, end, &tn)), tn); s = t + tn, k++)
            same = strlen(g->events[k]) == tn && memcmp(g->events[k], t, tn) == 0;
        return same ? PV_OK : fail(r, "events: changed from the first part's");
    }
    const char **names = PV_ARENA_NEW(r->arena, const char *, count);
    if (!names)
        return pv_cg_too_big(r->arena, r->err);
    size_t k = 0;
    for (const char *s = v; (t = next_token(s, end, &tn)), tn; s = t + tn) {
        uint32_t h;
        int rc = plain_name(r, t, tn, &h);
        if (rc)
            return rc;
        names[k++] = r->handles[h].name;
    }
    g->events = names;
    g->n_events = count;
    g->event = 0;
    const char *want = r->opts ? r->opts->event : NULL;
    if (want && strncmp(want, "event=", 6) == 0)
        want += 6;
    if (!want)
        return PV_OK;
    for (k = 0; k < count; k++)
        if (strcmp(names[k], want) == 0) {
            g->event = k;
            return PV_OK;
        }
    char list[300];
    size_t at = 0;
    list[0] = '\0';
    for (k = 0; k < count && at < sizeof list; k++)
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", k ? ", " : "", names[k]);
    return pv_err_set(r->err, PV_E_USAGE, "no event \"%.60s\" in this callgrind file: its events "
                      "are %s", want, list);
}

static int read_positions(reader *r, const char *v, size_t n)
{
    const char *end = v + n, *t;
    size_t tn, count = 0;
    r->line_column = -1;
    for (const char *s = v; (t = next_token(s, end, &tn)), tn; s = t + tn) {
        int is_line = tn == 4 && memcmp(t, "line", 4) == 0;
        if (!is_line && !(tn == 5 && memcmp(t, "instr", 5) == 0) && !(tn == 2 && memcmp(t, "bb", 2) == 0))
            return fail(r, "bad positions: '%.*s' (instr, line or bb)", (int)tn, t);
        if (count == MAX_POSITIONS)
            return fail(r, "more than %d positions", MAX_POSITIONS);
        if (is_line && r->line_column < 0)
            r->line_column = (int)count;
        count++;
    }
    if (count == 0)
        return fail(r, "empty positions:");
    r->n_positions = count;
    r->have_prev_pos = 0;
    return PV_OK;
}

/* summary: and totals: give a cost per event; the chosen one is summed
 * over parts to be checked against the cost lines. */
static void read_total(reader *r, const char *v, size_t n, int *has, uint64_t *sum)
{
    const char *end = v + n, *t;
    size_t tn, k = 0;
    for (const char *s = v; (t = next_token(s, end, &tn)), tn; s = t + tn, k++) {
        uint64_t x;
        if (!parse_number(t, tn, &x))
            return;
        if (k == r->g->event) {
            *sum = add_sat(r->g, *sum, x);
            break;
        }
    }
    *has = 1;
}

/* `key: value`.  The summary and totals can only be read once the events
 * are known: one met before events: waits for it. */
static int read_header(reader *r, const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] != ':')
        k++;
    const char *v = s + k + 1;
    size_t vn = n - k - 1;
    while (vn && pv_cg_is_blank(*v))
        v++, vn--;
    pv_cg_graph *g = r->g;
    if (k == 6 && memcmp(s, "events", 6) == 0) {
        int first = !g->events;
        int rc = read_events(r, v, vn);
        if (rc == PV_OK && first && r->early_summary)
            read_total(r, r->early_summary, r->early_summary_n, &g->has_summary, &g->summary);
        if (rc == PV_OK && first && r->early_totals)
            read_total(r, r->early_totals, r->early_totals_n, &g->has_totals, &g->totals);
        return rc;
    }
    if (k == 9 && memcmp(s, "positions", 9) == 0)
        return read_positions(r, v, vn);
    if (k == 7 && memcmp(s, "summary", 7) == 0 && !g->events) {
        r->early_summary = v;
        r->early_summary_n = vn;
    } else if (k == 6 && memcmp(s, "totals", 6) == 0 && !g->events) {
        r->early_totals = v;
        r->early_totals_n = vn;
    } else if (k == 7 && memcmp(s, "summary", 7) == 0) {
        read_total(r, v, vn, &g->has_summary, &g->summary);
    } else if (k == 6 && memcmp(s, "totals", 6) == 0) {
        read_total(r, v, vn, &g->has_totals, &g->totals);
    } else if (k == 7 && memcmp(s, "creator", 7) == 0 && !g->creator) {
        uint32_t h;
        int rc = plain_name(r, v, vn, &h);
        if (rc)
            return rc;
        g->creator = r->handles[h].name;
    } else if (k == 5 && memcmp(s, "event", 5) == 0) {
        g->has_event_header = 1;
    }
    return PV_OK;
}

static bool is_header(const char *s, size_t n)
{
    if (!((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (c == ':')
            return true;
        if (!(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return false;
}

/* ---- body lines ------------------------------------------------------- */

/* The index of the name line's key starting s[0..n) (`fn=`, `cfi=`,
 * ...) in specs[], or -1 when the line is not a name line. */
static int spec_index(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        size_t k = strlen(specs[i]);
        if (n > k && s[k] == '=' && memcmp(s, specs[i], k) == 0)
            return (int)i;
    }
    return -1;
}

static int read_spec(reader *r, const char *s, size_t n, int spec_at)
{
    uint32_t h;
    size_t k = strlen(specs[spec_at]);
    int rc = resolve(r, spec_at, s + k + 1, n - k - 1, &h);
    if (rc)
        return rc;
    const char *spec = s;
    if (k == 2 && spec[0] == 'o') {
        r->cur_ob = h;
    } else if (k == 2 && spec[0] == 'f' && spec[1] != 'n') {
        /* fl= starts a file; fi=/fe= switch to inlined code's file. */
        r->cur_file = h;
        r->g->fi_before_fn |= !r->seen_fn && spec[1] != 'l';
    } else if (k == 2) {
        /* fn=: a function of the current object and file, registered on
         * its first cost line or call. */
        r->seen_fn = 1;
        r->cur_key[0] = r->cur_ob;
        r->cur_key[1] = r->cur_fn_file = r->cur_file;
        r->cur_key[2] = h;
        r->cur_fn = NO_HANDLE;
    } else if (k == 3 && spec[1] == 'o') {
        r->pend_ob = h;
    } else if (k == 3 && spec[0] == 'c' && spec[2] != 'n') {
        /* cfi= or cfl=; an empty one means the current file. */
        r->pend_file = r->handles[h].name && r->handles[h].name[0] == '\0' ? NO_HANDLE : h;
    } else if (k == 3 && spec[0] == 'c') {
        r->pend_fn = h;
    }
    return PV_OK;
}

static int read_calls(reader *r, const char *s, size_t n)
{
    const char *end = s + n, *t = s + 6;
    while (t < end && pv_cg_is_blank(*t))
        t++;
    const char *c = t;
    while (t < end && !pv_cg_is_blank(*t))
        t++;
    uint64_t count;
    if (!parse_number(c, (size_t)(t - c), &count))
        return fail(r, "bad calls= line");
    uint32_t caller;
    int rc = current_func(r, &caller);
    if (rc)
        return rc;
    if (r->pend_fn == NO_HANDLE)
        return fail(r, "calls= without a cfn= before it");
    /* The callee's object and file default to the current ones (the
     * current file may be an inlined fi= one: valgrind leaves cfi= out
     * when the callee's file is that one). */
    uint32_t ob = r->pend_ob != NO_HANDLE ? r->pend_ob : r->cur_ob;
    uint32_t file = r->pend_file != NO_HANDLE ? r->pend_file : r->cur_file;
    rc = func_index(r, ob, file, r->pend_fn, &r->call_callee);
    if (rc)
        return rc;
    r->call_count = count;
    r->pending_call = 1;
    return PV_OK;
}

static int read_cost_line(reader *r, const char *s, size_t n)
{
    if (!r->g->events)
        return fail(r, "a cost line before events:");
    uint64_t cost = 0, line_no = 0;
    int rc = parse_costs(r, s, n, &cost, &line_no);
    if (rc)
        return rc;
    uint32_t f;
    rc = current_func(r, &f);
    if (rc)
        return rc;
    pv_cg_graph *g = r->g;
    if (r->pending_call) {
        r->pending_call = 0;
        r->pend_ob = r->pend_file = r->pend_fn = NO_HANDLE;
        return add_call(r, f, r->call_callee, r->call_count, cost);
    }
    g->funcs[f].self = add_sat(g, g->funcs[f].self, cost);
    g->total = add_sat(g, g->total, cost);
    /* The function's first line: the smallest of its own file's lines
     * (inlined code's lines belong to other files). */
    pv_cg_func *fn = &g->funcs[f];
    if (line_no > 0 && line_no <= INT64_MAX && r->cur_file == r->cur_fn_file &&
        (fn->line == 0 || (int64_t)line_no < fn->line))
        fn->line = (int64_t)line_no;
    return PV_OK;
}

static int read_line(reader *r, const char *s, size_t n)
{
    if (r->pending_call)
        return read_cost_line(r, s, n);
    int spec = spec_index(s, n);
    if (spec >= 0)
        return read_spec(r, s, n, spec);
    if (pv_cg_starts(s, n, "calls="))
        return read_calls(r, s, n);
    /* jump=/jcnd= (jump counts), and bb=, ln=, rec= or a future key=:
     * not part of the call graph. */
    size_t a = 0;
    while (a < n && ((s[a] | 0x20) >= 'a' && (s[a] | 0x20) <= 'z'))
        a++;
    if (a > 0 && a < n && s[a] == '=')
        return PV_OK;
    if ((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '-' || s[0] == '*')
        return read_cost_line(r, s, n);
    if (is_header(s, n))
        return read_header(r, s, n);
    return fail(r, "not a callgrind line: '%.*s%s'", (int)(n > 40 ? 40 : n), s, n > 40 ? "..." : "");
}

/* Every id used must have been defined somewhere; then the functions get
 * their names. */
static int name_funcs(reader *r)
{
    for (size_t i = 0; i < r->n_handles; i++) {
        const handle *h = &r->handles[i];
        if (!h->name) {
            r->line = h->first_use;
            return fail(r, "%s=(%u) is never defined", h->spec, (unsigned)h->id);
        }
    }
    pv_cg_graph *g = r->g;
    for (size_t i = 0; i < g->n_funcs; i++) {
        g->funcs[i].object = r->handles[r->func_handles[3 * i]].name;
        g->funcs[i].file = r->handles[r->func_handles[3 * i + 1]].name;
        g->funcs[i].name = r->handles[r->func_handles[3 * i + 2]].name;
    }
    return PV_OK;
}

static int read_lines(reader *r, const unsigned char *buf, size_t len)
{
    const char *p = (const char *)buf, *end = p + len;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    else if (len >= 2 && (memcmp(p, "\xff\xfe", 2) == 0 || memcmp(p, "\xfe\xff", 2) == 0))
        return pv_err_set(r->err, PV_E_FORMAT, "byte 0: UTF-16 text: callgrind files are UTF-8");
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        r->line++;
        if (e > p && e[-1] == '\r')
            e--;
        while (p < e && pv_cg_is_blank(*p))
            p++;
        while (e > p && pv_cg_is_blank(e[-1]))
            e--;
        if (e > p && *p != '#') {
            int rc = read_line(r, p, (size_t)(e - p));
            if (rc)
                return rc;
        }
        p = nl ? nl + 1 : end;
    }
    if (r->pending_call)
        return fail(r, "the file ends right after a calls= line");
    if (!r->g->events)
        return pv_err_set(r->err, PV_E_FORMAT, "line %zu: no events: line in the file", r->line);
    return name_funcs(r);
}

int pv_callgrind_read(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                      pv_arena *arena, pv_cg_graph *g, pv_err *err)
{
    memset(g, 0, sizeof *g);
    reader r = {.arena = arena, .err = err, .opts = opts, .g = g, .n_positions = 1,
                .dense_ids = 1024 + len / 16,
                .line_column = 0, .cur_fn = NO_HANDLE, .pend_ob = NO_HANDLE,
                .pend_file = NO_HANDLE, .pend_fn = NO_HANDLE};
    int rc = plain_name(&r, "", 0, &r.empty);
    if (rc)
        return rc;
    r.cur_ob = r.cur_file = r.cur_fn_file = r.empty;
    return read_lines(&r, buf, len);
}
