/* pg_labels.c — the PostgreSQL backend's labels on profiles, the filtered
 * and paged listing, and the queries retention walks the store with.  See
 * store.h and pg.sql.
 *
 * As on SQLite (sqlite_labels.c), a list page is found by SQL over
 * indexes: a label filter reads ids from label_by_value, the page is a
 * LIMIT/OFFSET over the profile ids newest first, and the total a count
 * with the same WHERE, in the same REPEATABLE READ snapshot.  The search
 * text is compared as bytes: names are bytea (pg.sql), matched against
 * profile.name_fold, and label values are lower-cased with the "C"
 * collation, which folds ASCII only, as SQLite's lower() does.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "xalloc.h"

#define INT8ARRAYOID 1016

/* The listing's WHERE: $1 the search text (ASCII-folded bytea, NULL:
 * any), then $2, $3 the key and value of the first label filter, and so
 * on. */
#define LIST_WHERE                                                                          \
    " WHERE ($1::bytea IS NULL OR position($1::bytea IN p.name_fold) > 0 OR EXISTS (SELECT 1" \
    " FROM label l WHERE l.profile_id = p.id AND position($1::bytea IN"                      \
    " convert_to(lower(l.value COLLATE \"C\"), 'UTF8')) > 0))"
#define LIST_FILTER " AND p.id IN (SELECT profile_id FROM label WHERE key = $%zu AND value = $%zu)"

static int no_profile(int64_t id, pv_err *err)
{
    return pv_err_set(err, PV_E_NOTFOUND, "no profile %lld", (long long)id);
}

/* PV_OK when profile `id` exists, else PV_E_NOTFOUND (message set). */
static int profile_exists(pv_pg *s, int64_t id, const char *lock, pv_err *err)
{
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT 1 FROM profile WHERE id = $1%s", lock);
    PGresult *r = pv_pg_exec(s, sql, &q, "looking up a profile", err);
    if (!r)
        return PV_E_DB;
    int rc = PQntuples(r) ? PV_OK : no_profile(id, err);
    PQclear(r);
    return rc;
}

/* ---- reading and editing --------------------------------------------- */

/* Appends rows (profile_id, key, value) of `r`, from row *at on, while
 * they are profile `id`'s, to *out. */
static void take_labels(const PGresult *r, int *at, int64_t id, pv_labels *out)
{
    size_t cap = 0;
    for (; *at < PQntuples(r) && pv_pg_get_int(r, *at, 0) == id; (*at)++) {
        out->items = pv_xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        pv_label *l = &out->items[out->n++];
        l->key = pv_pg_get_xstr(r, *at, 1);
        l->value = pv_pg_get_xstr(r, *at, 2);
    }
}

int pv_pg_labels(pv_store *base, int64_t id, pv_labels *out, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "reading labels";
    memset(out, 0, sizeof *out);
    int rc = pv_pg_begin_read(s, what, err);
    if (rc == PV_OK)
        rc = profile_exists(s, id, "", err);
    if (rc == PV_OK) {
        pv_pg_params q = {0};
        pv_pg_int8(&q, id);
        PGresult *r = pv_pg_exec(s, "SELECT profile_id, key, value FROM label "
                                 "WHERE profile_id = $1 ORDER BY key COLLATE \"C\"", &q, what,
                                 err);
        int at = 0;
        if (r)
            take_labels(r, &at, id, out);
        else
            rc = PV_E_DB;
        PQclear(r);
    }
    if (rc == PV_OK)
        rc = pv_pg_commit(s, what, err);
    if (rc != PV_OK) {
        pv_pg_rollback(s);
        pv_labels_release(out);
    }
    return rc;
}

