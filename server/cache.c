/* cache.c — the graph cache: a short LRU list under one mutex.  See
 * cache.h.
 *
 * The list is searched linearly: a cache holds a handful of graphs (each
 * may be tens of MB), so a hash table would buy nothing.  The cache mutex
 * is held only for list and counter updates, never while reading the
 * store or building a graph; building happens in the thread that missed,
 * with the entry marked LOADING so others wait on the condition variable.
 * Lock order: an entry's memo_lock may be held while taking the cache
 * mutex, never the reverse.
 * SPDX-License-Identifier: MIT
 */
#include "cache.h"

#include <assert.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Reading a profile back needs no more memory than loading it did, which
 * pv_load_memory_limit capped; this only stops a damaged store from
 * exhausting memory. */
#define READ_ARENA_LIMIT ((size_t)1 << 34)

enum { LOADING, READY, FAILED };

/* A response kept with a graph. */
typedef struct kept_text {
    char *key;
    char *text;
    size_t len;
    int gzipped;                /* text is gzip bytes (gzip.h) */
    struct kept_text *next;     /* most recently used first */
} kept_text;

struct pv_cached {
    int64_t id;                 /* profile id */
    int state;                  /* LOADING, READY or FAILED */
    int listed;                 /* still in the cache's list */
    unsigned refs;              /* references handed out and not released */
    pv_graph *graph;            /* READY: the graph */
    size_t n_entries;           /* functions with an entry of their own */
    size_t bytes;               /* estimated size of graph and memos */
    pv_err err;                 /* FAILED: why */
    pthread_mutex_t memo_lock;  /* guards memo, making and texts */
    pthread_cond_t memo_made;   /* a memo was made */
    void *memo[PV_CACHE_MEMOS];
    uint8_t making[PV_CACHE_MEMOS];  /* a thread is making this memo */
    kept_text *texts;
    unsigned n_texts;
    pv_cached *prev, *next;     /* list, most recently used first */
};

struct pv_cache {
    pthread_mutex_t lock;
    pthread_cond_t loaded;      /* an entry left LOADING */
    pv_cached *head, *tail;
    size_t n_listed;            /* entries in the list */
    size_t bytes;               /* sum of listed READY entries' bytes */
    size_t budget;
    size_t reserved;            /* in flight (pv_cache_reserve): the graphs get the rest */
    int64_t *pinned;            /* ids never evicted (pv_cache_pin), a few at most */
    size_t n_pinned, cap_pinned;
};

pv_cache *pv_cache_new(size_t budget)
{
    pv_cache *c = pv_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->loaded, NULL);
    c->budget = budget;
    return c;
}

static void text_free(kept_text *t)
{
    free(t->key);
    free(t->text);
    free(t);
}

static void entry_free(pv_cached *e)
{
    pv_graph_free(e->graph);
    for (unsigned i = 0; i < PV_CACHE_MEMOS; i++)
        free(e->memo[i]);
    for (kept_text *t = e->texts, *next; t; t = next) {
        next = t->next;
        text_free(t);
    }
    pthread_cond_destroy(&e->memo_made);
    pthread_mutex_destroy(&e->memo_lock);
    free(e);
}

void pv_cache_free(pv_cache *c)
{
    if (!c)
        return;
    for (pv_cached *e = c->head, *next; e; e = next) {
        next = e->next;
        assert(e->refs == 0);
        entry_free(e);
    }
    pthread_cond_destroy(&c->loaded);
    pthread_mutex_destroy(&c->lock);
    free(c->pinned);
    free(c);
}

/* ---- the list (cache lock held) -------------------------------------- */

static void unlink_entry(pv_cache *c, pv_cached *e)
{
    assert(e->listed);
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
    e->listed = 0;
    c->n_listed--;
    if (e->state == READY)
        c->bytes -= e->bytes;
}

static void push_front(pv_cache *c, pv_cached *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    else
        c->tail = e;
    c->head = e;
    e->listed = 1;
    c->n_listed++;
    if (e->state == READY)
        c->bytes += e->bytes;
}

/* Takes e out of the list; frees it when nobody holds it. */
static void drop(pv_cache *c, pv_cached *e)
{
    unlink_entry(c, e);
    if (e->refs == 0)
        entry_free(e);
}

static bool is_pinned(const pv_cache *c, int64_t id)
{
    for (size_t i = 0; i < c->n_pinned; i++)
        if (c->pinned[i] == id)
            return true;
    return false;
}

