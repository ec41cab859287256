/* ingest.c — serve parsed files at once, store them in the background.
 * See ingest.h.
 *
 * The writer connection is taken in pv_ingest_begin and given back by the
 * background thread once the transaction has ended (ctx.c's writer lock
 * may change hands).  From pv_ingest_commit_in_background until then,
 * only that thread uses the connection; pv_ingest_abandon reaches it
 * through pv_store_interrupt, the one call store.h allows from another
 * thread, and only while the thread still holds it.  The parsed profiles are read by
 * both threads at once (the fill and the graph build only read them), and
 * freed by the background thread when both are done.  A pending profile's
 * bytes stay until pv_ingest_free, since the API may still answer from
 * them if the commit fails.
 * SPDX-License-Identifier: MIT
 */
#include "ingest.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "xalloc.h"

/* The background commit's nice value.  It runs at full speed on an idle
 * core and, against threads of nice 0, gets about a tenth of a busy one:
 * the page and the graph go first, yet the store's write lock (which
 * another profviz waits for, up to the busy timeout) is not held for ever
 * on a loaded machine, as the lowest priority (19, a seventieth) could. */
#define COMMIT_NICE 10

typedef struct item {
    pv_parsed parsed;         /* released once filled and its graph built */
    pv_file_map file;         /* the file, parsed.src.bytes points into it */
    int pending;              /* registered with the context, not committed */
    pv_cached *claim;         /* its cache entry, until the graph is built */
    pv_ingest_item pub;
} item;

struct pv_ingest {
    pv_ctx *ctx;
    pv_store *writer;             /* in a write transaction while holding */
    int64_t first_id;             /* ids taken for the files: first_id .. + n_ids - 1 */
    size_t n_ids;
    item *items;
    size_t n, cap;
    pv_ingest_done_fn *done;
    void *done_arg;
    pthread_t thread;
    int started, joined;          /* the background thread */
    pthread_mutex_t lock;         /* guards what follows */
    pthread_cond_t changed;
    int holding;                  /* the writer is still ours */
    int abandoned;                /* pv_ingest_abandon was called while holding */
    int graphs_built;             /* or dropped: the profiles are free to go */
    pv_ingest_outcome outcome;
};

int pv_ingest_begin(pv_ctx *ctx, size_t n_files, pv_ingest **out, pv_err *err)
{
    *out = NULL;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int64_t first;
    int rc = pv_store_take_ids(w, n_files, &first, err);
    if (rc == PV_OK)
        rc = pv_store_begin(w, err);
    if (rc != PV_OK) {
        pv_store_rollback(w);
        pv_ctx_writer_unlock(ctx);
        return rc;
    }
    pv_ingest *in = pv_xcalloc(1, sizeof *in);
    in->ctx = ctx;
    in->writer = w;
    in->first_id = first;
    in->n_ids = n_files;
    in->holding = 1;
    in->outcome = PV_INGEST_RUNNING;
    pthread_mutex_init(&in->lock, NULL);
    pthread_cond_init(&in->changed, NULL);
    *out = in;
    return PV_OK;
}

int pv_ingest_add(pv_ingest *in, pv_parsed *parsed, pv_file_map *file, int64_t *id,
                  int *existed, pv_err *err)
{
    assert(in->n < in->n_ids);
    in->items = pv_xgrow(in->items, &in->cap, in->n + 1, sizeof *in->items);
    item *it = &in->items[in->n++];
    memset(it, 0, sizeof *it);
    it->parsed = *parsed;
    it->file = *file;
    *file = (pv_file_map){.bytes = (const unsigned char *)""};  /* ours now */
    const pv_profile *p = &it->parsed.profile;
    it->pub = (pv_ingest_item){.name = it->parsed.src.name, .n_funcs = p->n_entries,
                               .n_edges = p->n_edges, .parse_ms = it->parsed.src.parse_ms};
    int rc = pv_store_reserve(in->writer, p, &it->parsed.src, in->first_id + (int64_t)in->n - 1,
                              &it->pub.id, &it->pub.existed, err);
    if (rc != PV_OK) {
        pv_parsed_release(&it->parsed);
        pv_file_map_close(&it->file);
        in->n--;
        return rc;
    }
    *id = it->pub.id;
    *existed = it->pub.existed;
    if (!it->pub.existed) {
        /* The summary as the store will give it after the commit: this
         * connection reads its own transaction's row. */
        pv_profile_info info;
        rc = pv_store_info(in->writer, it->pub.id, &info, err);
        if (rc != PV_OK)
            return rc;
        pv_ctx_pending_add(in->ctx, &info, it->file.bytes, it->parsed.src.size);
        pv_profile_info_release(&info);
        it->pending = 1;
    }
    /* Requests for it wait for pv_ingest_build_graphs, not for the store. */
    it->claim = pv_cache_claim(pv_ctx_cache(in->ctx), it->pub.id);
    return PV_OK;
}

/* The graphs are done with (built, or never to be): the background
 * thread may free the profiles. */
static void graphs_done(pv_ingest *in)
{
    pthread_mutex_lock(&in->lock);
    in->graphs_built = 1;
    pthread_cond_broadcast(&in->changed);
    pthread_mutex_unlock(&in->lock);
}

static void drop_claims(pv_ingest *in)
{
    for (size_t i = 0; i < in->n; i++) {
        if (in->items[i].claim)
            pv_cache_drop_claim(pv_ctx_cache(in->ctx), in->items[i].claim);
        in->items[i].claim = NULL;
    }
    graphs_done(in);
}

