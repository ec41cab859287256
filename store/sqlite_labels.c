/* sqlite_labels.c — the SQLite backend's labels on profiles, the filtered
 * and paged listing, and the queries retention walks the store with.  See
 * store.h and labels.sql.
 *
 * Everything a list page shows is found by SQL over indexes: a label
 * filter reads the ids from label_by_value, the page is a LIMIT/OFFSET
 * over the profile table's rowid order (newest first), and the total a
 * count(*) with the same WHERE, in the same read transaction.  Nothing
 * loads the whole table into memory.  Labels are checked here, against
 * store.h's limits (pv_label_check), before anything is written, so every
 * writer (the upload, the label edit) obeys the same rules.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"
#include "utf8.h"
#include "xalloc.h"

/* The catalogue.  The list and count statements differ only in how many
 * label filters they hold: one prepared statement per count, built from
 * the fragments below (values are still bound, never formatted in). */
enum {
    L_BEGIN_READ,
    L_BEGIN_WRITE,
    L_COMMIT,
    L_ROLLBACK,
    L_EXISTS,
    L_LABELS,
    L_SET,
    L_REMOVE,
    L_COUNT_LABELS,
    L_OLDEST_UNLABELLED,
    L_OLDEST_LABELLED,
    L_USED_BYTES,
    L_LIST_0,                                   /* .. + PV_LIST_LABELS_MAX */
    L_COUNT_0 = L_LIST_0 + PV_LIST_LABELS_MAX + 1,  /* .. + PV_LIST_LABELS_MAX */
    N_LSTMT = L_COUNT_0 + PV_LIST_LABELS_MAX + 1
};
_Static_assert(N_LSTMT <= PV_LABEL_STMTS, "labels.c needs more statement slots");