static size_t text_bytes(const kept_text *t)
{
    return sizeof *t + strlen(t->key) + 1 + t->len + 1;
}

static int over_budget(const pv_cache *c)
{
    return c->bytes + c->reserved > c->budget;
}

/* Frees the least recently used texts of e until the budget holds or e
 * has none left.  Cache lock and e's memo_lock held. */
static void drop_texts(pv_cache *c, pv_cached *e)
{
    while (over_budget(c) && e->texts) {
        kept_text **p = &e->texts;
        while ((*p)->next)
            p = &(*p)->next;
        size_t n = text_bytes(*p);
        e->bytes -= n;
        if (e->listed)
            c->bytes -= n;
        text_free(*p);
        *p = NULL;
        e->n_texts--;
    }
}

/* Evicts least recently used graphs until the budget (less what is in
 * flight) holds, keeping the newest one however large it is (a query
 * needs at least that one) and the pinned ones (nothing could build them
 * again); then, if it still does not hold, the texts kept with the
 * newest.  `locked_texts`: the entry whose memo_lock the caller holds
 * (its texts are dropped without taking it again), or NULL. */
static void evict_locked(pv_cache *c, pv_cached *locked_texts)
{
    pv_cached *e = c->tail;
    while (over_budget(c) && e && e != c->head) {
        pv_cached *prev = e->prev;
        if (e->state == READY && !is_pinned(c, e->id))
            drop(c, e);
        e = prev;
    }
    for (e = c->head; over_budget(c) && e; e = e->next) {
        if (e->state != READY)
            continue;
        if (e == locked_texts) {
            drop_texts(c, e);
        } else if (pthread_mutex_trylock(&e->memo_lock) == 0) {
            /* trylock: the lock order is memo_lock, then the cache's. */
            drop_texts(c, e);
            pthread_mutex_unlock(&e->memo_lock);
        }
    }
}

static void evict(pv_cache *c)
{
    evict_locked(c, NULL);
}

static pv_cached *find(pv_cache *c, int64_t id)
{
    for (pv_cached *e = c->head; e; e = e->next)
        if (e->id == id)
            return e;
    return NULL;
}

/* ---- building -------------------------------------------------------- */

/* What the graph will take in memory, estimated from the profile: its
 * arrays (callees and callers each hold every edge, with a placement per
 * callee edge and a group per caller edge; tops at most every function),
 * a recorded tree's nodes and its strings. */
static size_t graph_bytes(const pv_profile *p)
{
    size_t n = sizeof(pv_graph) + p->n_funcs * (sizeof(pv_gfunc) + sizeof(uint32_t)) +
               p->n_edges * (2 * sizeof(pv_gedge) + sizeof(pv_gplace) + sizeof(pv_ggroup));
    if (p->recorded)
        n += p->recorded->n_nodes * (sizeof(pv_gnode) + sizeof(uint32_t));
    for (size_t i = 0; i < p->n_funcs; i++)
        n += strlen(p->funcs[i].file) + strlen(p->funcs[i].name) + 2;
    return n;
}

/* Makes e's graph from profile p. */
static void make_graph(pv_cached *e, const pv_profile *p)
{
    e->graph = pv_graph_new(p);
    e->n_entries = p->n_entries;
    e->bytes = sizeof *e + graph_bytes(p);
}

/* Reads profile e->id and builds its graph, without the cache lock. */
static int build(pv_cached *e, pv_store *reader, pv_err *err)
{
    pv_arena arena;
    pv_profile p;
    pv_arena_init(&arena, READ_ARENA_LIMIT);
    int rc = pv_store_read(reader, e->id, &arena, &p, err);
    if (rc == PV_OK)
        make_graph(e, &p);
    pv_arena_release(&arena);
    /* Reading the profile back took as much memory again as the graph,
     * in pieces glibc keeps for reuse; give it back now. */
    malloc_trim(0);
    return rc;
}

static pv_cached *entry_new(int64_t id)
{
    pv_cached *e = pv_xcalloc(1, sizeof *e);
    e->id = id;
    e->state = LOADING;
    pthread_mutex_init(&e->memo_lock, NULL);
    pthread_cond_init(&e->memo_made, NULL);
    return e;
}

/* Ends a build: the entry becomes READY (or FAILED, with `err`) and the
 * requests waiting for it go on.  Cache lock held. */
