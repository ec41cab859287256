/* cpuprofile.c — V8's CPU profiles (Chrome DevTools' Profiler.Profile,
 * `node --cpu-prof`), modern and legacy layouts.
 *
 * Modern: {nodes: [{id, callFrame, hitCount, children, parent?}],
 * startTime, endTime (µs), samples: [node id], timeDeltas: [µs since the
 * previous sample; the first since startTime]}, members in any order.
 * Legacy (V8 before 2016): {head: nested {functionName, url, lineNumber
 * (1-based), scriptId, id, hitCount, children: [nodes]}, startTime,
 * endTime (seconds), samples, timestamps}.
 *
 * The tree comes from the children lists; a `parent` field counts only
 * for a node no list names (files where both exist can disagree).  The
 * root is not a frame, so a sample on it is weight with no frame;
 * (program), (idle) and (garbage collector) are ordinary frames.  A
 * function is (functionName, scriptId, url, lineNumber, columnNumber):
 * the same name and place under two scriptIds are two scripts.
 * samples[] is the truth (hitCount disagrees in real files, and is only
 * checked, with one warning).  Sample i weighs the time until the next
 * sample, the last one until endTime (µs, exact for integer times); a
 * legacy file, whose times are truncated seconds, weighs one per sample.
 * Builder nodes are made only for sampled paths, so functions nothing
 * sampled stay out of the table.
 * SPDX-License-Identifier: MIT
 */
#include "cpuprofile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pull.h"
#include "read_util.h"
#include "warn.h"
#include "stacks.h"

#define NONE UINT32_MAX
#define ABSENT SIZE_MAX

typedef struct cnode {
    int64_t id;
    const char *name, *script, *url;  /* callFrame's, copied */
    int64_t line, col;                /* as in the file (0-based modern, 1-based legacy) */
    bool has_line, has_col, has_hits, has_parent;
    int64_t hits;                     /* hitCount */
    int64_t parent_id;                /* the `parent` field */
    size_t children;                  /* modern: offset of the children list, or ABSENT */
    uint32_t parent;                  /* index of the parent node, or NONE */
    uint32_t func, bnode;             /* the builder's function and node, made when sampled */
    int64_t n_samples;                /* entries of samples[] naming it */
} cnode;

typedef struct reader {
    const unsigned char *buf;
    size_t len;
    pv_arena *arena;
    pv_err *err;
    pv_profile *out;
    pv_stacks *b;
    bool legacy;
    size_t nodes_at, head_at, samples_at, deltas_at;  /* offsets of members' values, or ABSENT */
    double start, end;
    bool has_start, has_end;
    cnode *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *slots;                  /* id -> index + 1, open addressing */
    size_t mask;
    uint32_t root;
    uint32_t *chain;                  /* scratch for a path being made */
    size_t cap_chain;
} reader;

static int too_big(reader *r)
{
    return pv_err_set(r->err, PV_E_TOO_BIG, "the file needs more than the memory limit allows");
}

/* Room for item n of *items (pv_arena_grow). */
static int grow(reader *r, void **items, size_t n, size_t *cap, size_t size)
{
    void *p = pv_arena_grow(r->arena, *items, cap, n + 1, size);
    if (!p)
        return too_big(r);
    *items = p;
    return PV_OK;
}

/* ---- the top level ------------------------------------------------------ */

