/* ctx.c — per-thread read connections, the writer, the cache and the
 * tokens.  See ctx.h.
 *
 * A thread finds its reader through a pthread key.  Every reader is also
 * kept in a list so pv_ctx_close can close them all: the daemon's threads
 * have stopped by then, and a key destructor would run at thread exit,
 * which in the in-process tests is after the context is gone.
 *
 * Another server on the same store (another front end on one PostgreSQL
 * database, or a second process on one SQLite file) may delete a profile;
 * the graph cache would go on answering for it.  Before a graph is
 * served, the thread's reader reads the store's data_version (store.h:
 * SQLite's per-connection counter of other connections' commits, or
 * PostgreSQL's count of deletes): when it moved, every cached profile is
 * looked up again and those gone are forgotten.  Nothing else can make a
 * cached graph wrong: profiles are immutable and ids never reused.
 * Reading it costs a microsecond on SQLite and one round trip on
 * PostgreSQL; the look-ups happen only after a change.
 * SPDX-License-Identifier: MIT
 */
#include "ctx.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "pending.h"
#include "sha256.h"
#include "xalloc.h"

/* One thread's read connection, and the data_version it last saw. */
typedef struct reader {
    pv_store *store;
    int64_t data_version;
    int seen;               /* data_version was read once */
} reader;

struct pv_ctx {
    char *db_path;
    pv_store *writer;
    /* The writer's lock: a flag under a mutex rather than the mutex itself,
     * so that the thread that unlocks need not be the one that locked (a
     * background commit takes over the writer from the thread that began
     * its transaction). */
    pthread_mutex_t writer_lock;
    pthread_cond_t writer_free;
    int writer_busy;
    pv_pending *pending;           /* profiles served before their commit */
    pthread_key_t reader_key;      /* this thread's reader */
    pthread_mutex_t readers_lock;  /* guards readers */
    reader **readers;              /* every reader opened, for pv_ctx_close */
    size_t n_readers, cap_readers;
    pv_cache *cache;
    /* Views being computed (pv_ctx_compute_begin), at most `slots`. */
    pthread_mutex_t compute_lock;
    pthread_cond_t compute_free;
    unsigned computing, slots;
    /* SHA-256 of the tokens: comparing digests takes the same time
     * whatever the length or content of the guess. */
    unsigned char token[32], read_token[32];
    int has_token, has_read_token;
    pv_retention *retention;       /* NULL unless --keep-days or --max-store */
};

static void digest(const char *s, size_t n, unsigned char out[32])
{
    pv_sha256 h;
    pv_sha256_init(&h);
    pv_sha256_update(&h, s, n);
    pv_sha256_final(&h, out);
}

/* glibc's malloc, left alone, keeps what the server frees: with its
 * defaults 43 views of 23 MB each took a server from 46 MiB to 1.5 GiB
 * (the mmap threshold rises to the largest block freed, so big texts
 * then come from arenas that never shrink).  A fixed threshold sends
 * blocks of a megabyte and more (views, graphs' arrays) to mmap, which
 * free returns at once; fewer arenas leave less memory stranded in
 * arenas of threads that no longer allocate.  Figures in bench/README.md. */
static void tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_ARENA_MAX, 2);
}

int pv_ctx_open(const pv_ctx_opts *opts, pv_ctx **out, pv_err *err)
{
    *out = NULL;
    if (opts->read_token && !opts->token)
        return pv_err_set(err, PV_E_USAGE,
                          "a read token needs a write token too, or anyone could upload");
    tune_malloc();
    pv_ctx *ctx = pv_xcalloc(1, sizeof *ctx);
    int rc = pv_store_open(opts->db_path, opts->reserve ? PV_STORE_RESERVE : 0, &ctx->writer,
                           err);
    if (rc != PV_OK) {
        free(ctx);
        return rc;
    }
    ctx->db_path = pv_xstrdup(opts->db_path);
    pthread_mutex_init(&ctx->writer_lock, NULL);
    pthread_cond_init(&ctx->writer_free, NULL);
    pthread_mutex_init(&ctx->readers_lock, NULL);
    ctx->pending = pv_pending_new();
    if (pthread_key_create(&ctx->reader_key, NULL) != 0)
        abort();  /* only when the process ran out of keys */
    ctx->cache = pv_cache_new(opts->cache_bytes ? opts->cache_bytes : PV_CTX_DEFAULT_CACHE);
    pv_cache_reserve(ctx->cache, PV_STORE_PAGE_CACHE);  /* the writer's */
    pthread_mutex_init(&ctx->compute_lock, NULL);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&ctx->compute_free, &monotonic);
    pthread_condattr_destroy(&monotonic);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ctx->slots = cpus > 0 ? (unsigned)cpus : 1;
    if ((ctx->has_token = opts->token != NULL))
        digest(opts->token, strlen(opts->token), ctx->token);
    if ((ctx->has_read_token = opts->read_token != NULL))
        digest(opts->read_token, strlen(opts->read_token), ctx->read_token);
    if (pv_retention_wanted(&opts->retention)) {
        pv_retention_pass(ctx, &opts->retention, (int64_t)time(NULL));
        ctx->retention = pv_retention_start(ctx, &opts->retention);
    }
    *out = ctx;
    return PV_OK;
}

