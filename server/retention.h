/* retention.h — keeping a team store bounded: `profviz serve --keep-days N`
 * and `--max-store SIZE`.
 *
 * A pass deletes, oldest first, the unlabelled profiles stored more than
 * keep_days ago, then, while the store's data passes max_store_bytes, the
 * oldest unlabelled profiles and after them the oldest labelled ones.  A
 * label is how a team says "keep this": only the size limit ever deletes
 * a labelled profile.  A profile in use (still being stored, or with its
 * graph held by a request in flight or being built) is skipped, and so is
 * the newest profile by the size limit (its link was just given out), and
 * every deletion is logged on stderr with what it was and why.  The
 * context runs a pass when it opens, after each upload and every
 * PV_RETENTION_PERIOD seconds, on a thread of its own (ctx.c).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_RETENTION_H
#define PV_RETENTION_H

#include <stddef.h>
#include <stdint.h>

typedef struct pv_ctx pv_ctx;

typedef struct pv_retention_opts {
    unsigned keep_days;        /* unlabelled profiles older than this go; 0: no age limit */
    int64_t max_store_bytes;   /* data pages of the store, bytes; 0: no size limit */
} pv_retention_opts;

/* Seconds between two passes when nothing is uploaded: an age limit in
 * days needs no finer clock, and a pass over a store within its limits
 * costs two small queries. */
#define PV_RETENTION_PERIOD 600

/* Whether `o` asks for any retention at all. */
int pv_retention_wanted(const pv_retention_opts *o);

/* One pass at unix time `now`, taking the context's writer for each
 * deletion in turn (uploads wait for one deletion, not the pass).
 * Returns how many profiles it deleted; failures are logged, and the
 * pass stops at the first. */
size_t pv_retention_pass(pv_ctx *ctx, const pv_retention_opts *o, int64_t now);

/* The thread that runs passes: started by the context, woken by
 * pv_retention_poke (after an upload) or every PV_RETENTION_PERIOD
 * seconds, stopped (and freed) by pv_retention_stop. */
typedef struct pv_retention pv_retention;
pv_retention *pv_retention_start(pv_ctx *ctx, const pv_retention_opts *o);
void pv_retention_poke(pv_retention *r);
void pv_retention_stop(pv_retention *r);

#endif