static int read_top(reader *r)
{
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, pv_pull_bom(r->buf, r->len), r->arena, r->err);
    int rc = pv_pull_expect(&j, PV_PULL_OBJECT, "a .cpuprofile");
    bool more;
    r->nodes_at = r->head_at = r->samples_at = r->deltas_at = ABSENT;
    while (rc == PV_OK && (rc = pv_pull_member(&j, &more)) == PV_OK && more) {
        size_t *where = strcmp(j.str, "nodes") == 0 ? &r->nodes_at
                      : strcmp(j.str, "head") == 0 ? &r->head_at
                      : strcmp(j.str, "samples") == 0 ? &r->samples_at
                      : strcmp(j.str, "timeDeltas") == 0 ? &r->deltas_at : NULL;
        if (where) {
            *where = j.pos;
            rc = pv_pull_skip_value(&j);
        } else if (strcmp(j.str, "startTime") == 0) {
            r->has_start = true;
            rc = pv_pull_number(&j, "startTime", &r->start);
        } else if (strcmp(j.str, "endTime") == 0) {
            r->has_end = true;
            rc = pv_pull_number(&j, "endTime", &r->end);
        } else if (strcmp(j.str, "traceEvents") == 0 && r->nodes_at == ABSENT) {
            /* DevTools' Performance panel saves traces, whose profile chunks
             * hold nodes and call frames too: say what the file is. */
            return pv_pull_fail(&j, j.at, "this is a Chrome trace (traceEvents), not a "
                                ".cpuprofile: save one from node --cpu-prof or DevTools' "
                                "JavaScript profiler");
        } else {
            rc = pv_pull_skip_value(&j);
        }
    }
    if (rc == PV_OK)
        rc = pv_pull_end(&j);
    if (rc == PV_OK && r->nodes_at == ABSENT && r->head_at == ABSENT)
        rc = pv_pull_fail(&j, 0, "a .cpuprofile needs \"nodes\" (or, in the legacy layout, "
                          "\"head\")");
    r->legacy = rc == PV_OK && r->nodes_at == ABSENT;
    return rc;
}

/* ---- nodes -------------------------------------------------------------- */

static uint64_t id_hash(int64_t id)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
    return x ^ (x >> 29);
}

static uint32_t find(const reader *r, int64_t id)
{
    for (size_t i = id_hash(id) & r->mask; r->slots[i]; i = (i + 1) & r->mask)
        if (r->nodes[r->slots[i] - 1].id == id)
            return r->slots[i] - 1;
    return NONE;
}

/* The id -> index table, at most half full; a second node with an id is
 * an error. */
static int index_ids(reader *r, pv_pull *j)
{
    size_t n = 16;
    while (n < 2 * r->n_nodes)
        n *= 2;
    if (r->n_nodes >= NONE || !(r->slots = PV_ARENA_NEW(r->arena, uint32_t, n)))
        return too_big(r);
    memset(r->slots, 0, n * sizeof *r->slots);
    r->mask = n - 1;
    for (size_t k = 0; k < r->n_nodes; k++) {
        size_t i = id_hash(r->nodes[k].id) & r->mask;
        for (; r->slots[i]; i = (i + 1) & r->mask)
            if (r->nodes[r->slots[i] - 1].id == r->nodes[k].id)
                return pv_pull_fail(j, r->legacy ? r->head_at : r->nodes_at, "two nodes have "
                                    "the id %lld", (long long)r->nodes[k].id);
        r->slots[i] = (uint32_t)k + 1;
    }
    return PV_OK;
}

static int new_node(reader *r, uint32_t parent, cnode **out)
{
    int rc = grow(r, (void **)&r->nodes, r->n_nodes, &r->cap_nodes, sizeof *r->nodes);
    if (rc)
        return rc;
    *out = &r->nodes[r->n_nodes++];
    **out = (cnode){.name = "", .script = "", .url = "", .children = ABSENT, .parent = parent,
                    .func = NONE, .bnode = NONE};
    return PV_OK;
}

/* A callFrame field (modern) or a legacy node's own: PV_OK with *used set
 * when `key` is one. */
static int frame_field(reader *r, pv_pull *j, cnode *n, const char *key, bool *used)
{
    int rc;
    *used = true;
    if (strcmp(key, "functionName") == 0 || strcmp(key, "url") == 0) {
        bool name = key[0] == 'f';
        if ((rc = pv_pull_expect(j, PV_PULL_STRING, name ? "functionName" : "url")))
            return rc;
        const char *s = pv_arena_strndup(r->arena, j->str, j->str_len);
        if (!s)
            return too_big(r);
        *(name ? &n->name : &n->url) = s;
    } else if (strcmp(key, "scriptId") == 0) {
        /* A string in the modern layout, a number in the legacy one. */
        pv_pull_type t;
        char num[32];
        if ((rc = pv_pull_value(j, &t)))
            return rc;
        if (t == PV_PULL_NUMBER)
            snprintf(num, sizeof num, "%.17g", j->num);
        else if (t != PV_PULL_STRING)
            return pv_pull_fail(j, j->at, "scriptId must be a string or a number");
        const char *s = t == PV_PULL_STRING ? j->str : num;
        if (!(n->script = pv_arena_strndup(r->arena, s, strlen(s))))
            return too_big(r);
    } else if (strcmp(key, "lineNumber") == 0) {
        n->has_line = true;
        return pv_pull_int(j, "lineNumber", &n->line);
    } else if (strcmp(key, "columnNumber") == 0) {
        n->has_col = true;
        return pv_pull_int(j, "columnNumber", &n->col);
    } else {
        *used = false;
    }
    return PV_OK;
}