void pv_ingest_build_graphs(pv_ingest *in)
{
    pv_cache *cache = pv_ctx_cache(in->ctx);
    for (size_t i = 0; i < in->n; i++) {
        item *it = &in->items[i];
        if (!it->claim)
            continue;  /* the same file twice: built once */
        double t0 = pv_now_ms();
        pv_cache_fill(cache, it->claim, &it->parsed.profile);
        it->claim = NULL;
        it->pub.graph_ms = pv_now_ms() - t0;
    }
    graphs_done(in);
}

/* Writes every new file's rows and commits; on any failure nothing of the
 * transaction stays.  PV_OK or PV_E_DB. */
static int fill_and_commit(pv_ingest *in, pv_err *err)
{
    int rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < in->n; i++) {
        item *it = &in->items[i];
        if (it->pub.existed)
            continue;
        double t0 = pv_now_ms();
        rc = pv_store_fill(in->writer, it->pub.id, &it->parsed.profile, &it->parsed.src, err);
        it->pub.store_ms = pv_now_ms() - t0;
    }
    if (rc == PV_OK)
        rc = pv_store_commit(in->writer, err);
    if (rc != PV_OK)
        pv_store_rollback(in->writer);
    return rc;
}

static void *commit_thread(void *arg)
{
    pv_ingest *in = arg;
    /* Storing is what the user must not wait for: while the graph is built
     * and the browser draws the first chart, on a machine with few cores,
     * the commit mostly takes the CPU they leave.  (Linux keeps a nice
     * value per thread; elsewhere this may lower the whole process, or
     * fail, which only costs speed.) */
    setpriority(PRIO_PROCESS, (id_t)gettid(), COMMIT_NICE);
    pv_err err;
    pv_err_clear(&err);
    int rc = fill_and_commit(in, &err);
    if (rc == PV_OK) {
        /* Committed: readers see the profiles from now on. */
        for (size_t i = 0; i < in->n; i++) {
            if (in->items[i].pending)
                pv_ctx_pending_done(in->ctx, in->items[i].pub.id);
            in->items[i].pending = 0;
        }
    }
    pthread_mutex_lock(&in->lock);
    in->holding = 0;
    pv_ingest_outcome outcome = rc == PV_OK ? PV_INGEST_STORED
                              : in->abandoned ? PV_INGEST_ROLLED_BACK
                              : PV_INGEST_FAILED;
    pthread_mutex_unlock(&in->lock);
    pv_ctx_writer_unlock(in->ctx);

    /* The graph build reads the profiles too: free them after it. */
    pthread_mutex_lock(&in->lock);
    while (!in->graphs_built)
        pthread_cond_wait(&in->changed, &in->lock);
    pthread_mutex_unlock(&in->lock);
    for (size_t i = 0; i < in->n; i++) {
        item *it = &in->items[i];
        pv_parsed_release(&it->parsed);
        if (!it->pending)
            pv_file_map_close(&it->file);
    }
    if (in->done) {
        pv_ingest_item *pub = pv_xmalloc((in->n ? in->n : 1) * sizeof *pub);
        for (size_t i = 0; i < in->n; i++)
            pub[i] = in->items[i].pub;
        in->done(in->done_arg, outcome, pub, in->n, &err);
        free(pub);
    }
    pthread_mutex_lock(&in->lock);
    in->outcome = outcome;
    pthread_cond_broadcast(&in->changed);
    pthread_mutex_unlock(&in->lock);
    return NULL;
}

void pv_ingest_commit_in_background(pv_ingest *in, pv_ingest_done_fn *done, void *arg)
{
    in->done = done;
    in->done_arg = arg;
    /* The thread takes no signals: a Ctrl-C goes to the thread that waits
     * for it, which decides whether the commit finishes or rolls back. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    in->started = pthread_create(&in->thread, NULL, commit_thread, in) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!in->started) {
        /* No thread to spare: store now, before serving. */
        pv_ingest_build_graphs(in);
        commit_thread(in);
    }
}

pv_ingest_outcome pv_ingest_outcome_now(pv_ingest *in)
{
    pthread_mutex_lock(&in->lock);
    pv_ingest_outcome o = in->outcome;
    pthread_mutex_unlock(&in->lock);
    return o;
}

void pv_ingest_abandon(pv_ingest *in)
{
    pthread_mutex_lock(&in->lock);
    if (in->holding) {
        in->abandoned = 1;
        pv_store_interrupt(in->writer);
    }
    pthread_mutex_unlock(&in->lock);
}

pv_ingest_outcome pv_ingest_wait(pv_ingest *in)
{
    pthread_mutex_lock(&in->lock);
    while (in->outcome == PV_INGEST_RUNNING)
        pthread_cond_wait(&in->changed, &in->lock);
    pv_ingest_outcome o = in->outcome;
    pthread_mutex_unlock(&in->lock);
    if (in->started && !in->joined) {
        pthread_join(in->thread, NULL);
        in->joined = 1;
    }
    return o;
}

void pv_ingest_free(pv_ingest *in)
{
    if (!in)
        return;
    /* Claims not filled yet (the server never started) are given back:
     * no request waits for them. */
    if (!in->graphs_built)
        drop_claims(in);
    if (in->started) {
        pv_ingest_wait(in);
    } else if (in->holding) {
        /* Never started: nothing was filled, nothing stays. */
        pv_store_rollback(in->writer);
        pv_ctx_writer_unlock(in->ctx);
    }
    for (size_t i = 0; i < in->n; i++) {
        item *it = &in->items[i];
        if (it->pending)
            pv_ctx_pending_done(in->ctx, it->pub.id);
        pv_parsed_release(&it->parsed);
        pv_file_map_close(&it->file);
    }
    free(in->items);
    pthread_cond_destroy(&in->changed);
    pthread_mutex_destroy(&in->lock);
    free(in);
}
