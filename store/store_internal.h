/* store_internal.h — what store.c shares with the store's other files
 * (labels.c), and nobody outside store/.
 *
 * labels.c keeps its statements in a catalogue of its own, cached per
 * connection in slots that store.c owns and finalizes at close, so both
 * files follow the same rule: prepared once per connection, reset and
 * cleared after each use, values bound by name.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_STORE_INTERNAL_H
#define PV_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

/* Statement slots labels.c may use (its catalogue is smaller). */
#define PV_LABEL_STMTS 32

/* The summary columns of table profile, in the order pv_store_row_info
 * reads them (the sha256 they give is the file's: formats.sql). */
#define PV_STORE_INFO_COLUMNS                                                 \
    "id, name, origin, format, writer, dialect, coalesce(file_sha256, sha256), " \
    "warnings, size, loaded_at, parse_ms, store_ms, marshal_version, "         \
    "total_calls, prim_calls, total_tt, n_funcs, n_edges, unit, calls_unit, "  \
    "variant, choices"

/* Fills *out (strings malloc'd) from the current row of a statement that
 * selected PV_STORE_INFO_COLUMNS first. */
void pv_store_row_info(sqlite3_stmt *st, pv_profile_info *out);

/* The connection: borrowed, valid until pv_store_close. */
sqlite3 *pv_store_db(pv_store *s);

/* labels.c's statement slots, NULL until it prepares them. */
sqlite3_stmt **pv_store_label_stmts(pv_store *s);

#endif
