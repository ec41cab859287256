/* merge.c — pv_merge (merge.h): functions by key through one hash table,
 * edges and tree nodes by (callee, caller) and (parent, function) pairs
 * through another, then the merged tree laid out in pre-order.
 * SPDX-License-Identifier: MIT
 */
#include "merge.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pstats_internal.h"
#include "units.h"
#include "warn.h"
#include "xalloc.h"

#define NONE UINT32_MAX

/* ---- an open-addressing table of uint64 keys -> uint32 values -------- */

typedef struct pair_slot {
    uint64_t key;
    uint32_t val;     /* NONE: empty */
} pair_slot;

typedef struct pair_map {
    pair_slot *slots;
    size_t mask, n;
} pair_map;

static void pairs_init(pair_map *m)
{
    m->mask = 1023;
    m->n = 0;
    m->slots = pv_xmalloc((m->mask + 1) * sizeof *m->slots);
    for (size_t i = 0; i <= m->mask; i++)
        m->slots[i].val = NONE;
}

static size_t pair_hash(uint64_t key, size_t mask)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & mask;
}

/* The slot of `key`: its value, or an empty slot to put it in. */
static pair_slot *pairs_find(pair_map *m, uint64_t key)
{
    if ((m->n + 1) * 2 > m->mask) {
        pair_map bigger = {pv_xmalloc((m->mask + 1) * 2 * sizeof *m->slots), m->mask * 2 + 1, m->n};
        for (size_t i = 0; i <= bigger.mask; i++)
            bigger.slots[i].val = NONE;
        for (size_t i = 0; i <= m->mask; i++) {
            if (m->slots[i].val == NONE)
                continue;
            size_t j = pair_hash(m->slots[i].key, bigger.mask);
            while (bigger.slots[j].val != NONE)
                j = (j + 1) & bigger.mask;
            bigger.slots[j] = m->slots[i];
        }
        free(m->slots);
        *m = bigger;
    }
    size_t j = pair_hash(key, m->mask);
    while (m->slots[j].val != NONE && m->slots[j].key != key)
        j = (j + 1) & m->mask;
    return &m->slots[j];
}

static void pairs_put(pair_map *m, pair_slot *s, uint64_t key, uint32_t val)
{
    s->key = key;
    s->val = val;
    m->n++;
}

/* ---- the merge -------------------------------------------------------- */

typedef struct merger {
    const pv_profile *const *in;
    const char *const *names;
    size_t n_in;
    double *div;              /* per input: what its figures are divided by */
    pv_arena *arena;
    pv_profile *out;
    pv_err *err;
    bool clamped;             /* a count passed INT64_MAX */

    pv_func *funcs;           /* heap while merging */
    size_t n_funcs, cap_funcs;
    keyinfo *keys;            /* parallel to funcs: their hashed keys */
    pair_map by_key;          /* key hash -> a function with that hash (chained below) */
    uint32_t *same_hash;      /* parallel to funcs: the next function with the same hash */
    uint32_t **map;           /* per input: its function index -> the merged one */
} merger;

static int64_t add_count(merger *m, int64_t a, int64_t b)
{
    int64_t s;
    if (__builtin_add_overflow(a, b, &s)) {
        m->clamped = true;
        return a > 0 ? INT64_MAX : INT64_MIN;
    }
    return s;
}

static keyinfo key_of(const pv_func *f)
{
    keyinfo k = {.file = f->file, .file_n = strlen(f->file), .name = f->name,
                 .name_n = strlen(f->name), .line = f->line};
    k.hash = pv_pstats_hash_key(&k);
    return k;
}