int pv_pg_label_edit(pv_store *base, int64_t id, const pv_label_arg *edits, size_t n,
                     pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "editing labels";
    for (size_t i = 0; i < n; i++) {
        int rc = pv_label_check(edits[i].key, edits[i].value, err);
        if (rc != PV_OK)
            return rc;
    }
    int rc = pv_pg_run(s, "BEGIN", NULL, what, err);
    /* FOR KEY SHARE: a delete of the profile waits for the edit. */
    if (rc == PV_OK)
        rc = profile_exists(s, id, " FOR KEY SHARE", err);
    for (size_t i = 0; rc == PV_OK && i < n; i++) {
        pv_pg_params q = {0};
        pv_pg_int8(&q, id);
        pv_pg_text(&q, edits[i].key);
        if (edits[i].value) {
            pv_pg_text(&q, edits[i].value);
            rc = pv_pg_run(s, "INSERT INTO label (profile_id, key, value) VALUES ($1, $2, $3) "
                           "ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value",
                           &q, what, err);
        } else {
            rc = pv_pg_run(s, "DELETE FROM label WHERE profile_id = $1 AND key = $2", &q, what,
                           err);
        }
    }
    if (rc == PV_OK) {
        pv_pg_params q = {0};
        pv_pg_int8(&q, id);
        PGresult *r = pv_pg_exec(s, "SELECT count(*) FROM label WHERE profile_id = $1", &q,
                                 what, err);
        int64_t count = r ? pv_pg_get_int(r, 0, 0) : 0;
        PQclear(r);
        if (!r)
            rc = PV_E_DB;
        else if (count > PV_LABELS_MAX)
            rc = pv_err_set(err, PV_E_USAGE,
                            "a profile has at most %d labels; this would make %lld",
                            PV_LABELS_MAX, (long long)count);
    }
    if (rc == PV_OK)
        rc = pv_pg_commit(s, what, err);
    if (rc != PV_OK)
        pv_pg_rollback(s);
    return rc;
}

/* ---- listing --------------------------------------------------------- */

/* The text of the page (count = 0) or count statement with `n` label
 * filters, malloc'd.  Only parameter numbers are formatted in. */
static char *list_sql(size_t n, int count)
{
    size_t cap = 512 + sizeof LIST_WHERE + n * (sizeof LIST_FILTER + 40);
    char *sql = pv_xmalloc(cap);
    size_t len = (size_t)snprintf(sql, cap, "%s%s",
                                  count ? "SELECT count(*) FROM profile p"
                                        : "SELECT " PV_PG_INFO_COLUMNS " FROM profile p",
                                  LIST_WHERE);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(sql + len, cap - len, LIST_FILTER, 2 + 2 * i, 3 + 2 * i);
    if (!count)
        snprintf(sql + len, cap - len, " ORDER BY p.id DESC LIMIT $%zu OFFSET $%zu",
                 2 + 2 * n, 3 + 2 * n);
    return sql;
}

/* The search text and the label filters, which the page and the count
 * statements share. */
static void bind_where(pv_pg_params *q, const char *fold, const pv_list_query *lq)
{
    pv_pg_bstr(q, fold);
    for (size_t i = 0; i < lq->n_labels; i++) {
        pv_pg_text(q, lq->labels[i].key);
        pv_pg_text(q, lq->labels[i].value);
    }
}

/* The page's labels, in one statement: "{id,id,...}" is the only
 * parameter, text the server parses as a bigint[]. */
static int read_page_labels(pv_pg *s, pv_profile_page *out, pv_err *err)
{
    out->labels = pv_xcalloc(out->n ? out->n : 1, sizeof *out->labels);
    if (out->n == 0)
        return PV_OK;
    char *ids = pv_xmalloc(out->n * 21 + 3), *o = ids;
    *o++ = '{';
    for (size_t i = 0; i < out->n; i++)
        o += sprintf(o, "%s%lld", i ? "," : "", (long long)out->infos[i].id);
    strcpy(o, "}");
    pv_pg_params q = {0};
    pv_pg_literal(&q, ids, INT8ARRAYOID);
    PGresult *r = pv_pg_exec(s, "SELECT profile_id, key, value FROM label WHERE profile_id = "
                             "ANY ($1) ORDER BY profile_id DESC, key COLLATE \"C\"", &q,
                             "listing profiles", err);
    free(ids);
    if (!r)
        return PV_E_DB;
    /* Both in id order, newest first. */
    int at = 0;
    for (size_t i = 0; i < out->n; i++)
        take_labels(r, &at, out->infos[i].id, &out->labels[i]);
    PQclear(r);
    return PV_OK;
}