static int read_call_frame(reader *r, pv_pull *j, cnode *n)
{
    int rc = pv_pull_expect(j, PV_PULL_OBJECT, "callFrame");
    bool more, used;
    while (rc == PV_OK && (rc = pv_pull_member(j, &more)) == PV_OK && more)
        if ((rc = frame_field(r, j, n, j->str, &used)) == PV_OK && !used)
            rc = pv_pull_skip_value(j);
    return rc;
}

/* A node's own members, modern or legacy ("children" is the caller's). */
static int node_field(reader *r, pv_pull *j, cnode *n, bool *used)
{
    int rc = PV_OK;
    if (strcmp(j->str, "id") == 0)
        rc = pv_pull_int(j, "a node's id", &n->id);
    else if (strcmp(j->str, "hitCount") == 0) {
        n->has_hits = true;
        rc = pv_pull_int(j, "hitCount", &n->hits);
    } else if (!r->legacy && strcmp(j->str, "callFrame") == 0)
        rc = read_call_frame(r, j, n);
    else if (!r->legacy && strcmp(j->str, "parent") == 0) {
        n->has_parent = true;
        rc = pv_pull_int(j, "parent", &n->parent_id);
    } else if (r->legacy)
        return frame_field(r, j, n, j->str, used);
    else
        *used = false;
    return rc;
}

static int read_nodes(reader *r)
{
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, r->nodes_at, r->arena, r->err);
    int rc = pv_pull_expect(&j, PV_PULL_ARRAY, "nodes");
    bool more;
    while (rc == PV_OK && (rc = pv_pull_element(&j, &more)) == PV_OK && more) {
        cnode *n;
        bool has_id = false, used;
        if ((rc = pv_pull_expect(&j, PV_PULL_OBJECT, "a node")) || (rc = new_node(r, NONE, &n)))
            return rc;
        size_t start = j.at;
        while ((rc = pv_pull_member(&j, &more)) == PV_OK && more) {
            used = true;
            has_id |= strcmp(j.str, "id") == 0;
            if (strcmp(j.str, "children") == 0) {
                n->children = j.pos;
                rc = pv_pull_skip_value(&j);
            } else if ((rc = node_field(r, &j, n, &used)) == PV_OK && !used) {
                rc = pv_pull_skip_value(&j);
            }
            if (rc)
                return rc;
        }
        if (rc == PV_OK && !has_id)
            return pv_pull_fail(&j, start, "a node has no id");
    }
    return rc;
}

/* Parents from the children lists, then from `parent` fields for nodes
 * no list names; exactly one node is left without: the root. */
static int link_nodes(reader *r)
{
    pv_pull j;
    size_t conflicts = 0;
    pv_pull_init(&j, r->buf, r->len, r->nodes_at, r->arena, r->err);
    int rc = index_ids(r, &j);
    for (size_t k = 0; rc == PV_OK && k < r->n_nodes; k++) {
        if (r->nodes[k].children == ABSENT)
            continue;
        pv_pull_init(&j, r->buf, r->len, r->nodes[k].children, r->arena, r->err);
        pv_pull_type t;
        if ((rc = pv_pull_value(&j, &t)))
            return rc;
        if (t == PV_PULL_NULL)
            continue;
        if (t != PV_PULL_ARRAY)
            return pv_pull_fail(&j, j.at, "children must be an array");
        bool more;
        while ((rc = pv_pull_element(&j, &more)) == PV_OK && more) {
            int64_t id;
            if ((rc = pv_pull_int(&j, "a child's id", &id)))
                return rc;
            uint32_t c = find(r, id);
            if (c == NONE)
                return pv_pull_fail(&j, j.at, "child %lld of node %lld does not exist", (long long)id,
                                    (long long)r->nodes[k].id);
            if (r->nodes[c].parent != NONE && r->nodes[c].parent != k)
                return pv_pull_fail(&j, j.at, "node %lld has two parents", (long long)id);
            r->nodes[c].parent = (uint32_t)k;
        }
    }
    for (size_t k = 0; rc == PV_OK && k < r->n_nodes; k++) {
        cnode *n = &r->nodes[k];
        if (!n->has_parent)
            continue;
        uint32_t p = find(r, n->parent_id);
        if (n->parent == NONE && p != NONE)
            n->parent = p;
        else if (n->parent != NONE && n->parent != p)
            conflicts++;
    }
    size_t roots = 0;
    for (size_t k = 0; rc == PV_OK && k < r->n_nodes; k++)
        if (r->nodes[k].parent == NONE) {
            roots++;
            r->root = (uint32_t)k;
        }
    if (rc == PV_OK && roots != 1)
        return pv_err_set(r->err, PV_E_FORMAT, "byte %zu: expected one root node (a node no other "
                          "names as its child), found %zu", r->nodes_at, roots);
    if (rc == PV_OK && conflicts)
        rc = pv_warn(r->out, r->arena, r->err, "%zu nodes have a parent field that disagrees "
                             "with the children lists; the children lists were used", conflicts);
    return rc;
}

