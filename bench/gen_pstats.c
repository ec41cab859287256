/* gen_pstats.c — writes synthetic pstats profiles, byte for byte the way
 * CPython would have written them, for benchmarks and loader tests.
 *
 * Two layers.  The marshal writer (w_*) knows the type codes of every
 * marshal version and both sharing schemes: Python 3's FLAG_REF + 'r'
 * (by object identity) and Python 2's 't' + 'R' string table.  The
 * generator above it builds a plausible program (modules, a call DAG under
 * one main(), builtins with thousands of callers, optional recursion) and
 * then decides, object by object, which ones CPython would have shared:
 * cProfile shares the file and function-name strings held by code objects,
 * the builtin labels held by the profiler, the small ints -5..256, and each
 * caller's key tuple once that caller calls two or more functions; the
 * pure-Python profile module (--count-callers) also shares every key tuple
 * and every number its timings dict still holds.  Nothing depends on
 * addresses or the clock: the same options give the same bytes.
 *
 * Invariants of every file: ct >= tt, for functions and edges; the
 * caller-edge nc of a function add up to its nc, their tt to its tt and
 * their ct to its ct (a recursive edge's ct is its tt); cc < nc only for
 * functions entered recursively.  Times are whole nanoseconds times 1e-9,
 * as in cProfile: the sums are exact in ns, and equal up to rounding in
 * the doubles written.
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "gen_pstats: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---------------------------------------------------------------------
 * The marshal writer
 * ------------------------------------------------------------------- */

#define FLAG_REF 0x80

/* A string as marshal sees it.  `slot` is its FLAG_REF index once written
 * (-1 before); `py2_index` its place in the Python-2 string table. */
typedef struct gstr {
    char *text;
    size_t len;
    uint8_t interned_py3;  /* sys.intern'ed in Python 3: 'Z'/'A'/'t' */
    uint8_t interned_py2;  /* interned in Python 2: goes through 't'/'R' */
    uint8_t shared;        /* refcount > 1 while dumping: FLAG_REF/'r' */
    int32_t slot;
    int32_t py2_index;
} gstr;

typedef struct writer {
    unsigned char *buf;
    size_t len, cap;
    int version;               /* marshal version, 0..4 */
    int py2;                   /* Python-2 dialect */
    int32_t n_refs;            /* FLAG_REF indices handed out */
    int32_t n_strings;         /* Python-2 string-table entries */
    int32_t small_ints[262];   /* ref slots of the cached ints -5..256 */
} writer;