/* The merged index of f's key, adding it (figures zero) when new. */
static uint32_t intern(merger *m, const pv_func *f, uint32_t flags)
{
    keyinfo k = key_of(f);
    pair_slot *s = pairs_find(&m->by_key, k.hash);
    if (s->val != NONE) {
        for (uint32_t i = s->val; i != NONE; i = m->same_hash[i]) {
            const keyinfo *o = &m->keys[i];
            if (o->line == k.line && o->file_n == k.file_n && o->name_n == k.name_n &&
                memcmp(o->file, k.file, k.file_n) == 0 && memcmp(o->name, k.name, k.name_n) == 0)
                return i;
        }
    }
    if (m->n_funcs == m->cap_funcs) {
        size_t cap = m->cap_funcs;
        m->funcs = pv_xgrow(m->funcs, &cap, m->n_funcs + 1, sizeof *m->funcs);
        cap = m->cap_funcs;
        m->keys = pv_xgrow(m->keys, &cap, m->n_funcs + 1, sizeof *m->keys);
        cap = m->cap_funcs;
        m->same_hash = pv_xgrow(m->same_hash, &cap, m->n_funcs + 1, sizeof *m->same_hash);
        m->cap_funcs = cap;
    }
    uint32_t i = (uint32_t)m->n_funcs++;
    m->funcs[i] = (pv_func){.file = f->file, .name = f->name, .line = f->line,
                            .code_name = f->code_name, .code_file = f->code_file,
                            .code_line = f->code_line, .flags = flags};
    m->keys[i] = k;
    if (s->val == NONE) {
        m->same_hash[i] = NONE;
        pairs_put(&m->by_key, s, k.hash, i);
    } else {
        m->same_hash[i] = s->val;
        s->val = i;
    }
    return i;
}

static const char *unit_of(const pv_profile *p)
{
    return p->unit ? p->unit : "seconds";
}

static const char *calls_unit_of(const pv_profile *p)
{
    return p->calls_unit ? p->calls_unit : "calls";
}

/* Chooses the result's units and each input's divisor. */
static int units(merger *m)
{
    const pv_profile *a = m->in[0];
    bool same = true, all_time = true;
    for (size_t k = 0; k < m->n_in; k++) {
        same = same && strcmp(unit_of(a), unit_of(m->in[k])) == 0;
        all_time = all_time && pv_unit_per_second(m->in[k]->unit) != 0;
    }
    if (!same && !all_time) {
        /* A file whose figures are not times, and one in another unit. */
        size_t odd = 0, other = 0;
        while (pv_unit_per_second(m->in[odd]->unit) != 0)
            odd++;
        while (strcmp(unit_of(m->in[other]), unit_of(m->in[odd])) == 0)
            other++;
        return pv_err_set(m->err, PV_E_USAGE, "cannot merge %s (in %s) with %s (in %s): only "
                          "times convert into one another", m->names[odd], unit_of(m->in[odd]),
                          m->names[other], unit_of(m->in[other]));
    }
    for (size_t k = 0; k < m->n_in; k++)
        if (strcmp(calls_unit_of(a), calls_unit_of(m->in[k])) != 0)
            return pv_err_set(m->err, PV_E_USAGE, "cannot merge %s (counting %s) with %s "
                              "(counting %s): a call and a sample do not add up", m->names[0],
                              calls_unit_of(a), m->names[k], calls_unit_of(m->in[k]));
    for (size_t k = 0; k < m->n_in; k++)
        m->div[k] = same ? 1 : pv_unit_per_second(m->in[k]->unit);
    m->out->unit = same ? unit_of(a) : "seconds";
    m->out->calls_unit = calls_unit_of(a);
    return PV_OK;
}

