/* marshal.c — decode CPython marshal data without recursion.
 *
 * The reader is a loop over type bytes with an explicit stack of open
 * containers.  A finished object is handed to the innermost open container
 * (`produce`); when that completes the container, the container is handed
 * on in turn.  Items collect on one shared scratch stack and are copied
 * into the arena when their container closes, so memory follows what the
 * file really holds, never what it declares.
 *
 * Code objects have no version field and four historical layouts; the
 * reader tries them in turn and backtracks (restoring position, reference
 * tables and scratch) when a layout fails.  A work budget keeps nested
 * ambiguous code objects from making this exponential.
 * SPDX-License-Identifier: MIT
 */
#include "marshal.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

#define FLAG_REF 0x80

enum { FR_SEQ, FR_DICT, FR_CODE, FR_SLICE };

/* Code object layouts.  marshal writes a code object as raw int32 fields
 * (argument counts, stack size, flags), then objects up to co_name, a raw
 * int32 co_firstlineno, then the rest; how many of each changed with the
 * Python version, and nothing in the bytes says which version wrote it. */
typedef struct code_layout {
    const char *name;
    int n_long, n_before, n_after;
} code_layout;

static const code_layout layouts[] = {
    {"py311+", 5, 8, 2},   /* 3.11-3.14: ..., qualname | linetable, exceptiontable */
    {"py38-310", 6, 8, 1}, /* posonlyargcount added */
    {"py30-37", 5, 8, 1},  /* kwonlyargcount added */
    {"py2", 4, 8, 1},
};
#define N_LAYOUTS (sizeof layouts / sizeof layouts[0])

/* Counters a failed code-layout attempt may have disturbed. */
typedef struct tallies {
    int saw_flag, saw_R, saw_t, version;
    size_t bad_t_offset;  /* first 't' payload that was not UTF-8; SIZE_MAX: none */
    size_t n_escaped, n_latin1;
} tallies;

enum { REF_OPEN = 1, REF_HASHABLE = 2 };

typedef struct frame {
    pv_mobj *obj;        /* the container being read */
    size_t ref;          /* its ref-table index, or SIZE_MAX when not flagged */
    size_t base;         /* index of its first item on the scratch stack */
    uint32_t want;       /* FR_SEQ, FR_SLICE: items expected */
    uint8_t kind;        /* FR_* */
    uint8_t is_set;      /* FR_SEQ: items must be hashable */
    uint8_t hashable;    /* every item so far is hashable */
    /* FR_CODE only: */
    uint8_t layout;      /* index into layouts[] being tried */
    uint8_t flagged;     /* had FLAG_REF: takes a ref slot on every attempt */
    uint8_t nested;      /* inside another code object: bound to its layout */
    int64_t firstlineno;
    size_t body;         /* offset just after the 'c' byte */
    size_t ref_mark, str_mark;
    tallies saved;
} frame;

typedef struct reader {
    const unsigned char *buf;
    size_t len, pos;
    pv_arena *arena;
    pv_mobj **refs;      /* FLAG_REF table (Python 3) */
    size_t n_refs, cap_refs;
    /* REF_* bits of each ref-table entry, kept apart from the objects so
     * that checking a reference does not touch (and miss the cache on)
     * the object it names. */
    uint8_t *ref_bits;
    size_t cap_ref_bits;
    pv_mobj **strs;      /* interned-string table (Python 2 't'/'R') */
    size_t n_strs, cap_strs;
    pv_mobj *root;       /* the top-level object, once complete */
    pv_mobj **scratch;   /* items of every open container, innermost last */
    size_t n_scratch, cap_scratch;
    frame *stack;
    size_t depth, cap_stack;
    size_t budget;       /* objects we may still read */
    unsigned code_depth; /* code objects open on the stack */
    uint8_t outer_layout;  /* the layout the outermost open code object is trying */
    char why[N_LAYOUTS][120];  /* why each layout failed it, for the message */
    tallies t;
    int code;            /* pending error code */
    char msg[400];       /* pending error message, "byte N: ..." */
} reader;

const char *pv_mtype_name(pv_mtype t)
{
    static const char *const names[] = {
        [PV_M_NONE] = "None",     [PV_M_BOOL] = "bool",   [PV_M_INT] = "int",
        [PV_M_BIGINT] = "int",    [PV_M_FLOAT] = "float", [PV_M_COMPLEX] = "complex",
        [PV_M_TEXT] = "str",      [PV_M_BYTES] = "bytes", [PV_M_TUPLE] = "tuple",
        [PV_M_LIST] = "list",     [PV_M_SET] = "set",     [PV_M_DICT] = "dict",
        [PV_M_CODE] = "code",     [PV_M_OTHER] = "object",
    };
    return t <= PV_M_OTHER ? names[t] : "object";
}