static void w_bytes(writer *w, const void *p, size_t n)
{
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2;
        w->buf = xrealloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void w_byte(writer *w, int b)
{
    unsigned char c = (unsigned char)b;
    w_bytes(w, &c, 1);
}

/* Marshal is little-endian on every platform. */
static void w_u32(writer *w, uint32_t v)
{
    unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
    w_bytes(w, b, 4);
}

static void w_i32(writer *w, int32_t v) { w_u32(w, (uint32_t)v); }

static int refs_on(const writer *w) { return !w->py2 && w->version >= 3; }

/* Writes the type byte of an object that may be shared.  `slot` is NULL
 * for an object only this place refers to (CPython: refcount 1, never
 * flagged); otherwise *slot is -1 before its first write (flag it and take
 * the next index) and its index after (write 'r' instead).  Returns 1 when
 * a reference was written and the object's payload must be skipped. */
static int w_type(writer *w, char code, int32_t *slot)
{
    if (slot && refs_on(w)) {
        if (*slot >= 0) {
            w_byte(w, 'r');
            w_i32(w, *slot);
            return 1;
        }
        *slot = w->n_refs++;
        w_byte(w, code | FLAG_REF);
        return 0;
    }
    w_byte(w, code);
    return 0;
}

/* A fresh slot: an object that is shared with something outside the file
 * (flagged, never referenced back).  A compound literal lives until the end
 * of its block: use it only as a call argument. */
#define ONCE (&(int32_t){-1})

static void w_int(writer *w, int64_t v, int32_t *slot)
{
    /* -5..256 are one object each in CPython 3, so every use shares it. */
    if (v >= -5 && v <= 256)
        slot = &w->small_ints[v + 5];
    if (v >= INT32_MIN && v <= INT32_MAX) {
        if (!w_type(w, 'i', slot))
            w_i32(w, (int32_t)v);
    } else if (w->py2) {
        /* Python 2 (64-bit) writes a plain int outside int32 as TYPE_INT64. */
        w_byte(w, 'I');
        w_u32(w, (uint32_t)((uint64_t)v & 0xffffffffu));
        w_u32(w, (uint32_t)((uint64_t)v >> 32));
    } else if (!w_type(w, 'l', slot)) {
        uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;
        uint16_t digit[5];
        int n = 0;
        for (; m; m >>= 15)
            digit[n++] = m & 0x7fff;
        w_i32(w, v < 0 ? -n : n);
        for (int i = 0; i < n; i++) {
            w_byte(w, digit[i] & 0xff);
            w_byte(w, digit[i] >> 8);
        }
    }
}

static void w_float(writer *w, double v, int32_t *slot)
{
    if (w->version >= 2) {
        if (w_type(w, 'g', slot))
            return;
        uint64_t bits;
        memcpy(&bits, &v, 8);
        w_u32(w, (uint32_t)(bits & 0xffffffffu));
        w_u32(w, (uint32_t)(bits >> 32));
        return;
    }
    if (w_type(w, 'f', slot))
        return;
    /* CPython's repr at 17 digits; glibc prints "-nan", CPython "nan". */
    char text[40];
    int n = isnan(v) ? snprintf(text, sizeof text, "nan") : snprintf(text, sizeof text, "%.17g", v);
    w_byte(w, n);
    w_bytes(w, text, (size_t)n);
}

static int is_ascii(const gstr *s)
{
    for (size_t i = 0; i < s->len; i++)
        if ((unsigned char)s->text[i] >= 0x80)
            return 0;
    return 1;
}

static void w_str(writer *w, gstr *s)
{
    if (w->py2) {
        /* Version 0 has no string table; from 1 on, interned strings are
         * written once as 't' and then as 'R' + their table index. */
        if (s->interned_py2 && w->version >= 1) {
            if (s->py2_index >= 0) {
                w_byte(w, 'R');
                w_i32(w, s->py2_index);
                return;
            }
            s->py2_index = w->n_strings++;
            w_byte(w, 't');
        } else {
            w_byte(w, 's');
        }
        w_i32(w, (int32_t)s->len);
        w_bytes(w, s->text, s->len);
        return;
    }
    int32_t *slot = s->shared ? &s->slot : NULL;
    if (w->version >= 4 && is_ascii(s)) {
        if (s->len < 256) {
            if (w_type(w, s->interned_py3 ? 'Z' : 'z', slot))
                return;
            w_byte(w, (int)s->len);
        } else {
            if (w_type(w, s->interned_py3 ? 'A' : 'a', slot))
                return;
            w_i32(w, (int32_t)s->len);
        }
    } else {
        if (w_type(w, w->version >= 3 && s->interned_py3 ? 't' : 'u', slot))
            return;
        w_i32(w, (int32_t)s->len);
    }
    w_bytes(w, s->text, s->len);
}

/* Returns 1 when a reference was written instead of the items. */
static int w_tuple(writer *w, int n, int32_t *slot)
{
    if (!w->py2 && w->version >= 4 && n < 256) {
        if (w_type(w, ')', slot))
            return 1;
        w_byte(w, n);
        return 0;
    }
    if (w_type(w, '(', slot))
        return 1;
    w_i32(w, n);
    return 0;
}

static void w_dict_begin(writer *w, int32_t *slot) { w_type(w, '{', slot); }
static void w_dict_end(writer *w) { w_byte(w, '0'); }

/* ---------------------------------------------------------------------
 * The profile model
 * ------------------------------------------------------------------- */

typedef struct func {
    gstr *file, *name;
    int64_t line;
    int64_t cc, nc;          /* primitive and all calls */
    int64_t tt, ct;          /* own and cumulative time, ns */
    int64_t cost;            /* own time per call, ns */
    uint32_t module;         /* Python functions: index into files */
    uint32_t pos;            /* place in the file */
    uint32_t n_out;          /* callees, recursive ones included */
    size_t in_first, n_in;   /* its callers: edges[in_first, in_first + n_in) */
    int32_t key_slot;        /* profile: the one key tuple of this function */
    int32_t caller_slot;     /* cProfile: the caller-key tuple made for it */
    int int_times;           /* profile's fake root: tt and ct are the int 0 */
} func;

typedef struct edge {
    uint32_t caller, callee; /* indices in topological order */
    int64_t nc, cc;          /* calls, primitive calls */
    int64_t tt, ct;          /* callee's times during these calls, ns */
    int rec;                 /* a re-entry: self call or back edge */
} edge;

typedef struct options {
    uint32_t n_funcs;        /* entries in the file */
    double edges_per_func;   /* Python-to-Python callees per function */
    uint64_t seed;
    int version, py2, recursion, count_callers, huge_counts;
    const char *out;
} options;

typedef struct gen {
    options o;
    uint64_t rng;
    func *f;
    uint32_t n, n_users, n_modules, n_builtins;
    uint32_t first_user, first_builtin, first_lambda;
    edge *e;
    size_t n_edges, cap_edges;
    uint64_t *seen;          /* open-addressing set of caller<<32|callee + 1 */
    size_t seen_cap;
    gstr **strs;             /* every gstr, to free them */
    size_t n_strs, cap_strs;
    gstr *tilde, *empty, *s_profile, *s_profiler, *s_cmd, *s_string, *s_exec, *s_setprofile;
    gstr **files;            /* per module; the last one is main.py */
    gstr **names;            /* the shared vocabulary of identifiers */
    size_t n_names;
    gstr **specials;         /* per module: <module>, <lambda>, <listcomp>, <genexpr> */
    gstr **labels;           /* per builtin */
    int64_t *next_line;      /* per module: where the next def goes */
} gen;

/* splitmix64: small, fast and the same on every platform. */
static uint64_t rnd(gen *g)
{
    uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rnd_below(gen *g, uint64_t n) { return n ? rnd(g) % n : 0; }
static double rnd_unit(gen *g) { return (double)(rnd(g) >> 11) * 0x1.0p-53; }

static int64_t rnd_log(gen *g, double lo, double hi)
{
    return (int64_t)(lo * exp(rnd_unit(g) * log(hi / lo)));
}

/* Calls along one edge: mostly a few, sometimes a loop. */
static int64_t rnd_calls(gen *g)
{
    double u = rnd_unit(g);
    if (u < 0.55) return 1;
    if (u < 0.80) return 2 + (int64_t)rnd_below(g, 3);
    if (u < 0.92) return 5 + (int64_t)rnd_below(g, 16);
    if (u < 0.98) return 21 + (int64_t)rnd_below(g, 180);
    return 201 + (int64_t)rnd_below(g, 4800);
}

static gstr *new_str(gen *g, const char *text, int interned_py3, int interned_py2, int shared)
{
    gstr *s = xrealloc(NULL, sizeof *s);
    s->len = strlen(text);
    s->text = xrealloc(NULL, s->len + 1);
    memcpy(s->text, text, s->len + 1);
    s->interned_py3 = (uint8_t)interned_py3;
    s->interned_py2 = (uint8_t)interned_py2;
    s->shared = (uint8_t)shared;
    s->slot = -1;
    s->py2_index = -1;
    if (g->n_strs == g->cap_strs) {
        g->cap_strs = g->cap_strs ? g->cap_strs * 2 : 256;
        g->strs = xrealloc(g->strs, g->cap_strs * sizeof *g->strs);
    }
    g->strs[g->n_strs++] = s;
    return s;
}

/* C functions, most popular first (callers are drawn with a skew towards
 * the top).  py3 and py2 are _lsprof's labels, bare is the profile
 * module's c_func_name. */
static const struct builtin {
    const char *py3, *py2, *bare;
} BUILTINS[] = {
    {"<built-in method builtins.len>", "<len>", "len"},
    {"<built-in method builtins.isinstance>", "<isinstance>", "isinstance"},
    {"<method 'append' of 'list' objects>", "<method 'append' of 'list' objects>", "append"},
    {"<built-in method builtins.sorted>", "<sorted>", "sorted"},
    {"<method 'get' of 'dict' objects>", "<method 'get' of 'dict' objects>", "get"},
    {"<method 'join' of 'str' objects>", "<method 'join' of 'str' objects>", "join"},
    {"<built-in method builtins.getattr>", "<getattr>", "getattr"},
    {"<built-in method builtins.hasattr>", "<hasattr>", "hasattr"},
    {"<method 'items' of 'dict' objects>", "<method 'items' of 'dict' objects>", "items"},
    {"<built-in method builtins.max>", "<max>", "max"},
    {"<built-in method builtins.min>", "<min>", "min"},
    {"<method 'startswith' of 'str' objects>", "<method 'startswith' of 'str' objects>", "startswith"},
    {"<method 'split' of 'str' objects>", "<method 'split' of 'str' objects>", "split"},
    {"<method 'format' of 'str' objects>", "<method 'format' of 'str' objects>", "format"},
    {"<built-in method builtins.abs>", "<abs>", "abs"},
    {"<built-in method builtins.hash>", "<hash>", "hash"},
    {"<method 'encode' of 'str' objects>", "<method 'encode' of 'unicode' objects>", "encode"},
    {"<built-in method math.sqrt>", "<math.sqrt>", "sqrt"},
    {"<built-in method math.floor>", "<math.floor>", "floor"},
    {"<method 'extend' of 'list' objects>", "<method 'extend' of 'list' objects>", "extend"},
    {"<method 'pop' of 'list' objects>", "<method 'pop' of 'list' objects>", "pop"},
    {"<method 'update' of 'dict' objects>", "<method 'update' of 'dict' objects>", "update"},
    {"<built-in method time.perf_counter>", "<time.time>", "perf_counter"},
    {"<built-in method _struct.unpack_from>", "<_struct.unpack_from>", "unpack_from"},
    {"<method 'read' of '_io.BufferedReader' objects>", "<method 'read' of 'file' objects>", "read"},
    {"<built-in method posix.stat>", "<posix.stat>", "stat"},
    {"<built-in method builtins.iter>", "<iter>", "iter"},
    {"<built-in method builtins.next>", "<next>", "next"},
    {"<method 'sort' of 'list' objects>", "<method 'sort' of 'list' objects>", "sort"},
    {"<built-in method __new__ of type object at 0x7f3a1c9e4b20>",
     "<built-in method __new__ of type object at 0x7f3a1c9e4b20>", "__new__"},
};
#define N_BUILTINS (sizeof BUILTINS / sizeof BUILTINS[0])
#define B_SORTED 3
#define B_APPEND 2

static const char *const VERBS[] = {
    "get", "set", "load", "save", "parse", "render", "build", "check", "update", "apply",
    "fetch", "emit", "merge", "split", "scan", "compute", "validate", "resolve", "encode",
    "decode", "handle", "process", "format", "flush",
};
static const char *const NOUNS[] = {
    "config", "token", "node", "record", "path", "value", "key", "index", "block", "buffer",
    "entry", "field", "frame", "item", "page", "row", "request", "response", "session",
    "user", "cache", "query", "header", "message",
};
static const char *const DUNDERS[] = {
    "__init__", "__call__", "__repr__", "__eq__", "__hash__", "__iter__", "__next__",
    "__enter__", "__exit__", "__getattr__",
};
#define N_VERBS (sizeof VERBS / sizeof VERBS[0])
#define N_NOUNS (sizeof NOUNS / sizeof NOUNS[0])
#define N_DUNDERS (sizeof DUNDERS / sizeof DUNDERS[0])
enum { SP_MODULE, SP_LAMBDA, SP_LISTCOMP, SP_GENEXPR, N_SPECIALS };
static const char *const SPECIALS[N_SPECIALS] = {"<module>", "<lambda>", "<listcomp>", "<genexpr>"};

/* Strings that code objects hold.  Identifiers are interned, so one object
 * serves the whole program; names like <lambda> are not, and are shared
 * only within their module (marshal shared them in the module's .pyc). */
static void make_strings(gen *g)
{
    g->tilde = new_str(g, "~", 0, 1, 1);
    g->empty = new_str(g, "", 1, 1, 1);
    g->s_profile = new_str(g, "profile", 1, 1, 1);
    g->s_profiler = new_str(g, "profiler", 1, 1, 1);
    g->s_cmd = new_str(g, "main()", 0, 0, 1);
    g->s_string = new_str(g, "<string>", 0, 0, 1);
    g->s_exec = new_str(g, "exec", 0, 0, 0);
    /* profile keeps the last C function's name in self.c_func_name. */
    g->s_setprofile = new_str(g, "setprofile", 0, 0, 1);

    char buf[96];
    g->files = xrealloc(NULL, (g->n_modules + 1) * sizeof *g->files);
    for (uint32_t m = 0; m < g->n_modules; m++) {
        snprintf(buf, sizeof buf, "/srv/app/pkg%u/mod%u.py", m / 8, m % 8);
        g->files[m] = new_str(g, buf, 0, 0, 1);
    }
    g->files[g->n_modules] = new_str(g, "/srv/app/main.py", 0, 0, 1);

    g->n_names = 2 * N_VERBS * N_NOUNS + N_DUNDERS + 1;
    g->names = xrealloc(NULL, g->n_names * sizeof *g->names);
    size_t k = 0;
    for (int priv = 0; priv < 2; priv++)
        for (size_t v = 0; v < N_VERBS; v++)
            for (size_t n = 0; n < N_NOUNS; n++) {
                snprintf(buf, sizeof buf, "%s%s_%s", priv ? "_" : "", VERBS[v], NOUNS[n]);
                g->names[k++] = new_str(g, buf, 1, 1, 1);
            }
    for (size_t d = 0; d < N_DUNDERS; d++)
        g->names[k++] = new_str(g, DUNDERS[d], 1, 1, 1);
    g->names[k++] = new_str(g, "main", 1, 1, 1);

    g->specials = xrealloc(NULL, (g->n_modules + 1) * N_SPECIALS * sizeof *g->specials);
    for (uint32_t m = 0; m <= g->n_modules; m++)
        for (int s = 0; s < N_SPECIALS; s++)
            g->specials[m * N_SPECIALS + s] = new_str(g, SPECIALS[s], 0, 1, 1);

    g->labels = xrealloc(NULL, N_BUILTINS * sizeof *g->labels);
    for (size_t b = 0; b < N_BUILTINS; b++) {
        if (g->o.count_callers)  /* a fresh str from __name__ each call */
            g->labels[b] = new_str(g, BUILTINS[b].bare, 0, 0, 0);
        else                     /* the profiler's entry holds its label */
            g->labels[b] = new_str(g, g->o.py2 ? BUILTINS[b].py2 : BUILTINS[b].py3, 0, 0, 1);
    }
}

static gstr *special(gen *g, uint32_t module, int which)
{
    return g->specials[module * N_SPECIALS + which];
}

static gstr *random_name(gen *g, uint32_t module)
{
    double u = rnd_unit(g);
    if (u < 0.75)
        return g->names[rnd_below(g, N_VERBS * N_NOUNS)];
    if (u < 0.82)
        return g->names[N_VERBS * N_NOUNS + rnd_below(g, N_VERBS * N_NOUNS)];
    if (u < 0.92)
        return g->names[2 * N_VERBS * N_NOUNS + rnd_below(g, N_DUNDERS)];
    return special(g, module, u < 0.96 ? SP_LAMBDA : u < 0.98 ? SP_LISTCOMP : SP_GENEXPR);
}

/* Defs go down the module in the order their functions are made, so keys
 * are unique and line numbers look like a real file's. */
static int64_t next_def(gen *g, uint32_t module)
{
    int64_t line = g->next_line[module];
    g->next_line[module] += 4 + (int64_t)rnd_below(g, 36);
    return line;
}

static void set_func(func *f, gstr *file, int64_t line, gstr *name)
{
    memset(f, 0, sizeof *f);
    f->file = file;
    f->line = line;
    f->name = name;
    f->key_slot = -1;
    f->caller_slot = -1;
}

/* Adds caller -> callee unless that edge exists; returns 1 if added. */
static int add_edge(gen *g, uint32_t caller, uint32_t callee, int64_t nc, int64_t cc, int rec)
{
    uint64_t key = ((uint64_t)caller << 32 | callee) + 1;
    size_t mask = g->seen_cap - 1, i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
    for (; g->seen[i]; i = (i + 1) & mask)
        if (g->seen[i] == key)
            return 0;
    if (2 * (g->n_edges + 1) > g->seen_cap) {
        fprintf(stderr, "gen_pstats: edge set full\n");
        exit(1);
    }
    g->seen[i] = key;
    if (g->n_edges == g->cap_edges) {
        g->cap_edges = g->cap_edges ? g->cap_edges * 2 : 1024;
        g->e = xrealloc(g->e, g->cap_edges * sizeof *g->e);
    }
    g->e[g->n_edges++] = (edge){.caller = caller, .callee = callee, .nc = nc, .cc = cc, .rec = rec};
    return 1;
}

/* A caller for user function j: half the time from its own module (code
 * calls its neighbours), otherwise from anywhere above it. */
static uint32_t pick_caller(gen *g, uint32_t j)
{
    uint32_t lo = g->first_user;
    uint32_t mod_start = j;
    while (mod_start > g->first_user + 1 && g->f[mod_start - 1].module == g->f[j].module)
        mod_start--;
    if (mod_start < j && rnd_unit(g) < 0.6)
        lo = mod_start;
    return lo + (uint32_t)rnd_below(g, j - lo);
}

/* The functions, in topological order: every non-recursive edge goes from
 * a lower index to a higher one, which is what lets the times be computed
 * bottom-up in one pass.  The layout:
 *
 *   [0, first_user)                the chain down to main(): exec, <module>, ...
 *   [first_user, first_builtin)    main(), then the modules' functions
 *   [first_builtin, first_lambda)  C functions
 *   [first_lambda, n - 1)          <lambda>s that builtins.sorted calls
 *   n - 1                          disable() / setprofile(), called last */
static void make_funcs(gen *g)
{
    const options *o = &g->o;
    uint32_t n_head = (o->count_callers ? 3 : 1) + !o->py2;  /* the chain down to main() */
    g->n = o->n_funcs;
    g->n_builtins = g->n / 40;
    if (g->n_builtins < 1)
        g->n_builtins = 1;
    if (g->n_builtins > N_BUILTINS)
        g->n_builtins = N_BUILTINS;
    uint32_t n_lambdas = g->n_builtins > B_SORTED ? g->n / 400 : 0;
    g->n_users = g->n - n_head - 1 - g->n_builtins - n_lambdas;  /* main included */
    g->n_modules = (g->n_users + 59) / 60;
    if (g->n_modules < 1)
        g->n_modules = 1;
    g->first_user = n_head;
    g->first_builtin = g->first_user + g->n_users;
    g->first_lambda = g->first_builtin + g->n_builtins;

    make_strings(g);
    g->next_line = xrealloc(NULL, (g->n_modules + 1) * sizeof *g->next_line);
    for (uint32_t m = 0; m <= g->n_modules; m++)
        g->next_line[m] = 8 + (int64_t)rnd_below(g, 20);
    g->f = xrealloc(NULL, g->n * sizeof *g->f);
    func *f = g->f;
    uint32_t main_mod = g->n_modules;
    gstr *main_file = g->files[main_mod];

    uint32_t n = 0;
    if (o->count_callers) {
        /* profile.Profile.runctx("main()"): a fake root frame and the
         * command as a fake frame; Python 3 then calls exec() on it (a C
         * call), Python 2 runs the exec statement; then the <string> code. */
        set_func(&f[n++], g->s_profile, 0, g->s_profiler);
        f[0].int_times = 1;
        set_func(&f[n++], g->s_profile, 0, g->s_cmd);
        if (!o->py2)
            set_func(&f[n++], g->empty, 0, g->s_exec);
        set_func(&f[n++], g->s_string, 1, new_str(g, "<module>", 0, 1, 1));
    } else {
        /* python -m cProfile: Python 3 exec()s the script's module code,
         * Python 2 runs it with the exec statement, which is no call. */
        if (!o->py2)
            set_func(&f[n++], g->tilde, 0,
                     new_str(g, "<built-in method builtins.exec>", 0, 0, 1));
        set_func(&f[n++], main_file, 1, special(g, main_mod, SP_MODULE));
    }
    assert(n == n_head);
    for (uint32_t i = 0; i < n_head; i++)
        f[i].cost = 2000 + (int64_t)rnd_below(g, 60000);

    set_func(&f[g->first_user], main_file, 40 + (int64_t)rnd_below(g, 200),
             g->names[g->n_names - 1]);
    f[g->first_user].module = main_mod;
    f[g->first_user].cost = 20000;
    uint32_t per_module = (g->n_users - 1 + g->n_modules - 1) / g->n_modules;
    for (uint32_t i = 1; i < g->n_users; i++) {
        uint32_t m = (i - 1) / (per_module ? per_module : 1);
        if (m >= g->n_modules)
            m = g->n_modules - 1;
        func *u = &f[g->first_user + i];
        gstr *name = random_name(g, m);
        set_func(u, g->files[m], next_def(g, m), name);
        u->module = m;
        u->cost = rnd_log(g, 150, 30000);
    }
    for (uint32_t b = 0; b < g->n_builtins; b++) {
        func *u = &f[g->first_builtin + b];
        set_func(u, o->count_callers ? g->empty : g->tilde, 0, g->labels[b]);
        u->cost = rnd_log(g, 40, 1500);
    }
    for (uint32_t l = 0; l < n_lambdas; l++) {
        uint32_t m = (uint32_t)rnd_below(g, g->n_modules);
        func *u = &f[g->first_lambda + l];
        set_func(u, g->files[m], next_def(g, m), special(g, m, SP_LAMBDA));
        u->module = m;
        u->cost = rnd_log(g, 100, 600);
    }
    func *last = &f[g->n - 1];
    if (o->count_callers)
        set_func(last, g->empty, 0, g->s_setprofile);
    else
        set_func(last, g->tilde, 0,
                 new_str(g, "<method 'disable' of '_lsprof.Profiler' objects>", 0, 0, 1));
    last->cost = 300 + (int64_t)rnd_below(g, 1500);
}

static void make_edges(gen *g)
{
    const options *o = &g->o;
    uint32_t fu = g->first_user, nu = g->n_users;
    size_t max_edges = (size_t)g->n * (size_t)(o->edges_per_func + 8) + 64;
    for (g->seen_cap = 1024; g->seen_cap < 2 * max_edges; g->seen_cap *= 2)
        ;
    g->seen = xrealloc(NULL, g->seen_cap * sizeof *g->seen);
    memset(g->seen, 0, g->seen_cap * sizeof *g->seen);

    /* The chain from the root to main(). */
    for (uint32_t i = 0; i < fu; i++)
        add_edge(g, i, i + 1, 1, 1, 0);
    /* profile's last event is the C call sys.setprofile(None) made from
     * the command's frame; cProfile's disable() has no caller. */
    if (o->count_callers)
        add_edge(g, 1, g->n - 1, 1, 1, 0);
    /* A spanning tree below main(), then cross edges up to the average. */
    for (uint32_t j = fu + 1; j < fu + nu; j++) {
        int64_t c = rnd_calls(g);
        add_edge(g, pick_caller(g, j), j, c, c, 0);
    }
    size_t target = (size_t)(o->edges_per_func * nu), have = nu - 1;
    for (size_t tries = 0; have < target && tries < 4 * target && nu > 1; tries++) {
        uint32_t j = fu + 1 + (uint32_t)rnd_below(g, nu - 1);
        int64_t c = rnd_calls(g);
        have += (size_t)add_edge(g, pick_caller(g, j), j, c, c, 0);
    }
    /* Builtins, drawn with a skew so that a few have thousands of callers. */
    for (uint32_t i = fu; i < fu + nu; i++) {
        double u = rnd_unit(g);
        int k = u < 0.35 ? 0 : u < 0.65 ? 1 : u < 0.88 ? 2 : 3;
        for (int t = 0; t < k; t++) {
            double v = rnd_unit(g);
            uint32_t b = (uint32_t)(v * v * g->n_builtins);
            int64_t c = rnd_calls(g) * (1 + (int64_t)rnd_below(g, 4));
            add_edge(g, i, g->first_builtin + b, c, c, 0);
        }
    }
    /* Every builtin was called by someone: cProfile drops zero-call entries. */
    for (uint32_t b = 0; b < g->n_builtins; b++) {
        uint32_t caller = fu + (uint32_t)rnd_below(g, nu);
        add_edge(g, caller, g->first_builtin + b, 1, 1, 0);
    }
    for (uint32_t l = g->first_lambda; l < g->n - 1; l++) {
        int64_t c = 10 + (int64_t)rnd_below(g, 490);
        add_edge(g, g->first_builtin + B_SORTED, l, c, c, 0);
    }
    if (o->huge_counts) {
        /* Past INT32_MAX: exercises 'l' (Python 3) and 'I' (Python 2). */
        uint32_t b = g->n_builtins > B_APPEND ? B_APPEND : 0;
        int64_t c = 3000000000ll + (int64_t)rnd_below(g, 1000000000);
        uint32_t caller = fu + (uint32_t)rnd_below(g, nu);
        if (!add_edge(g, caller, g->first_builtin + b, c, c, 0))
            for (size_t k = 0; k < g->n_edges; k++)
                if (g->e[k].caller == caller && g->e[k].callee == g->first_builtin + b)
                    g->e[k].nc = g->e[k].cc = c;
    }
}

/* Primitive calls of each function: the sum of its non-recursive edges. */
static void count_primitive(gen *g)
{
    for (uint32_t i = 0; i < g->n; i++)
        g->f[i].cc = g->f[i].nc = 0;
    for (size_t k = 0; k < g->n_edges; k++)
        if (!g->e[k].rec)
            g->f[g->e[k].callee].cc += g->e[k].nc;
}

/* Self-recursion (fib-like: a few outer calls, many re-entries) and mutual
 * recursion (a back edge under an existing forward one).  A re-entry adds
 * to the callee's nc but not to its cc. */
static void make_recursion(gen *g)
{
    count_primitive(g);
    uint32_t fu = g->first_user, nu = g->n_users;
    for (uint32_t j = fu + 1; j < fu + nu; j++) {
        if (rnd_unit(g) >= 0.03)
            continue;
        int64_t p = g->f[j].cc;
        int64_t r = p * (1 + (int64_t)rnd_below(g, 40));
        int64_t outer = p * (1 + (int64_t)rnd_below(g, 2));
        add_edge(g, j, j, r, outer < r ? outer : r, 1);
    }
    size_t n_forward = g->n_edges;
    for (size_t k = 0; k < n_forward; k++) {
        edge fwd = g->e[k];
        if (fwd.rec || fwd.caller <= fu || fwd.callee >= fu + nu || rnd_unit(g) >= 0.01)
            continue;
        int64_t r = fwd.nc * (1 + (int64_t)rnd_below(g, 20));
        add_edge(g, fwd.callee, fwd.caller, r, fwd.nc < r ? fwd.nc : r, 1);
    }
}

/* Shares `total` among n parts in proportion to weights, exactly: each
 * part is the difference of two rounded cumulative fractions. */
static int64_t share(int64_t total, int64_t cum_before, int64_t cum_after, int64_t sum)
{
    double hi = (double)total * ((double)cum_after / (double)sum);
    double lo = (double)total * ((double)cum_before / (double)sum);
    return (int64_t)hi - (int64_t)lo;
}

static void make_times(gen *g)
{
    func *f = g->f;
    edge *e = g->e;
    for (uint32_t i = 0; i < g->n; i++) {
        f[i].nc = f[i].cc = 0;
        f[i].n_in = 0;
        f[i].n_out = 0;
    }
    for (size_t k = 0; k < g->n_edges; k++) {
        func *c = &f[e[k].callee];
        c->nc += e[k].nc;
        if (!e[k].rec)
            c->cc += e[k].nc;
        if (c->n_in++ == 0)
            c->in_first = k;
        f[e[k].caller].n_out++;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        if (f[i].n_in == 0)  /* roots: called once, from outside the profiler */
            f[i].nc = f[i].cc = f[i].int_times ? 0 : 1;
        f[i].tt = f[i].nc * f[i].cost;
    }
    /* Own time is shared among callers in proportion to calls. */
    for (uint32_t j = 0; j < g->n; j++) {
        int64_t cum = 0;
        for (size_t k = f[j].in_first; k < f[j].in_first + f[j].n_in; k++) {
            e[k].tt = share(f[j].tt, cum, cum + e[k].nc, f[j].nc);
            cum += e[k].nc;
            if (e[k].rec)
                e[k].ct = e[k].tt;
        }
    }
    /* Bottom-up: a function's ct is its tt plus what its non-recursive
     * calls cost; what exceeds the tt of the non-recursive edges goes to
     * them in proportion to calls, so they add up to ct exactly. */
    for (uint32_t i = 0; i < g->n; i++)
        f[i].ct = f[i].tt;
    for (uint32_t j = g->n; j-- > 0;) {
        int64_t rec_ct = 0, nonrec_tt = 0, cum = 0;
        for (size_t k = f[j].in_first; k < f[j].in_first + f[j].n_in; k++) {
            if (e[k].rec)
                rec_ct += e[k].ct;
            else
                nonrec_tt += e[k].tt;
        }
        int64_t extra = f[j].ct - rec_ct - nonrec_tt;
        for (size_t k = f[j].in_first; k < f[j].in_first + f[j].n_in; k++) {
            if (e[k].rec)
                continue;
            e[k].ct = e[k].tt + share(extra, cum, cum + e[k].nc, f[j].cc);
            cum += e[k].nc;
            f[e[k].caller].ct += e[k].ct;
        }
    }
    if (f[0].int_times)
        f[0].tt = f[0].ct = 0;
}

/* File order.  cProfile dumps its entries in an order that has nothing to
 * do with the call graph (Python 2: hash order); profile's timings dict
 * is in first-call order, which the topological order stands in for. */
static void make_order(gen *g)
{
    uint32_t *perm = xrealloc(NULL, g->n * sizeof *perm);
    for (uint32_t i = 0; i < g->n; i++)
        perm[i] = i;
    if (!g->o.count_callers)
        for (uint32_t i = g->n; i > 1; i--) {
            uint32_t j = (uint32_t)rnd_below(g, i);
            uint32_t t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
    for (uint32_t p = 0; p < g->n; p++)
        g->f[perm[p]].pos = p;
    free(perm);
}

/* Edges grouped by callee; within a callee, callers in file order (the
 * order snapshot_stats filled each callers dict). */
static int cmp_by_callee(const void *a, const void *b, void *ctx)
{
    const edge *x = a, *y = b;
    const func *f = ctx;
    if (x->callee != y->callee)
        return x->callee < y->callee ? -1 : 1;
    uint32_t px = f[x->caller].pos, py = f[y->caller].pos;
    return px < py ? -1 : px > py;
}

/* ---------------------------------------------------------------------
 * Writing the dump
 * ------------------------------------------------------------------- */

static void w_key(writer *w, gen *g, func *f, int as_caller, int self_call)
{
    int32_t *slot = NULL, fresh = -1;
    if (g->o.count_callers)  /* profile keeps one tuple per function, except
                              * that a recursive frame names its caller with
                              * the tuple it made on entry */
        slot = self_call ? &fresh : &f->key_slot;
    else if (as_caller && f->n_out >= 2)
        slot = &f->caller_slot;  /* one tuple per caller, in every callers dict */
    if (w_tuple(w, 3, slot))
        return;
    w_str(w, f->file);
    w_int(w, f->line, NULL);
    w_str(w, f->name);
}

static void w_time(writer *w, gen *g, int64_t ns, int held)
{
    /* profile's timings dict still holds its floats, cProfile's don't. */
    w_float(w, (double)ns * 1e-9, held && g->o.count_callers ? ONCE : NULL);
}

static void write_profile(writer *w, gen *g, uint32_t *order)
{
    int cnt = g->o.count_callers;
    w_dict_begin(w, ONCE);  /* the caller still holds the stats dict */
    for (uint32_t p = 0; p < g->n; p++) {
        func *f = &g->f[order[p]];
        w_key(w, g, f, 0, 0);
        w_tuple(w, 5, NULL);
        w_int(w, f->cc, cnt ? ONCE : NULL);
        w_int(w, f->nc, NULL);
        if (f->int_times) {
            w_int(w, 0, NULL);
            w_int(w, 0, NULL);
        } else {
            w_time(w, g, f->tt, 1);
            w_time(w, g, f->ct, 1);
        }
        w_dict_begin(w, NULL);
        for (size_t k = f->in_first; k < f->in_first + f->n_in; k++) {
            edge *e = &g->e[k];
            w_key(w, g, &g->f[e->caller], 1, e->caller == e->callee);
            if (cnt) {
                w_int(w, e->nc, ONCE);
                continue;
            }
            /* cProfile's caller tuple is (nc, cc, tt, ct): counts swapped. */
            w_tuple(w, 4, NULL);
            w_int(w, e->nc, NULL);
            w_int(w, e->cc, NULL);
            w_time(w, g, e->tt, 0);
            w_time(w, g, e->ct, 0);
        }
        w_dict_end(w);
    }
    w_dict_end(w);
}

static void usage(FILE *out)
{
    fputs("usage: gen_pstats [--funcs N] [--edges-per-func K] [--seed S] [--version 0..4]\n"
          "                  [--py2] [--recursion] [--count-callers] [--huge-counts] -o OUT.prof\n"
          "Writes a synthetic pstats dump exactly as CPython would (Python 3 marshal\n"
          "version 4 by default; --py2: Python 2.7's dialect, versions 0..2).\n"
          "  --funcs N           entries in the file (default 1000, at least 8)\n"
          "  --edges-per-func K  Python-to-Python callees per function (default 2)\n"
          "  --recursion         add self and mutual recursion (nc > cc)\n"
          "  --count-callers     pure-Python profile module style: int caller counts\n"
          "  --huge-counts       one call count above 2^31\n", out);
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"funcs", required_argument, NULL, 'n'},
        {"edges-per-func", required_argument, NULL, 'k'},
        {"seed", required_argument, NULL, 's'},
        {"version", required_argument, NULL, 'v'},
        {"py2", no_argument, NULL, '2'},
        {"recursion", no_argument, NULL, 'r'},
        {"count-callers", no_argument, NULL, 'c'},
        {"huge-counts", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (options){.n_funcs = 1000, .edges_per_func = 2.0, .seed = 1, .version = -1};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v < 8 || v > 50000000) {
                fprintf(stderr, "gen_pstats: --funcs must be 8..50000000\n");
                return -1;
            }
            o->n_funcs = (uint32_t)v;
            break;
        }
        case 'k':
            o->edges_per_func = strtod(optarg, &end);
            if (*end || !(o->edges_per_func >= 1.0 && o->edges_per_func <= 64.0)) {
                fprintf(stderr, "gen_pstats: --edges-per-func must be 1..64\n");
                return -1;
            }
            break;
        case 's':
            o->seed = strtoull(optarg, &end, 0);
            if (*end) {
                fprintf(stderr, "gen_pstats: bad --seed\n");
                return -1;
            }
            break;
        case 'v':
            o->version = (int)strtol(optarg, &end, 10);
            if (*end || o->version < 0 || o->version > 4) {
                fprintf(stderr, "gen_pstats: --version must be 0..4\n");
                return -1;
            }
            break;
        case '2': o->py2 = 1; break;
        case 'r': o->recursion = 1; break;
        case 'c': o->count_callers = 1; break;
        case 'H': o->huge_counts = 1; break;
        case 'o': o->out = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: return -1;
        }
    }
    if (optind != argc || !o->out) {
        usage(stderr);
        return -1;
    }
    if (o->version < 0)
        o->version = o->py2 ? 2 : 4;
    if (o->py2 && o->version > 2) {
        fprintf(stderr, "gen_pstats: Python 2 wrote marshal versions 0..2 only\n");
        return -1;
    }
    return 0;
}

