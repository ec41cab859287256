/* sqlite_internal.h — what sqlite.c shares with sqlite_labels.c, and
 * nobody outside store/.
 *
 * sqlite_labels.c keeps its statements in a catalogue of its own, cached
 * per connection in slots that sqlite.c owns and finalizes at close, so
 * both files follow the same rule: prepared once per connection, reset
 * and cleared after each use, values bound by name.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_SQLITE_INTERNAL_H
#define PV_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "backend.h"

/* The SQLite backend's handle (sqlite.c). */
typedef struct pv_sqlite pv_sqlite;

/* Statement slots sqlite_labels.c may use (its catalogue is smaller). */
#define PV_LABEL_STMTS 32

/* The summary columns of table profile, in the order pv_sqlite_row_info
 * reads them (the sha256 they give is the file's: formats.sql). */
#define PV_STORE_INFO_COLUMNS                                                 \
    "id, name, origin, format, writer, dialect, coalesce(file_sha256, sha256), " \
    "warnings, size, loaded_at, parse_ms, store_ms, marshal_version, "         \
    "total_calls, prim_calls, total_tt, n_funcs, n_edges, unit, calls_unit, "  \
    "variant, choices"

/* Fills *out (strings malloc'd) from the current row of a statement that
 * selected PV_STORE_INFO_COLUMNS first. */
void pv_sqlite_row_info(sqlite3_stmt *st, pv_profile_info *out);

/* The connection: borrowed, valid until the store is closed. */
sqlite3 *pv_sqlite_db(pv_sqlite *s);

/* sqlite_labels.c's statement slots, NULL until it prepares them. */
sqlite3_stmt **pv_sqlite_label_stmts(pv_sqlite *s);

/* sqlite_labels.c's operations (backend.h's table; store.h's contracts). */
int pv_sqlite_labels(pv_store *s, int64_t id, pv_labels *out, pv_err *err);
int pv_sqlite_label_edit(pv_store *s, int64_t id, const pv_label_arg *edits, size_t n,
                         pv_err *err);
int pv_sqlite_query(pv_store *s, const pv_list_query *q, pv_profile_page *out, pv_err *err);
int pv_sqlite_oldest(pv_store *s, int labelled, int64_t before, int64_t after, int64_t *id,
                     pv_err *err);
int pv_sqlite_used_bytes(pv_store *s, int64_t *bytes, pv_err *err);

#endif
