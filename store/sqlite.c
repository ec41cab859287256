/* sqlite.c — the SQLite backend of the store (backend.h): one file, the
 * embedded default.  See store.h and schema.sql.
 *
 * All SQL sits in the catalogue below.  Each statement is prepared once per
 * connection, on first use, and is reset with its bindings cleared after
 * every use, so a caller's strings bound SQLITE_STATIC never outlive the
 * call that bound them.  A profile is stored whole or not at all (one
 * IMMEDIATE transaction); reads run in one read transaction so they
 * see a single snapshot.  This file neither parses profiles (loader/) nor
 * decides where stores live or creates their folders (cli/).
 * SPDX-License-Identifier: MIT
 */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asset.h"
#include "clock.h"
#include "sha256.h"
#include "sqlite_internal.h"
#include "lines.h"
#include "xalloc.h"

/* A writer waiting for another writer gives up after this long: long
 * enough for any one profile's transaction, short enough for a request. */
#define BUSY_TIMEOUT_MS 5000

/* Page size of a new store.  Against the 4 KiB default, 32 KiB pages cut
 * the pages (and write calls) a 50,000-function profile needs by eight and
 * make its b-trees shallower: storing one went from ~0.37 to ~0.2 s.  The
 * WAL is checkpointed every 1000 pages, so also about every 2 profiles of
 * that size rather than after each one. */
#define PAGE_SIZE_SQL "32768"

/* Page cache per connection (negative: KiB).  A 50,000-function profile
 * writes about 15 MiB of pages in one transaction; pages past the cache
 * are spilled to the WAL early, which costs little because inserts append
 * and rarely touch a spilled page again.  8 MiB measured faster than both
 * the 2 MiB default (more spilling) and 32 MiB (more fresh memory to
 * fault in), and bounds what each reader connection keeps. */
#define CACHE_SIZE_SQL "-8192"  /* KiB: PV_STORE_PAGE_CACHE */

/* Rows per multi-row INSERT.  A statement per row spends much of its time
 * starting and finishing the statement; 128 rows per statement took a
 * 50,000-function profile from ~0.28 to ~0.2 s.  13 x 128 parameters stay
 * far below SQLite's limit (32766 in a default build). */
#define BULK_ROWS 128
#define REPEAT2(row) row ", " row
#define REPEAT8(row) REPEAT2(REPEAT2(REPEAT2(row)))
#define REPEAT128(row) REPEAT2(REPEAT8(REPEAT8(row)))

/* Bulk inserts say OR ROLLBACK: a failure abandons the whole transaction
 * anyway, and unlike the default ABORT (undo just this statement) it
 * needs no statement journal, which a multi-row INSERT would otherwise
 * write page by page.  Their parameters are positional: one row's
 * parameters follow the column list. */
#define INSERT_FUNCTION                                                             \
    "INSERT OR ROLLBACK INTO function (profile_id, id, file, line, name, cc, nc, tt, ct, " \
    "code_name, code_file, code_line, flags) VALUES "
#define FUNCTION_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define INSERT_EDGE                                                                 \
    "INSERT OR ROLLBACK INTO edge (profile_id, callee, seq, caller, nc, cc, tt, ct, " \
    "is_count) VALUES "
#define EDGE_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define INSERT_NODE \
    "INSERT OR ROLLBACK INTO recorded_node (profile_id, node, parent, func, calls, tt, ct) VALUES "
#define NODE_ROW "(?, ?, ?, ?, ?, ?, ?)"

/* The catalogue.  Named parameters are bound by name (binder's by_name);
 * the bulk rows' `?` parameters bind by position, in the order of the
 * column list beside them. */
enum {
    STMT_PAGE_SIZE,
    STMT_WAL,
    STMT_SYNCHRONOUS,
    STMT_FOREIGN_KEYS,
    STMT_CACHE_SIZE,
    STMT_USER_VERSION,
    STMT_DATA_VERSION,
    STMT_COUNT_OBJECTS,
    STMT_BEGIN_READ,
    STMT_BEGIN_WRITE,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_FIND_SHA,
    STMT_SEQ_ROW,
    STMT_SEQ_TAKE,
    STMT_INSERT_PROFILE,
    STMT_INSERT_BLOB,
    STMT_INSERT_CHUNK,
    STMT_INSERT_FUNCTION,
    STMT_INSERT_FUNCTIONS,
    STMT_INSERT_EDGE,
    STMT_INSERT_EDGES,
    STMT_SET_STORE_MS,
    STMT_DELETE_PROFILE,
    STMT_DELETE_FUNCTIONS,
    STMT_DELETE_EDGES,
    STMT_DELETE_TREE_NODES,
    STMT_INSERT_RECORDED,
    STMT_INSERT_NODE,
    STMT_INSERT_NODES,
    STMT_READ_RECORDED,
    STMT_READ_NODES,
    STMT_DELETE_RECORDED,
    STMT_DELETE_NODES,
    STMT_INFO,
    STMT_LIST,
    STMT_READ_HEAD,
    STMT_READ_FUNCTIONS,
    STMT_READ_EDGES,
    STMT_RAW,
    STMT_RAW_CHUNKS,
    N_STMT
};

/* The columns row_to_info reads, in its order (labels.c lists with them
 * too). */
#define INFO_COLUMNS PV_STORE_INFO_COLUMNS