/* The legacy layout's nested head tree, read without recursion: `stack`
 * holds the open nodes, each either among its members or in its children. */
static int read_head(reader *r)
{
    typedef struct open_node {
        uint32_t node;
        bool in_children;
    } open_node;
    open_node *stack = NULL;
    size_t depth = 0, cap = 0;
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, r->head_at, r->arena, r->err);
    cnode *n;
    int rc = pv_pull_expect(&j, PV_PULL_OBJECT, "head");
    if (rc == PV_OK && (rc = new_node(r, NONE, &n)) == PV_OK &&
        (rc = grow(r, (void **)&stack, depth, &cap, sizeof *stack)) == PV_OK)
        stack[depth++] = (open_node){0, false};
    while (rc == PV_OK && depth) {
        open_node *top = &stack[depth - 1];
        bool more, used = true;
        if (top->in_children) {
            if ((rc = pv_pull_element(&j, &more)) || !more) {
                top->in_children = false;
                continue;
            }
            uint32_t parent = top->node;
            if ((rc = pv_pull_expect(&j, PV_PULL_OBJECT, "a child node")) == PV_OK &&
                (rc = new_node(r, parent, &n)) == PV_OK &&
                (rc = grow(r, (void **)&stack, depth, &cap, sizeof *stack)) == PV_OK)
                stack[depth++] = (open_node){(uint32_t)(r->n_nodes - 1), false};
        } else if ((rc = pv_pull_member(&j, &more)) || !more) {
            depth--;
        } else if (strcmp(j.str, "children") == 0) {
            if ((rc = pv_pull_expect(&j, PV_PULL_ARRAY, "children")) == PV_OK)
                top->in_children = true;
        } else if ((rc = node_field(r, &j, &r->nodes[top->node], &used)) == PV_OK && !used) {
            rc = pv_pull_skip_value(&j);
        }
    }
    r->root = 0;
    return rc == PV_OK ? index_ids(r, &j) : rc;
}

/* ---- samples ------------------------------------------------------------ */

/* The builder's function for node n: its key is the whole call frame. */
static int node_func(reader *r, cnode *n)
{
#define KEY_FMT "%s%c%s%c%s%c%lld%c%lld%c%d%d"
#define KEY_ARGS n->name, 0, n->script, 0, n->url, 0, (long long)n->line, 0, (long long)n->col, 0, \
                 n->has_line, n->has_col
    char local[512], *key = local;
    int len = snprintf(NULL, 0, KEY_FMT, KEY_ARGS);
    if (len < 0)
        return too_big(r);
    if ((size_t)len >= sizeof local && !(key = pv_arena_alloc(r->arena, (size_t)len + 1)))
        return too_big(r);
    snprintf(key, (size_t)len + 1, KEY_FMT, KEY_ARGS);
#undef KEY_FMT
#undef KEY_ARGS
    /* Displayed lines are 1-based: the modern layout's are 0-based. */
    int64_t line = !n->has_line ? 0 : r->legacy ? n->line : n->line + 1;
    return pv_stacks_func(r->b, key, (size_t)len, n->url, line > 0 ? line : 0,
                          n->name[0] ? n->name : "(anonymous)", &n->func, r->err);
}

