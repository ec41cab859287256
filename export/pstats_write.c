/* pstats_write.c — the pstats writer (pstats_write.h): the dict through
 * the marshal writer, then the trailer framed as docs/recorded-tree.md
 * says (magic, payload length, payload, CRC-32).
 * SPDX-License-Identifier: MIT
 */
#include "pstats_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "marshal_write.h"
#include "trailer.h"
#include "units.h"
#include "xalloc.h"

/* The trailer's key for nodes past the recorder's cap (trailer.c reads it). */
#define OVERFLOW_FILE "~"
#define OVERFLOW_NAME "<paths past the cap>"

bool pv_pstats_in_seconds(const pv_profile *p)
{
    return pv_unit_per_second(p->unit) != 0;
}

bool pv_pstats_unit_kept(const pv_profile *p)
{
    return pv_pstats_in_seconds(p) || p->recorded;
}

/* What a figure is divided by to be written: units per second, or 1 to
 * write a non-time unit as it is. */
static double divisor(const pv_profile *p)
{
    double d = pv_unit_per_second(p->unit);
    return d ? d : 1;
}

/* The names the dump gives the functions.  Two functions of a stack
 * format can share (file, line, name) and still be two (a .cpuprofile's
 * functions at two columns of one line): a dict would keep one of them,
 * so the later ones are written as "name [2]", "name [3]", ...
 * Ownership: names[] and the renamed strings are malloc'd. */
typedef struct key_names {
    const char **names;
    char **owned;
    size_t n_owned;
} key_names;

