/* backend.h — what a store backend implements, and nobody outside store/
 * sees.
 *
 * store.h's API is one table of operations per backend: SQLite
 * (sqlite.c, sqlite_labels.c: one file, the embedded default) and
 * PostgreSQL (pg.c, pg_labels.c: a server that several `profviz serve`
 * processes share).  store.c picks the backend from the location
 * pv_store_open is given and forwards every call through s->ops; what
 * needs no database (identities, label rules, freeing results, adding as
 * begin/reserve/fill/commit) it does once for both.  Each operation has
 * exactly store.h's contract for the function of the same name; a
 * backend's handle embeds struct pv_store as its first member.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_STORE_BACKEND_H
#define PV_STORE_BACKEND_H

#include "store.h"

typedef struct pv_store_ops {
    const char *name;  /* "sqlite", "postgresql": for messages */
    void (*close)(pv_store *s);
    int (*data_version)(pv_store *s, int64_t *out, pv_err *err);
    int (*find_sha)(pv_store *s, const char *sha256, int64_t *id, pv_err *err);
    int (*begin)(pv_store *s, pv_err *err);
    int (*take_ids)(pv_store *s, size_t n, int64_t *first, pv_err *err);
    int (*reserve)(pv_store *s, const pv_profile *p, const pv_source *src, int64_t want,
                   int64_t *id, int *existed, pv_err *err);
    int (*fill)(pv_store *s, int64_t id, const pv_profile *p, const pv_source *src,
                pv_err *err);
    int (*commit)(pv_store *s, pv_err *err);
    void (*rollback)(pv_store *s);
    void (*interrupt)(pv_store *s);
    int (*delete_profile)(pv_store *s, int64_t id, pv_err *err);
    int (*info)(pv_store *s, int64_t id, pv_profile_info *out, pv_err *err);
    int (*list)(pv_store *s, pv_profile_info **out, size_t *n, pv_err *err);
    int (*read)(pv_store *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err);
    int (*raw_each)(pv_store *s, int64_t id, pv_store_sink *sink, void *ctx, pv_err *err);
    int (*labels)(pv_store *s, int64_t id, pv_labels *out, pv_err *err);
    int (*label_edit)(pv_store *s, int64_t id, const pv_label_arg *edits, size_t n,
                      pv_err *err);
    int (*query)(pv_store *s, const pv_list_query *q, pv_profile_page *out, pv_err *err);
    int (*oldest)(pv_store *s, int labelled, int64_t before, int64_t after, int64_t *id,
                  pv_err *err);
    int (*used_bytes)(pv_store *s, int64_t *bytes, pv_err *err);
} pv_store_ops;

struct pv_store {
    const pv_store_ops *ops;
};

/* The backends' open functions: pv_store_open's contract, for a SQLite
 * path and for a libpq connection URI ("postgresql://..." or
 * "postgres://...") respectively. */
int pv_sqlite_open(const char *path, int flags, pv_store **out, pv_err *err);
int pv_pg_open(const char *uri, int flags, pv_store **out, pv_err *err);

/* Checks that every edge and recorded node of `p` names a function it
 * has: the bulk tables carry no foreign keys (schema.sql), and readers
 * index arrays with what they hold.  PV_OK or PV_E_DB with the first
 * offender. */
int pv_store_check_refs(const pv_profile *p, pv_err *err);

/* The schema files compiled in (tools/embed.py; store/meson.build). */
#include "asset.h"
extern const pv_asset pv_store_files[];
extern const size_t pv_store_files_count;

#endif
