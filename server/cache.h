/* cache.h — stored profiles' call graphs kept in memory between requests.
 *
 * Building a graph means reading the whole profile back from SQLite
 * (pv_store_read) and indexing it, which for a 100,000-function profile
 * takes far longer than a tree query; a graph never changes once built, so
 * the server builds it once per profile and shares it read-only between
 * threads.  Entries are reference-counted: pv_cache_get hands out a
 * reference the caller gives back with pv_cache_release, and an entry is
 * freed only when it has left the cache (evicted, least recently used
 * first, when the cache's total size passes its budget, or forgotten after
 * a delete) and no request holds it any more.  Concurrent requests for the
 * same profile wait for one build instead of each building their own.  A
 * profile just parsed (ingest.c) is built from memory instead: its entry
 * is claimed before the server answers for it, so requests wait for that
 * build rather than read a store that does not have the profile yet, and
 * pinned until the store has it.
 * Other derived data of a graph is kept with it and freed with it: memos
 * (the functions table's sorted indexes) and the last responses printed
 * for it (tree views: the same view asked again costs a copy).  The
 * budget counts all of it, and what requests reserve while they compute:
 * it is the server's memory for profiles, not only for graphs.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CACHE_H
#define PV_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "graph.h"
#include "store.h"

typedef struct pv_cache pv_cache;
typedef struct pv_cached pv_cached;  /* one profile's graph and memos */

/* Memo slots per graph (see pv_cached_memo), and who uses which. */
#define PV_CACHE_MEMOS 32
enum {
    PV_MEMO_ORDERS = 0,   /* .. 17: the functions table's sort orders (api_functions.c) */
    PV_MEMO_ROOTS = 18,   /* the top-level boxes, as JSON (api_profiles.c) */
    PV_MEMO_XTREE = 24,   /* the whole tree transforms rewrite (api_transform.c) */
    PV_MEMO_FUNCPKG = 25, /* functions' packages (api_transform.c) */
};

/* A cache that evicts graphs once their estimated sizes add up to more
 * than `budget` bytes (the most recently used graph always stays). */
pv_cache *pv_cache_new(size_t budget);

/* Frees the cache and every graph in it.  No reference may be
 * outstanding.  NULL is a no-op. */
void pv_cache_free(pv_cache *c);

/* The graph of profile `id`, built from `reader` (the calling thread's
 * store connection) if it is not cached yet.  On PV_OK *out is a new
 * reference.  Returns PV_E_NOTFOUND, PV_E_TOO_BIG or PV_E_DB from
 * pv_store_read; threads that waited for a failed build get its error. */
int pv_cache_get(pv_cache *c, pv_store *reader, int64_t id, pv_cached **out, pv_err *err);

/* Claims profile `id`'s entry before its graph exists, for a builder that
 * has the profile in memory (the one stored, or being stored, under
 * `id`): requests for it wait, as for any build, until pv_cache_fill.
 * Returns the claim, or NULL when the graph is cached (or being built)
 * already.  Every claim must be filled or dropped.  For a profile not yet
 * committed, pin its id first. */
pv_cached *pv_cache_claim(pv_cache *c, int64_t id);

/* Builds the claimed entry's graph from `p` and gives the claim back. */
void pv_cache_fill(pv_cache *c, pv_cached *claimed, const pv_profile *p);

/* Gives a claim back unfilled: requests waiting for it get PV_E_NOTFOUND,
 * later ones read the store. */
void pv_cache_drop_claim(pv_cache *c, pv_cached *claimed);

/* While `id` is pinned its graph is never evicted: the profile is not in
 * the store yet, so a miss could not build it again.  Pin before putting,
 * unpin once the store has it (or the server stops using it).  Pins do
 * not nest: one pin per id. */
void pv_cache_pin(pv_cache *c, int64_t id);
void pv_cache_unpin(pv_cache *c, int64_t id);

/* Gives back a reference from pv_cache_get.  NULL is a no-op. */
void pv_cache_release(pv_cache *c, pv_cached *e);

/* Drops profile `id` from the cache (it was deleted): later gets read the
 * store again; requests holding a reference keep their graph until they
 * release it.  A build in progress is not kept either. */
void pv_cache_forget(pv_cache *c, int64_t id);

/* Whether profile `id`'s graph is held by a request, being built, or
 * pinned: retention leaves such a profile alone. */
bool pv_cache_in_use(pv_cache *c, int64_t id);

/* Borrowed: valid while the reference is held. */
const pv_graph *pv_cached_graph(const pv_cached *e);

/* Functions with an entry of their own: ids 0 .. n-1 (caller-only
 * functions, named only as callers, follow them in the graph). */
size_t pv_cached_n_entries(const pv_cached *e);

/* A value derived from the graph, made once per `slot` (0 ..
 * PV_CACHE_MEMOS-1) by `make` and kept as long as the graph.  `make`
 * returns a malloc'd block (freed with the graph) and its size in *bytes,
 * which counts against the budget; it runs at most once per slot, while
 * other threads asking for the same slot wait (memos of other slots are
 * made meanwhile).  A slot always holds what
 * the same `make` produced: callers agree on slot numbers.  Borrowed
 * result, valid while the reference is held. */
typedef void *pv_memo_fn(const pv_cached *e, unsigned slot, size_t *bytes);
const void *pv_cached_memo(pv_cache *c, pv_cached *e, unsigned slot, pv_memo_fn *make);

/* Responses kept per graph (least recently used go first). */
#define PV_CACHE_TEXTS 32

/* The text kept for `key` with this graph, as a malloc'd copy (the caller
 * frees it; NUL-terminated), its length, and whether it is gzip bytes
 * (gzip.h); NULL when none is kept. */
char *pv_cached_text(pv_cache *c, pv_cached *e, const char *key, size_t *len, int *gzipped);

/* Keeps a copy of text[0..len) for `key` (replacing what was kept for
 * it), counted against the budget; a text over a sixteenth of the budget
 * is not kept.  When the budget does not hold, other graphs go first,
 * then the least recently used texts, this graph's included. */
void pv_cached_keep_text(pv_cache *c, pv_cached *e, const char *key, const char *text,
                         size_t len, int gzipped);

/* Memory a request is using while it computes (a view's boxes and
 * text): counted against the budget until unreserved, so the cache
 * evicts to make room for it.  Every reserve is matched by an unreserve
 * of the same size. */
void pv_cache_reserve(pv_cache *c, size_t bytes);
void pv_cache_unreserve(pv_cache *c, size_t bytes);

/* The budget given to pv_cache_new, bytes. */
size_t pv_cache_budget(const pv_cache *c);

/* The ids of the profiles whose graphs are cached and built from the
 * store (not pinned, not being built), in a malloc'd array of *n: the
 * ones to look up again when another connection may have deleted some. */
void pv_cache_ids(pv_cache *c, int64_t **ids, size_t *n);

/* How many graphs are cached and their estimated bytes, for tests and
 * logs. */
void pv_cache_stats(pv_cache *c, size_t *n_graphs, size_t *bytes);

#endif