static int by_key(const void *a, const void *b, void *arg)
{
    const pv_profile *p = arg;
    const pv_func *x = &p->funcs[*(const uint32_t *)a];
    const pv_func *y = &p->funcs[*(const uint32_t *)b];
    int c = strcmp(x->file, y->file);
    if (!c)
        c = (x->line > y->line) - (x->line < y->line);
    if (!c)
        c = strcmp(x->name, y->name);
    if (!c)
        c = (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
    return c;
}

static void key_names_init(key_names *k, const pv_profile *p)
{
    size_t n = p->n_funcs;
    k->names = pv_xmalloc((n ? n : 1) * sizeof *k->names);
    k->owned = NULL;
    k->n_owned = 0;
    uint32_t *order = pv_xmalloc((n ? n : 1) * sizeof *order);
    for (uint32_t i = 0; i < n; i++) {
        order[i] = i;
        k->names[i] = p->funcs[i].name;
    }
    qsort_r(order, n, sizeof *order, by_key, (void *)p);
    size_t cap = 0;
    for (size_t i = 1, twin = 1; i < n; i++) {
        const pv_func *x = &p->funcs[order[i - 1]], *y = &p->funcs[order[i]];
        if (strcmp(x->file, y->file) || x->line != y->line || strcmp(x->name, y->name)) {
            twin = 1;
            continue;
        }
        size_t len = strlen(y->name) + 24;
        char *name = pv_xmalloc(len);
        snprintf(name, len, "%s [%zu]", y->name, ++twin);
        k->owned = pv_xgrow(k->owned, &cap, k->n_owned + 1, sizeof *k->owned);
        k->owned[k->n_owned++] = name;
        k->names[order[i]] = name;
    }
    free(order);
}

static void key_names_release(key_names *k)
{
    for (size_t i = 0; i < k->n_owned; i++)
        free(k->owned[i]);
    free(k->owned);
    free(k->names);
}

/* A function's key (file, line, name), flagged the first time so that
 * later mentions are 5-byte references; refs[f] holds index + 1. */
static void write_key(pv_mwriter *w, const pv_profile *p, const key_names *k, uint32_t f,
                      uint32_t *refs)
{
    if (refs[f]) {
        pv_mw_ref(w, refs[f] - 1);
        return;
    }
    refs[f] = pv_mw_tuple_ref(w, 3) + 1;
    pv_mw_str(w, p->funcs[f].file);
    pv_mw_int(w, p->funcs[f].line);
    pv_mw_str(w, k->names[f]);
}

static void write_dict(pv_mwriter *w, const pv_profile *p, const key_names *k, double d)
{
    /* Edges by callee, each callee's in the profile's order. */
    size_t *start = pv_xcalloc(p->n_funcs + 1, sizeof *start);
    size_t *order = pv_xmalloc((p->n_edges ? p->n_edges : 1) * sizeof *order);
    for (size_t e = 0; e < p->n_edges; e++)
        start[p->edges[e].callee + 1]++;
    for (size_t f = 0; f < p->n_funcs; f++)
        start[f + 1] += start[f];
    size_t *fill = pv_xmalloc((p->n_funcs + 1) * sizeof *fill);
    memcpy(fill, start, (p->n_funcs + 1) * sizeof *fill);
    for (size_t e = 0; e < p->n_edges; e++)
        order[fill[p->edges[e].callee]++] = e;
    free(fill);

    uint32_t *refs = pv_xcalloc(p->n_funcs ? p->n_funcs : 1, sizeof *refs);
    pv_mw_dict_begin(w);
    for (uint32_t f = 0; f < p->n_entries; f++) {
        const pv_func *fn = &p->funcs[f];
        write_key(w, p, k, f, refs);
        pv_mw_tuple(w, 5);
        pv_mw_int(w, fn->cc);
        pv_mw_int(w, fn->nc);
        pv_mw_float(w, fn->tt / d);
        pv_mw_float(w, fn->ct / d);
        pv_mw_dict_begin(w);
        for (size_t i = start[f]; i < start[f + 1]; i++) {
            const pv_edge *e = &p->edges[order[i]];
            write_key(w, p, k, e->caller, refs);
            if (e->is_count) {
                pv_mw_int(w, e->nc);
                continue;
            }
            /* cProfile's caller tuple: (nc, cc, ...), the counts the
             * other way round from the function's own tuple. */
            pv_mw_tuple(w, 4);
            pv_mw_int(w, e->nc);
            pv_mw_int(w, e->cc);
            pv_mw_float(w, e->tt / d);
            pv_mw_float(w, e->ct / d);
        }
        pv_mw_dict_end(w);
    }
    pv_mw_dict_end(w);
    free(refs);
    free(order);
    free(start);
}

static void write_meta_str(pv_mwriter *w, const char *key, const char *value)
{
    pv_mw_str(w, key);
    pv_mw_str(w, value ? value : "");
}

static void write_meta_int(pv_mwriter *w, const char *key, int64_t value)
{
    pv_mw_str(w, key);
    pv_mw_int(w, value);
}

/* The payload (1, funcs, nodes, meta).  funcs holds the entries the
 * nodes name, in the order the nodes first name them, then the overflow
 * key if a node is an overflow node. */
static void write_payload(pv_mwriter *w, const pv_profile *p, const key_names *k, double d)
{
    const pv_recorded *rec = p->recorded;
    uint32_t *slot = pv_xcalloc(p->n_funcs ? p->n_funcs : 1, sizeof *slot);  /* index + 1 */
    uint32_t *used = pv_xmalloc((rec->n_nodes + 1) * sizeof *used);
    uint32_t n_used = 0;
    bool overflow = false;
    for (size_t i = 0; i < rec->n_nodes; i++) {
        uint32_t f = rec->nodes[i].func;
        if (f == PV_NODE_OVERFLOW)
            overflow = true;
        else if (!slot[f])
            used[n_used] = f, slot[f] = ++n_used;
    }
    pv_mw_tuple(w, 4);
    pv_mw_int(w, PV_TRAILER_VERSION);
    pv_mw_tuple(w, n_used + overflow);
    uint32_t *refs = pv_xcalloc(p->n_funcs ? p->n_funcs : 1, sizeof *refs);
    for (uint32_t i = 0; i < n_used; i++)
        write_key(w, p, k, used[i], refs);
    if (overflow) {
        pv_mw_tuple(w, 3);
        pv_mw_str(w, OVERFLOW_FILE);
        pv_mw_int(w, 0);
        pv_mw_str(w, OVERFLOW_NAME);
    }
    pv_mw_tuple(w, (uint32_t)rec->n_nodes);
    for (size_t i = 0; i < rec->n_nodes; i++) {
        const pv_node *nd = &rec->nodes[i];
        pv_mw_tuple(w, 5);
        pv_mw_int(w, nd->parent == PV_NODE_TOP ? -1 : (int64_t)nd->parent);
        pv_mw_int(w, nd->func == PV_NODE_OVERFLOW ? (int64_t)n_used : (int64_t)slot[nd->func] - 1);
        pv_mw_int(w, nd->calls);
        pv_mw_float(w, nd->tt / d);
        pv_mw_float(w, nd->ct / d);
    }
    pv_mw_dict_begin(w);
    write_meta_int(w, "threads", rec->threads);
    write_meta_int(w, "max_paths", rec->max_paths);
    write_meta_int(w, "overflow_calls", rec->overflow_calls);
    write_meta_str(w, "timer", rec->timer);
    write_meta_str(w, "recorder", rec->recorder);
    /* What pstats cannot say: a unit that is not seconds, and calls that
     * count samples (trailer.c reads them back into the profile). */
    if (!pv_pstats_in_seconds(p))
        write_meta_str(w, "unit", p->unit);
    if (p->calls_unit && strcmp(p->calls_unit, "calls") != 0)
        write_meta_str(w, "calls_unit", p->calls_unit);
    pv_mw_dict_end(w);
    free(refs);
    free(used);
    free(slot);
}

static void put_le(pv_jbuf *out, uint64_t v, int bytes)
{
    char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (char)(v >> (8 * i) & 0xff);
    pv_jbuf_raw(out, b, (size_t)bytes);
}

void pv_pstats_write(const pv_profile *p, pv_jbuf *out)
{
    double d = divisor(p);
    key_names k;
    key_names_init(&k, p);
    pv_mwriter w;
    pv_mw_init(&w, out);
    write_dict(&w, p, &k, d);
    pv_mw_release(&w);
    if (!p->recorded) {
        key_names_release(&k);
        return;
    }
    pv_jbuf payload;
    pv_jbuf_init(&payload, 4096);
    pv_mw_init(&w, &payload);
    write_payload(&w, p, &k, d);
    pv_mw_release(&w);
    key_names_release(&k);
    pv_jbuf_raw(out, PV_TRAILER_MAGIC, PV_TRAILER_MAGIC_LEN);
    put_le(out, payload.len, 8);
    pv_jbuf_raw(out, payload.s, payload.len);
    put_le(out, crc32_z(0L, (const unsigned char *)payload.s, payload.len), 4);
    pv_jbuf_free(&payload);
}