static const char *const stmt_sql[N_STMT] = {
    /* Takes effect only on a new, empty database, and only before WAL. */
    [STMT_PAGE_SIZE] = "PRAGMA page_size = " PAGE_SIZE_SQL,
    [STMT_WAL] = "PRAGMA journal_mode = WAL",
    [STMT_SYNCHRONOUS] = "PRAGMA synchronous = NORMAL",
    [STMT_FOREIGN_KEYS] = "PRAGMA foreign_keys = ON",
    [STMT_CACHE_SIZE] = "PRAGMA cache_size = " CACHE_SIZE_SQL,
    [STMT_USER_VERSION] = "PRAGMA user_version",
    [STMT_DATA_VERSION] = "PRAGMA data_version",
    [STMT_COUNT_OBJECTS] = "SELECT count(*) FROM sqlite_schema",
    [STMT_BEGIN_READ] = "BEGIN",
    [STMT_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_FIND_SHA] = "SELECT id FROM profile WHERE sha256 = :sha256",
    /* AUTOINCREMENT keeps the highest id ever given in sqlite_sequence, a
     * table SQLite lets us write: taking ids moves it on by n. */
    [STMT_SEQ_ROW] =
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'profile', 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'profile')",
    [STMT_SEQ_TAKE] =
        "UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(id), 0) FROM profile)) "
        "+ :n WHERE name = 'profile' RETURNING seq",
    /* A NULL :id is AUTOINCREMENT's next one. */
    [STMT_INSERT_PROFILE] =
        "INSERT INTO profile (id, name, origin, format, writer, dialect, marshal_version, "
        "size, sha256, loaded_at, parse_ms, store_ms, total_calls, prim_calls, total_tt, "
        "n_funcs, n_caller_only, n_edges, warnings, unit, calls_unit, variant, choices, "
        "empty_weight, file_sha256) "
        "VALUES (:id, :name, :origin, :format, :writer, :dialect, :marshal_version, "
        ":size, :sha256, :loaded_at, :parse_ms, 0, :total_calls, :prim_calls, :total_tt, "
        ":n_funcs, :n_caller_only, :n_edges, :warnings, :unit, :calls_unit, :variant, :choices, "
        ":empty_weight, :file_sha256)",
    [STMT_INSERT_BLOB] = "INSERT INTO profile_blob (profile_id, bytes) VALUES (:id, :bytes)",
    [STMT_INSERT_CHUNK] =
        "INSERT INTO profile_chunk (profile_id, seq, bytes) VALUES (:id, :seq, :bytes)",
    [STMT_INSERT_FUNCTION] = INSERT_FUNCTION FUNCTION_ROW,
    [STMT_INSERT_FUNCTIONS] = INSERT_FUNCTION REPEAT128(FUNCTION_ROW),
    [STMT_INSERT_EDGE] = INSERT_EDGE EDGE_ROW,
    [STMT_INSERT_EDGES] = INSERT_EDGE REPEAT128(EDGE_ROW),
    [STMT_SET_STORE_MS] = "UPDATE profile SET store_ms = :store_ms WHERE id = :id",
    /* The blob goes with the profile row (ON DELETE CASCADE). */
    [STMT_DELETE_PROFILE] = "DELETE FROM profile WHERE id = :id",
    [STMT_DELETE_FUNCTIONS] = "DELETE FROM function WHERE profile_id = :id",
    [STMT_DELETE_EDGES] = "DELETE FROM edge WHERE profile_id = :id",
    [STMT_DELETE_TREE_NODES] = "DELETE FROM tree_node WHERE profile_id = :id",
    [STMT_INSERT_RECORDED] =
        "INSERT INTO recorded_tree (profile_id, threads, max_paths, overflow_calls, timer, "
        "recorder) VALUES (:id, :threads, :max_paths, :overflow_calls, :timer, :recorder)",
    [STMT_INSERT_NODE] = INSERT_NODE NODE_ROW,
    [STMT_INSERT_NODES] = INSERT_NODE REPEAT128(NODE_ROW),
    [STMT_READ_RECORDED] =
        "SELECT threads, max_paths, overflow_calls, timer, recorder, "
        "(SELECT count(*) FROM recorded_node WHERE profile_id = :id) "
        "FROM recorded_tree WHERE profile_id = :id",
    [STMT_READ_NODES] =
        "SELECT node, parent, func, calls, tt, ct FROM recorded_node WHERE profile_id = :id "
        "ORDER BY node",
    [STMT_DELETE_RECORDED] = "DELETE FROM recorded_tree WHERE profile_id = :id",
    [STMT_DELETE_NODES] = "DELETE FROM recorded_node WHERE profile_id = :id",
    [STMT_INFO] = "SELECT " INFO_COLUMNS " FROM profile WHERE id = :id",
    /* Ids are never reused (AUTOINCREMENT), so the highest id is the
     * newest, whatever the clock did. */
    [STMT_LIST] = "SELECT " INFO_COLUMNS " FROM profile ORDER BY id DESC",
    [STMT_READ_HEAD] =
        "SELECT format, writer, dialect, marshal_version, total_calls, prim_calls, "
        "total_tt, n_funcs, n_caller_only, n_edges, warnings, unit, calls_unit, variant, "
        "choices, empty_weight FROM profile WHERE id = :id",
    [STMT_READ_FUNCTIONS] =
        "SELECT id, file, line, name, cc, nc, tt, ct, code_name, code_file, code_line, flags "
        "FROM function WHERE profile_id = :id ORDER BY id",
    /* Primary-key order, which needs no sort; read_edges puts each edge
     * at its seq. */
    [STMT_READ_EDGES] =
        "SELECT seq, caller, callee, nc, cc, tt, ct, is_count "
        "FROM edge WHERE profile_id = :id ORDER BY callee, seq",
    /* The file's first chunk, and its size (the check on the chunks). */
    [STMT_RAW] =
        "SELECT b.bytes, p.size FROM profile p JOIN profile_blob b ON b.profile_id = p.id "
        "WHERE p.id = :id",
    [STMT_RAW_CHUNKS] =
        "SELECT bytes FROM profile_chunk WHERE profile_id = :id ORDER BY seq",
};

struct pv_sqlite {
    pv_store base;                /* ops = sqlite_ops */
    sqlite3 *db;
    char *path;                   /* as opened, for messages */
    char *reserve;                /* PATH-reserve with PV_STORE_RESERVE, else NULL */
    sqlite3_stmt *stmt[N_STMT];   /* prepared on first use; NULL until then */
    atomic_int interrupted;       /* pv_sqlite_interrupt was called (any thread) */
    sqlite3_stmt *label_stmt[PV_LABEL_STMTS];  /* labels.c's catalogue, as stmt[] */
};

static const pv_store_ops sqlite_ops;
static void pv_sqlite_close(pv_store *base);

sqlite3 *pv_sqlite_db(pv_sqlite *s)
{
    return s->db;
}

sqlite3_stmt **pv_sqlite_label_stmts(pv_sqlite *s)
{
    return s->label_stmt;
}

/* ---- statements ------------------------------------------------------ */

/* Fills err with what failed and SQLite's reason; returns PV_E_FULL when
 * the disk is full, else PV_E_DB. */
static int db_error(pv_sqlite *s, pv_err *err, const char *what)
{
    if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_FULL)
        return pv_err_set(err, PV_E_FULL, "store %s is full: %s: %s", s->path, what,
                          sqlite3_errmsg(s->db));
    return pv_err_set(err, PV_E_DB, "%s: %s", what, sqlite3_errmsg(s->db));
}

/* The cached statement `id`, prepared now if this is its first use. */
static sqlite3_stmt *get_stmt(pv_sqlite *s, int id, const char *what, pv_err *err)
{
    if (!s->stmt[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                           &s->stmt[id], NULL) != SQLITE_OK) {
        db_error(s, err, what);
        return NULL;
    }
    return s->stmt[id];
}

/* Makes a used statement ready for its next use and forgets the caller's
 * bound pointers. */
