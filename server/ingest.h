/* ingest.h — serve parsed files at once and store them in the background.
 *
 * `profviz FILE` must show a chart without waiting for SQLite.  Storing a
 * big profile takes several times as long as parsing it, so the viewer
 * does only what serving needs before it listens:
 *
 *   pv_ingest_begin   takes the context's writer, takes the files' ids
 *                     and opens a write transaction (the store's write
 *                     lock, held to the end);
 *   pv_ingest_add     per parsed file: reserves its id in that transaction
 *                     (or finds the same bytes stored), registers it as
 *                     pending, so the API answers for it from memory, and
 *                     claims its graph's cache entry;
 *   pv_ingest_commit_in_background
 *                     hands the transaction to a thread that writes the
 *                     bytes, functions and edges and commits;
 *   pv_ingest_build_graphs
 *                     builds the graphs, pinned in the cache until the
 *                     commit; requests that come first wait for them;
 *   pv_ingest_wait    waits for the commit; pv_ingest_abandon stops it and
 *                     rolls back.
 *
 * The store never holds half a profile: until the commit nothing of it is
 * visible to any other connection, and a crash or a rollback leaves
 * nothing.  A profile whose commit failed or was abandoned is still
 * answered from memory until the context closes.
 * Ownership: pv_ingest_begin / pv_ingest_free; the context must outlive
 * it, and the server must stop before it is freed (it owns the bytes that
 * pending profiles are answered from).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_INGEST_H
#define PV_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "err.h"
#include "loader.h"

typedef struct pv_ingest pv_ingest;

/* How the background commit ended. */
typedef enum pv_ingest_outcome {
    PV_INGEST_RUNNING,      /* not yet */
    PV_INGEST_STORED,       /* committed: every new profile is in the store */
    PV_INGEST_ROLLED_BACK,  /* abandoned (pv_ingest_abandon): nothing stored */
    PV_INGEST_FAILED,       /* the store refused: nothing stored; see the error */
} pv_ingest_outcome;

/* One file, as pv_ingest_add took it. */
typedef struct pv_ingest_item {
    const char *name;       /* display name (the parsed source's) */
    int64_t id;
    int existed;            /* the same bytes were stored before */
    size_t n_funcs, n_edges;
    double parse_ms;        /* parsing (pv_parse_bytes) */
    double graph_ms;        /* building its graph in memory */
    double store_ms;        /* writing its rows in the background; 0 when it existed */
} pv_ingest_item;

/* Called on the background thread once the commit has ended, with every
 * item; `err` says why when the outcome is FAILED. */
typedef void pv_ingest_done_fn(void *arg, pv_ingest_outcome outcome, const pv_ingest_item *items,
                               size_t n, const pv_err *err);

/* Takes the writer (waiting for an upload or delete in progress), takes
 * ids for `n_files` files (committed at once: ids printed before the
 * commit are never given to another profile, whatever happens to it), and
 * opens a write transaction.  PV_OK or PV_E_DB (another process held the
 * store past the busy timeout). */
int pv_ingest_begin(pv_ctx *ctx, size_t n_files, pv_ingest **out, pv_err *err);

/* Reserves the id of a parsed file (at most n_files of them) and
 * registers it as pending.  Takes ownership of `parsed` (its arena) and
 * of `file`, the mapping its source points into (*file is left zeroed),
 * also on failure.  *id and *existed as pv_store_reserve.  PV_OK or
 * PV_E_DB; after a failure the ingest can still be freed, not started. */
int pv_ingest_add(pv_ingest *in, pv_parsed *parsed, pv_file_map *file, int64_t *id,
                  int *existed, pv_err *err);

/* Starts the background thread that writes every new file's rows and
 * commits; `done` (may be NULL) is told the outcome, on that thread.  The
 * files can be served from now on: requests for their graphs wait for
 * pv_ingest_build_graphs. */
void pv_ingest_commit_in_background(pv_ingest *in, pv_ingest_done_fn *done, void *arg);

/* Builds every file's graph into the cache on the calling thread (the
 * entries pv_ingest_add claimed), e.g. while the browser loads the page.
 * Call it once, before or after the commit starts. */
void pv_ingest_build_graphs(pv_ingest *in);

/* The outcome so far, without waiting. */
pv_ingest_outcome pv_ingest_outcome_now(pv_ingest *in);

/* Stops the background commit, from any thread, without waiting: it rolls
 * back unless it has already committed. */
void pv_ingest_abandon(pv_ingest *in);

/* Waits until the background commit has ended; returns the outcome. */
pv_ingest_outcome pv_ingest_wait(pv_ingest *in);

/* Waits for a started ingest (or rolls back one never started) and frees
 * it; the pending profiles it still has are forgotten.  NULL is a no-op. */
void pv_ingest_free(pv_ingest *in);

#endif