void pv_ctx_close(pv_ctx *ctx)
{
    if (!ctx)
        return;
    pv_retention_stop(ctx->retention);
    pthread_setspecific(ctx->reader_key, NULL);
    pthread_key_delete(ctx->reader_key);
    for (size_t i = 0; i < ctx->n_readers; i++) {
        pv_store_close(ctx->readers[i]->store);
        free(ctx->readers[i]);
    }
    free(ctx->readers);
    pthread_cond_destroy(&ctx->compute_free);
    pthread_mutex_destroy(&ctx->compute_lock);
    pv_cache_free(ctx->cache);
    pv_pending_free(ctx->pending);
    pv_store_close(ctx->writer);
    pthread_mutex_destroy(&ctx->readers_lock);
    pthread_cond_destroy(&ctx->writer_free);
    pthread_mutex_destroy(&ctx->writer_lock);
    free(ctx->db_path);
    free(ctx);
}

/* The calling thread's reader in *out, opened on its first call. */
static int thread_reader(pv_ctx *ctx, reader **out, pv_err *err)
{
    reader *r = pthread_getspecific(ctx->reader_key);
    if (r) {
        *out = r;
        return PV_OK;
    }
    pv_store *s;
    int rc = pv_store_open(ctx->db_path, PV_STORE_READONLY, &s, err);
    if (rc != PV_OK)
        return rc;
    r = pv_xcalloc(1, sizeof *r);
    r->store = s;
    /* Its page cache fills as it reads: memory the budget counts. */
    pv_cache_reserve(ctx->cache, PV_STORE_PAGE_CACHE);
    pthread_mutex_lock(&ctx->readers_lock);
    ctx->readers = pv_xgrow(ctx->readers, &ctx->cap_readers, ctx->n_readers + 1,
                            sizeof *ctx->readers);
    ctx->readers[ctx->n_readers++] = r;
    pthread_mutex_unlock(&ctx->readers_lock);
    pthread_setspecific(ctx->reader_key, r);
    *out = r;
    return PV_OK;
}

pv_store *pv_ctx_reader(pv_ctx *ctx, pv_err *err)
{
    reader *r;
    return thread_reader(ctx, &r, err) == PV_OK ? r->store : NULL;
}

pv_store *pv_ctx_writer_lock(pv_ctx *ctx)
{
    pthread_mutex_lock(&ctx->writer_lock);
    while (ctx->writer_busy)
        pthread_cond_wait(&ctx->writer_free, &ctx->writer_lock);
    ctx->writer_busy = 1;
    pthread_mutex_unlock(&ctx->writer_lock);
    return ctx->writer;
}

void pv_ctx_writer_unlock(pv_ctx *ctx)
{
    pthread_mutex_lock(&ctx->writer_lock);
    ctx->writer_busy = 0;
    pthread_cond_signal(&ctx->writer_free);
    pthread_mutex_unlock(&ctx->writer_lock);
}

void pv_ctx_pending_add(pv_ctx *ctx, const pv_profile_info *info, const unsigned char *bytes,
                        size_t len)
{
    pv_cache_pin(ctx->cache, info->id);
    pv_pending_add(ctx->pending, info, bytes, len);
}

void pv_ctx_pending_done(pv_ctx *ctx, int64_t id)
{
    pv_pending_remove(ctx->pending, id);
    pv_cache_unpin(ctx->cache, id);
}

