/* trailer.c — reading the recorded call tree after a pstats dump: the
 * framing (magic, length, CRC-32), then the payload through the marshal
 * reader (its caps: arena limit, depth, counts checked against the bytes
 * left), then every rule of docs/recorded-tree.md, so what reaches the
 * store and the server is a well-formed tree.  Every refusal names the
 * byte offset in the file.
 * SPDX-License-Identifier: MIT
 */
#include "trailer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "marshal.h"
#include "pstats_internal.h"
#include "xalloc.h"

/* The overflow key: calls made once the recorder's cap on paths was full. */
#define OVERFLOW_FILE "~"
#define OVERFLOW_LINE 0
#define OVERFLOW_NAME "<paths past the cap>"

__attribute__((format(printf, 3, 4)))
static int bad(pv_err *err, size_t at, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pv_err_set(err, PV_E_FORMAT, "byte %zu: trailer: %s", at, what);
}

static int too_big(pv_err *err, const pv_arena *arena)
{
    return pv_err_set(err, PV_E_TOO_BIG, "the trailer needs more than the %zu MiB memory limit",
                      arena->limit >> 20);
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

int pv_trailer_claims(const unsigned char *buf, size_t len, size_t end)
{
    if (end >= len)
        return 0;
    const unsigned char *t = buf + end;
    size_t n = len - end;
    return t[0] == (unsigned char)PV_TRAILER_MAGIC[0] ||
           (n >= 7 && memcmp(t + 1, &PV_TRAILER_MAGIC[1], 6) == 0);
}

/* The dump's entries by key, for naming the trailer's functions. */
typedef struct func_index {
    const pv_profile *p;
    uint32_t *slots;  /* function index + 1; 0 = empty */
    size_t mask;
} func_index;

static keyinfo func_key(const pv_func *f)
{
    keyinfo k = {.file = f->file, .file_n = strlen(f->file), .name = f->name,
                 .name_n = strlen(f->name), .line = f->line};
    k.hash = pv_pstats_hash_key(&k);
    return k;
}

static void index_build(func_index *ix, const pv_profile *p)
{
    size_t cap = 16;
    while (cap < 2 * p->n_entries)
        cap *= 2;
    ix->p = p;
    ix->mask = cap - 1;
    ix->slots = pv_xcalloc(cap, sizeof *ix->slots);
    for (size_t i = 0; i < p->n_entries; i++) {
        size_t j = func_key(&p->funcs[i]).hash & ix->mask;
        while (ix->slots[j])
            j = (j + 1) & ix->mask;
        ix->slots[j] = (uint32_t)i + 1;
    }
}

/* The entry with key k, or -1. */
static int64_t index_find(const func_index *ix, const keyinfo *k)
{
    for (size_t j = k->hash & ix->mask; ix->slots[j]; j = (j + 1) & ix->mask) {
        uint32_t i = ix->slots[j] - 1;
        keyinfo f = func_key(&ix->p->funcs[i]);
        if (f.line == k->line && f.file_n == k->file_n && f.name_n == k->name_n &&
            memcmp(f.file, k->file, f.file_n) == 0 && memcmp(f.name, k->name, f.name_n) == 0)
            return i;
    }
    return -1;
}

/* A key string as the dump's functions hold it: WTF-8, NUL as U+2400
 * (pv_pstats_show_nul).  PV_OK, or PV_E_TOO_BIG when the arena is full. */
static int key_text(pv_arena *arena, const pv_mobj *o, const char **s, size_t *n)
{
    if (pv_marshal_text(arena, o, s, n) < 0)
        return PV_E_TOO_BIG;
    if (memchr(*s, '\0', *n) && !(*s = pv_pstats_show_nul(arena, *s, *n, n)))
        return PV_E_TOO_BIG;
    return PV_OK;
}

/* funcs[i] of the trailer as an index into p->funcs, or PV_NODE_OVERFLOW. */
static int read_funcs(const pv_mobj *funcs, const func_index *ix, pv_arena *arena,
                      uint32_t *map, pv_err *err)
{
    for (uint32_t i = 0; i < funcs->n; i++) {
        const pv_mobj *key = funcs->v.items[i];
        if (key->type != PV_M_TUPLE || key->n != 3)
            return bad(err, key->offset, "function %u is %s, not a (file, line, name) tuple", i,
                       pv_mtype_article(key->type));
        const pv_mobj *f = key->v.items[0], *l = key->v.items[1], *nm = key->v.items[2];
        if ((f->type != PV_M_TEXT && f->type != PV_M_BYTES) || l->type != PV_M_INT ||
            (nm->type != PV_M_TEXT && nm->type != PV_M_BYTES))
            return bad(err, key->offset, "function %u is not a (str, int, str) key", i);
        keyinfo k = {.line = l->v.i};
        if (key_text(arena, f, &k.file, &k.file_n) != PV_OK ||
            key_text(arena, nm, &k.name, &k.name_n) != PV_OK)
            return too_big(err, arena);
        k.hash = pv_pstats_hash_key(&k);
        int64_t at = index_find(ix, &k);
        if (at >= 0) {
            map[i] = (uint32_t)at;
        } else if (k.line == OVERFLOW_LINE && k.file_n == strlen(OVERFLOW_FILE) &&
                   k.name_n == strlen(OVERFLOW_NAME) &&
                   memcmp(k.file, OVERFLOW_FILE, k.file_n) == 0 &&
                   memcmp(k.name, OVERFLOW_NAME, k.name_n) == 0) {
            map[i] = PV_NODE_OVERFLOW;
        } else {
            return bad(err, key->offset, "function %u, %.*s:%lld(%.*s), is not a key of the "
                       "stats dict", i, (int)(k.file_n > 120 ? 120 : k.file_n), k.file,
                       (long long)k.line, (int)(k.name_n > 80 ? 80 : k.name_n), k.name);
        }
    }
    return PV_OK;
}

static int read_int(const pv_mobj *o, uint32_t node, const char *what, int64_t *v, pv_err *err)
{
    if (o->type != PV_M_INT)
        return bad(err, o->offset, "node %u: %s is %s, not an int", node, what,
                   o->type == PV_M_BIGINT ? "an int beyond 64 bits" : pv_mtype_article(o->type));
    *v = o->v.i;
    return PV_OK;
}

static int read_time(const pv_mobj *o, uint32_t node, const char *what, double *v, pv_err *err)
{
    if (o->type == PV_M_FLOAT)
        *v = o->v.f;
    else if (o->type == PV_M_INT)
        *v = (double)o->v.i;
    else
        return bad(err, o->offset, "node %u: %s is %s, not a number", node, what,
                   pv_mtype_article(o->type));
    if (!isfinite(*v) || *v < 0)
        return bad(err, o->offset, "node %u: %s is %g, not a finite time >= 0", node, what, *v);
    return PV_OK;
}

/* Siblings with the same function: (parent, func) pairs seen, by node. */
typedef struct sibling_set {
    uint32_t *slots;  /* node index + 1; 0 = empty */
    size_t mask;
} sibling_set;

static uint64_t sibling_hash(const pv_node *n)
{
    uint64_t h = ((uint64_t)n->parent << 32 | n->func) * 0x9E3779B97F4A7C15ull;
    return h ^ h >> 29;
}

/* Adds node i; the earlier sibling with its function, or UINT32_MAX. */
static uint32_t sibling_add(sibling_set *s, const pv_node *nodes, uint32_t i)
{
    size_t j = sibling_hash(&nodes[i]) & s->mask;
    for (; s->slots[j]; j = (j + 1) & s->mask) {
        const pv_node *o = &nodes[s->slots[j] - 1];
        if (o->parent == nodes[i].parent && o->func == nodes[i].func)
            return s->slots[j] - 1;
    }
    s->slots[j] = i + 1;
    return UINT32_MAX;
}

/* The nodes, checked: shape, indexes, figures, pre-order (the parent is
 * the node before or one of its ancestors), overflow nodes as leaves,
 * distinct siblings. */
static int read_nodes(const pv_mobj *nodes, const uint32_t *map, uint32_t n_funcs,
                      pv_node *out, pv_err *err)
{
    uint32_t n = nodes->n;
    uint32_t *stack = pv_xmalloc(((size_t)n + 1) * sizeof *stack);
    size_t depth = 0, cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    sibling_set sibs = {pv_xcalloc(cap, sizeof *sibs.slots), cap - 1};
    int rc = PV_OK;
    for (uint32_t i = 0; i < n && rc == PV_OK; i++) {
        const pv_mobj *o = nodes->v.items[i];
        if (o->type != PV_M_TUPLE || o->n != 5) {
            rc = bad(err, o->offset, "node %u is %s of %u items, not (parent, func, calls, tt, "
                     "ct)", i, pv_mtype_article(o->type), o->type == PV_M_TUPLE ? o->n : 0);
            break;
        }
        int64_t parent = 0, func = 0;
        pv_node *nd = &out[i];
        if ((rc = read_int(o->v.items[0], i, "parent", &parent, err)) ||
            (rc = read_int(o->v.items[1], i, "func", &func, err)) ||
            (rc = read_int(o->v.items[2], i, "calls", &nd->calls, err)) ||
            (rc = read_time(o->v.items[3], i, "tt", &nd->tt, err)) ||
            (rc = read_time(o->v.items[4], i, "ct", &nd->ct, err)))
            break;
        if (parent < -1 || parent >= (int64_t)i) {
            rc = bad(err, o->v.items[0]->offset, "node %u: parent %lld is not -1 or a node "
                     "before it", i, (long long)parent);
            break;
        }
        if (func < 0 || func >= n_funcs) {
            rc = bad(err, o->v.items[1]->offset, "node %u: func %lld is not an index into the "
                     "%u functions", i, (long long)func, n_funcs);
            break;
        }
        if (nd->calls < 1) {
            rc = bad(err, o->v.items[2]->offset, "node %u: calls is %lld, not >= 1", i,
                     (long long)nd->calls);
            break;
        }
        nd->parent = parent < 0 ? PV_NODE_TOP : (uint32_t)parent;
        nd->func = map[func];
        while (depth > 0 && stack[depth - 1] != nd->parent)
            depth--;
        if (parent >= 0 && depth == 0) {
            rc = bad(err, o->offset, "node %u: parent %lld's subtree ended before it (not in "
                     "pre-order)", i, (long long)parent);
            break;
        }
        if (parent >= 0 && out[parent].func == PV_NODE_OVERFLOW) {
            rc = bad(err, o->offset, "node %u: its parent %lld is an overflow node, which "
                     "holds its whole subtree", i, (long long)parent);
            break;
        }
        uint32_t twin = sibling_add(&sibs, out, i);
        if (twin != UINT32_MAX) {
            rc = bad(err, o->offset, "node %u: node %u has the same parent and function", i,
                     twin);
            break;
        }
        stack[depth++] = i;
    }
    free(stack);
    free(sibs.slots);
    return rc;
}

/* The five keys every trailer has, then the two a profile in another
 * unit than pstats' seconds and calls has (written by profviz's pstats
 * writer: samples stay samples when profviz reads the dump back). */
#define META_REQUIRED 5
#define META_KEYS 7
#define UNIT_MAX 64

static int read_meta(const pv_mobj *meta, pv_arena *arena, pv_recorded *rec,
                     const char **unit, const char **calls_unit, pv_err *err)
{
    if (meta->type != PV_M_DICT)
        return bad(err, meta->offset, "meta is %s, not a dict", pv_mtype_article(meta->type));
    static const char *const names[META_KEYS] = {"threads", "max_paths", "overflow_calls",
                                                 "timer", "recorder", "unit", "calls_unit"};
    int64_t *ints[] = {&rec->threads, &rec->max_paths, &rec->overflow_calls};
    const char **strs[] = {&rec->timer, &rec->recorder, unit, calls_unit};
    unsigned seen = 0;
    for (uint32_t i = 0; i < meta->n; i++) {
        const pv_mobj *k = meta->v.items[2 * i], *v = meta->v.items[2 * i + 1];
        if (k->type != PV_M_TEXT)
            return bad(err, k->offset, "a meta key is %s, not a str", pv_mtype_article(k->type));
        for (unsigned j = 0; j < META_KEYS; j++) {
            if (k->n != strlen(names[j]) || memcmp(k->v.s, names[j], k->n) != 0)
                continue;
            if (j < 3 && v->type != PV_M_INT)
                return bad(err, v->offset, "meta \"%s\" is %s, not an int", names[j],
                           pv_mtype_article(v->type));
            if (j >= 3 && v->type != PV_M_TEXT)
                return bad(err, v->offset, "meta \"%s\" is %s, not a str", names[j],
                           pv_mtype_article(v->type));
            /* A unit is a word the page and the table print after figures. */
            if (j >= META_REQUIRED && (v->n == 0 || v->n > UNIT_MAX))
                return bad(err, v->offset, "meta \"%s\" is %u bytes long, not 1 to %d",
                           names[j], v->n, UNIT_MAX);
            if (j < 3) {
                *ints[j] = v->v.i;
            } else {
                const char *s;
                size_t n;
                if (key_text(arena, v, &s, &n) != PV_OK ||
                    !(*strs[j - 3] = pv_arena_strndup(arena, s, n)))
                    return too_big(err, arena);
            }
            seen |= 1u << j;
        }
    }
    for (unsigned j = 0; j < META_REQUIRED; j++)
        if (!(seen & 1u << j))
            return bad(err, meta->offset, "meta has no \"%s\"", names[j]);
    return PV_OK;
}

/* The payload object: (1, funcs, nodes, meta). */
static int read_payload(const pv_mobj *root, pv_profile *p, pv_arena *arena, pv_recorded *rec,
                        pv_err *err)
{
    if (root->type != PV_M_TUPLE || root->n != 4)
        return bad(err, root->offset, "the payload is %s%s, not (version, funcs, nodes, meta)",
                   pv_mtype_article(root->type), root->type == PV_M_TUPLE ? " of another size"
                   : "");
    const pv_mobj *ver = root->v.items[0], *funcs = root->v.items[1],
                  *nodes = root->v.items[2], *meta = root->v.items[3];
    if (ver->type != PV_M_INT)
        return bad(err, ver->offset, "the version is %s, not an int",
                   pv_mtype_article(ver->type));
    if (ver->v.i != PV_TRAILER_VERSION)
        return bad(err, ver->offset, "version %lld; this profviz reads version %d",
                   (long long)ver->v.i, PV_TRAILER_VERSION);
    if (funcs->type != PV_M_TUPLE)
        return bad(err, funcs->offset, "funcs is %s, not a tuple", pv_mtype_article(funcs->type));
    if (nodes->type != PV_M_TUPLE)
        return bad(err, nodes->offset, "nodes is %s, not a tuple", pv_mtype_article(nodes->type));
    if (nodes->n > PV_TRAILER_MAX_NODES)
        return pv_err_set(err, PV_E_TOO_BIG, "byte %u: trailer: %u nodes, more than the limit "
                          "of %zu", nodes->offset, nodes->n, PV_TRAILER_MAX_NODES);
    const char *unit = NULL, *calls_unit = NULL;
    int rc = read_meta(meta, arena, rec, &unit, &calls_unit, err);
    if (rc)
        return rc;
    uint32_t *map = pv_xmalloc((funcs->n ? funcs->n : 1) * sizeof *map);
    func_index ix;
    index_build(&ix, p);
    rc = read_funcs(funcs, &ix, arena, map, err);
    free(ix.slots);
    if (rc == PV_OK) {
        rec->n_nodes = nodes->n;
        rec->nodes = PV_ARENA_NEW(arena, pv_node, rec->n_nodes ? rec->n_nodes : 1);
        rc = rec->nodes ? read_nodes(nodes, map, funcs->n, rec->nodes, err)
                        : too_big(err, arena);
    }
    free(map);
    if (rc == PV_OK && unit)
        p->unit = unit;
    if (rc == PV_OK && calls_unit)
        p->calls_unit = calls_unit;
    return rc;
}

int pv_trailer_read(const unsigned char *buf, size_t len, size_t end, pv_arena *arena,
                    pv_profile *p, pv_err *err)
{
    size_t n = len - end;
    if (n < PV_TRAILER_MAGIC_LEN || memcmp(buf + end, PV_TRAILER_MAGIC, PV_TRAILER_MAGIC_LEN))
        return bad(err, end, "bad magic: %zu bytes after the dump look like a damaged trailer "
                   "(\\x89PVTREE\\n expected)", n);
    if (n < PV_TRAILER_MAGIC_LEN + 8)
        return bad(err, end + PV_TRAILER_MAGIC_LEN, "truncated: the payload length needs 8 "
                   "bytes, %zu left", n - PV_TRAILER_MAGIC_LEN);
    size_t at = end + PV_TRAILER_MAGIC_LEN + 8;
    uint64_t plen = get_le(buf + end + PV_TRAILER_MAGIC_LEN, 8);
    if (plen > len - at || len - at - plen < 4)
        return bad(err, end + PV_TRAILER_MAGIC_LEN, "payload length %llu (and its 4-byte CRC) "
                   "goes past the end of the file (%zu bytes left)", (unsigned long long)plen,
                   len - at);
    size_t crc_at = at + (size_t)plen;
    if (len - crc_at > 4)
        return bad(err, crc_at + 4, "%zu bytes after the trailer's CRC", len - crc_at - 4);
    uint32_t want = (uint32_t)get_le(buf + crc_at, 4);
    uint32_t got = (uint32_t)crc32(0L, buf + at, (uInt)plen);
    if (want != got)
        return bad(err, crc_at, "CRC-32 mismatch: the file says %08x, the payload's is %08x",
                   want, got);
    pv_marshal m;
    int rc = pv_marshal_read_at(buf, crc_at, at, arena, &m, err);
    if (rc == PV_E_FORMAT)
        pv_err_prefix(err, "trailer");
    if (rc)
        return rc;
    if (m.end != crc_at)
        return bad(err, m.end, "%zu bytes after the payload's object", crc_at - m.end);
    pv_recorded *rec = PV_ARENA_NEW(arena, pv_recorded, 1);
    if (!rec)
        return too_big(err, arena);
    memset(rec, 0, sizeof *rec);
    rc = read_payload(m.root, p, arena, rec, err);
    if (rc == PV_OK)
        p->recorded = rec;
    return rc;
}