/* The builder node of node k's path (made on first need, its ancestors
 * with it).  The root has none: PV_STACKS_TOP. */
static int builder_node(reader *r, pv_pull *j, uint32_t k, uint32_t *out)
{
    size_t depth = 0;
    uint32_t x = k;
    while (x != r->root) {
        if (x == NONE || depth > r->n_nodes)
            return pv_pull_fail(j, j->at, "node %lld is not under the root (its parents never "
                                "reach it)", (long long)r->nodes[k].id);
        if (r->nodes[x].bnode != NONE)
            break;
        int rc = grow(r, (void **)&r->chain, depth, &r->cap_chain, sizeof *r->chain);
        if (rc)
            return rc;
        r->chain[depth++] = x;
        x = r->nodes[x].parent;
    }
    uint32_t parent = x == r->root ? PV_STACKS_TOP : r->nodes[x].bnode;
    while (depth) {
        cnode *n = &r->nodes[r->chain[--depth]];
        int rc = n->func == NONE ? node_func(r, n) : PV_OK;
        if (rc == PV_OK)
            rc = pv_stacks_child(r->b, parent, n->func, &n->bnode, r->err);
        if (rc)
            return rc;
        parent = n->bnode;
    }
    *out = parent;
    return PV_OK;
}

/* Sample weight `w` on node k: on its path, or with no frame on the root. */
static int weigh(reader *r, pv_pull *j, uint32_t k, double w)
{
    if (k == r->root)
        return pv_stacks_add(r->b, NULL, 0, w, 1, r->err);
    uint32_t node = PV_STACKS_TOP;
    int rc = builder_node(r, j, k, &node);
    if (rc == PV_OK)
        pv_stacks_weigh(r->b, node, w, 1);
    return rc;
}

static int sample_node(reader *r, pv_pull *j, uint32_t *k)
{
    int64_t id;
    int rc = pv_pull_int(j, "a sample", &id);
    if (rc)
        return rc;
    if ((*k = find(r, id)) == NONE)
        return pv_pull_fail(j, j->at, "sample names node %lld, which does not exist", (long long)id);
    r->nodes[*k].n_samples++;
    return PV_OK;
}

/* One per sample (the legacy layout, or a file without timeDeltas). */
static int read_samples_counted(reader *r)
{
    if (r->samples_at == ABSENT)
        return PV_OK;
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, r->samples_at, r->arena, r->err);
    int rc = pv_pull_expect(&j, PV_PULL_ARRAY, "samples");
    bool more;
    while (rc == PV_OK && (rc = pv_pull_element(&j, &more)) == PV_OK && more) {
        uint32_t k;
        if ((rc = sample_node(r, &j, &k)) == PV_OK)
            rc = weigh(r, &j, k, 1);
    }
    return rc;
}

/* Sample i weighs t[i+1] - t[i] = timeDeltas[i+1], the last one endTime -
 * t[n-1]; a negative span (a clock stepping back) weighs 0.  Each sample
 * is weighed when the next delta is known. */
static int read_samples_timed(reader *r, size_t *negative)
{
    pv_pull js, jd;
    pv_pull_init(&js, r->buf, r->len, r->samples_at, r->arena, r->err);
    pv_pull_init(&jd, r->buf, r->len, r->deltas_at, r->arena, r->err);
    int rc = pv_pull_expect(&js, PV_PULL_ARRAY, "samples");
    if (rc == PV_OK)
        rc = pv_pull_expect(&jd, PV_PULL_ARRAY, "timeDeltas");
    long double t = r->start;
    uint32_t prev = NONE;
    *negative = 0;
    for (size_t i = 0; rc == PV_OK; i++) {
        bool more_s, more_d;
        if ((rc = pv_pull_element(&js, &more_s)) || (rc = pv_pull_element(&jd, &more_d)))
            return rc;
        if (more_s != more_d)
            return pv_pull_fail(more_s ? &js : &jd, more_s ? js.pos : jd.pos, "%s has more "
                                "entries than %s (%zu)", more_s ? "samples" : "timeDeltas",
                                more_s ? "timeDeltas" : "samples", i);
        if (!more_s)
            break;
        uint32_t k;
        double d;
        if ((rc = sample_node(r, &js, &k)) || (rc = pv_pull_number(&jd, "a time delta", &d)))
            return rc;
        if (!isfinite(d))
            return pv_pull_fail(&jd, jd.at, "time delta %g is not finite", d);
        t += d;
        if (d < 0)
            ++*negative;
        if (prev != NONE)
            rc = weigh(r, &js, prev, d > 0 ? d : 0);
        prev = k;
    }
    if (rc == PV_OK && prev != NONE) {
        double last = (double)((long double)r->end - t);
        if (last < 0)
            ++*negative;
        rc = weigh(r, &js, prev, last > 0 ? last : 0);
    }
    return rc;
}