int pv_ctx_info(pv_ctx *ctx, int64_t id, pv_profile_info *out, pv_err *err)
{
    if (pv_pending_info(ctx->pending, id, out))
        return PV_OK;
    pv_store *s = pv_ctx_reader(ctx, err);
    return s ? pv_store_info(s, id, out, err) : PV_E_DB;
}

/* Whether `hay` holds `needle`, ASCII case ignored (as the store's
 * search). */
static bool holds_text(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return n == 0;
}

int pv_ctx_query(pv_ctx *ctx, const pv_list_query *q, pv_profile_page *out, pv_err *err)
{
    /* The pending ones first: a profile committed after this snapshot is
     * then in the store's page below (the commit comes before it leaves
     * the registry), and one committed before is in both, listed once.
     * They have no labels yet and the newest ids, so they can only match
     * an unfiltered first page (or a search for their name). */
    pv_profile_info *pend;
    size_t n_pend;
    pv_pending_list(ctx->pending, &pend, &n_pend);
    pv_store *s = pv_ctx_reader(ctx, err);
    int rc = s ? pv_store_query(s, q, out, err) : PV_E_DB;
    size_t n_new = 0;
    for (size_t i = 0; rc == PV_OK && i < n_pend; i++) {
        int listed = q->n_labels > 0 || (q->q && !holds_text(pend[i].name, q->q));
        for (size_t j = 0; j < out->n && !listed; j++)
            listed = out->infos[j].id == pend[i].id;
        if (listed)
            continue;
        out->total++;
        if (q->offset > 0)
            continue;
        /* Newest first: before every stored one. */
        out->infos = pv_xrealloc(out->infos, (out->n + 1) * sizeof *out->infos);
        out->labels = pv_xrealloc(out->labels, (out->n + 1) * sizeof *out->labels);
        memmove(&out->infos[n_new + 1], &out->infos[n_new], (out->n - n_new) * sizeof *out->infos);
        memmove(&out->labels[n_new + 1], &out->labels[n_new], (out->n - n_new) * sizeof *out->labels);
        out->infos[n_new] = pend[i];
        out->labels[n_new] = (pv_labels){0};
        memset(&pend[i], 0, sizeof pend[i]);  /* moved */
        out->n++;
        n_new++;
    }
    pv_profile_info_free_array(pend, n_pend);
    while (rc == PV_OK && out->n > 0 && (int64_t)out->n > q->limit) {
        out->n--;
        pv_profile_info_release(&out->infos[out->n]);
        pv_labels_release(&out->labels[out->n]);
    }
    return rc;
}

int pv_ctx_raw(pv_ctx *ctx, int64_t id, unsigned char **bytes, size_t *len, pv_err *err)
{
    if (pv_pending_raw(ctx->pending, id, bytes, len))
        return PV_OK;
    pv_store *s = pv_ctx_reader(ctx, err);
    return s ? pv_store_raw(s, id, bytes, len, err) : PV_E_DB;
}

/* Forgets the cached profiles the store no longer has, when a commit
 * since r's last look may have deleted some (see the top). */
static int forget_deleted(pv_ctx *ctx, reader *r, pv_err *err)
{
    int64_t version;
    int rc = pv_store_data_version(r->store, &version, err);
    if (rc != PV_OK || (r->seen && version == r->data_version))
        return rc;
    int64_t *ids;
    size_t n;
    pv_cache_ids(ctx->cache, &ids, &n);
    for (size_t i = 0; i < n && rc == PV_OK; i++) {
        pv_profile_info info;
        int found = pv_store_info(r->store, ids[i], &info, err);
        if (found == PV_OK)
            pv_profile_info_release(&info);
        else if (found == PV_E_NOTFOUND)
            pv_cache_forget(ctx->cache, ids[i]);
        else if (found != PV_E_NOTFOUND)
            rc = found;
    }
    free(ids);
    if (rc == PV_OK) {
        r->data_version = version;
        r->seen = 1;
    }
    return rc;
}

int pv_ctx_graph(pv_ctx *ctx, int64_t id, pv_cached **out, pv_err *err)
{
    *out = NULL;
    reader *r;
    int rc = thread_reader(ctx, &r, err);
    if (rc == PV_OK)
        rc = forget_deleted(ctx, r, err);
    return rc == PV_OK ? pv_cache_get(ctx->cache, r->store, id, out, err) : rc;
}