static void finish(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Binds parameters 1, 2, ... in turn, or the one named with by_name; the
 * first failure sticks (and sets sqlite3_errmsg), so a row's bindings are
 * checked once. */
typedef struct binder {
    sqlite3_stmt *st;
    int pos;  /* last parameter bound */
    int rc;   /* SQLITE_OK or the first failure */
    int n;    /* parameters bound */
} binder;

static binder bind_start(sqlite3_stmt *st)
{
    return (binder){st, 0, SQLITE_OK, 0};
}

/* The parameter the next bind_* call binds. */
static int next(binder *b)
{
    b->n++;
    return ++b->pos;
}

/* Makes the next bind_* call bind parameter `name` (":id"): bound by name,
 * a value cannot land in another column when a column list is reordered.
 * A name the statement lacks fails the binding.  The bulk inserts' `?`
 * rows have no names and stay positional. */
static binder *by_name(binder *b, const char *name)
{
    int i = sqlite3_bind_parameter_index(b->st, name);
    if (b->rc == SQLITE_OK && i == 0)
        b->rc = SQLITE_RANGE;
    b->pos = i - 1;
    return b;
}

static void bind_null(binder *b)
{
    if (b->rc == SQLITE_OK)
        b->rc = sqlite3_bind_null(b->st, next(b));
}

static void bind_int(binder *b, int64_t v)
{
    if (b->rc == SQLITE_OK)
        b->rc = sqlite3_bind_int64(b->st, next(b), v);
}

/* A time: NaN, which SQLite would turn into NULL anyway, is bound as NULL
 * explicitly; column_time reads it back as NaN. */
static void bind_time(binder *b, double v)
{
    if (isnan(v))
        bind_null(b);
    else if (b->rc == SQLITE_OK)
        b->rc = sqlite3_bind_double(b->st, next(b), v);
}

/* Text, or NULL for a NULL pointer.  SQLITE_STATIC: the caller's string
 * stays valid until finish() clears the binding. */
static void bind_text(binder *b, const char *v)
{
    if (!v)
        bind_null(b);
    else if (b->rc == SQLITE_OK)
        b->rc = sqlite3_bind_text64(b->st, next(b), v, strlen(v), SQLITE_STATIC, SQLITE_UTF8);
}

static void bind_blob(binder *b, const void *v, size_t n)
{
    /* A NULL pointer would bind SQL NULL, not an empty blob. */
    if (b->rc == SQLITE_OK)
        b->rc = n ? sqlite3_bind_blob64(b->st, next(b), v, n, SQLITE_STATIC)
                  : sqlite3_bind_zeroblob(b->st, next(b), 0);
}

/* Steps a bound statement that returns no rows (an INSERT or UPDATE) and
 * finishes it.  PV_OK, or db_error's code with `what` in the message. */
static int bind_exec(pv_sqlite *s, binder *b, const char *what, pv_err *err)
{
    assert(b->rc != SQLITE_OK || b->n == sqlite3_bind_parameter_count(b->st));
    int rc = b->rc == SQLITE_OK ? sqlite3_step(b->st) : b->rc;
    int ret = rc == SQLITE_DONE ? PV_OK : db_error(s, err, what);
    finish(b->st);
    return ret;
}

/* Runs a statement without parameters whose rows, if any, do not matter. */
static int run(pv_sqlite *s, int id, const char *what, pv_err *err)
{
    sqlite3_stmt *st = get_stmt(s, id, what, err);
    if (!st)
        return PV_E_DB;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    int ret = rc == SQLITE_DONE ? PV_OK : db_error(s, err, what);
    finish(st);
    return ret;
}

/* The cached statement `id` with the profile id bound to its only
 * parameter; NULL (err set) on failure. */
static sqlite3_stmt *get_stmt_for(pv_sqlite *s, int id, int64_t profile_id, const char *what,
                                  pv_err *err)
{
    sqlite3_stmt *st = get_stmt(s, id, what, err);
    if (st && sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), profile_id) !=
                  SQLITE_OK) {
        db_error(s, err, what);
        finish(st);
        return NULL;
    }
    return st;
}

/* Steps `st` to its first row.  PV_OK: the row is current, and the caller
 * reads it and then calls finish().  Otherwise the statement is finished:
 * PV_E_NOTFOUND when there is no row (err untouched), PV_E_DB. */
static int step_row(pv_sqlite *s, sqlite3_stmt *st, const char *what, pv_err *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return PV_OK;
    if (rc != SQLITE_DONE)
        db_error(s, err, what);
    finish(st);
    return rc == SQLITE_DONE ? PV_E_NOTFOUND : PV_E_DB;
}

/* The step pv_sqlite_interrupt stopped. */
static int interrupted(pv_err *err)
{
    return pv_err_set(err, PV_E_DB, "storing the profile: interrupted");
}

static int no_profile(int64_t id, pv_err *err)
{
    return pv_err_set(err, PV_E_NOTFOUND, "no profile %lld", (long long)id);
}

/* The integer a parameterless one-row statement (a PRAGMA, a count)
 * returns. */
static int query_int(pv_sqlite *s, int id, int64_t *out, const char *what, pv_err *err)
{
    sqlite3_stmt *st = get_stmt(s, id, what, err);
    if (!st)
        return PV_E_DB;
    int rc = step_row(s, st, what, err);
    if (rc == PV_E_NOTFOUND)
        return pv_err_set(err, PV_E_DB, "%s: no result", what);
    if (rc != PV_OK)
        return rc;
    *out = sqlite3_column_int64(st, 0);
    finish(st);
    return PV_OK;
}

static int pv_sqlite_data_version(pv_store *base, int64_t *out, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    return query_int(s, STMT_DATA_VERSION, out, "reading data_version", err);
}

/* A nullable time column: NULL is the NaN that was stored. */
static double column_time(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

/* A text column copied into the arena (NULL stays NULL).  PV_OK, or
 * PV_E_TOO_BIG when the arena's limit is hit. */
static int column_arena_str(sqlite3_stmt *st, int col, pv_arena *arena, const char **out)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    if (!v) {
        *out = NULL;
        return PV_OK;
    }
    *out = pv_arena_strndup(arena, v, (size_t)sqlite3_column_bytes(st, col));
    return *out ? PV_OK : PV_E_TOO_BIG;
}

/* A text column as a malloc'd string; "" for NULL. */
static char *column_xstr(sqlite3_stmt *st, int col)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    return pv_xstrndup(v ? v : "", v ? (size_t)sqlite3_column_bytes(st, col) : 0);
}

/* Ends the transaction after a failure; its own failure changes nothing
 * (SQLite has then rolled back already). */
static void rollback(pv_sqlite *s)
{
    if (!sqlite3_get_autocommit(s->db))
        run(s, STMT_ROLLBACK, "rolling back", NULL);
}

/* ---- open and close -------------------------------------------------- */

/* The schema, then the additive steps that came after it, oldest first.
 * Each file ends by setting user_version ("PRAGMA user_version = N;"), so
 * the files are the one place versions are written down.  Uploads to a
 * team store are its only copy, so a new version adds to the schema in a
 * step of its own rather than asking for a reload. */
static const char *const schema_files[] = {"/schema.sql", "/labels.sql", "/recorded.sql",
                                           "/formats.sql"};
#define N_SCHEMA_FILES (sizeof schema_files / sizeof *schema_files)

static const pv_asset *schema_file(size_t i)
{
    const pv_asset *a = pv_asset_find(pv_store_files, pv_store_files_count, schema_files[i]);
    assert(a);
    return a;
}

static int schema_version(const pv_asset *schema)
{
    static const char key[] = "PRAGMA user_version = ";
    const char *p = strstr((const char *)schema->data, key);
    assert(p);
    return atoi(p + sizeof key - 1);
}

/* Runs the schema files past version `have` (0: all of them), inside the
 * caller's transaction. */
static int apply_schema(pv_sqlite *s, int64_t have, const char *what, pv_err *err)
{
    for (size_t i = 0; i < N_SCHEMA_FILES; i++) {
        const pv_asset *f = schema_file(i);
        if (schema_version(f) > have &&
            sqlite3_exec(s->db, (const char *)f->data, NULL, NULL, NULL) != SQLITE_OK)
            return db_error(s, err, what);
    }
    return PV_OK;
}

/* Applies the schema to an empty database, brings a store of an earlier
 * version that the steps cover up to date (writable connections only), or
 * checks that the database has this schema version.  Two processes
 * creating or upgrading the same store at once are serialised by BEGIN
 * IMMEDIATE and the second look at user_version.  `what` names the store
 * for SQLite's messages. */
