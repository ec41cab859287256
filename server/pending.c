/* pending.c — the registry of profiles not yet committed.  See pending.h.
 *
 * Lookups copy under the mutex, so a summary or the bytes can be removed
 * (and freed by their owner) as soon as pv_pending_remove returns, whatever
 * requests are still using their copies.
 * SPDX-License-Identifier: MIT
 */
#include "pending.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct entry {
    pv_profile_info info;         /* strings owned */
    const unsigned char *bytes;   /* borrowed */
    size_t len;
} entry;

struct pv_pending {
    pthread_mutex_t lock;
    entry *v;
    size_t n, cap;
};

pv_pending *pv_pending_new(void)
{
    pv_pending *pd = pv_xcalloc(1, sizeof *pd);
    pthread_mutex_init(&pd->lock, NULL);
    return pd;
}

void pv_pending_free(pv_pending *pd)
{
    if (!pd)
        return;
    for (size_t i = 0; i < pd->n; i++)
        pv_profile_info_release(&pd->v[i].info);
    free(pd->v);
    pthread_mutex_destroy(&pd->lock);
    free(pd);
}

/* A deep copy of a summary. */
static pv_profile_info info_copy(const pv_profile_info *in)
{
    pv_profile_info out = *in;
    out.name = pv_xstrdup(in->name);
    out.origin = pv_xstrdup(in->origin);
    out.format = pv_xstrdup(in->format);
    out.writer = pv_xstrdup(in->writer);
    out.dialect = pv_xstrdup(in->dialect);
    out.sha256 = pv_xstrdup(in->sha256);
    out.warnings = pv_xstrdup(in->warnings);
    out.unit = pv_xstrdup(in->unit);
    out.calls_unit = pv_xstrdup(in->calls_unit);
    out.variant = pv_xstrdup(in->variant);
    out.choices = pv_xstrdup(in->choices);
    return out;
}

static entry *find(pv_pending *pd, int64_t id)
{
    for (size_t i = 0; i < pd->n; i++)
        if (pd->v[i].info.id == id)
            return &pd->v[i];
    return NULL;
}

void pv_pending_add(pv_pending *pd, const pv_profile_info *info, const unsigned char *bytes,
                    size_t len)
{
    entry e = {info_copy(info), bytes, len};
    e.info.store_ms = NAN;
    pthread_mutex_lock(&pd->lock);
    pd->v = pv_xgrow(pd->v, &pd->cap, pd->n + 1, sizeof *pd->v);
    pd->v[pd->n++] = e;
    pthread_mutex_unlock(&pd->lock);
}

void pv_pending_remove(pv_pending *pd, int64_t id)
{
    pthread_mutex_lock(&pd->lock);
    entry *e = find(pd, id);
    if (e) {
        pv_profile_info_release(&e->info);
        *e = pd->v[--pd->n];
    }
    pthread_mutex_unlock(&pd->lock);
}

bool pv_pending_info(pv_pending *pd, int64_t id, pv_profile_info *out)
{
    pthread_mutex_lock(&pd->lock);
    entry *e = find(pd, id);
    if (e)
        *out = info_copy(&e->info);
    pthread_mutex_unlock(&pd->lock);
    return e != NULL;
}

bool pv_pending_raw(pv_pending *pd, int64_t id, unsigned char **bytes, size_t *len)
{
    pthread_mutex_lock(&pd->lock);
    entry *e = find(pd, id);
    if (e) {
        *bytes = pv_xmalloc(e->len ? e->len : 1);
        memcpy(*bytes, e->bytes, e->len);
        *len = e->len;
    }
    pthread_mutex_unlock(&pd->lock);
    return e != NULL;
}

void pv_pending_list(pv_pending *pd, pv_profile_info **out, size_t *n)
{
    pthread_mutex_lock(&pd->lock);
    *n = pd->n;
    *out = pd->n ? pv_xmalloc(pd->n * sizeof **out) : NULL;
    for (size_t i = 0; i < pd->n; i++)
        (*out)[i] = info_copy(&pd->v[i].info);
    pthread_mutex_unlock(&pd->lock);
}