void pv_ctx_graph_release(pv_ctx *ctx, pv_cached *e)
{
    pv_cache_release(ctx->cache, e);
}

size_t pv_ctx_view_bytes(const pv_ctx *ctx)
{
    size_t share = pv_cache_budget(ctx->cache) / PV_CTX_VIEW_SHARE;
    return share < PV_CTX_VIEW_MIN ? PV_CTX_VIEW_MIN
         : share < PV_CTX_VIEW_BYTES ? share : PV_CTX_VIEW_BYTES;
}

int pv_ctx_compute_begin(pv_ctx *ctx, size_t bytes, double deadline_ms)
{
    /* The deadline is on pv_now_ms's clock, CLOCK_MONOTONIC, which
     * the condition variable's clock must match. */
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    double now = (double)until.tv_sec * 1e3 + (double)until.tv_nsec / 1e6;
    double wait_ms = deadline_ms > now ? deadline_ms - now : 0.0;
    until.tv_sec += (time_t)(wait_ms / 1e3);
    until.tv_nsec += (long)((wait_ms - 1e3 * (double)(time_t)(wait_ms / 1e3)) * 1e6);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&ctx->compute_lock);
    int timed_out = 0;
    while (ctx->computing >= ctx->slots && !timed_out)
        timed_out = pthread_cond_timedwait(&ctx->compute_free, &ctx->compute_lock, &until) != 0;
    int taken = ctx->computing < ctx->slots;
    ctx->computing += (unsigned)taken;
    pthread_mutex_unlock(&ctx->compute_lock);
    if (taken)
        pv_cache_reserve(ctx->cache, bytes);
    return taken;
}

void pv_ctx_compute_end(pv_ctx *ctx, size_t bytes, int taken)
{
    if (!taken)
        return;
    pv_cache_unreserve(ctx->cache, bytes);
    pthread_mutex_lock(&ctx->compute_lock);
    ctx->computing--;
    pthread_cond_signal(&ctx->compute_free);
    pthread_mutex_unlock(&ctx->compute_lock);
}

pv_cache *pv_ctx_cache(pv_ctx *ctx)
{
    return ctx->cache;
}

void pv_ctx_forget(pv_ctx *ctx, int64_t id)
{
    pv_cache_forget(ctx->cache, id);
}

bool pv_ctx_in_use(pv_ctx *ctx, int64_t id)
{
    pv_profile_info info;
    if (pv_pending_info(ctx->pending, id, &info)) {
        pv_profile_info_release(&info);
        return true;
    }
    return pv_cache_in_use(ctx->cache, id);
}

void pv_ctx_uploaded(pv_ctx *ctx)
{
    if (ctx->retention)
        pv_retention_poke(ctx->retention);
}

/* The token of "Bearer TOKEN" (scheme case-insensitive, RFC 7235), or
 * NULL; its length goes to *len. */
static const char *bearer_token(const char *authorization, size_t *len)
{
    static const char scheme[] = "bearer";
    if (!authorization || strncasecmp(authorization, scheme, sizeof scheme - 1) != 0 ||
        (authorization[sizeof scheme - 1] != ' ' && authorization[sizeof scheme - 1] != '\t'))
        return NULL;
    const char *t = authorization + sizeof scheme - 1;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    *len = n;
    return n ? t : NULL;
}

static bool digest_equal(const unsigned char *a, const unsigned char *b)
{
    unsigned char diff = 0;
    for (int i = 0; i < 32; i++)
        diff |= a[i] ^ b[i];
    return diff == 0;
}

bool pv_ctx_guarded(const pv_ctx *ctx, int write)
{
    return write ? ctx->has_token : ctx->has_read_token;
}

bool pv_ctx_allowed(const pv_ctx *ctx, const char *authorization, int write)
{
    if (!pv_ctx_guarded(ctx, write))
        return true;
    size_t len;
    const char *token = bearer_token(authorization, &len);
    if (!token)
        return false;
    unsigned char given[32];
    digest(token, len, given);
    /* Both comparisons run, so the time says nothing about which token
     * matched. */
    int is_write = digest_equal(given, ctx->token);
    int is_read = digest_equal(given, ctx->read_token) & ctx->has_read_token;
    return write ? is_write : is_write | is_read;
}