static const char *const lstmt_sql[L_LIST_0] = {
    [L_BEGIN_READ] = "BEGIN",
    [L_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [L_COMMIT] = "COMMIT",
    [L_ROLLBACK] = "ROLLBACK",
    [L_EXISTS] = "SELECT 1 FROM profile WHERE id = :id",
    [L_LABELS] = "SELECT key, value FROM label WHERE profile_id = :id ORDER BY key",
    [L_SET] = "INSERT INTO label (profile_id, key, value) VALUES (:id, :key, :value) "
              "ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value",
    [L_REMOVE] = "DELETE FROM label WHERE profile_id = :id AND key = :key",
    [L_COUNT_LABELS] = "SELECT count(*) FROM label WHERE profile_id = :id",
    /* Ids grow with time (AUTOINCREMENT, never reused): the lowest is the
     * oldest, and the rowid order needs no sort. */
    [L_OLDEST_UNLABELLED] =
        "SELECT id FROM profile p WHERE id > :after AND loaded_at < :before "
        "AND NOT EXISTS (SELECT 1 FROM label WHERE profile_id = p.id) ORDER BY id LIMIT 1",
    [L_OLDEST_LABELLED] =
        "SELECT id FROM profile p WHERE id > :after AND loaded_at < :before "
        "AND EXISTS (SELECT 1 FROM label WHERE profile_id = p.id) ORDER BY id LIMIT 1",
    [L_USED_BYTES] =
        "SELECT (c.page_count - f.freelist_count) * s.page_size "
        "FROM pragma_page_count() c, pragma_freelist_count() f, pragma_page_size() s",
};

/* The listing's WHERE: the search text (already lower-cased, ASCII) in the
 * name or in any label value, then one IN per label filter.  SQLite's
 * lower() folds ASCII only, as the functions table's search does. */
#define LIST_WHERE                                                                    \
    " WHERE (:q IS NULL OR instr(lower(p.name), :q) > 0 OR EXISTS (SELECT 1 FROM label l" \
    " WHERE l.profile_id = p.id AND instr(lower(l.value), :q) > 0))"
#define LIST_FILTER " AND p.id IN (SELECT profile_id FROM label WHERE key = :k%zu AND value = :v%zu)"

/* ---- statements ------------------------------------------------------ */

static int db_error(pv_sqlite *s, pv_err *err, const char *what)
{
    return pv_err_set(err, PV_E_DB, "%s: %s", what, sqlite3_errmsg(pv_sqlite_db(s)));
}

/* The text of the list (count = 0) or count statement with `n` filters,
 * malloc'd. */
static char *list_sql(size_t n, int count)
{
    size_t cap = 512 + sizeof LIST_WHERE + n * (sizeof LIST_FILTER + 40);
    char *sql = pv_xmalloc(cap);
    size_t len = (size_t)snprintf(sql, cap, "%s%s",
                                  count ? "SELECT count(*) FROM profile p"
                                        : "SELECT " PV_STORE_INFO_COLUMNS " FROM profile p",
                                  LIST_WHERE);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(sql + len, cap - len, LIST_FILTER, i, i);
    if (!count)
        snprintf(sql + len, cap - len, " ORDER BY p.id DESC LIMIT :limit OFFSET :offset");
    return sql;
}

/* Statement `id` of the catalogue, prepared on first use. */
static sqlite3_stmt *lstmt(pv_sqlite *s, int id, const char *what, pv_err *err)
{
    sqlite3_stmt **slot = &pv_sqlite_label_stmts(s)[id];
    if (*slot)
        return *slot;
    char *built = NULL;
    if (id >= L_COUNT_0)
        built = list_sql((size_t)(id - L_COUNT_0), 1);
    else if (id >= L_LIST_0)
        built = list_sql((size_t)(id - L_LIST_0), 0);
    int rc = sqlite3_prepare_v3(pv_sqlite_db(s), built ? built : lstmt_sql[id], -1,
                                SQLITE_PREPARE_PERSISTENT, slot, NULL);
    free(built);
    if (rc != SQLITE_OK) {
        db_error(s, err, what);
        return NULL;
    }
    return *slot;
}

static void finish(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Binders by parameter name; a name the statement lacks is a bug. */
static int bind_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i ? sqlite3_bind_int64(st, i, v) : SQLITE_RANGE;
}

/* Text, or NULL for a NULL pointer; SQLITE_STATIC until finish(). */
static int bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (!i)
        return SQLITE_RANGE;
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Runs a statement whose rows do not matter; PV_OK or PV_E_DB. */
static int exec_done(pv_sqlite *s, sqlite3_stmt *st, int bound, const char *what, pv_err *err)
{
    int rc = bound == SQLITE_OK ? sqlite3_step(st) : bound;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        db_error(s, err, what);
    finish(st);
    return rc == SQLITE_DONE ? PV_OK : PV_E_DB;
}

static int run(pv_sqlite *s, int id, const char *what, pv_err *err)
{
    sqlite3_stmt *st = lstmt(s, id, what, err);
    return st ? exec_done(s, st, SQLITE_OK, what, err) : PV_E_DB;
}

/* The one integer a one-row statement returns; PV_E_NOTFOUND when it
 * returns no row. */
static int step_int(pv_sqlite *s, sqlite3_stmt *st, int bound, int64_t *out, const char *what,
                    pv_err *err)
{
    int rc = bound == SQLITE_OK ? sqlite3_step(st) : bound;
    int ret = rc == SQLITE_ROW ? PV_OK : rc == SQLITE_DONE ? PV_E_NOTFOUND : db_error(s, err, what);
    if (ret == PV_OK)
        *out = sqlite3_column_int64(st, 0);
    finish(st);
    return ret;
}

static void rollback(pv_sqlite *s)
{
    if (!sqlite3_get_autocommit(pv_sqlite_db(s)))
        run(s, L_ROLLBACK, "rolling back", NULL);
}

/* PV_OK when profile `id` exists, else PV_E_NOTFOUND (message set). */
static int profile_exists(pv_sqlite *s, int64_t id, pv_err *err)
{
    static const char what[] = "looking up a profile";
    sqlite3_stmt *st = lstmt(s, L_EXISTS, what, err);
    if (!st)
        return PV_E_DB;
    int64_t one;
    int rc = step_int(s, st, bind_int(st, ":id", id), &one, what, err);
    if (rc == PV_E_NOTFOUND)
        return pv_err_set(err, PV_E_NOTFOUND, "no profile %lld", (long long)id);
    return rc;
}

/* ---- checking -------------------------------------------------------- */


/* ---- reading and editing --------------------------------------------- */


/* The labels of `id` as they are (none for an unknown id). */
static int read_labels(pv_sqlite *s, int64_t id, pv_labels *out, pv_err *err)
{
    static const char what[] = "reading labels";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = lstmt(s, L_LABELS, what, err);
    if (!st)
        return PV_E_DB;
    int rc = bind_int(st, ":id", id);
    size_t cap = 0;
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        out->items = pv_xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        pv_label *l = &out->items[out->n++];
        l->key = pv_xstrdup((const char *)sqlite3_column_text(st, 0));
        l->value = pv_xstrdup((const char *)sqlite3_column_text(st, 1));
    }
    /* A failed step is reported by reset. */
    if (rc == SQLITE_OK)
        rc = sqlite3_reset(st);
    finish(st);
    if (rc != SQLITE_OK) {
        pv_labels_release(out);
        return db_error(s, err, what);
    }
    return PV_OK;
}