static int check_schema(pv_sqlite *s, int readonly, const char *what, pv_err *err)
{
    int base = schema_version(schema_file(0));
    int want = schema_version(schema_file(N_SCHEMA_FILES - 1));
    int64_t have = 0, n_objects = 0;
    int rc = query_int(s, STMT_USER_VERSION, &have, what, err);
    int upgradable = have == 0 || (have >= base && have < want);
    if (rc == PV_OK && upgradable && !readonly) {
        rc = run(s, STMT_BEGIN_WRITE, what, err);
        if (rc == PV_OK)
            rc = query_int(s, STMT_USER_VERSION, &have, what, err);
        if (rc == PV_OK && have == 0)
            rc = query_int(s, STMT_COUNT_OBJECTS, &n_objects, what, err);
        if (rc == PV_OK && have == 0 && n_objects > 0)
            rc = pv_err_set(err, PV_E_DB,
                            "%s is an SQLite database but not a profviz store — pass another --db",
                            s->path);
        if (rc == PV_OK && (have == 0 || (have >= base && have < want))) {
            rc = apply_schema(s, have, what, err);
            have = want;
        }
        if (rc == PV_OK)
            rc = run(s, STMT_COMMIT, what, err);
        if (rc != PV_OK)
            rollback(s);
    }
    if (rc != PV_OK)
        return rc;
    if (have == 0)
        return pv_err_set(err, PV_E_DB, "store %s has no profviz schema: nothing to read", s->path);
    if (readonly && have >= base && have < want)
        return pv_err_set(err, PV_E_STALE,
                          "store %s has schema version %lld; this profviz uses %d and upgrades"
                          " it when it opens it for writing (profviz serve or load)",
                          s->path, (long long)have, want);
    if (have != want)
        return pv_err_set(err, PV_E_STALE,
                          "store %s was written by schema version %lld; this profviz uses %d"
                          " — delete it or pass --db",
                          s->path, (long long)have, want);
    return PV_OK;
}

/* Makes the reserve file PV_STORE_RESERVE_BYTES long, or as long as the
 * disk allows: a part of it still helps. */
