/* pstats_fast.c — read the common shape of a pstats dump straight from
 * its bytes, without building a marshal tree.
 *
 * Almost every real dump is a dict of (str, int, str) keys to
 * (int, int, float, float, {key: (int, int, float, float) | int}).  This
 * reader walks exactly that, interning keys and adding edges as it goes,
 * so memory follows the functions and edges instead of every marshal
 * object, and nothing is visited twice.  It keeps the marshal reader's
 * reference numbering (a flagged container takes its slot before its
 * items).  On anything else — code objects, text floats, big ints,
 * Latin-1 or non-UTF-8 strings, duplicate keys, damage of any kind — it
 * gives up with PV_PSTATS_FALLBACK and the generic reader starts over,
 * so every error message comes from one place.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "pstats_internal.h"
#include "utf8.h"
#include "xalloc.h"

#define FLAG_REF 0x80
#define BAIL PV_PSTATS_FALLBACK

/* A value as far as this reader cares, also what a ref-table slot holds. */
enum { V_OPEN, V_OTHER, V_TEXT, V_BYTES, V_INT, V_FLOAT, V_KEY };

typedef struct val {
    uint8_t kind;     /* V_* */
    uint32_t n;       /* string bytes */
    union {
        const char *s;
        int64_t i;
        double f;
        uint32_t key;  /* provisional key index, for V_KEY */
    } v;
} val;

typedef struct fast {
    const unsigned char *p, *end;
    parser *ps;
    val *refs;          /* FLAG_REF table */
    size_t n_refs, cap_refs;
    val *strs;          /* Python 2's 't' table */
    size_t n_strs, cap_strs;
    int implied;        /* highest marshal version a type code needed */
    int saw_flag, saw_t, saw_R;
    size_t n_bytes_keys;  /* keys with a bytes file or function name */
} fast;

static size_t ref_slot(fast *f, int flag, uint8_t kind)
{
    if (!flag)
        return SIZE_MAX;
    f->refs = pv_xgrow(f->refs, &f->cap_refs, f->n_refs + 1, sizeof *f->refs);
    f->refs[f->n_refs].kind = kind;
    f->saw_flag = 1;
    return f->n_refs++;
}

static int get_i32(fast *f, int32_t *v)
{
    if (f->end - f->p < 4)
        return BAIL;
    *v = (int32_t)((uint32_t)f->p[0] | (uint32_t)f->p[1] << 8 | (uint32_t)f->p[2] << 16 |
                   (uint32_t)f->p[3] << 24);
    f->p += 4;
    return PV_OK;
}

/* A string payload of n bytes: text must be UTF-8 (ASCII for the ASCII
 * codes), anything needing conversion is left to the generic reader. */
static int get_str(fast *f, size_t n, int ascii, val *out)
{
    if ((size_t)(f->end - f->p) < n)
        return BAIL;
    if (ascii) {
        for (size_t i = 0; i < n; i++)
            if (f->p[i] & 0x80)
                return BAIL;
    } else if (pv_wtf8_valid_prefix(f->p, n) != n) {
        return BAIL;
    }
    out->v.s = (const char *)f->p;
    out->n = (uint32_t)n;
    f->p += n;
    return PV_OK;
}

/* The payload readers, one per type code (or family of codes).  Each is
 * called from one place in get_value with constant arguments, so the
 * compiler inlines them back into its switch: the hot path costs what one
 * big function did. */

/* 'i': an int32. */
static int int32_value(fast *f, val *out)
{
    int32_t a;
    if (get_i32(f, &a))
        return BAIL;
    out->kind = V_INT;
    out->v.i = a;
    return PV_OK;
}

/* 'I': an int64 (Python 2), low word first. */
static int int64_value(fast *f, val *out)
{
    int32_t a, b;
    if (get_i32(f, &a) || get_i32(f, &b))
        return BAIL;
    out->kind = V_INT;
    out->v.i = (int64_t)((uint64_t)(uint32_t)b << 32 | (uint32_t)a);
    return PV_OK;
}