int pv_sqlite_labels(pv_store *base, int64_t id, pv_labels *out, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    memset(out, 0, sizeof *out);
    int rc = run(s, L_BEGIN_READ, "reading labels", err);
    if (rc == PV_OK)
        rc = profile_exists(s, id, err);
    if (rc == PV_OK)
        rc = read_labels(s, id, out, err);
    if (rc == PV_OK)
        rc = run(s, L_COMMIT, "reading labels", err);
    if (rc != PV_OK) {
        rollback(s);
        pv_labels_release(out);
    }
    return rc;
}

/* One edit, inside the caller's transaction. */
static int apply_edit(pv_sqlite *s, int64_t id, const pv_label_arg *e, pv_err *err)
{
    static const char what[] = "editing labels";
    sqlite3_stmt *st = lstmt(s, e->value ? L_SET : L_REMOVE, what, err);
    if (!st)
        return PV_E_DB;
    int rc = bind_int(st, ":id", id);
    if (rc == SQLITE_OK)
        rc = bind_text(st, ":key", e->key);
    if (rc == SQLITE_OK && e->value)
        rc = bind_text(st, ":value", e->value);
    return exec_done(s, st, rc, what, err);
}

int pv_sqlite_label_edit(pv_store *base, int64_t id, const pv_label_arg *edits, size_t n,
                        pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "editing labels";
    for (size_t i = 0; i < n; i++) {
        int rc = pv_label_check(edits[i].key, edits[i].value, err);
        if (rc != PV_OK)
            return rc;
    }
    int rc = run(s, L_BEGIN_WRITE, what, err);
    if (rc == PV_OK)
        rc = profile_exists(s, id, err);
    for (size_t i = 0; rc == PV_OK && i < n; i++)
        rc = apply_edit(s, id, &edits[i], err);
    int64_t count = 0;
    sqlite3_stmt *st = rc == PV_OK ? lstmt(s, L_COUNT_LABELS, what, err) : NULL;
    if (rc == PV_OK)
        rc = st ? step_int(s, st, bind_int(st, ":id", id), &count, what, err) : PV_E_DB;
    if (rc == PV_OK && count > PV_LABELS_MAX)
        rc = pv_err_set(err, PV_E_USAGE, "a profile has at most %d labels; this would make %lld",
                        PV_LABELS_MAX, (long long)count);
    if (rc == PV_OK)
        rc = run(s, L_COMMIT, what, err);
    if (rc != PV_OK)
        rollback(s);
    return rc;
}

/* ---- listing --------------------------------------------------------- */


/* Binds the search text and the label filters shared by the page and the
 * count statements. */