static int merge_funcs(merger *m)
{
    for (size_t k = 0; k < m->n_in; k++)
        m->map[k] = pv_xmalloc((m->in[k]->n_funcs ? m->in[k]->n_funcs : 1) * sizeof **m->map);
    /* Entries first, in Stats.add's order, then what is only ever a caller. */
    for (size_t k = 0; k < m->n_in; k++) {
        const pv_profile *p = m->in[k];
        for (size_t f = 0; f < p->n_entries; f++) {
            uint32_t i = intern(m, &p->funcs[f], 0);
            pv_func *o = &m->funcs[i];
            o->cc = add_count(m, o->cc, p->funcs[f].cc);
            o->nc = add_count(m, o->nc, p->funcs[f].nc);
            o->tt += p->funcs[f].tt / m->div[k];
            o->ct += p->funcs[f].ct / m->div[k];
            m->map[k][f] = i;
        }
    }
    size_t n_entries = m->n_funcs;
    for (size_t k = 0; k < m->n_in; k++) {
        const pv_profile *p = m->in[k];
        for (size_t f = p->n_entries; f < p->n_funcs; f++)
            m->map[k][f] = intern(m, &p->funcs[f], PV_FUNC_CALLER_ONLY);
    }
    pv_profile *out = m->out;
    out->n_funcs = m->n_funcs;
    out->n_entries = n_entries;
    out->funcs = PV_ARENA_NEW(m->arena, pv_func, m->n_funcs ? m->n_funcs : 1);
    if (!out->funcs)
        return PV_E_TOO_BIG;
    memcpy(out->funcs, m->funcs, m->n_funcs * sizeof *m->funcs);
    for (size_t k = 0; k < m->n_in; k++) {
        out->total_calls = add_count(m, out->total_calls, m->in[k]->total_calls);
        out->prim_calls = add_count(m, out->prim_calls, m->in[k]->prim_calls);
        out->total_tt += m->in[k]->total_tt / m->div[k];
        out->empty_weight += m->in[k]->empty_weight / m->div[k];
    }
    return PV_OK;
}

static uint64_t pair_key(uint32_t a, uint32_t b)
{
    return (uint64_t)a << 32 | b;
}

static int merge_edges(merger *m)
{
    pv_edge *edges = NULL;
    size_t n = 0, cap = 0;
    uint32_t *head = pv_xmalloc((m->n_funcs + 1) * sizeof *head);
    uint32_t *tail = pv_xmalloc((m->n_funcs + 1) * sizeof *tail);
    uint32_t *next = NULL;
    size_t cap_next = 0;
    for (size_t f = 0; f < m->n_funcs; f++)
        head[f] = tail[f] = NONE;
    pair_map pairs;
    pairs_init(&pairs);
    int rc = PV_OK;
    for (size_t k = 0; k < m->n_in && rc == PV_OK; k++) {
        const pv_profile *p = m->in[k];
        for (size_t e = 0; e < p->n_edges; e++) {
            const pv_edge *in = &p->edges[e];
            uint32_t callee = m->map[k][in->callee], caller = m->map[k][in->caller];
            uint64_t key = pair_key(callee, caller);
            pair_slot *s = pairs_find(&pairs, key);
            if (s->val == NONE) {
                edges = pv_xgrow(edges, &cap, n + 1, sizeof *edges);
                next = pv_xgrow(next, &cap_next, n + 1, sizeof *next);
                edges[n] = (pv_edge){.caller = caller, .callee = callee, .is_count = in->is_count};
                next[n] = NONE;
                if (tail[callee] == NONE)
                    head[callee] = (uint32_t)n;
                else
                    next[tail[callee]] = (uint32_t)n;
                tail[callee] = (uint32_t)n;
                pairs_put(&pairs, s, key, (uint32_t)n++);
            }
            pv_edge *o = &edges[s->val];
            if (o->is_count != in->is_count) {
                const pv_func *fr = &m->funcs[caller], *fe = &m->funcs[callee];
                rc = pv_err_set(m->err, PV_E_USAGE, "cannot merge %s: its calls from %s:%lld(%s) "
                                "to %s:%lld(%s) are %s, an earlier file's are %s (Python's "
                                "pstats.Stats.add refuses the same)", m->names[k], fr->file,
                                (long long)fr->line, fr->name, fe->file, (long long)fe->line,
                                fe->name, in->is_count ? "a bare count" : "timed",
                                in->is_count ? "timed" : "a bare count");
                break;
            }
            o->nc = add_count(m, o->nc, in->nc);
            o->cc = add_count(m, o->cc, in->cc);
            o->tt += in->tt / m->div[k];
            o->ct += in->ct / m->div[k];
        }
    }
    pv_profile *out = m->out;
    if (rc == PV_OK) {
        out->edges = PV_ARENA_NEW(m->arena, pv_edge, n ? n : 1);
        if (!out->edges)
            rc = PV_E_TOO_BIG;
    }
    if (rc == PV_OK) {
        size_t at = 0;
        for (size_t f = 0; f < m->n_funcs; f++)
            for (uint32_t e = head[f]; e != NONE; e = next[e])
                out->edges[at++] = edges[e];
        out->n_edges = n;
    }
    free(pairs.slots);
    free(next);
    free(tail);
    free(head);
    free(edges);
    return rc;
}