static int check_hit_counts(reader *r)
{
    size_t differ = 0;
    for (size_t k = 0; k < r->n_nodes; k++)
        differ += r->nodes[k].has_hits && r->nodes[k].hits != r->nodes[k].n_samples;
    if (!differ)
        return PV_OK;
    return pv_warn(r->out, r->arena, r->err, "%zu nodes have a hitCount that differs from "
                           "their count in samples[]; the samples were used", differ);
}

/* ---- the whole file ----------------------------------------------------- */

static int read_weights(reader *r, const char **unit)
{
    int rc;
    size_t negative = 0;
    if (r->legacy || r->deltas_at == ABSENT || r->samples_at == ABSENT) {
        *unit = "samples";
        rc = read_samples_counted(r);
        if (rc == PV_OK && !r->legacy && r->samples_at != ABSENT)
            rc = pv_warn(r->out, r->arena, r->err, "the file has no timeDeltas: each "
                                 "sample weighs one");
        return rc;
    }
    if (!r->has_start || !r->has_end)
        return pv_err_set(r->err, PV_E_FORMAT, "byte 0: the samples' times need startTime and "
                          "endTime, and the file lacks %s", r->has_start ? "endTime" : "startTime");
    *unit = "microseconds";
    rc = read_samples_timed(r, &negative);
    if (rc == PV_OK && negative)
        rc = pv_warn(r->out, r->arena, r->err, "%zu samples would last a negative time (the "
                             "clock went back); they weigh 0", negative);
    return rc;
}

int pv_cpuprofile_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                        pv_arena *arena, pv_profile *out, pv_err *err)
{
    reader r = {.buf = buf, .len = len, .arena = arena, .err = err, .out = out};
    memset(out, 0, sizeof *out);
    if (opts && (opts->event || opts->profile))
        return pv_err_set(err, PV_E_USAGE, "a .cpuprofile holds one profile of one measure: there "
                          "is no %s to choose", opts->event ? "event" : "profile");
    const char *unit = NULL;
    int rc = read_top(&r);
    if (rc == PV_OK)
        rc = r.legacy ? read_head(&r) : read_nodes(&r);
    if (rc == PV_OK && !r.legacy)
        rc = link_nodes(&r);
    if (rc == PV_OK && !(r.b = pv_stacks_new(arena)))
        rc = too_big(&r);
    if (rc == PV_OK)
        rc = read_weights(&r, &unit);
    if (rc == PV_OK)
        rc = check_hit_counts(&r);
    if (rc)
        return rc;
    if ((rc = pv_stacks_finish(r.b, out, err)))
        return rc;
    pv_recorded *rec = PV_ARENA_NEW(arena, pv_recorded, 1);
    if (!rec)
        return too_big(&r);
    out->format = "cpuprofile";
    out->unit = unit;
    out->calls_unit = "samples";
    out->variant = "";
    out->writer = r.legacy ? "V8 (legacy layout)" : "V8";
    out->dialect = "";
    *rec = *out->recorded;
    rec->timer = unit;
    rec->recorder = out->writer;
    out->recorded = rec;
    return PV_OK;
}

/* A node list with call frames, or a legacy head tree, near the start. */
bool pv_cpuprofile_sniff(const unsigned char *buf, size_t len)
{
    const size_t window = 1 << 16;
    if (!pv_pull_starts_object(buf, len))
        return false;
    if (pv_pull_has_key(buf, len, window, "nodes") && pv_pull_has_key(buf, len, window, "callFrame"))
        return true;
    return pv_pull_has_key(buf, len, window, "head") &&
           pv_pull_has_key(buf, len, window, "functionName");
}