const char *pv_mtype_article(pv_mtype t)
{
    static const char *const names[] = {
        [PV_M_NONE] = "None",        [PV_M_BOOL] = "a bool",    [PV_M_INT] = "an int",
        [PV_M_BIGINT] = "an int",    [PV_M_FLOAT] = "a float",  [PV_M_COMPLEX] = "a complex",
        [PV_M_TEXT] = "a str",       [PV_M_BYTES] = "a bytes",  [PV_M_TUPLE] = "a tuple",
        [PV_M_LIST] = "a list",      [PV_M_SET] = "a set",      [PV_M_DICT] = "a dict",
        [PV_M_CODE] = "a code object", [PV_M_OTHER] = "an object",
    };
    return t <= PV_M_OTHER ? names[t] : "an object";
}

__attribute__((format(printf, 3, 4)))
static int fail(reader *r, size_t at, const char *fmt, ...)
{
    int n = snprintf(r->msg, sizeof r->msg, "byte %zu: ", at);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg + n, sizeof r->msg - (size_t)n, fmt, ap);
    va_end(ap);
    r->code = PV_E_FORMAT;
    return PV_E_FORMAT;
}

static int too_big(reader *r)
{
    snprintf(r->msg, sizeof r->msg,
             "byte %zu: decoding needs more than the %zu MiB memory limit", r->pos,
             r->arena->limit >> 20);
    r->code = PV_E_TOO_BIG;
    return PV_E_TOO_BIG;
}

static size_t left(const reader *r)
{
    return r->len - r->pos;
}

static int need(reader *r, size_t n)
{
    if (n > left(r))
        return fail(r, r->pos, "file truncated: %zu more bytes expected, %zu left", n, left(r));
    return PV_OK;
}

static int read_i32(reader *r, int32_t *v)
{
    if (need(r, 4))
        return PV_E_FORMAT;
    const unsigned char *p = r->buf + r->pos;
    *v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24);
    r->pos += 4;
    return PV_OK;
}

static int read_size(reader *r, size_t start, const char *what, size_t *n)
{
    int32_t v;
    if (read_i32(r, &v))
        return PV_E_FORMAT;
    if (v < 0)
        return fail(r, start, "negative %s length %d", what, (int)v);
    *n = (size_t)v;
    return PV_OK;
}

static pv_mobj *new_obj(reader *r, pv_mtype type, size_t offset)
{
    pv_mobj *o = PV_ARENA_NEW(r->arena, pv_mobj, 1);
    if (!o)
        return NULL;
    o->type = (uint8_t)type;
    o->hashable = 1;
    o->n = 0;
    o->offset = (uint32_t)offset;
    o->memo = 0;
    o->v.items = NULL;
    return o;
}

static void push_ptr(pv_mobj ***arr, size_t *n, size_t *cap, pv_mobj *o)
{
    *arr = pv_xgrow(*arr, cap, *n + 1, sizeof **arr);
    (*arr)[(*n)++] = o;
}

/* ---- strings ----------------------------------------------------------- */

/* Copies p[0..n) with every byte that is not part of valid UTF-8 replaced
 * by U+DC80+byte (3 bytes each), as Python's surrogateescape does. */
static char *escape_bytes(pv_arena *arena, const unsigned char *p, size_t n, size_t *out_n)
{
    char *out = pv_arena_alloc(arena, PV_WTF8_ESCAPED_LEN * n + 1);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < n) {
        size_t ok = pv_wtf8_valid_prefix(p + i, n - i);
        memcpy(out + o, p + i, ok);
        o += ok;
        i += ok;
        if (i < n)
            o += pv_wtf8_escape_byte(p[i++], (unsigned char *)out + o);
    }
    *out_n = o;
    return out;
}