/* A recorded tree's timer (which 0) or recorder (1), "" when unset. */
static const char *meta_text(const pv_profile *p, int which)
{
    const char *v = which ? p->recorded->recorder : p->recorded->timer;
    return v ? v : "";
}

/* The distinct timers (or recorders) of the inputs, in input order,
 * joined by ", ": one when they agree. */
static const char *distinct(merger *m, int which)
{
    size_t len = 0;
    char *s = pv_xstrdup("");
    for (size_t k = 0; k < m->n_in; k++) {
        const char *v = meta_text(m->in[k], which);
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = strcmp(v, meta_text(m->in[j], which)) == 0;
        if (seen)
            continue;
        size_t n = strlen(v);
        s = pv_xrealloc(s, len + n + 3);
        if (len)
            memcpy(s + len, ", ", 2), len += 2;
        memcpy(s + len, v, n + 1);
        len += n;
    }
    const char *r = pv_arena_strndup(m->arena, s, len);
    free(s);
    return r;
}

/* Nodes while merging: the figures and the children in first-seen order. */
typedef struct tnode {
    pv_node n;
    uint32_t first, last, next;  /* children, and the next sibling */
} tnode;

static int merge_trees(merger *m)
{
    tnode *t = NULL;
    size_t n = 0, cap = 0;
    uint32_t top_first = NONE, top_last = NONE;
    pair_map pairs;
    pairs_init(&pairs);
    pv_recorded *rec = PV_ARENA_NEW(m->arena, pv_recorded, 1);
    if (!rec)
        return PV_E_TOO_BIG;
    memset(rec, 0, sizeof *rec);
    for (size_t k = 0; k < m->n_in; k++) {
        const pv_recorded *r = m->in[k]->recorded;
        uint32_t *mapped = pv_xmalloc((r->n_nodes ? r->n_nodes : 1) * sizeof *mapped);
        for (size_t i = 0; i < r->n_nodes; i++) {
            const pv_node *in = &r->nodes[i];
            uint32_t parent = in->parent == PV_NODE_TOP ? PV_NODE_TOP : mapped[in->parent];
            uint32_t func = in->func == PV_NODE_OVERFLOW ? PV_NODE_OVERFLOW
                                                         : m->map[k][in->func];
            /* parent + 1 wraps the top's UINT32_MAX to 0. */
            uint64_t key = pair_key(parent + 1, func);
            pair_slot *s = pairs_find(&pairs, key);
            if (s->val == NONE) {
                t = pv_xgrow(t, &cap, n + 1, sizeof *t);
                t[n] = (tnode){.n = {.parent = parent, .func = func}, .first = NONE,
                               .last = NONE, .next = NONE};
                uint32_t *first = parent == PV_NODE_TOP ? &top_first : &t[parent].first;
                uint32_t *last = parent == PV_NODE_TOP ? &top_last : &t[parent].last;
                if (*last == NONE)
                    *first = (uint32_t)n;
                else
                    t[*last].next = (uint32_t)n;
                *last = (uint32_t)n;
                pairs_put(&pairs, s, key, (uint32_t)n++);
            }
            pv_node *o = &t[s->val].n;
            o->calls = add_count(m, o->calls, in->calls);
            o->tt += in->tt / m->div[k];
            o->ct += in->ct / m->div[k];
            mapped[i] = s->val;
        }
        free(mapped);
        rec->threads = add_count(m, rec->threads, r->threads);
        rec->overflow_calls = add_count(m, rec->overflow_calls, r->overflow_calls);
        if (r->max_paths > rec->max_paths)
            rec->max_paths = r->max_paths;
    }
    free(pairs.slots);
    rec->timer = distinct(m, 0);
    rec->recorder = distinct(m, 1);
    rec->nodes = PV_ARENA_NEW(m->arena, pv_node, n ? n : 1);
    if (!rec->timer || !rec->recorder || !rec->nodes) {
        free(t);
        return PV_E_TOO_BIG;
    }
    /* Pre-order: a node, its children's subtrees, then its next sibling
     * (the stack holds the siblings still to visit). */
    uint32_t *index = pv_xmalloc((n ? n : 1) * sizeof *index);
    uint32_t *stack = pv_xmalloc((n ? n : 1) * sizeof *stack);
    size_t depth = 0, at = 0;
    for (uint32_t cur = top_first;;) {
        if (cur == NONE) {
            if (!depth)
                break;
            cur = stack[--depth];
            continue;
        }
        index[cur] = (uint32_t)at;
        pv_node nd = t[cur].n;
        if (nd.parent != PV_NODE_TOP)
            nd.parent = index[nd.parent];
        rec->nodes[at++] = nd;
        stack[depth++] = t[cur].next;
        cur = t[cur].first;
    }
    rec->n_nodes = n;
    free(stack);
    free(index);
    free(t);
    m->out->recorded = rec;
    return PV_OK;
}

