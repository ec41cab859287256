/* pending.h — profiles that have an id but are not committed to the store
 * yet, so the server answers for them from memory.
 *
 * `profviz FILE` serves a file as soon as it is parsed and stores it in the
 * background (ingest.c).  Until the commit, the profile's rows exist only
 * inside the writer's open transaction, which no reader connection sees:
 * what the API reads from the store (its summary, its bytes, the list)
 * comes from here instead, and its graph from the cache, where it is
 * pinned.  The registry is a short list under one mutex: it holds the
 * files of one command line.
 * Ownership: the registry copies each summary; the bytes are borrowed and
 * must stay valid until pv_pending_remove.  Lookups hand out copies the
 * caller frees (pv_profile_info_release, free).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PENDING_H
#define PV_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct pv_pending pv_pending;

pv_pending *pv_pending_new(void);

/* Frees the registry and every summary still in it.  NULL is a no-op. */
void pv_pending_free(pv_pending *pd);

/* Registers profile info->id with a copy of its summary (store_ms is
 * unknown until the commit: NaN) and its file's bytes, borrowed. */
void pv_pending_add(pv_pending *pd, const pv_profile_info *info, const unsigned char *bytes,
                    size_t len);

/* Forgets profile `id` (it is in the store now, or never will be). */
void pv_pending_remove(pv_pending *pd, int64_t id);

/* Whether `id` is registered; if so *out is a copy of its summary. */
bool pv_pending_info(pv_pending *pd, int64_t id, pv_profile_info *out);

/* Whether `id` is registered; if so *bytes is a malloc'd copy of its file. */
bool pv_pending_raw(pv_pending *pd, int64_t id, unsigned char **bytes, size_t *len);

/* Copies of every registered summary: a malloc'd array of *n (free it
 * with pv_profile_info_free_array). */
void pv_pending_list(pv_pending *pd, pv_profile_info **out, size_t *n);

#endif