static void gen_free(gen *g)
{
    for (size_t i = 0; i < g->n_strs; i++) {
        free(g->strs[i]->text);
        free(g->strs[i]);
    }
    free(g->strs);
    free(g->files);
    free(g->names);
    free(g->specials);
    free(g->labels);
    free(g->next_line);
    free(g->f);
    free(g->e);
    free(g->seen);
}

int main(int argc, char **argv)
{
    gen g = {0};
    if (parse_args(argc, argv, &g.o) != 0)
        return 2;
    g.rng = g.o.seed;
    make_funcs(&g);
    make_edges(&g);
    if (g.o.recursion)
        make_recursion(&g);
    make_order(&g);
    qsort_r(g.e, g.n_edges, sizeof *g.e, cmp_by_callee, g.f);
    make_times(&g);

    uint32_t *order = xrealloc(NULL, g.n * sizeof *order);
    for (uint32_t i = 0; i < g.n; i++)
        order[g.f[i].pos] = i;
    writer w = {.version = g.o.version, .py2 = g.o.py2};
    for (size_t i = 0; i < 262; i++)
        w.small_ints[i] = -1;
    write_profile(&w, &g, order);
    free(order);

    FILE *out = strcmp(g.o.out, "-") == 0 ? stdout : fopen(g.o.out, "wb");
    int ok = out && fwrite(w.buf, 1, w.len, out) == w.len;
    if (out && out != stdout)
        ok = fclose(out) == 0 && ok;
    if (!ok) {
        perror(g.o.out);
        return 1;
    }
    fprintf(stderr, "gen_pstats: %s: %u functions, %zu caller edges, %zu bytes\n",
            g.o.out, g.n, g.n_edges, w.len);
    free(w.buf);
    gen_free(&g);
    return 0;
}
