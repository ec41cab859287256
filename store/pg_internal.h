/* pg_internal.h — what pg.c shares with pg_labels.c, and nobody outside
 * store/.
 *
 * Every statement goes through pv_pg_exec with its values bound as
 * parameters (never formatted into the SQL), sent and read back in
 * binary: a float8 travels as its 8 bytes, so NaN, -0.0 and every bit of
 * a double come back as stored, and a bytea as its bytes.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PG_INTERNAL_H
#define PV_PG_INTERNAL_H

#include <libpq-fe.h>

#include "backend.h"

/* The PostgreSQL backend's handle (pg.c). */
typedef struct pv_pg pv_pg;

/* Parameters of one statement, bound in order ($1, $2, ...).  Numbers
 * are kept in `num` in network order, so the struct owns them; strings
 * and bytes are borrowed until the statement has run. */
#define PV_PG_MAX_PARAMS 32
typedef struct pv_pg_params {
    int n;
    const char *values[PV_PG_MAX_PARAMS];
    int lengths[PV_PG_MAX_PARAMS];
    int formats[PV_PG_MAX_PARAMS];
    Oid types[PV_PG_MAX_PARAMS];
    unsigned char num[PV_PG_MAX_PARAMS][8];
} pv_pg_params;

void pv_pg_int8(pv_pg_params *p, int64_t v);
void pv_pg_float8(pv_pg_params *p, double v);
/* bytea: any bytes, `n` of them (a NULL pointer with n 0 is empty, not NULL). */
void pv_pg_bytes(pv_pg_params *p, const void *v, size_t n);
/* A C string as bytea; NULL binds SQL NULL. */
void pv_pg_bstr(pv_pg_params *p, const char *v);
/* A C string as text (it must be valid UTF-8); NULL binds SQL NULL. */
void pv_pg_text(pv_pg_params *p, const char *v);
/* A text value the server parses ("{1,2,3}" for a bigint[]). */
void pv_pg_literal(pv_pg_params *p, const char *v, Oid type);

/* Runs `sql` with `params` (NULL: none), results in binary.  Returns the
 * result when it succeeded (the caller PQclear()s it), else NULL with err
 * set: PV_E_DB with `what` and the server's reason ("interrupted" when
 * pv_store_interrupt cancelled it). */
PGresult *pv_pg_exec(pv_pg *s, const char *sql, const pv_pg_params *params, const char *what,
                     pv_err *err);

/* Runs `sql` and throws its result away: PV_OK or PV_E_DB. */
int pv_pg_run(pv_pg *s, const char *sql, const pv_pg_params *params, const char *what,
              pv_err *err);

/* Opens a read transaction on one snapshot (REPEATABLE READ, READ ONLY),
 * ends one, and rolls back whatever transaction is open (after a
 * failure; a no-op outside one). */
int pv_pg_begin_read(pv_pg *s, const char *what, pv_err *err);
int pv_pg_commit(pv_pg *s, const char *what, pv_err *err);
void pv_pg_rollback(pv_pg *s);

/* Values of a binary result: an integer column of any width (bool as 0
 * or 1; NULL as 0), a float8, and bytea or text as a malloc'd string
 * ("" for NULL). */
int64_t pv_pg_get_int(const PGresult *r, int row, int col);
double pv_pg_get_double(const PGresult *r, int row, int col);
char *pv_pg_get_xstr(const PGresult *r, int row, int col);

/* The summary columns of table profile, in the order pv_pg_row_info
 * reads them, and the reader. */
#define PV_PG_INFO_COLUMNS                                                        \
    "p.id, p.name, p.origin, p.format, p.writer, p.dialect, "                     \
    "coalesce(p.file_sha256, p.sha256), p.warnings, p.size, p.loaded_at, "        \
    "p.parse_ms, p.store_ms, p.marshal_version, p.total_calls, p.prim_calls, "    \
    "p.total_tt, p.n_funcs, p.n_edges, p.unit, p.calls_unit, p.variant, p.choices"
void pv_pg_row_info(const PGresult *r, int row, pv_profile_info *out);

/* pg_labels.c's operations (backend.h's table; store.h's contracts). */
int pv_pg_labels(pv_store *s, int64_t id, pv_labels *out, pv_err *err);
int pv_pg_label_edit(pv_store *s, int64_t id, const pv_label_arg *edits, size_t n,
                     pv_err *err);
int pv_pg_query(pv_store *s, const pv_list_query *q, pv_profile_page *out, pv_err *err);
int pv_pg_oldest(pv_store *s, int labelled, int64_t before, int64_t after, int64_t *id,
                 pv_err *err);
int pv_pg_used_bytes(pv_store *s, int64_t *bytes, pv_err *err);

#endif
