/* retention.c — deleting old profiles.  See retention.h.
 *
 * The store answers "the oldest profile after id X, labelled or not,
 * stored before T" (store/labels.c), so a pass walks it oldest first and
 * steps over the profiles in use without ever loading the list.  Each
 * deletion takes the writer on its own, so an upload waits for at most
 * one deletion.
 * SPDX-License-Identifier: MIT
 */
#include "retention.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ctx.h"
#include "term.h"
#include "xalloc.h"

int pv_retention_wanted(const pv_retention_opts *o)
{
    return o->keep_days > 0 || o->max_store_bytes > 0;
}

/* Why a profile goes, for the log. */
typedef enum { WHY_AGE, WHY_SIZE } why;

/* Deletes profile `id` (found by the walk) and logs it.  PV_OK, or
 * PV_E_NOTFOUND when it went meanwhile (another server on the store), or
 * the failure, logged. */
static int delete_one(pv_ctx *ctx, const pv_retention_opts *o, int64_t id, int labelled,
                      why reason, int64_t now)
{
    pv_err err;
    pv_profile_info info;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_info(w, id, &info, &err);
    if (rc == PV_OK) {
        rc = pv_store_delete(w, id, &err);
        if (rc != PV_OK)
            pv_profile_info_release(&info);
    }
    pv_ctx_writer_unlock(ctx);
    if (rc == PV_E_NOTFOUND)
        return rc;
    if (rc != PV_OK) {
        fprintf(stderr, "profviz: retention: deleting profile %lld failed: %s\n", (long long)id,
                err.msg);
        return rc;
    }
    pv_ctx_forget(ctx, id);
    char reason_text[64];
    if (reason == WHY_AGE)
        snprintf(reason_text, sizeof reason_text, "older than --keep-days %u", o->keep_days);
    else
        snprintf(reason_text, sizeof reason_text, "the store is over --max-store");
    /* The name is a user's text: cut short, and escaped so no byte of it
     * can steer the terminal. */
    pv_term_println(stderr,
                    "profviz: retention: deleted profile %lld \"%.100s\" (%lld bytes, %s, "
                    "stored %.1f days ago): %s",
                    (long long)id, info.name, (long long)info.size,
                    labelled ? "labelled" : "unlabelled",
                    (double)(now - info.loaded_at) / 86400.0, reason_text);
    pv_profile_info_release(&info);
    return PV_OK;
}

/* The next profile of the walk after `after`: PV_OK and *id, or
 * PV_E_NOTFOUND at the end (or on a failure, logged). */
static int next_oldest(pv_ctx *ctx, int labelled, int64_t before, int64_t after, int64_t *id)
{
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_oldest(w, labelled, before, after, id, &err);
    pv_ctx_writer_unlock(ctx);
    if (rc != PV_OK && rc != PV_E_NOTFOUND)
        fprintf(stderr, "profviz: retention: %s\n", err.msg);
    return rc == PV_OK ? PV_OK : PV_E_NOTFOUND;
}

/* Whether the store's data is over the limit (0 on a failure, logged). */
static int over_size(pv_ctx *ctx, const pv_retention_opts *o, int64_t *used)
{
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_used_bytes(w, used, &err);
    pv_ctx_writer_unlock(ctx);
    if (rc != PV_OK) {
        fprintf(stderr, "profviz: retention: %s\n", err.msg);
        return 0;
    }
    return *used > o->max_store_bytes;
}

/* The newest profile's id, 0 when there is none (or on a failure,
 * logged).  The size limit spares it: an upload has just printed its
 * link, which must not lead nowhere because one profile is larger than
 * the whole limit. */
static int64_t newest(pv_ctx *ctx)
{
    pv_err err;
    pv_profile_page page;
    pv_list_query q = {.limit = 1};
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_store_query(w, &q, &page, &err);
    pv_ctx_writer_unlock(ctx);
    if (rc != PV_OK) {
        fprintf(stderr, "profviz: retention: %s\n", err.msg);
        return 0;
    }
    int64_t id = page.n ? page.infos[0].id : 0;
    pv_profile_page_release(&page);
    return id;
}

size_t pv_retention_pass(pv_ctx *ctx, const pv_retention_opts *o, int64_t now)
{
    size_t deleted = 0;
    int64_t id, after = 0;
    if (o->keep_days > 0) {
        int64_t before = now - (int64_t)o->keep_days * 86400;
        while (next_oldest(ctx, 0, before, after, &id) == PV_OK) {
            after = id;
            if (pv_ctx_in_use(ctx, id))
                continue;
            int rc = delete_one(ctx, o, id, 0, WHY_AGE, now);
            if (rc != PV_OK && rc != PV_E_NOTFOUND)
                return deleted;
            deleted += rc == PV_OK;
        }
    }
    if (o->max_store_bytes <= 0)
        return deleted;
    int64_t used = 0, spared = newest(ctx);
    for (int labelled = 0; labelled <= 1; labelled++) {
        after = 0;
        while (over_size(ctx, o, &used) && next_oldest(ctx, labelled, INT64_MAX, after, &id) == PV_OK) {
            after = id;
            if (id == spared || pv_ctx_in_use(ctx, id))
                continue;
            int rc = delete_one(ctx, o, id, labelled, WHY_SIZE, now);
            if (rc != PV_OK && rc != PV_E_NOTFOUND)
                return deleted;
            deleted += rc == PV_OK;
        }
    }
    if (over_size(ctx, o, &used))
        fprintf(stderr,
                "profviz: retention: the store holds %lld bytes, over --max-store (%lld), and "
                "what is left is in use or the newest profile\n",
                (long long)used, (long long)o->max_store_bytes);
    return deleted;
}

/* ---- the thread ------------------------------------------------------ */

struct pv_retention {
    pv_ctx *ctx;
    pv_retention_opts opts;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int poked;    /* an upload asked for a pass */
    int stopping; /* pv_retention_stop was called */
};

static void *retention_main(void *arg)
{
    pv_retention *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += PV_RETENTION_PERIOD;
        while (!r->poked && !r->stopping &&
               pthread_cond_timedwait(&r->wake, &r->lock, &until) == 0)
            ;
        if (r->stopping)
            break;
        r->poked = 0;
        pthread_mutex_unlock(&r->lock);
        pv_retention_pass(r->ctx, &r->opts, (int64_t)time(NULL));
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

pv_retention *pv_retention_start(pv_ctx *ctx, const pv_retention_opts *o)
{
    pv_retention *r = pv_xcalloc(1, sizeof *r);
    r->ctx = ctx;
    r->opts = *o;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    if (pthread_create(&r->thread, NULL, retention_main, r) != 0)
        abort();  /* only when the process is out of threads */
    return r;
}

void pv_retention_poke(pv_retention *r)
{
    pthread_mutex_lock(&r->lock);
    r->poked = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

void pv_retention_stop(pv_retention *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