/* Says which inputs had an exact tree that the merge cannot keep. */
static int tree_dropped(merger *m)
{
    size_t with = 0, without = 0;
    for (size_t k = 0; k < m->n_in; k++)
        m->in[k]->recorded ? with++ : without++;
    const char *first_without = NULL;
    for (size_t k = 0; k < m->n_in && !first_without; k++)
        if (!m->in[k]->recorded)
            first_without = m->names[k];
    return pv_warn(m->out, m->arena, m->err, "the exact call trees of %zu of the %zu files are "
                   "left out: %s%s has none (a merged tree must hold every run's paths), so the "
                   "chart is estimated from the summed caller/callee figures", with, m->n_in,
                   first_without, without > 1 ? " and others" : "");
}

int pv_merge(const pv_profile *const *in, const char *const *names, size_t n,
             pv_arena *arena, pv_profile *out, pv_err *err)
{
    assert(n >= 1);
    memset(out, 0, sizeof *out);
    merger m = {.in = in, .names = names, .n_in = n, .arena = arena, .out = out, .err = err};
    m.div = pv_xmalloc(n * sizeof *m.div);
    m.map = pv_xcalloc(n, sizeof *m.map);
    pairs_init(&m.by_key);
    out->format = "pstats";
    out->writer = "profviz merge";
    out->dialect = "py3";
    out->variant = "";
    out->marshal_version = 4;
    int rc = units(&m);
    if (rc == PV_OK)
        rc = merge_funcs(&m);
    if (rc == PV_OK)
        rc = merge_edges(&m);
    size_t with = 0;
    for (size_t k = 0; k < n; k++)
        with += in[k]->recorded != NULL;
    if (rc == PV_OK && with == n)
        rc = merge_trees(&m);
    else if (rc == PV_OK && with)
        rc = tree_dropped(&m);
    if (rc == PV_OK && m.clamped)
        rc = pv_warn(out, arena, err, "counts past 2^63 - 1 were clamped to it");
    if (rc == PV_E_TOO_BIG)
        pv_err_set(err, rc, "merging needs more than the %zu MiB memory limit",
                   arena->limit >> 20);
    for (size_t k = 0; k < n; k++)
        free(m.map[k]);
    free(m.map);
    free(m.div);
    free(m.by_key.slots);
    free(m.funcs);
    free(m.keys);
    free(m.same_hash);
    if (rc != PV_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