static void built(pv_cache *c, pv_cached *e, int rc, const pv_err *err)
{
    e->state = rc == PV_OK ? READY : FAILED;
    if (rc != PV_OK)
        e->err = *err;
    if (e->listed) {
        if (rc == PV_OK)
            c->bytes += e->bytes;
        else
            unlink_entry(c, e);  /* a later request tries again */
    }
    pthread_cond_broadcast(&c->loaded);
    if (rc == PV_OK)
        evict(c);
}

/* A new LOADING entry for `id`, listed, with one reference: its
 * builder's.  Cache lock held. */
static pv_cached *claim(pv_cache *c, int64_t id)
{
    pv_cached *e = entry_new(id);
    e->refs = 1;
    push_front(c, e);
    return e;
}

int pv_cache_get(pv_cache *c, pv_store *reader, int64_t id, pv_cached **out, pv_err *err)
{
    *out = NULL;
    pthread_mutex_lock(&c->lock);
    pv_cached *e = find(c, id);
    if (e) {
        e->refs++;
        unlink_entry(c, e);
        push_front(c, e);
        while (e->state == LOADING)
            pthread_cond_wait(&c->loaded, &c->lock);
    } else {
        e = claim(c, id);
        pthread_mutex_unlock(&c->lock);

        pv_err local;
        pv_err_clear(&local);
        int rc = build(e, reader, &local);

        pthread_mutex_lock(&c->lock);
        built(c, e, rc, &local);
    }
    int rc = PV_OK;
    if (e->state == FAILED) {
        rc = e->err.code;
        if (err)
            *err = e->err;
        if (--e->refs == 0 && !e->listed)
            entry_free(e);
        e = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    *out = e;
    return rc;
}

pv_cached *pv_cache_claim(pv_cache *c, int64_t id)
{
    pthread_mutex_lock(&c->lock);
    pv_cached *e = find(c, id) ? NULL : claim(c, id);
    pthread_mutex_unlock(&c->lock);
    return e;
}

void pv_cache_fill(pv_cache *c, pv_cached *claimed, const pv_profile *p)
{
    make_graph(claimed, p);
    pthread_mutex_lock(&c->lock);
    built(c, claimed, PV_OK, NULL);
    if (--claimed->refs == 0 && !claimed->listed)
        entry_free(claimed);
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_drop_claim(pv_cache *c, pv_cached *claimed)
{
    pv_err err;
    pv_err_set(&err, PV_E_NOTFOUND, "profile %lld was not kept", (long long)claimed->id);
    pthread_mutex_lock(&c->lock);
    built(c, claimed, PV_E_NOTFOUND, &err);
    if (--claimed->refs == 0 && !claimed->listed)
        entry_free(claimed);
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_pin(pv_cache *c, int64_t id)
{
    pthread_mutex_lock(&c->lock);
    c->pinned = pv_xgrow(c->pinned, &c->cap_pinned, c->n_pinned + 1, sizeof *c->pinned);
    c->pinned[c->n_pinned++] = id;
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_unpin(pv_cache *c, int64_t id)
{
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n_pinned; i++) {
        if (c->pinned[i] == id) {
            c->pinned[i] = c->pinned[--c->n_pinned];
            break;
        }
    }
    evict(c);
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_release(pv_cache *c, pv_cached *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&c->lock);
    assert(e->refs > 0);
    if (--e->refs == 0 && !e->listed)
        entry_free(e);
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_forget(pv_cache *c, int64_t id)
{
    pthread_mutex_lock(&c->lock);
    pv_cached *e = find(c, id);
    if (e)
        drop(c, e);
    pthread_mutex_unlock(&c->lock);
}

bool pv_cache_in_use(pv_cache *c, int64_t id)
{
    pthread_mutex_lock(&c->lock);
    pv_cached *e = find(c, id);
    bool used = e && (e->refs > 0 || e->state == LOADING);
    for (size_t i = 0; !used && i < c->n_pinned; i++)
        used = c->pinned[i] == id;
    pthread_mutex_unlock(&c->lock);
    return used;
}

const pv_graph *pv_cached_graph(const pv_cached *e)
{
    return e->graph;
}

size_t pv_cached_n_entries(const pv_cached *e)
{
    return e->n_entries;
}

/* Adds `delta` bytes (possibly negative) to what e holds, and to the
 * cache's total while e is listed, evicting others (or e's older texts)
 * if that passes the budget.  Takes the cache lock; the caller holds e's
 * memo_lock. */
static void count_bytes(pv_cache *c, pv_cached *e, ptrdiff_t delta)
{
    pthread_mutex_lock(&c->lock);
    e->bytes += (size_t)delta;
    if (e->listed) {
        c->bytes += (size_t)delta;
        evict_locked(c, e);
    }
    pthread_mutex_unlock(&c->lock);
}

const void *pv_cached_memo(pv_cache *c, pv_cached *e, unsigned slot, pv_memo_fn *make)
{
    assert(slot < PV_CACHE_MEMOS && e->state == READY);
    pthread_mutex_lock(&e->memo_lock);
    while (!e->memo[slot] && e->making[slot])
        pthread_cond_wait(&e->memo_made, &e->memo_lock);
    if (!e->memo[slot]) {
        /* Made without the lock: the first page of a big profile asks for
         * several memos at once (its table's sort, its top-level boxes),
         * each tens of milliseconds, and they need not wait for each
         * other. */
        e->making[slot] = 1;
        pthread_mutex_unlock(&e->memo_lock);
        size_t bytes = 0;
        void *memo = make(e, slot, &bytes);
        pthread_mutex_lock(&e->memo_lock);
        e->memo[slot] = memo;
        e->making[slot] = 0;
        pthread_cond_broadcast(&e->memo_made);
        count_bytes(c, e, (ptrdiff_t)bytes);
    }
    const void *memo = e->memo[slot];
    pthread_mutex_unlock(&e->memo_lock);
    return memo;
}

char *pv_cached_text(pv_cache *c, pv_cached *e, const char *key, size_t *len, int *gzipped)
{
    char *copy = NULL;
    pthread_mutex_lock(&e->memo_lock);
    for (kept_text **p = &e->texts, *t; (t = *p) != NULL; p = &t->next) {
        if (strcmp(t->key, key) != 0)
            continue;
        *p = t->next;  /* to the front */
        t->next = e->texts;
        e->texts = t;
        copy = pv_xmalloc(t->len + 1);
        memcpy(copy, t->text, t->len + 1);
        *len = t->len;
        *gzipped = t->gzipped;
        break;
    }
    pthread_mutex_unlock(&e->memo_lock);
    return copy;
}

void pv_cached_keep_text(pv_cache *c, pv_cached *e, const char *key, const char *text,
                         size_t len, int gzipped)
{
    if (len > c->budget / 16)
        return;
    kept_text *t = pv_xmalloc(sizeof *t);
    t->key = pv_xstrdup(key);
    t->text = pv_xmalloc(len + 1);
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    t->len = len;
    t->gzipped = gzipped;
    ptrdiff_t delta = (ptrdiff_t)text_bytes(t);
    pthread_mutex_lock(&e->memo_lock);
    /* The same view kept before (plain, now compressed; or printed by two
     * threads at once) is replaced. */
    for (kept_text **p = &e->texts; *p; p = &(*p)->next) {
        if (strcmp((*p)->key, key) == 0) {
            kept_text *old = *p;
            *p = old->next;
            delta -= (ptrdiff_t)text_bytes(old);
            text_free(old);
            e->n_texts--;
            break;
        }
    }
    t->next = e->texts;
    e->texts = t;
    /* Over the count: the least recently used goes. */
    if (++e->n_texts > PV_CACHE_TEXTS) {
        kept_text **p = &e->texts;
        while ((*p)->next)
            p = &(*p)->next;
        delta -= (ptrdiff_t)text_bytes(*p);
        text_free(*p);
        *p = NULL;
        e->n_texts--;
    }
    count_bytes(c, e, delta);
    pthread_mutex_unlock(&e->memo_lock);
}

void pv_cache_reserve(pv_cache *c, size_t bytes)
{
    pthread_mutex_lock(&c->lock);
    c->reserved += bytes;
    evict(c);
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_unreserve(pv_cache *c, size_t bytes)
{
    pthread_mutex_lock(&c->lock);
    c->reserved -= bytes;
    pthread_mutex_unlock(&c->lock);
}

size_t pv_cache_budget(const pv_cache *c)
{
    return c->budget;
}

void pv_cache_ids(pv_cache *c, int64_t **ids, size_t *n)
{
    pthread_mutex_lock(&c->lock);
    *ids = pv_xmalloc((c->n_listed ? c->n_listed : 1) * sizeof **ids);
    *n = 0;
    for (pv_cached *e = c->head; e; e = e->next)
        if (e->state == READY && !is_pinned(c, e->id))
            (*ids)[(*n)++] = e->id;
    pthread_mutex_unlock(&c->lock);
}

void pv_cache_stats(pv_cache *c, size_t *n_graphs, size_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    *n_graphs = c->n_listed;
    *bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}