static int bind_where(sqlite3_stmt *st, const char *q, const pv_list_query *lq)
{
    int rc = bind_text(st, ":q", q);
    for (size_t i = 0; rc == SQLITE_OK && i < lq->n_labels; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, ":k%zu", i);
        snprintf(v, sizeof v, ":v%zu", i);
        rc = bind_text(st, k, lq->labels[i].key);
        if (rc == SQLITE_OK)
            rc = bind_text(st, v, lq->labels[i].value);
    }
    return rc;
}

/* The page's rows and their labels, inside the caller's transaction. */
static int read_page(pv_sqlite *s, const char *q, const pv_list_query *lq, pv_profile_page *out,
                     pv_err *err)
{
    static const char what[] = "listing profiles";
    sqlite3_stmt *st = lstmt(s, L_LIST_0 + (int)lq->n_labels, what, err);
    if (!st)
        return PV_E_DB;
    int rc = bind_where(st, q, lq);
    if (rc == SQLITE_OK)
        rc = bind_int(st, ":limit", lq->limit);
    if (rc == SQLITE_OK)
        rc = bind_int(st, ":offset", lq->offset);
    size_t cap = 0;
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        out->infos = pv_xgrow(out->infos, &cap, out->n + 1, sizeof *out->infos);
        pv_sqlite_row_info(st, &out->infos[out->n++]);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_reset(st);
    finish(st);
    if (rc != SQLITE_OK)
        return db_error(s, err, what);
    out->labels = pv_xcalloc(out->n ? out->n : 1, sizeof *out->labels);
    int ret = PV_OK;
    for (size_t i = 0; ret == PV_OK && i < out->n; i++)
        ret = read_labels(s, out->infos[i].id, &out->labels[i], err);
    return ret;
}

int pv_sqlite_query(pv_store *base, const pv_list_query *lq, pv_profile_page *out, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "listing profiles";
    memset(out, 0, sizeof *out);
    if (lq->n_labels > PV_LIST_LABELS_MAX)
        return pv_err_set(err, PV_E_USAGE, "at most %d label filters", PV_LIST_LABELS_MAX);
    /* Lower-cased here, as lower() does in the SQL: ASCII only. */
    char *q = NULL;
    if (lq->q && *lq->q) {
        if (strlen(lq->q) > PV_LIST_Q_MAX)
            return pv_err_set(err, PV_E_USAGE, "q is at most %d bytes", PV_LIST_Q_MAX);
        q = pv_xstrdup(lq->q);
        for (char *c = q; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
    }
    int rc = run(s, L_BEGIN_READ, what, err);
    if (rc == PV_OK)
        rc = read_page(s, q, lq, out, err);
    sqlite3_stmt *st = rc == PV_OK ? lstmt(s, L_COUNT_0 + (int)lq->n_labels, what, err) : NULL;
    if (rc == PV_OK)
        rc = st ? step_int(s, st, bind_where(st, q, lq), &out->total, what, err) : PV_E_DB;
    if (rc == PV_OK)
        rc = run(s, L_COMMIT, what, err);
    free(q);
    if (rc != PV_OK) {
        rollback(s);
        pv_profile_page_release(out);
    }
    return rc;
}

/* ---- retention ------------------------------------------------------- */

int pv_sqlite_oldest(pv_store *base, int labelled, int64_t before, int64_t after, int64_t *id,
                    pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "finding the oldest profile";
    sqlite3_stmt *st = lstmt(s, labelled ? L_OLDEST_LABELLED : L_OLDEST_UNLABELLED, what, err);
    if (!st)
        return PV_E_DB;
    int rc = bind_int(st, ":after", after);
    if (rc == SQLITE_OK)
        rc = bind_int(st, ":before", before);
    return step_int(s, st, rc, id, what, err);
}

int pv_sqlite_used_bytes(pv_store *base, int64_t *bytes, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "measuring the store";
    sqlite3_stmt *st = lstmt(s, L_USED_BYTES, what, err);
    if (!st)
        return PV_E_DB;
    int rc = step_int(s, st, SQLITE_OK, bytes, what, err);
    return rc == PV_E_NOTFOUND ? pv_err_set(err, PV_E_DB, "%s: no result", what) : rc;
}