/* 'l': a long of 15-bit digits.  Small longs only (up to 4 digits = 60
 * bits); the rest is the generic reader's. */
static int long_value(fast *f, val *out)
{
    int32_t a;
    if (get_i32(f, &a) || a < -4 || a > 4 || f->end - f->p < 2 * (a < 0 ? -a : a))
        return BAIL;
    int nd = a < 0 ? -a : a;
    int64_t mag = 0;
    for (int k = 0; k < nd; k++) {
        unsigned d = f->p[2 * k] | (unsigned)f->p[2 * k + 1] << 8;
        if (d >= 0x8000 || (k == nd - 1 && d == 0))
            return BAIL;
        mag |= (int64_t)d << (15 * k);
    }
    f->p += 2 * nd;
    out->kind = V_INT;
    out->v.i = a < 0 ? -mag : mag;
    return PV_OK;
}

/* 'g': a little-endian IEEE double. */
static int float_value(fast *f, val *out)
{
    if (f->end - f->p < 8)
        return BAIL;
    uint64_t bits = 0;
    for (int k = 7; k >= 0; k--)
        bits = bits << 8 | f->p[k];
    memcpy(&out->v.f, &bits, sizeof out->v.f);
    f->p += 8;
    out->kind = V_FLOAT;
    if (f->implied < 2)
        f->implied = 2;
    return PV_OK;
}

/* A string: `short_len` for 'z'/'Z' (a 1-byte length, else 4 bytes),
 * `ascii` for those and 'a'/'A' (marshal 4), `kind` V_BYTES for 's' and
 * V_TEXT for the rest (UTF-8 checked); an interned 't' also joins Python
 * 2's string table. */
static inline int str_value(fast *f, int short_len, int ascii, uint8_t kind, int interned,
                            val *out)
{
    int32_t a;
    if (short_len) {
        if (f->p >= f->end)
            return BAIL;
        a = *f->p++;
    } else if (get_i32(f, &a) || a < 0) {
        return BAIL;
    }
    out->kind = kind;
    if (get_str(f, (size_t)a, ascii, out))
        return BAIL;
    if (ascii)
        f->implied = 4;
    if (interned) {
        f->saw_t = 1;
        f->strs = pv_xgrow(f->strs, &f->cap_strs, f->n_strs + 1, sizeof *f->strs);
        f->strs[f->n_strs++] = *out;
    }
    return PV_OK;
}

/* 'R': Python 2's reference to an interned string. */
static int string_ref(fast *f, val *out)
{
    int32_t a;
    if (get_i32(f, &a) || a < 0 || (size_t)a >= f->n_strs)
        return BAIL;
    f->saw_R = 1;
    *out = f->strs[a];
    return PV_OK;
}

/* 'r': a reference to an object that took a ref slot. */
static int object_ref(fast *f, val *out)
{
    int32_t a;
    if (get_i32(f, &a) || a < 0 || (size_t)a >= f->n_refs)
        return BAIL;
    *out = f->refs[a];
    if (out->kind == V_OPEN || out->kind == V_OTHER)
        return BAIL;
    if (f->implied < 3)
        f->implied = 3;
    return PV_OK;
}

/* A scalar (or a reference to one, or to a key tuple). */
static int get_value(fast *f, val *out)
{
    if (f->p >= f->end)
        return BAIL;
    int flag = *f->p & FLAG_REF, code = *f->p & 0x7F;
    f->p++;
    int rc;
    switch (code) {
    case 'i': rc = int32_value(f, out); break;
    case 'I': rc = int64_value(f, out); break;
    case 'l': rc = long_value(f, out); break;
    case 'g': rc = float_value(f, out); break;
    case 'z': case 'Z': rc = str_value(f, 1, 1, V_TEXT, 0, out); break;
    case 'a': case 'A': rc = str_value(f, 0, 1, V_TEXT, 0, out); break;
    case 'u': rc = str_value(f, 0, 0, V_TEXT, 0, out); break;
    case 't': rc = str_value(f, 0, 0, V_TEXT, 1, out); break;
    case 's': rc = str_value(f, 0, 0, V_BYTES, 0, out); break;
    /* A reference takes no ref slot of its own. */
    case 'R': return string_ref(f, out);
    case 'r': return object_ref(f, out);
    default: return BAIL;
    }
    if (rc != PV_OK)
        return BAIL;
    size_t slot = ref_slot(f, flag, out->kind);
    if (slot != SIZE_MAX)
        f->refs[slot] = *out;
    return PV_OK;
}