static int read_page(pv_pg *s, const char *fold, const pv_list_query *lq, pv_profile_page *out,
                     pv_err *err)
{
    static const char what[] = "listing profiles";
    char *sql = list_sql(lq->n_labels, 0);
    pv_pg_params q = {0};
    bind_where(&q, fold, lq);
    pv_pg_int8(&q, lq->limit);
    pv_pg_int8(&q, lq->offset);
    PGresult *r = pv_pg_exec(s, sql, &q, what, err);
    free(sql);
    if (!r)
        return PV_E_DB;
    out->n = (size_t)PQntuples(r);
    out->infos = pv_xcalloc(out->n ? out->n : 1, sizeof *out->infos);
    for (size_t i = 0; i < out->n; i++)
        pv_pg_row_info(r, (int)i, &out->infos[i]);
    PQclear(r);
    int rc = read_page_labels(s, out, err);
    if (rc != PV_OK)
        return rc;
    sql = list_sql(lq->n_labels, 1);
    pv_pg_params c = {0};
    bind_where(&c, fold, lq);
    r = pv_pg_exec(s, sql, &c, what, err);
    free(sql);
    if (!r)
        return PV_E_DB;
    out->total = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return PV_OK;
}

int pv_pg_query(pv_store *base, const pv_list_query *lq, pv_profile_page *out, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "listing profiles";
    memset(out, 0, sizeof *out);
    if (lq->n_labels > PV_LIST_LABELS_MAX)
        return pv_err_set(err, PV_E_USAGE, "at most %d label filters", PV_LIST_LABELS_MAX);
    /* Lower-cased here as name_fold was: ASCII only. */
    char *fold = NULL;
    if (lq->q && *lq->q) {
        if (strlen(lq->q) > PV_LIST_Q_MAX)
            return pv_err_set(err, PV_E_USAGE, "q is at most %d bytes", PV_LIST_Q_MAX);
        fold = pv_xstrdup(lq->q);
        for (char *c = fold; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
    }
    int rc = pv_pg_begin_read(s, what, err);
    if (rc == PV_OK)
        rc = read_page(s, fold, lq, out, err);
    if (rc == PV_OK)
        rc = pv_pg_commit(s, what, err);
    free(fold);
    if (rc != PV_OK) {
        pv_pg_rollback(s);
        pv_profile_page_release(out);
    }
    return rc;
}

/* ---- retention ------------------------------------------------------- */

int pv_pg_oldest(pv_store *base, int labelled, int64_t before, int64_t after, int64_t *id,
                 pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    pv_pg_params q = {0};
    pv_pg_int8(&q, after);
    pv_pg_int8(&q, before);
    /* Ids grow with time and are never reused: the lowest is the oldest. */
    PGresult *r = pv_pg_exec(s, labelled
                                    ? "SELECT id FROM profile p WHERE id > $1 AND loaded_at < $2 "
                                      "AND EXISTS (SELECT 1 FROM label WHERE profile_id = p.id) "
                                      "ORDER BY id LIMIT 1"
                                    : "SELECT id FROM profile p WHERE id > $1 AND loaded_at < $2 "
                                      "AND NOT EXISTS (SELECT 1 FROM label WHERE profile_id = "
                                      "p.id) ORDER BY id LIMIT 1",
                             &q, "finding the oldest profile", err);
    if (!r)
        return PV_E_DB;
    int rc = PQntuples(r) ? PV_OK : PV_E_NOTFOUND;
    if (rc == PV_OK)
        *id = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pv_pg_used_bytes(pv_store *base, int64_t *bytes, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    /* Not pg_total_relation_size: a deleted row's space stays in its
     * table (for reuse after VACUUM) and no size of a relation ever
     * shrinks for it, so retention, which deletes until this figure is
     * under its limit, would delete every profile.  What the profiles
     * hold is counted instead, as SQLite counts only pages in use: each
     * profile's stored_bytes (its file and rows, as sent) and the labels. */
    PGresult *r = pv_pg_exec(s,
                             "SELECT (SELECT coalesce(sum(stored_bytes), 0) FROM profile)::bigint "
                             "+ (SELECT coalesce(sum(octet_length(key) + octet_length(value)), 0) "
                             "FROM label)::bigint",
                             NULL, "measuring the store", err);
    if (!r)
        return PV_E_DB;
    *bytes = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return PV_OK;
}