/* Latin-1 (one byte per code point) to UTF-8. */
static char *latin1_to_utf8(reader *r, const unsigned char *p, size_t n, size_t *out_n)
{
    char *out = pv_arena_alloc(r->arena, 2 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += pv_utf8_encode(p[i], (unsigned char *)out + o);
    *out_n = o;
    return out;
}

enum { ENC_UTF8, ENC_BYTES, ENC_LATIN1, ENC_INTERNED };

int pv_marshal_text(pv_arena *arena, const pv_mobj *o, const char **s, size_t *n)
{
    *s = o->v.s;
    *n = o->n;
    if (o->type != PV_M_BYTES || pv_wtf8_valid_prefix((const unsigned char *)o->v.s, o->n) == o->n)
        return 0;
    *s = escape_bytes(arena, (const unsigned char *)o->v.s, o->n, n);
    return *s ? 1 : -1;
}

/* Reads an n-byte string payload at r->pos, decoded per `enc`: text is
 * checked (and Latin-1 converted), bytes are kept as they are. */
static int read_string(reader *r, size_t start, int enc, size_t n, pv_mobj **out)
{
    if (n > left(r))
        return fail(r, start, "string length %zu exceeds the %zu bytes left", n, left(r));
    const unsigned char *p = r->buf + r->pos;
    r->pos += n;
    pv_mobj *o = new_obj(r, enc == ENC_BYTES ? PV_M_BYTES : PV_M_TEXT, start);
    if (!o)
        return too_big(r);
    const char *s = (const char *)p;
    size_t sn = n;
    if (enc == ENC_LATIN1) {
        for (size_t i = 0; i < n; i++)
            if (p[i] >= 0x80) {
                if (!(s = latin1_to_utf8(r, p, n, &sn)))
                    return too_big(r);
                r->t.n_latin1++;
                break;
            }
    } else if (enc != ENC_BYTES && pv_wtf8_valid_prefix(p, n) != n) {
        if (enc == ENC_UTF8)
            return fail(r, start, "invalid UTF-8 in a str at byte %zu",
                        r->pos - n + pv_wtf8_valid_prefix(p, n));
        /* 't' is Python 2's interned str (bytes) or Python 3's interned
         * str (UTF-8); which one, we only know at the end (see
         * pv_marshal_read). */
        if (r->t.bad_t_offset == SIZE_MAX)
            r->t.bad_t_offset = start;
        if (!(s = escape_bytes(r->arena, p, n, &sn)))
            return too_big(r);
        r->t.n_escaped++;
    }
    if (sn > UINT32_MAX)
        return too_big(r);
    o->v.s = s;
    o->n = (uint32_t)sn;
    *out = o;
    return PV_OK;
}

/* ---- numbers ----------------------------------------------------------- */

/* TYPE_LONG: a signed count of 15-bit digits, least significant first. */
static int read_long(reader *r, size_t start, pv_mobj *o)
{
    int32_t nd;
    if (read_i32(r, &nd))
        return PV_E_FORMAT;
    if (nd == INT32_MIN)
        return fail(r, start, "long integer digit count out of range");
    size_t ndig = (size_t)(nd < 0 ? -(int64_t)nd : nd);
    if (ndig > left(r) / 2)
        return fail(r, start, "long integer of %zu digits exceeds the %zu bytes left", ndig,
                    left(r));
    /* 64 bits need at most 5 digits; beyond that only the digits' validity
     * is checked and the value is marked as too big. */
    uint64_t mag = 0;
    int big = ndig > 5;
    const unsigned char *p = r->buf + r->pos;
    for (size_t k = 0; k < ndig; k++) {
        unsigned d = p[2 * k] | (unsigned)p[2 * k + 1] << 8;
        if (d >= 0x8000)
            return fail(r, start, "long integer digit %u out of range (>= 2**15)", d);
        if (k == ndig - 1 && d == 0)
            return fail(r, start, "unnormalized long integer (top digit is zero)");
        if (!big && k < 5) {
            if (k == 4 && d >> 4)
                big = 1;  /* 4*15 + 4 = 64 bits: bit 64 and up would be set */
            else
                mag |= (uint64_t)d << (15 * k);
        }
    }
    r->pos += 2 * ndig;
    if (!big && nd > 0 && mag > (uint64_t)INT64_MAX)
        big = 1;
    if (!big && nd < 0 && mag > (uint64_t)INT64_MAX + 1)
        big = 1;
    if (big) {
        o->type = PV_M_BIGINT;
        return PV_OK;
    }
    o->type = PV_M_INT;
    o->v.i = nd < 0 ? (int64_t)(0 - mag) : (int64_t)mag;
    return PV_OK;
}

/* TYPE_FLOAT text, parsed the way CPython does: the whole text must be a
 * number, no blanks, no '_' separators, no hex; inf/nan spelled out. */
static int read_text_float(reader *r, size_t start, double *v)
{
    if (need(r, 1))
        return PV_E_FORMAT;
    size_t n = r->buf[r->pos++];
    if (need(r, n))
        return PV_E_FORMAT;
    char txt[256];
    memcpy(txt, r->buf + r->pos, n);
    txt[n] = '\0';
    r->pos += n;
    int ok = n > 0;
    for (size_t i = 0; i < n && ok; i++) {
        char c = txt[i];
        ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' ||
             c == '-' || c == 'i' || c == 'n' || c == 'f' || c == 't' || c == 'y' ||
             c == 'a' || c == 'I' || c == 'N' || c == 'F' || c == 'T' || c == 'Y' ||
             c == 'A';
    }
    char *end = NULL;
    if (ok) {
        /* No setlocale() is ever called, so strtod uses the C locale's '.' */
        *v = strtod(txt, &end);
        ok = end == txt + n;
    }
    if (!ok) {
        char shown[64] = "";
        size_t k = 0;
        for (size_t i = 0; i < n && k + 5 < sizeof shown; i++) {
            unsigned char c = (unsigned char)txt[i];
            k += (size_t)snprintf(shown + k, sizeof shown - k, c >= 0x20 && c < 0x7F ? "%c" : "\\x%02x", c);
        }
        return fail(r, start, "bad text float '%s'", shown);
    }
    return PV_OK;
}

static int read_binary_float(reader *r, double *v)
{
    if (need(r, 8))
        return PV_E_FORMAT;
    uint64_t bits = 0;
    for (int k = 7; k >= 0; k--)
        bits = bits << 8 | r->buf[r->pos + (size_t)k];
    memcpy(v, &bits, sizeof *v);
    r->pos += 8;
    return PV_OK;
}

/* ---- containers -------------------------------------------------------- */

/* Gives o the next ref-table slot when its type byte was flagged. */
static void ref_slot(reader *r, pv_mobj *o, int flag, uint8_t bits)
{
    if (!flag)
        return;
    push_ptr(&r->refs, &r->n_refs, &r->cap_refs, o);
    r->ref_bits = pv_xgrow(r->ref_bits, &r->cap_ref_bits, r->n_refs, 1);
    r->ref_bits[r->n_refs - 1] = bits;
    r->t.saw_flag = 1;
}

static int push_frame(reader *r, pv_mobj *obj, int kind, uint32_t want, int flagged)
{
    if (r->depth >= PV_MARSHAL_MAX_DEPTH)
        return fail(r, obj->offset, "nesting deeper than %d levels", PV_MARSHAL_MAX_DEPTH);
    r->stack = pv_xgrow(r->stack, &r->cap_stack, r->depth + 1, sizeof *r->stack);
    frame *f = &r->stack[r->depth++];
    memset(f, 0, sizeof *f);
    f->obj = obj;
    f->base = r->n_scratch;
    f->kind = (uint8_t)kind;
    f->want = want;
    f->ref = flagged ? r->n_refs - 1 : SIZE_MAX;
    f->hashable = obj->hashable;
    return PV_OK;
}

/* Moves the top frame's items into the arena and closes its object. */
static int close_frame(reader *r, pv_mobj **out)
{
    frame *f = &r->stack[r->depth - 1];
    pv_mobj *o = f->obj;
    size_t n = r->n_scratch - f->base;
    if (n) {
        pv_mobj **items = PV_ARENA_NEW(r->arena, pv_mobj *, n);
        if (!items)
            return too_big(r);
        memcpy(items, r->scratch + f->base, n * sizeof *items);
        o->v.items = items;
    }
    o->n = (uint32_t)(o->type == PV_M_DICT ? n / 2 : n);
    o->hashable = f->hashable;
    if (f->ref != SIZE_MAX)
        r->ref_bits[f->ref] = o->hashable ? REF_HASHABLE : 0;
    r->n_scratch = f->base;
    r->depth--;
    *out = o;
    return PV_OK;
}

static int begin_code_layout(reader *r)
{
    frame *f = &r->stack[r->depth - 1];
    int32_t ignored;
    for (int i = 0; i < layouts[f->layout].n_long; i++)
        if (read_i32(r, &ignored))
            return PV_E_FORMAT;
    return PV_OK;
}

static bool is_str(const pv_mobj *o)
{
    return o->type == PV_M_TEXT || o->type == PV_M_BYTES;
}

/* All of a code object's fields are read: check they have the types the
 * layout being tried implies, and close it. */
static int finish_code(reader *r, pv_mobj **out)
{
    frame *f = &r->stack[r->depth - 1];
    pv_mobj **it = r->scratch + f->base;
    int py311 = f->layout == 0;
    const pv_mobj *filename = it[py311 ? 5 : 6], *name = it[py311 ? 6 : 7];
    int ok = it[0]->type == PV_M_BYTES && it[1]->type == PV_M_TUPLE &&
             it[2]->type == PV_M_TUPLE && is_str(filename) && is_str(name);
    if (ok && py311)
        ok = it[4]->type == PV_M_BYTES && it[7]->type == PV_M_TEXT;
    else if (ok)
        ok = it[3]->type == PV_M_TUPLE && it[4]->type == PV_M_TUPLE;
    if (!ok)
        return fail(r, f->obj->offset, "fields do not have this layout's types");
    pv_mcode *c = PV_ARENA_NEW(r->arena, pv_mcode, 1);
    if (!c)
        return too_big(r);
    c->filename = filename;
    c->name = name;
    c->firstlineno = f->firstlineno;
    c->layout = layouts[f->layout].name;
    r->code_depth--;
    f->obj->v.code = c;
    if (f->ref != SIZE_MAX)
        r->ref_bits[f->ref] = REF_HASHABLE;
    r->n_scratch = f->base;
    r->depth--;
    *out = f->obj;
    return PV_OK;
}

/* Hands a finished object (NULL for the TYPE_NULL marker) to the innermost
 * open container, closing every container this completes.  *done is set
 * when the top-level object is complete. */
static int produce(reader *r, pv_mobj *obj, int hashable, size_t at, int *done)
{
    for (;;) {
        if (r->depth == 0) {
            if (!obj)
                return fail(r, at, "NULL marker where an object was expected");
            *done = 1;
            r->root = obj;
            return PV_OK;
        }
        frame *f = &r->stack[r->depth - 1];
        size_t have = r->n_scratch - f->base;
        if (!obj) {
            if (f->kind == FR_DICT && have % 2 == 0) {
                if (close_frame(r, &obj))
                    return r->code;
                hashable = obj->hashable;
                continue;
            }
            if (f->kind == FR_DICT)
                return fail(r, at, "NULL marker in dict value position");
            return fail(r, at, "NULL marker inside a %s", pv_mtype_name(f->obj->type));
        }
        if (f->kind == FR_DICT && have % 2 == 0 && !hashable)
            return fail(r, obj->offset, "unhashable dict key of type %s",
                        pv_mtype_name(obj->type));
        if (f->is_set && !hashable)
            return fail(r, obj->offset, "unhashable set item of type %s",
                        pv_mtype_name(obj->type));
        push_ptr(&r->scratch, &r->n_scratch, &r->cap_scratch, obj);
        f->hashable &= (uint8_t)(hashable != 0);
        have++;
        if (f->kind == FR_CODE) {
            const code_layout *L = &layouts[f->layout];
            if (have == (size_t)L->n_before) {
                int32_t line;
                if (read_i32(r, &line))
                    return PV_E_FORMAT;
                f->firstlineno = line;
            }
            if (have < (size_t)(L->n_before + L->n_after))
                return PV_OK;
            if (finish_code(r, &obj))
                return r->code;
            hashable = 1;
            continue;
        }
        if (f->kind == FR_DICT || have < f->want)
            return PV_OK;
        if (close_frame(r, &obj))
            return r->code;
        hashable = obj->hashable;
    }
}

/* After a format error: if it happened inside a code object with layouts
 * left to try, rewind to that code object's start with the next layout and
 * return true.  Otherwise return false with the message explaining every layout's
 * failure of the outermost code object involved. */
static bool recover(reader *r)
{
    if (r->code != PV_E_FORMAT)
        return false;
    size_t d = r->depth;
    while (d > 0) {
        frame *f = &r->stack[d - 1];
        if (f->kind != FR_CODE || f->nested) {
            d--;
            continue;
        }
        size_t len = strnlen(r->msg, sizeof r->why[0] - 1);
        memcpy(r->why[f->layout], r->msg, len);
        r->why[f->layout][len] = '\0';
        if (f->layout + 1u < N_LAYOUTS) {
            f->layout++;
            r->outer_layout = f->layout;
            r->code_depth = 1;
            r->depth = d;
            r->pos = f->body;
            r->n_refs = f->ref_mark;
            r->n_strs = f->str_mark;
            r->n_scratch = f->base;
            r->t = f->saved;
            if (f->flagged)
                ref_slot(r, f->obj, 1, REF_OPEN);
            if (begin_code_layout(r) == PV_OK)
                return true;
            continue;  /* same frame, next layout */
        }
        char msg[sizeof r->msg];
        int n = snprintf(msg, sizeof msg, "byte %u: code object matches no known layout (",
                         f->obj->offset);
        for (size_t i = 0; i < N_LAYOUTS && n > 0 && (size_t)n < sizeof msg; i++)
            n += snprintf(msg + n, sizeof msg - (size_t)n, "%s%s: %s", i ? "; " : "",
                          layouts[i].name, r->why[i]);
        if (n > 0 && (size_t)n < sizeof msg - 1)
            snprintf(msg + n, sizeof msg - (size_t)n, ")");
        memcpy(r->msg, msg, sizeof msg);
        d--;
    }
    return false;
}

/* ---- the loop ---------------------------------------------------------- */


static void seen_version(reader *r, int v)
{
    if (v > r->t.version)
        r->t.version = v;
}

/* One reader per family of type codes.  Each reads what follows the type
 * byte at `start` and hands the object on (produce) or opens a container
 * for the items that follow; `flag` is the type byte's FLAG_REF bit. */

/* A finished scalar: it takes its ref slot, then goes to its container. */
static int emit(reader *r, pv_mobj *o, int flag, size_t start, int *done)
{
    ref_slot(r, o, flag, REF_HASHABLE);
    return produce(r, o, 1, start, done);
}

/* None, False, True, StopIteration, Ellipsis. */
static int read_singleton(reader *r, int code, size_t start, int *done)
{
    pv_mtype t = code == 'N' ? PV_M_NONE : code == 'F' || code == 'T' ? PV_M_BOOL : PV_M_OTHER;
    pv_mobj *o = new_obj(r, t, start);
    if (!o)
        return too_big(r);
    o->v.i = code == 'T';
    /* Singletons take no ref slot even when flagged. */
    return produce(r, o, 1, start, done);
}

/* 'i' int32, 'I' int64 (Python 2), 'l' a long of 15-bit digits. */
static int read_int(reader *r, int code, int flag, size_t start, int *done)
{
    int32_t lo = 0, hi = 0;
    int rc = PV_OK;
    if (code != 'l' && ((rc = read_i32(r, &lo)) || (code == 'I' && (rc = read_i32(r, &hi)))))
        return rc;
    pv_mobj *o = new_obj(r, PV_M_INT, start);
    if (!o)
        return too_big(r);
    if (code == 'i')
        o->v.i = lo;
    else if (code == 'I')
        o->v.i = (int64_t)((uint64_t)(uint32_t)hi << 32 | (uint32_t)lo);
    else if ((rc = read_long(r, start, o)))
        return rc;
    return emit(r, o, flag, start, done);
}

/* 'f' a float as text, 'g' as 8 bytes; 'x' and 'y' the same for complex. */
static int read_float(reader *r, int code, int flag, size_t start, int *done)
{
    int binary = code == 'g' || code == 'y', complex = code == 'x' || code == 'y';
    pv_mobj *o = NULL;
    if (!complex && !(o = new_obj(r, PV_M_FLOAT, start)))
        return too_big(r);
    double re, im;
    int rc = binary ? read_binary_float(r, &re) : read_text_float(r, start, &re);
    if (rc == PV_OK && complex)
        rc = binary ? read_binary_float(r, &im) : read_text_float(r, start, &im);
    if (rc)
        return r->code;
    if (binary)
        seen_version(r, 2);
    if (complex && !(o = new_obj(r, PV_M_COMPLEX, start)))
        return too_big(r);
    if (!complex)
        o->v.f = re;
    return emit(r, o, flag, start, done);
}

/* 's' bytes, 'u' UTF-8, 't' interned (see read_string), 'a'/'A' ASCII
 * with a 4-byte length, 'z'/'Z' with a 1-byte length. */
static int read_str(reader *r, int code, int flag, size_t start, int *done)
{
    size_t n = 0;
    int rc;
    if (code == 'z' || code == 'Z') {
        if ((rc = need(r, 1)))
            return rc;
        n = r->buf[r->pos++];
    } else if ((rc = read_size(r, start, "string", &n))) {
        return rc;
    }
    if (code == 'a' || code == 'A' || code == 'z' || code == 'Z')
        seen_version(r, 4);
    int enc = code == 's' ? ENC_BYTES : code == 'u' ? ENC_UTF8 : code == 't' ? ENC_INTERNED
                                                                              : ENC_LATIN1;
    pv_mobj *o = NULL;
    if ((rc = read_string(r, start, enc, n, &o)))
        return rc;
    if (code == 't') {
        r->t.saw_t = 1;
        seen_version(r, 1);
        push_ptr(&r->strs, &r->n_strs, &r->cap_strs, o);
    }
    return emit(r, o, flag, start, done);
}

/* 'R' names an interned string (Python 2), 'r' a flagged object. */
static int read_ref(reader *r, int code, size_t start, int *done)
{
    int32_t idx;
    int rc = read_i32(r, &idx);
    if (rc)
        return rc;
    if (code == 'R') {
        r->t.saw_R = 1;
        if (idx < 0 || (size_t)idx >= r->n_strs)
            return fail(r, start, "string reference #%d, but only %zu strings are defined",
                        (int)idx, r->n_strs);
        return produce(r, r->strs[idx], 1, start, done);
    }
    seen_version(r, 3);
    if (idx < 0 || (size_t)idx >= r->n_refs)
        return fail(r, start, "reference to object #%d, but only %zu objects are defined",
                    (int)idx, r->n_refs);
    uint8_t bits = r->ref_bits[idx];
    if (bits & REF_OPEN)
        return fail(r, start, "reference to object #%d, a %s still being read (a cycle)",
                    (int)idx, pv_mtype_name(r->refs[idx]->type));
    return produce(r, r->refs[idx], bits & REF_HASHABLE, start, done);
}

/* '(' tuple, ')' small tuple, '[' list, '<' set, '>' frozenset: a count,
 * then that many items. */
static int read_seq(reader *r, int code, int flag, size_t start, int *done)
{
    const char *what = code == '[' ? "list" : code == '(' || code == ')' ? "tuple" : "set";
    size_t n = 0;
    int rc;
    if (code == ')') {
        if ((rc = need(r, 1)))
            return rc;
        n = r->buf[r->pos++];
        seen_version(r, 4);
    } else if ((rc = read_size(r, start, what, &n))) {
        return rc;
    }
    /* Every item takes at least one byte: a count larger than what is
     * left is a lie, refused before anything is allocated. */
    if (n > left(r))
        return fail(r, start, "%s of %zu items cannot fit in the %zu bytes left", what, n,
                    left(r));
    pv_mtype t = code == '[' ? PV_M_LIST : code == '<' || code == '>' ? PV_M_SET : PV_M_TUPLE;
    pv_mobj *o = new_obj(r, t, start);
    if (!o)
        return too_big(r);
    o->hashable = code != '[' && code != '<';
    if (n == 0) {
        ref_slot(r, o, flag, o->hashable ? REF_HASHABLE : 0);
        return produce(r, o, o->hashable, start, done);
    }
    ref_slot(r, o, flag, REF_OPEN);
    if ((rc = push_frame(r, o, FR_SEQ, (uint32_t)n, flag)))
        return rc;
    r->stack[r->depth - 1].is_set = t == PV_M_SET;
    return PV_OK;
}

/* '{' a dict (key, value ... up to a NULL marker), ':' a slice (3 items). */
static int open_dict_or_slice(reader *r, int code, int flag, size_t start)
{
    if (code == ':')
        seen_version(r, 5);
    pv_mobj *o = new_obj(r, code == '{' ? PV_M_DICT : PV_M_OTHER, start);
    if (!o)
        return too_big(r);
    if (code == '{')
        o->hashable = 0;
    ref_slot(r, o, flag, REF_OPEN);
    return push_frame(r, o, code == '{' ? FR_DICT : FR_SLICE, code == '{' ? 0 : 3, flag);
}

/* 'c' a code object: its fields follow as in the layout being tried. */
static int open_code(reader *r, int flag, size_t start)
{
    pv_mobj *o = new_obj(r, PV_M_CODE, start);
    if (!o)
        return too_big(r);
    size_t ref_mark = r->n_refs;
    if (flag)
        r->t.saw_flag = 1;
    tallies saved = r->t;
    ref_slot(r, o, flag, REF_OPEN);
    int rc = push_frame(r, o, FR_CODE, 0, flag);
    if (rc)
        return rc;
    frame *f = &r->stack[r->depth - 1];
    /* One writer wrote every code object of a file, so a nested code
     * object takes its enclosing one's layout and is never tried on
     * its own: only the outermost code object backtracks, which keeps
     * the tries linear instead of 4 to the power of the nesting. */
    f->nested = r->code_depth++ > 0;
    if (!f->nested)
        r->outer_layout = 0;
    f->layout = r->outer_layout;
    f->flagged = (uint8_t)(flag != 0);
    f->body = r->pos;
    f->ref_mark = ref_mark;
    f->str_mark = r->n_strs;
    f->saved = saved;
    return begin_code_layout(r);
}

/* Reads one type byte and what follows it, up to the next object boundary. */
static int step(reader *r, int *done)
{
    if (r->budget-- == 0)
        return fail(r, r->pos, "code objects too ambiguous to decode within the work limit");
    size_t start = r->pos;
    if (need(r, 1))
        return PV_E_FORMAT;
    unsigned char b = r->buf[r->pos++];
    int flag = b & FLAG_REF;
    int code = b & 0x7F;
    switch (code) {
    case '0':
        return produce(r, NULL, 1, start, done);
    case 'N': case 'F': case 'T': case 'S': case '.':
        return read_singleton(r, code, start, done);
    case 'i': case 'I': case 'l':
        return read_int(r, code, flag, start, done);
    case 'f': case 'g': case 'x': case 'y':
        return read_float(r, code, flag, start, done);
    case 's': case 't': case 'u': case 'a': case 'A': case 'z': case 'Z':
        return read_str(r, code, flag, start, done);
    case 'r': case 'R':
        return read_ref(r, code, start, done);
    case '(': case ')': case '[': case '<': case '>':
        return read_seq(r, code, flag, start, done);
    case '{': case ':':
        return open_dict_or_slice(r, code, flag, start);
    case 'c':
        return open_code(r, flag, start);
    default:
        if (code >= 0x20 && code < 0x7F)
            return fail(r, start, "unknown type code 0x%02x ('%c')", (unsigned)b, code);
        return fail(r, start, "unknown type code 0x%02x", (unsigned)b);
    }
}

int pv_marshal_version(int implied, int saw_flag, int saw_interned)
{
    if (implied >= 3 || saw_flag)
        return implied > 3 ? implied : 3;
    if (saw_interned)
        return implied > 1 ? implied : 1;
    return implied;
}

int pv_marshal_read(const unsigned char *buf, size_t len, pv_arena *arena, pv_marshal *out,
                    pv_err *err)
{
    return pv_marshal_read_at(buf, len, 0, arena, out, err);
}

int pv_marshal_read_at(const unsigned char *buf, size_t len, size_t start, pv_arena *arena,
                       pv_marshal *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (start > len)
        return pv_err_set(err, PV_E_FORMAT, "byte %zu: past the end of the %zu bytes", start, len);
    if (len > INT32_MAX)
        return pv_err_set(err, PV_E_TOO_BIG, "%zu bytes is more than marshal data can hold", len);
    reader r;
    memset(&r, 0, sizeof r);
    r.buf = buf;
    r.len = len;
    r.pos = start;
    r.arena = arena;
    r.t.bad_t_offset = SIZE_MAX;
    /* A valid file reads at most `len` objects; the slack pays for trying
     * code object layouts again after a mismatch. */
    r.budget = 64 * len + 4096;

    int done = 0, rc = PV_OK;
    while (!done) {
        rc = step(&r, &done);
        if (rc != PV_OK) {
            if (recover(&r))
                continue;
            break;
        }
    }
    if (rc == PV_OK) {
        out->root = r.root;
        out->end = r.pos;
        out->py2 = r.t.saw_R || (r.t.saw_t && !r.t.saw_flag);
        out->version = pv_marshal_version(r.t.version, r.t.saw_flag, r.t.saw_t || r.t.saw_R);
        out->n_escaped = r.t.n_escaped;
        out->n_latin1 = r.t.n_latin1;
        if (!out->py2 && r.t.bad_t_offset != SIZE_MAX)
            rc = fail(&r, r.t.bad_t_offset, "invalid UTF-8 in an interned str");
    }
    if (rc != PV_OK)
        pv_err_set(err, r.code, "%s", r.msg);
    free(r.refs);
    free(r.ref_bits);
    free(r.strs);
    free(r.scratch);
    free(r.stack);
    return rc;
}

const char *pv_marshal_code_meaning(unsigned char b)
{
    switch (b & 0x7F) {
    case '[': return " (a marshalled list)";
    case '(': case ')': return " (a marshalled tuple)";
    case 'i': case 'I': case 'l': return " (a marshalled int)";
    case 'N': return " (a marshalled None)";
    case 's': case 'u': case 't': case 'z': case 'Z': case 'a': case 'A':
        return " (a marshalled string)";
    case 'c': return " (a marshalled code object)";
    default: return "";
    }
}