/* A tuple header of exactly `want` items; its ref slot (or SIZE_MAX). */
static int get_tuple(fast *f, uint32_t want, size_t *slot)
{
    if (f->p >= f->end)
        return BAIL;
    int flag = *f->p & FLAG_REF, code = *f->p & 0x7F;
    f->p++;
    uint32_t n;
    if (code == ')') {
        if (f->p >= f->end)
            return BAIL;
        n = *f->p++;
        f->implied = 4;
    } else if (code == '(') {
        int32_t a;
        if (get_i32(f, &a))
            return BAIL;
        n = (uint32_t)a;
    } else {
        return BAIL;
    }
    if (n != want)
        return BAIL;
    *slot = ref_slot(f, flag, V_OPEN);
    return PV_OK;
}

/* A function key: a (str, int, str) tuple or a reference to one.  *idx is
 * its provisional key index. */
static int get_key(fast *f, uint32_t *idx)
{
    if (f->p < f->end && (*f->p & 0x7F) == 'r') {
        val v;
        if (get_value(f, &v) || v.kind != V_KEY)
            return BAIL;
        *idx = v.v.key;
        return PV_OK;
    }
    size_t slot;
    val file, line, name;
    if (get_tuple(f, 3, &slot) || get_value(f, &file) || get_value(f, &line) ||
        get_value(f, &name))
        return BAIL;
    if ((file.kind != V_TEXT && file.kind != V_BYTES) || line.kind != V_INT ||
        (name.kind != V_TEXT && name.kind != V_BYTES))
        return BAIL;
    keyinfo k;
    memset(&k, 0, sizeof k);
    k.file = file.v.s;
    k.file_n = file.n;
    k.line = line.v.i;
    k.name = name.v.s;
    k.name_n = name.n;
    k.hash = pv_pstats_hash_key(&k);
    int added;
    if (pv_pstats_intern(f->ps, &k, idx, &added))
        return BAIL;
    if (slot != SIZE_MAX) {
        f->refs[slot].kind = V_KEY;
        f->refs[slot].v.key = *idx;
    }
    f->n_bytes_keys += file.kind == V_BYTES || name.kind == V_BYTES;
    return PV_OK;
}

static int get_number(fast *f, double *out)
{
    val v;
    if (get_value(f, &v))
        return BAIL;
    if (v.kind == V_FLOAT)
        *out = v.v.f;
    else if (v.kind == V_INT)
        *out = (double)v.v.i;
    else
        return BAIL;
    return PV_OK;
}

static int get_int(fast *f, int64_t *out)
{
    val v;
    if (get_value(f, &v) || v.kind != V_INT)
        return BAIL;
    *out = v.v.i;
    return PV_OK;
}

/* Marks a finished container's slot: it may not be referred to as a key. */
static void close_slot(fast *f, size_t slot)
{
    if (slot != SIZE_MAX)
        f->refs[slot].kind = V_OTHER;
}

/* A dict header; its ref slot (or SIZE_MAX). */
static int get_dict(fast *f, size_t *slot)
{
    if (f->p >= f->end || (*f->p & 0x7F) != '{')
        return BAIL;
    *slot = ref_slot(f, *f->p & FLAG_REF, V_OPEN);
    f->p++;
    return PV_OK;
}

