/* ctx.h — what every request handler shares: the store, the graph cache
 * and the access rules.
 *
 * SQLite connections are not shared between threads (store.h): each
 * thread that serves requests gets its own read-only connection, opened on
 * its first request and closed with the context, and all writes (uploads,
 * deletes) go through one writer connection behind a lock.  The store is
 * in WAL mode, so readers never wait for the writer.  Profiles being
 * stored in the background are answered from memory until their commit
 * (pending.h).  The context knows
 * nothing of HTTP; http.c and the in-process tests drive it alike.
 * Ownership: pv_ctx_open / pv_ctx_close; close only after every thread
 * that used the context has stopped using it (the daemon is stopped).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CTX_H
#define PV_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "err.h"
#include "retention.h"
#include "store.h"

typedef struct pv_ctx pv_ctx;

typedef struct pv_ctx_opts {
    const char *db_path;     /* the store; created when missing */
    size_t cache_bytes;      /* memory budget for profiles, bytes (cache.h); 0: the default */
    const char *token;       /* uploads and deletes need it; NULL: open to all */
    const char *read_token;  /* API reads need it or `token`; NULL: open to all */
    int reserve;             /* keep room for deletes on a full disk (PV_STORE_RESERVE) */
    pv_retention_opts retention;  /* all zero: keep every profile */
} pv_ctx_opts;

/* The graph cache budget when none is given: several 100,000-function
 * profiles (about 40 MB each as graphs). */
#define PV_CTX_DEFAULT_CACHE ((size_t)512 << 20)

/* Opens the store's writer connection (creating the store when needed)
 * and an empty graph cache.  With retention asked for, runs a pass
 * before returning and starts the thread that runs the next ones.  A read token without a write token is
 * refused (PV_E_USAGE): reads would be guarded and writes open.  Returns
 * PV_OK or the store's PV_E_IO / PV_E_DB. */
int pv_ctx_open(const pv_ctx_opts *opts, pv_ctx **out, pv_err *err);

/* Closes every connection and frees the cache.  NULL is a no-op. */
void pv_ctx_close(pv_ctx *ctx);

/* The calling thread's read-only connection, opened on first use.  NULL
 * with err set when it cannot be opened. */
pv_store *pv_ctx_reader(pv_ctx *ctx, pv_err *err);

/* The writer connection, locked for the caller until pv_ctx_writer_unlock.
 * Holders do one store operation and unlock: a held lock delays every
 * other upload and delete.  The lock may be handed to another thread,
 * which then unlocks it (a background commit, ingest.c). */
pv_store *pv_ctx_writer_lock(pv_ctx *ctx);
void pv_ctx_writer_unlock(pv_ctx *ctx);

/* Profiles served before they are committed (pending.h): from
 * pv_ctx_pending_add until pv_ctx_pending_done, profile info->id is
 * answered from its summary (copied) and `bytes` (borrowed until done),
 * and its graph stays pinned in the cache. */
void pv_ctx_pending_add(pv_ctx *ctx, const pv_profile_info *info, const unsigned char *bytes,
                        size_t len);
void pv_ctx_pending_done(pv_ctx *ctx, int64_t id);

/* What handlers read about stored profiles, pending ones included: as
 * pv_store_info, pv_store_query and pv_store_raw (same ownership), through
 * the calling thread's reader.  A pending profile's summary has store_ms
 * NaN: it is not stored yet; it has no labels, and is listed on the first
 * page of a listing without label filters. */
int pv_ctx_info(pv_ctx *ctx, int64_t id, pv_profile_info *out, pv_err *err);
int pv_ctx_query(pv_ctx *ctx, const pv_list_query *q, pv_profile_page *out, pv_err *err);
int pv_ctx_raw(pv_ctx *ctx, int64_t id, unsigned char **bytes, size_t *len, pv_err *err);

/* The graph of profile `id` through the cache (see cache.h): a reference
 * to give back with pv_ctx_graph_release.  PV_E_NOTFOUND for an unknown
 * id. */
int pv_ctx_graph(pv_ctx *ctx, int64_t id, pv_cached **out, pv_err *err);
void pv_ctx_graph_release(pv_ctx *ctx, pv_cached *e);

/* The most one view's answer may take (its JSON, estimated while the
 * tree is built): a 32nd of the memory budget, at most 8 MiB, so that
 * the views computed at once (below) fit beside the graphs; at least
 * 64 KiB, a few hundred boxes, whatever the budget. */
#define PV_CTX_VIEW_BYTES ((size_t)8 << 20)
#define PV_CTX_VIEW_MIN ((size_t)64 << 10)
#define PV_CTX_VIEW_SHARE 32

size_t pv_ctx_view_bytes(const pv_ctx *ctx);

/* Views are computed at most one per CPU at a time: more would only
 * share the CPUs (each taking longer against its deadline) and hold more
 * memory at once, while the server's other threads could not answer
 * cheap requests.  pv_ctx_compute_begin waits for a slot until
 * `deadline_ms` (pv_now_ms's clock) and returns whether it got one;
 * with a slot, `bytes` are reserved in the cache's budget until
 * pv_ctx_compute_end (called with what begin returned).  Without a slot
 * the caller computes anyway, its deadline already past, so only the
 * smallest answer. */
int pv_ctx_compute_begin(pv_ctx *ctx, size_t bytes, double deadline_ms);
void pv_ctx_compute_end(pv_ctx *ctx, size_t bytes, int taken);

/* The graph cache, for what handlers keep with a graph (memos, texts). */
pv_cache *pv_ctx_cache(pv_ctx *ctx);

/* Forgets what is cached about profile `id` after it was deleted. */
void pv_ctx_forget(pv_ctx *ctx, int64_t id);

/* Whether profile `id` is in use: still being stored (pending), or its
 * graph held by a request or being built.  Retention skips it. */
bool pv_ctx_in_use(pv_ctx *ctx, int64_t id);

/* Says a profile was uploaded: retention, when asked for, runs a pass
 * soon (on its thread, not the caller's). */
void pv_ctx_uploaded(pv_ctx *ctx);

/* Whether a request with this Authorization header value (NULL when
 * absent) may write (write = 1: upload, delete) or read the API.  Tokens
 * are compared in constant time. */
bool pv_ctx_allowed(const pv_ctx *ctx, const char *authorization, int write);

/* Whether writes (write = 1) or API reads need a token at all. */
bool pv_ctx_guarded(const pv_ctx *ctx, int write);

#endif