static void keep_reserve(pv_sqlite *s)
{
    int fd = open(s->reserve, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    for (long long chunk = PV_STORE_RESERVE_BYTES; chunk >= (1 << 20); chunk /= 2) {
        off_t at = lseek(fd, 0, SEEK_END);
        while (at >= 0 && at < PV_STORE_RESERVE_BYTES &&
               posix_fallocate(fd, at, (off_t)chunk) == 0)
            at += chunk;
        if (at >= PV_STORE_RESERVE_BYTES)
            break;
    }
    close(fd);
}

/* The folder holding `path` cannot take new files (a read-only mount, no
 * permission): SQLite could not make the -shm file a WAL reader needs. */
static int folder_unwritable(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? pv_xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : pv_xstrdup(".");
    int no = access(dir, W_OK) != 0;
    free(dir);
    return no;
}

/* "file:PATH?immutable=1", PATH percent-encoded as a URI needs. */
static char *immutable_uri(const char *path)
{
    char *uri = pv_xmalloc(strlen(path) * 3 + sizeof "file:?immutable=1"), *o = uri;
    o += sprintf(o, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        o += *p == '%' || *p == '?' || *p == '#' || *p <= 0x20 || *p >= 0x7f
                 ? sprintf(o, "%%%02X", *p)
                 : sprintf(o, "%c", *p);
    strcpy(o, "?immutable=1");
    return uri;
}

int pv_sqlite_open(const char *path, int flags, pv_store **out, pv_err *err)
{
    *out = NULL;
    int readonly = (flags & PV_STORE_READONLY) != 0;
    if (!readonly && access(path, F_OK) == 0 && access(path, W_OK) != 0)
        return pv_err_set(err, PV_E_IO, "store %s cannot be written (%s): give it write "
                          "permission, or pass another --db", path, strerror(errno));
    pv_sqlite *s = pv_xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    s->path = pv_xstrdup(path);
    /* NOMUTEX: a pv_store is never shared between threads (store.h).
     * Immutable: nothing can change a store nobody can write beside, and
     * SQLite then reads it without the -shm file it could not make. */
    int oflags = SQLITE_OPEN_NOMUTEX |
                 (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    char *uri = readonly && folder_unwritable(path) ? immutable_uri(path) : NULL;
    int rc = sqlite3_open_v2(uri ? uri : path, &s->db, oflags | (uri ? SQLITE_OPEN_URI : 0),
                             NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        int code = (rc & 0xff) == SQLITE_CANTOPEN ? PV_E_IO : PV_E_DB;
        pv_err_set(err, code, "cannot open store %s: %s", path,
                   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        pv_sqlite_close(&s->base);
        return code;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* SQLite opens lazily: "file is not a database" shows up here, so the
     * messages name the store. */
    char *what = pv_xmalloc(strlen(path) + sizeof "opening store ");
    strcpy(what, "opening store ");
    strcat(what, path);
    /* WAL (persistent in the file, so a read-only connection inherits it):
     * readers never block the writer.  With WAL, synchronous=NORMAL loses
     * at most the last commits on power failure, never consistency — fine
     * for a cache of profile files. */
    int ret = readonly ? PV_OK : run(s, STMT_PAGE_SIZE, what, err);
    if (ret == PV_OK && !readonly)
        ret = run(s, STMT_WAL, what, err);
    if (ret == PV_OK)
        ret = run(s, STMT_SYNCHRONOUS, what, err);
    if (ret == PV_OK)
        ret = run(s, STMT_FOREIGN_KEYS, what, err);
    if (ret == PV_OK)
        ret = run(s, STMT_CACHE_SIZE, what, err);
    if (ret == PV_OK)
        ret = check_schema(s, readonly, what, err);
    free(what);
    if (ret != PV_OK) {
        pv_sqlite_close(&s->base);
        return ret;
    }
    if ((flags & PV_STORE_RESERVE) && !readonly) {
        s->reserve = pv_xmalloc(strlen(path) + sizeof "-reserve");
        sprintf(s->reserve, "%s-reserve", path);
        keep_reserve(s);
    }
    *out = &s->base;
    return PV_OK;
}

static void pv_sqlite_close(pv_store *base)
{
    pv_sqlite *s = (pv_sqlite *)base;
    if (!s)
        return;
    for (int i = 0; i < N_STMT; i++)
        sqlite3_finalize(s->stmt[i]);
    for (int i = 0; i < PV_LABEL_STMTS; i++)
        sqlite3_finalize(s->label_stmt[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s->reserve);
    free(s);
}

/* ---- adding ---------------------------------------------------------- */

static int pv_sqlite_find_sha(pv_store *base, const char *sha256, int64_t *id, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "looking up a profile";
    sqlite3_stmt *st = get_stmt(s, STMT_FIND_SHA, what, err);
    if (!st)
        return PV_E_DB;
    binder b = bind_start(st);
    bind_text(by_name(&b, ":sha256"), sha256);
    if (b.rc != SQLITE_OK)
        return bind_exec(s, &b, what, err);  /* reports the failed binding */
    int rc = step_row(s, st, what, err);
    if (rc == PV_E_NOTFOUND)
        return pv_err_set(err, PV_E_NOTFOUND, "no profile with SHA-256 %s", sha256);
    if (rc != PV_OK)
        return rc;
    *id = sqlite3_column_int64(st, 0);
    finish(st);
    return PV_OK;
}


/* A profile filled before unit, calls_unit and variant existed (or by a
 * caller that leaves them NULL) is a pstats one: the columns' defaults. */
static const char *or_default(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

/* The profile's summary row, under id `want` (0: the next free one). */
static int insert_profile(pv_sqlite *s, const pv_profile *p, const pv_source *src,
                          int64_t want, int64_t *id, pv_err *err)
{
    static const char what[] = "storing the profile";
    sqlite3_stmt *st = get_stmt(s, STMT_INSERT_PROFILE, what, err);
    if (!st)
        return PV_E_DB;
    char *warnings = pv_lines_join(p->warnings, p->n_warnings);
    char *choices = pv_lines_join(p->choices, p->n_choices);
    char identity[65];
    pv_store_identity(src->sha256, p->variant, identity);
    int is_variant = strcmp(identity, src->sha256) != 0;
    binder b = bind_start(st);
    if (want)
        bind_int(by_name(&b, ":id"), want);
    else
        bind_null(by_name(&b, ":id"));
    bind_text(by_name(&b, ":name"), src->name);
    bind_text(by_name(&b, ":origin"), src->origin);
    bind_text(by_name(&b, ":format"), p->format);
    bind_text(by_name(&b, ":writer"), p->writer);
    bind_text(by_name(&b, ":dialect"), p->dialect);
    bind_int(by_name(&b, ":marshal_version"), p->marshal_version);
    bind_int(by_name(&b, ":size"), (int64_t)src->size);
    bind_text(by_name(&b, ":sha256"), identity);
    bind_int(by_name(&b, ":loaded_at"), src->loaded_at ? src->loaded_at : (int64_t)time(NULL));
    bind_time(by_name(&b, ":parse_ms"), src->parse_ms);
    bind_int(by_name(&b, ":total_calls"), p->total_calls);
    bind_int(by_name(&b, ":prim_calls"), p->prim_calls);
    bind_time(by_name(&b, ":total_tt"), p->total_tt);
    bind_int(by_name(&b, ":n_funcs"), (int64_t)p->n_entries);
    bind_int(by_name(&b, ":n_caller_only"), (int64_t)(p->n_funcs - p->n_entries));
    bind_int(by_name(&b, ":n_edges"), (int64_t)p->n_edges);
    bind_text(by_name(&b, ":warnings"), warnings);
    bind_text(by_name(&b, ":unit"), or_default(p->unit, "seconds"));
    bind_text(by_name(&b, ":calls_unit"), or_default(p->calls_unit, "calls"));
    bind_text(by_name(&b, ":variant"), or_default(p->variant, ""));
    bind_text(by_name(&b, ":choices"), choices);
    /* A double even when whole (bind_time): -0.0 and 0.0 stay apart. */
    bind_time(by_name(&b, ":empty_weight"), isnan(p->empty_weight) ? 0.0 : p->empty_weight);
    bind_text(by_name(&b, ":file_sha256"), is_variant ? src->sha256 : NULL);
    int rc = bind_exec(s, &b, what, err);
    free(warnings);
    free(choices);
    if (rc != PV_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(s->db);
    return PV_OK;
}

/* The file's first PV_STORE_CHUNK bytes in profile_blob, the rest in
 * profile_chunk (formats.sql). */
static int insert_blob(pv_sqlite *s, int64_t id, const pv_source *src, pv_err *err)
{
    static const char what[] = "storing the profile's bytes";
    sqlite3_stmt *st = get_stmt(s, STMT_INSERT_BLOB, what, err);
    if (!st)
        return PV_E_DB;
    size_t first = src->size < PV_STORE_CHUNK ? src->size : PV_STORE_CHUNK;
    binder b = bind_start(st);
    bind_int(by_name(&b, ":id"), id);
    bind_blob(by_name(&b, ":bytes"), src->bytes, first);
    int rc = bind_exec(s, &b, what, err);
    int64_t seq = 1;
    for (size_t at = first; rc == PV_OK && at < src->size; at += PV_STORE_CHUNK, seq++) {
        if (atomic_load(&s->interrupted))
            return interrupted(err);
        if (!(st = get_stmt(s, STMT_INSERT_CHUNK, what, err)))
            return PV_E_DB;
        size_t n = src->size - at < PV_STORE_CHUNK ? src->size - at : PV_STORE_CHUNK;
        b = bind_start(st);
        bind_int(by_name(&b, ":id"), id);
        bind_int(by_name(&b, ":seq"), seq);
        bind_blob(by_name(&b, ":bytes"), src->bytes + at, n);
        rc = bind_exec(s, &b, what, err);
    }
    return rc;
}

/* Binds row i of a bulk table. */
typedef void bind_row_fn(binder *b, int64_t id, size_t i, const pv_profile *p);

static void bind_function(binder *b, int64_t id, size_t i, const pv_profile *p)
{
    const pv_func *f = &p->funcs[i];
    bind_int(b, id);
    bind_int(b, (int64_t)i);
    bind_text(b, f->file);
    bind_int(b, f->line);
    bind_text(b, f->name);
    bind_int(b, f->cc);
    bind_int(b, f->nc);
    bind_time(b, f->tt);
    bind_time(b, f->ct);
    bind_text(b, f->code_name);
    bind_text(b, f->code_file);
    if (f->code_name)
        bind_int(b, f->code_line);
    else
        bind_null(b);
    bind_int(b, f->flags);
}

static void bind_edge(binder *b, int64_t id, size_t i, const pv_profile *p)
{
    const pv_edge *e = &p->edges[i];
    bind_int(b, id);
    bind_int(b, e->callee);
    bind_int(b, (int64_t)i);
    bind_int(b, e->caller);
    bind_int(b, e->nc);
    bind_int(b, e->cc);
    bind_time(b, e->tt);
    bind_time(b, e->ct);
    bind_int(b, e->is_count);
}

static void bind_node(binder *b, int64_t id, size_t i, const pv_profile *p)
{
    const pv_node *n = &p->recorded->nodes[i];
    bind_int(b, id);
    bind_int(b, (int64_t)i);
    if (n->parent == PV_NODE_TOP)
        bind_null(b);
    else
        bind_int(b, n->parent);
    if (n->func == PV_NODE_OVERFLOW)
        bind_null(b);
    else
        bind_int(b, n->func);
    bind_int(b, n->calls);
    bind_time(b, n->tt);
    bind_time(b, n->ct);
}

/* Inserts rows 0..n-1 with `bulk` (BULK_ROWS rows a statement), the rest
 * with `one`.  Rows go in primary-key order, so each insert appends to the
 * right-most leaf of its table. */
static int insert_rows(pv_sqlite *s, int one, int bulk, size_t n, bind_row_fn *bind_row,
                       int64_t id, const pv_profile *p, const char *what, pv_err *err)
{
    sqlite3_stmt *st_one = get_stmt(s, one, what, err);
    sqlite3_stmt *st_bulk = st_one ? get_stmt(s, bulk, what, err) : NULL;
    if (!st_bulk)
        return PV_E_DB;
    size_t i = 0;
    while (i < n) {
        if (atomic_load(&s->interrupted))
            return interrupted(err);
        size_t end = n - i >= BULK_ROWS ? i + BULK_ROWS : i + 1;
        binder b = bind_start(end - i == 1 ? st_one : st_bulk);
        for (; i < end; i++)
            bind_row(&b, id, i, p);
        if (bind_exec(s, &b, what, err) != PV_OK)
            return PV_E_DB;
    }
    return PV_OK;
}

/* A recorded profile's tree: its row in recorded_tree, then its nodes. */
static int insert_recorded(pv_sqlite *s, int64_t id, const pv_profile *p, pv_err *err)
{
    static const char what[] = "storing the recorded tree";
    const pv_recorded *r = p->recorded;
    sqlite3_stmt *st = get_stmt(s, STMT_INSERT_RECORDED, what, err);
    if (!st)
        return PV_E_DB;
    binder b = bind_start(st);
    bind_int(by_name(&b, ":id"), id);
    bind_int(by_name(&b, ":threads"), r->threads);
    bind_int(by_name(&b, ":max_paths"), r->max_paths);
    bind_int(by_name(&b, ":overflow_calls"), r->overflow_calls);
    bind_text(by_name(&b, ":timer"), r->timer);
    bind_text(by_name(&b, ":recorder"), r->recorder);
    int rc = bind_exec(s, &b, what, err);
    if (rc == PV_OK)
        rc = insert_rows(s, STMT_INSERT_NODE, STMT_INSERT_NODES, r->n_nodes, bind_node, id, p,
                         what, err);
    return rc;
}

/* Records how long the transaction took so far; the COMMIT itself (the
 * WAL write) cannot be inside its own row. */
static int set_store_ms(pv_sqlite *s, int64_t id, double ms, pv_err *err)
{
    static const char what[] = "storing the profile";
    sqlite3_stmt *st = get_stmt(s, STMT_SET_STORE_MS, what, err);
    if (!st)
        return PV_E_DB;
    binder b = bind_start(st);
    bind_time(by_name(&b, ":store_ms"), ms);
    bind_int(by_name(&b, ":id"), id);
    return bind_exec(s, &b, what, err);
}


static int pv_sqlite_begin(pv_store *base, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    atomic_store(&s->interrupted, 0);
    return run(s, STMT_BEGIN_WRITE, "starting to store a profile", err);
}

static int pv_sqlite_take_ids(pv_store *base, size_t n, int64_t *first, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "taking profile ids";
    *first = 0;
    int rc = run(s, STMT_BEGIN_WRITE, what, err);
    if (rc == PV_OK)
        rc = run(s, STMT_SEQ_ROW, what, err);
    sqlite3_stmt *st = rc == PV_OK ? get_stmt(s, STMT_SEQ_TAKE, what, err) : NULL;
    if (st) {
        binder b = bind_start(st);
        bind_int(by_name(&b, ":n"), (int64_t)n);
        rc = b.rc == SQLITE_OK ? step_row(s, st, what, err) : bind_exec(s, &b, what, err);
        if (rc == PV_OK) {
            *first = sqlite3_column_int64(st, 0) - (int64_t)n + 1;
            finish(st);
        } else if (rc == PV_E_NOTFOUND) {
            rc = pv_err_set(err, PV_E_DB, "%s: no sequence row", what);
        }
    } else if (rc == PV_OK) {
        rc = PV_E_DB;
    }
    if (rc == PV_OK)
        rc = run(s, STMT_COMMIT, what, err);
    if (rc != PV_OK) {
        rollback(s);
        *first = 0;
    }
    return rc;
}

static int pv_sqlite_reserve(pv_store *base, const pv_profile *p, const pv_source *src, int64_t want,
                     int64_t *id, int *existed, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    assert(!sqlite3_get_autocommit(s->db));
    *existed = 0;
    *id = 0;
    char identity[65];
    pv_store_identity(src->sha256, p->variant, identity);
    int rc = pv_store_check_refs(p, err);
    if (rc == PV_OK)
        rc = pv_sqlite_find_sha(&s->base, identity, id, err);
    if (rc == PV_OK) {
        *existed = 1;
        return PV_OK;
    }
    if (rc != PV_E_NOTFOUND)
        return rc;
    pv_err_clear(err);
    return insert_profile(s, p, src, want, id, err);
}

static int pv_sqlite_fill(pv_store *base, int64_t id, const pv_profile *p, const pv_source *src,
                  pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    assert(p->n_entries <= p->n_funcs && !sqlite3_get_autocommit(s->db));
    double t0 = pv_now_ms();
    int rc = insert_blob(s, id, src, err);
    if (rc == PV_OK)
        rc = insert_rows(s, STMT_INSERT_FUNCTION, STMT_INSERT_FUNCTIONS, p->n_funcs,
                         bind_function, id, p, "storing functions", err);
    if (rc == PV_OK)
        rc = insert_rows(s, STMT_INSERT_EDGE, STMT_INSERT_EDGES, p->n_edges, bind_edge, id, p,
                         "storing caller->callee edges", err);
    if (rc == PV_OK && p->recorded)
        rc = insert_recorded(s, id, p, err);
    if (rc == PV_OK)
        rc = set_store_ms(s, id, pv_now_ms() - t0, err);
    return rc;
}

static int pv_sqlite_commit(pv_store *base, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    if (atomic_load(&s->interrupted))
        return interrupted(err);
    return run(s, STMT_COMMIT, "committing the profile", err);
}

static void pv_sqlite_rollback(pv_store *base)
{
    pv_sqlite *s = (pv_sqlite *)base;
    rollback(s);
    atomic_store(&s->interrupted, 0);
}

static void pv_sqlite_interrupt(pv_store *base)
{
    pv_sqlite *s = (pv_sqlite *)base;
    atomic_store(&s->interrupted, 1);
    sqlite3_interrupt(s->db);
}


/* ---- deleting -------------------------------------------------------- */

static int delete_rows(pv_sqlite *s, int64_t id, pv_err *err)
{
    /* The bulk tables have no foreign keys to cascade from (schema.sql):
     * every table is cleared here, in one transaction. */
    static const int deletes[] = {STMT_DELETE_PROFILE, STMT_DELETE_FUNCTIONS, STMT_DELETE_EDGES,
                                  STMT_DELETE_TREE_NODES, STMT_DELETE_RECORDED,
                                  STMT_DELETE_NODES};
    static const char what[] = "deleting a profile";
    int rc = run(s, STMT_BEGIN_WRITE, what, err);
    for (size_t i = 0; rc == PV_OK && i < sizeof deletes / sizeof *deletes; i++) {
        sqlite3_stmt *st = get_stmt(s, deletes[i], what, err);
        if (!st) {
            rc = PV_E_DB;
            break;
        }
        binder b = bind_start(st);
        bind_int(&b, id);
        rc = bind_exec(s, &b, what, err);
        if (rc == PV_OK && deletes[i] == STMT_DELETE_PROFILE && sqlite3_changes(s->db) == 0)
            rc = no_profile(id, err);
    }
    if (rc == PV_OK)
        rc = run(s, STMT_COMMIT, what, err);
    if (rc != PV_OK)
        rollback(s);
    return rc;
}

static int pv_sqlite_delete(pv_store *base, int64_t id, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    int rc = delete_rows(s, id, err);
    if (rc != PV_E_FULL || !s->reserve)
        return rc;
    /* The disk is full: the reserve's room goes to the WAL, which the
     * delete's pages are written to.  The pages it frees in the store are
     * reused by the next upload, whose pages go to the WAL first: a
     * checkpoint now lets the next write start the WAL from its beginning
     * again, in the room it already has, instead of growing it (without
     * waiting for readers: if one holds the WAL, the next delete tries
     * again).  The reserve is then made again as far as space allows. */
    unlink(s->reserve);
    rc = delete_rows(s, id, err);
    if (rc == PV_OK) {
        sqlite3_busy_timeout(s->db, 0);
        sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
        sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    }
    keep_reserve(s);
    return rc;
}

/* ---- summaries ------------------------------------------------------- */

/* One row of INFO_COLUMNS into *out, strings malloc'd. */
static void row_to_info(sqlite3_stmt *st, pv_profile_info *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->name = column_xstr(st, 1);
    out->origin = column_xstr(st, 2);
    out->format = column_xstr(st, 3);
    out->writer = column_xstr(st, 4);
    out->dialect = column_xstr(st, 5);
    out->sha256 = column_xstr(st, 6);
    out->warnings = column_xstr(st, 7);
    out->size = sqlite3_column_int64(st, 8);
    out->loaded_at = sqlite3_column_int64(st, 9);
    out->parse_ms = column_time(st, 10);
    out->store_ms = column_time(st, 11);
    out->marshal_version = sqlite3_column_int(st, 12);
    out->total_calls = sqlite3_column_int64(st, 13);
    out->prim_calls = sqlite3_column_int64(st, 14);
    out->total_tt = column_time(st, 15);
    out->n_funcs = sqlite3_column_int64(st, 16);
    out->n_edges = sqlite3_column_int64(st, 17);
    out->unit = column_xstr(st, 18);
    out->calls_unit = column_xstr(st, 19);
    out->variant = column_xstr(st, 20);
    out->choices = column_xstr(st, 21);
}

void pv_sqlite_row_info(sqlite3_stmt *st, pv_profile_info *out)
{
    row_to_info(st, out);
}

static int pv_sqlite_info(pv_store *base, int64_t id, pv_profile_info *out, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "reading a profile's summary";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = get_stmt_for(s, STMT_INFO, id, what, err);
    if (!st)
        return PV_E_DB;
    int rc = step_row(s, st, what, err);
    if (rc == PV_E_NOTFOUND)
        return no_profile(id, err);
    if (rc != PV_OK)
        return rc;
    row_to_info(st, out);
    finish(st);
    return PV_OK;
}


static int pv_sqlite_list(pv_store *base, pv_profile_info **out, size_t *n, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "listing profiles";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = get_stmt(s, STMT_LIST, what, err);
    if (!st)
        return PV_E_DB;
    pv_profile_info *arr = NULL;
    size_t len = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        arr = pv_xgrow(arr, &cap, len + 1, sizeof *arr);
        row_to_info(st, &arr[len++]);
    }
    if (rc != SQLITE_DONE)
        db_error(s, err, what);
    finish(st);
    if (rc != SQLITE_DONE) {
        pv_profile_info_free_array(arr, len);
        return PV_E_DB;
    }
    *out = arr;
    *n = len;
    return PV_OK;
}


/* ---- reading a profile back ------------------------------------------ */

/* Steps of pv_sqlite_read, each filling part of *out.  They return PV_OK,
 * PV_E_NOTFOUND, PV_E_TOO_BIG (arena) or PV_E_DB; `what` names the step. */

static int too_big(int64_t id, pv_arena *arena, pv_err *err)
{
    return pv_err_set(err, PV_E_TOO_BIG, "profile %lld does not fit in the memory limit (%zu bytes)",
                      (long long)id, arena->limit);
}

/* Sizes or ids that contradict the profile row mean a damaged store. */
static int inconsistent(int64_t id, const char *what, pv_err *err)
{
    return pv_err_set(err, PV_E_DB, "profile %lld is damaged in the store: %s", (long long)id, what);
}

/* Splits a newline-separated column (warnings, choices) into an array of
 * strings in the arena: *out_n of them, none for "".  PV_OK, or
 * PV_E_TOO_BIG when the arena's limit is hit. */
static int split_lines(const char *text, size_t len, pv_arena *arena, const char ***out,
                       size_t *out_n)
{
    *out_n = 0;
    *out = NULL;
    size_t n = pv_lines_count(text, len);
    if (n == 0)
        return PV_OK;
    const char **w = PV_ARENA_NEW(arena, const char *, n);
    if (!w)
        return PV_E_TOO_BIG;
    pv_lines_iter it;
    pv_lines_begin(&it, text, len);
    const char *at;
    size_t k;
    for (size_t i = 0; (at = pv_lines_next(&it, &k)); i++)
        if (!(w[i] = pv_arena_strndup(arena, at, k)))
            return PV_E_TOO_BIG;
    *out = w;
    *out_n = n;
    return PV_OK;
}

static int read_head(pv_sqlite *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    static const char what[] = "reading a profile";
    sqlite3_stmt *st = get_stmt_for(s, STMT_READ_HEAD, id, what, err);
    if (!st)
        return PV_E_DB;
    int rc = step_row(s, st, what, err);
    if (rc == PV_E_NOTFOUND)
        return no_profile(id, err);
    if (rc != PV_OK)
        return rc;
    const char **choices = NULL;
    int64_t n_funcs = sqlite3_column_int64(st, 7);
    int64_t n_caller_only = sqlite3_column_int64(st, 8);
    int64_t n_edges = sqlite3_column_int64(st, 9);
    out->marshal_version = sqlite3_column_int(st, 3);
    out->total_calls = sqlite3_column_int64(st, 4);
    out->prim_calls = sqlite3_column_int64(st, 5);
    out->total_tt = column_time(st, 6);
    out->empty_weight = column_time(st, 15);
    /* Edges name functions by uint32 index. */
    if (n_funcs < 0 || n_caller_only < 0 || n_edges < 0 || n_funcs > UINT32_MAX - n_caller_only)
        rc = inconsistent(id, "negative or huge counts", err);
    else if (column_arena_str(st, 0, arena, &out->format) ||
             column_arena_str(st, 1, arena, &out->writer) ||
             column_arena_str(st, 2, arena, &out->dialect) ||
             column_arena_str(st, 11, arena, &out->unit) ||
             column_arena_str(st, 12, arena, &out->calls_unit) ||
             column_arena_str(st, 13, arena, &out->variant) ||
             split_lines((const char *)sqlite3_column_text(st, 10),
                         (size_t)sqlite3_column_bytes(st, 10), arena, &out->warnings,
                         &out->n_warnings) ||
             split_lines((const char *)sqlite3_column_text(st, 14),
                         (size_t)sqlite3_column_bytes(st, 14), arena, &choices,
                         &out->n_choices))
        rc = too_big(id, arena, err);
    out->choices = choices;
    out->n_entries = (size_t)n_funcs;
    out->n_funcs = (size_t)(n_funcs + n_caller_only);
    out->n_edges = (size_t)n_edges;
    finish(st);
    return rc;
}

/* Functions in id order, which is file order.  The ids must be exactly
 * 0 .. n_funcs-1, since edges index the array by them. */
static int read_functions(pv_sqlite *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    static const char what[] = "reading functions";
    pv_func *funcs = PV_ARENA_NEW(arena, pv_func, out->n_funcs);
    if (!funcs)
        return too_big(id, arena, err);
    sqlite3_stmt *st = get_stmt_for(s, STMT_READ_FUNCTIONS, id, what, err);
    if (!st)
        return PV_E_DB;
    int ret = PV_OK, rc;
    size_t i = 0;
    while (ret == PV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (i >= out->n_funcs || sqlite3_column_int64(st, 0) != (int64_t)i) {
            ret = inconsistent(id, "function ids are not 0..n-1", err);
            break;
        }
        pv_func *f = &funcs[i++];
        f->line = sqlite3_column_int64(st, 2);
        f->cc = sqlite3_column_int64(st, 4);
        f->nc = sqlite3_column_int64(st, 5);
        f->tt = column_time(st, 6);
        f->ct = column_time(st, 7);
        f->code_line = sqlite3_column_int64(st, 10);  /* NULL reads as 0 */
        f->flags = (uint32_t)sqlite3_column_int64(st, 11);
        if (column_arena_str(st, 1, arena, &f->file) || column_arena_str(st, 3, arena, &f->name) ||
            column_arena_str(st, 8, arena, &f->code_name) ||
            column_arena_str(st, 9, arena, &f->code_file))
            ret = too_big(id, arena, err);
    }
    if (ret == PV_OK && rc != SQLITE_DONE)
        ret = db_error(s, err, what);
    else if (ret == PV_OK && i != out->n_funcs)
        ret = inconsistent(id, "fewer functions than counted", err);
    finish(st);
    out->funcs = funcs;
    return ret;
}

/* Edges in seq order, which is file order.  They come in primary-key
 * order (by callee) and each goes to its seq, which must be 0 .. n-1 once
 * each: is_count, 0 or 1 in the table, marks slots still empty. */
static int read_edges(pv_sqlite *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    static const char what[] = "reading caller->callee edges";
    pv_edge *edges = PV_ARENA_NEW(arena, pv_edge, out->n_edges);
    if (!edges)
        return too_big(id, arena, err);
    for (size_t i = 0; i < out->n_edges; i++)
        edges[i].is_count = UINT8_MAX;
    sqlite3_stmt *st = get_stmt_for(s, STMT_READ_EDGES, id, what, err);
    if (!st)
        return PV_E_DB;
    int ret = PV_OK, rc;
    size_t n = 0;
    while (ret == PV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        int64_t caller = sqlite3_column_int64(st, 1), callee = sqlite3_column_int64(st, 2);
        if (seq < 0 || (uint64_t)seq >= out->n_edges || edges[seq].is_count != UINT8_MAX ||
            caller < 0 || callee < 0 || (uint64_t)caller >= out->n_funcs ||
            (uint64_t)callee >= out->n_funcs) {
            ret = inconsistent(id, "edge numbering or ends out of range", err);
            break;
        }
        pv_edge *e = &edges[seq];
        e->caller = (uint32_t)caller;
        e->callee = (uint32_t)callee;
        e->nc = sqlite3_column_int64(st, 3);
        e->cc = sqlite3_column_int64(st, 4);
        e->tt = column_time(st, 5);
        e->ct = column_time(st, 6);
        e->is_count = sqlite3_column_int(st, 7) != 0;
        n++;
    }
    if (ret == PV_OK && rc != SQLITE_DONE)
        ret = db_error(s, err, what);
    else if (ret == PV_OK && n != out->n_edges)
        ret = inconsistent(id, "fewer edges than counted", err);
    finish(st);
    out->edges = edges;
    return ret;
}

/* The recorded tree, when the profile has one: its nodes in pre-order,
 * checked as the loader checked them, since the graph indexes by them. */
static int read_recorded(pv_sqlite *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    static const char what[] = "reading the recorded tree";
    sqlite3_stmt *st = get_stmt_for(s, STMT_READ_RECORDED, id, what, err);
    if (!st)
        return PV_E_DB;
    int rc = step_row(s, st, what, err);
    if (rc == PV_E_NOTFOUND)
        return PV_OK;  /* plain pstats */
    if (rc != PV_OK)
        return rc;
    pv_recorded *r = PV_ARENA_NEW(arena, pv_recorded, 1);
    int64_t n = sqlite3_column_int64(st, 5);
    if (r) {
        memset(r, 0, sizeof *r);
        r->threads = sqlite3_column_int64(st, 0);
        r->max_paths = sqlite3_column_int64(st, 1);
        r->overflow_calls = sqlite3_column_int64(st, 2);
        r->n_nodes = (size_t)(n > 0 ? n : 0);
        r->nodes = PV_ARENA_NEW(arena, pv_node, r->n_nodes ? r->n_nodes : 1);
    }
    if (!r || !r->nodes || column_arena_str(st, 3, arena, &r->timer) ||
        column_arena_str(st, 4, arena, &r->recorder))
        rc = too_big(id, arena, err);
    finish(st);
    if (rc != PV_OK)
        return rc;
    if (!(st = get_stmt_for(s, STMT_READ_NODES, id, what, err)))
        return PV_E_DB;
    int sr;
    size_t i = 0;
    while (rc == PV_OK && (sr = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t parent = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
        int64_t func = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
        if (i >= r->n_nodes || sqlite3_column_int64(st, 0) != (int64_t)i || parent >= (int64_t)i ||
            func >= (int64_t)out->n_entries) {
            rc = inconsistent(id, "recorded nodes are not 0..n-1 with parents before them", err);
            break;
        }
        pv_node *nd = &r->nodes[i++];
        nd->parent = parent < 0 ? PV_NODE_TOP : (uint32_t)parent;
        nd->func = func < 0 ? PV_NODE_OVERFLOW : (uint32_t)func;
        nd->calls = sqlite3_column_int64(st, 3);
        nd->tt = column_time(st, 4);
        nd->ct = column_time(st, 5);
    }
    if (rc == PV_OK && sr != SQLITE_DONE)
        rc = db_error(s, err, what);
    else if (rc == PV_OK && i != r->n_nodes)
        rc = inconsistent(id, "fewer recorded nodes than counted", err);
    finish(st);
    out->recorded = r;
    return rc;
}

static int pv_sqlite_read(pv_store *base, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    memset(out, 0, sizeof *out);
    /* One read transaction: a concurrent delete cannot leave us with a
     * header whose functions are gone. */
    int rc = run(s, STMT_BEGIN_READ, "reading a profile", err);
    if (rc != PV_OK)
        return rc;
    rc = read_head(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = read_functions(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = read_edges(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = read_recorded(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = run(s, STMT_COMMIT, "reading a profile", err);
    if (rc != PV_OK) {
        rollback(s);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* Hands the bytes of row after row of `st` (column 0) to the sink. */
static int sink_rows(pv_sqlite *s, sqlite3_stmt *st, pv_store_sink *sink, void *ctx,
                     const char *what, uint64_t *total, pv_err *err)
{
    int rc, ret = PV_OK;
    while (ret == PV_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* A zero-length blob comes back as a NULL pointer. */
        const unsigned char *v = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        *total += n;
        if (sink(ctx, v ? v : (const unsigned char *)"", n) != 0)
            ret = pv_err_set(err, PV_E_IO, "%s: stopped by the receiver", what);
    }
    if (ret == PV_OK && rc != SQLITE_DONE)
        ret = db_error(s, err, what);
    finish(st);
    return ret;
}

static int pv_sqlite_raw_each(pv_store *base, int64_t id, pv_store_sink *sink, void *ctx, pv_err *err)
{
    pv_sqlite *s = (pv_sqlite *)base;
    static const char what[] = "reading a profile's bytes";
    /* One read transaction: a concurrent delete cannot cut the file short. */
    int rc = run(s, STMT_BEGIN_READ, what, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_stmt *st = get_stmt_for(s, STMT_RAW, id, what, err);
    rc = st ? step_row(s, st, what, err) : PV_E_DB;
    if (rc == PV_E_NOTFOUND)
        rc = no_profile(id, err);
    uint64_t size = 0, total = 0;
    if (rc == PV_OK) {
        size = (uint64_t)sqlite3_column_int64(st, 1);
        sqlite3_reset(st);  /* sink_rows steps it again from its first row */
        rc = sink_rows(s, st, sink, ctx, what, &total, err);
    }
    if (rc == PV_OK && total < size) {
        st = get_stmt_for(s, STMT_RAW_CHUNKS, id, what, err);
        rc = st ? sink_rows(s, st, sink, ctx, what, &total, err) : PV_E_DB;
    }
    if (rc == PV_OK && total != size)
        rc = inconsistent(id, "its bytes do not add up to its size", err);
    if (rc == PV_OK)
        rc = run(s, STMT_COMMIT, what, err);
    if (rc != PV_OK)
        rollback(s);
    return rc;
}



static const pv_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = pv_sqlite_close,
    .data_version = pv_sqlite_data_version,
    .find_sha = pv_sqlite_find_sha,
    .begin = pv_sqlite_begin,
    .take_ids = pv_sqlite_take_ids,
    .reserve = pv_sqlite_reserve,
    .fill = pv_sqlite_fill,
    .commit = pv_sqlite_commit,
    .rollback = pv_sqlite_rollback,
    .interrupt = pv_sqlite_interrupt,
    .delete_profile = pv_sqlite_delete,
    .info = pv_sqlite_info,
    .list = pv_sqlite_list,
    .read = pv_sqlite_read,
    .raw_each = pv_sqlite_raw_each,
    .labels = pv_sqlite_labels,
    .label_edit = pv_sqlite_label_edit,
    .query = pv_sqlite_query,
    .oldest = pv_sqlite_oldest,
    .used_bytes = pv_sqlite_used_bytes,
};