/* One caller entry of function `callee`. */
static int get_caller(fast *f, uint32_t callee)
{
    pv_edge e = {.callee = callee};
    if (get_key(f, &e.caller) || f->p >= f->end)
        return BAIL;
    int code = *f->p & 0x7F;
    if (code == '(' || code == ')') {
        size_t slot;
        if (get_tuple(f, 4, &slot) || get_int(f, &e.nc) || get_int(f, &e.cc) ||
            get_number(f, &e.tt) || get_number(f, &e.ct))
            return BAIL;
        close_slot(f, slot);
    } else {
        if (get_int(f, &e.nc))
            return BAIL;
        e.cc = e.nc;
        e.is_count = 1;
    }
    pv_pstats_add_edge(f->ps, &e);
    return PV_OK;
}

/* One top-level entry: key, then (cc, nc, tt, ct, callers). */
static int get_entry(fast *f)
{
    parser *ps = f->ps;
    uint32_t idx;
    size_t slot, callers_slot;
    if (get_key(f, &idx))
        return BAIL;
    keyinfo *k = &ps->keys[idx];
    if (k->entry)
        return BAIL;  /* a duplicate key: the generic reader warns about it */
    k->entry = (uint32_t)++ps->facts.n_entries;
    if (get_tuple(f, 5, &slot) || get_int(f, &k->cc) || get_int(f, &k->nc) ||
        get_number(f, &k->tt) || get_number(f, &k->ct) || get_dict(f, &callers_slot))
        return BAIL;
    for (;;) {
        if (f->p >= f->end)
            return BAIL;
        if (*f->p == '0') {
            f->p++;
            break;
        }
        if (get_caller(f, idx))
            return BAIL;
    }
    close_slot(f, callers_slot);
    close_slot(f, slot);
    return PV_OK;
}

/* Entries first in file order, then caller-only keys in order of first
 * sight: keys were numbered as met, so renumber keys and edges. */
static void reorder(parser *ps)
{
    size_t n = ps->n_keys, n_entries = ps->facts.n_entries, next_caller = n_entries;
    uint32_t *to = pv_xmalloc(n * sizeof *to);
    for (size_t i = 0; i < n; i++)
        to[i] = ps->keys[i].entry ? ps->keys[i].entry - 1 : (uint32_t)next_caller++;
    keyinfo *sorted = pv_xmalloc(ps->cap_keys * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[to[i]] = ps->keys[i];
    free(ps->keys);
    ps->keys = sorted;
    for (size_t e = 0; e < ps->n_edges; e++) {
        ps->edges[e].caller = to[ps->edges[e].caller];
        ps->edges[e].callee = to[ps->edges[e].callee];
    }
    free(to);
}

int pv_pstats_fast(parser *ps, const unsigned char *buf, size_t len)
{
    fast f = {.p = buf, .end = buf + len, .ps = ps};
    size_t top;
    int rc = get_dict(&f, &top);
    while (rc == PV_OK) {
        if (f.p >= f.end) {
            rc = BAIL;
        } else if (*f.p == '0') {
            f.p++;
            break;
        } else {
            rc = get_entry(&f);
        }
    }
    if (rc == PV_OK && ps->facts.n_entries == 0)
        rc = BAIL;  /* the generic reader says why an empty dump is refused */
    pstats_facts *facts = &ps->facts;
    facts->py2 = f.saw_R || (f.saw_t && !f.saw_flag);
    facts->version = pv_marshal_version(f.implied, f.saw_flag, f.saw_t || f.saw_R);
    /* Bytes keys in a file with Python 3's refs draw a warning, which the
     * generic reader knows how to give. */
    if (rc == PV_OK && f.n_bytes_keys && facts->version >= 3 && !facts->py2)
        rc = BAIL;
    if (rc == PV_OK) {
        facts->end = (size_t)(f.p - buf);
        reorder(ps);
    }
    free(f.refs);
    free(f.strs);
    return rc;
}
