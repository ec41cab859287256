/* pg.c — the PostgreSQL backend of the store (backend.h): a database that
 * several `profviz serve` processes share.  See store.h and pg.sql.
 *
 * One pv_store is one libpq connection.  Every value is a parameter,
 * sent and read in binary (pg_internal.h), and bulk rows go by COPY in
 * PostgreSQL's binary format, so storing a profile is a few round trips
 * whatever its size.  A profile is stored in one transaction (READ
 * COMMITTED): nobody sees it before the commit, and a connection that
 * drops is rolled back by the server.  Two connections storing the same
 * identity at once meet on profile.sha256's unique index: the second
 * INSERT waits for the first to commit, then does nothing and finds the
 * first's id.  Reads that take several statements run in one REPEATABLE
 * READ snapshot.  This file neither parses profiles nor decides where
 * stores live (cli/).
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asset.h"
#include "clock.h"
#include "lines.h"
#include "pg_internal.h"
#include "xalloc.h"

/* Type OIDs of the built-in types we bind (pg_type.dat; stable across
 * releases). */
#define BYTEAOID 17
#define INT8OID 20
#define TEXTOID 25
#define FLOAT8OID 701

/* COPY data is handed to libpq in pieces of about this size. */
#define COPY_BUFFER ((size_t)1 << 20)

/* The advisory lock that serialises creating and upgrading a store's
 * schema: 0x70760000 ("pv") and a hash of the schema's name, so stores
 * in other schemas of the database do not wait for each other. */
#define SCHEMA_LOCK_SQL \
    "SELECT pg_advisory_xact_lock(1886781440, hashtext(coalesce(current_schema(), '')))"

struct pv_pg {
    pv_store base;            /* ops = pg_ops */
    PGconn *conn;
    char *name;               /* the URI with any password redacted, for messages */
    int readonly;
    int in_tx;                /* a BEGIN of ours has not been ended yet */
    pthread_mutex_t cancel_lock;  /* guards cancel against a reconnect */
    PGcancel *cancel;         /* what pv_pg_interrupt sends, from any thread */
    atomic_int interrupted;   /* pv_pg_interrupt was called (any thread) */
};

static const pv_store_ops pg_ops;
static void pv_pg_close(pv_store *base);

/* ---- parameters and results ------------------------------------------ */

/* The low n bytes of v, most significant first: PostgreSQL's binary
 * formats are big-endian. */
static void put_be(unsigned char *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)v;
}

static uint64_t get_be(const unsigned char *b, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | b[i];
    return v;
}

static int add_param(pv_pg_params *p, Oid type, const char *v, size_t n, int binary)
{
    assert(p->n < PV_PG_MAX_PARAMS && n <= INT32_MAX);
    int i = p->n++;
    p->types[i] = type;
    p->values[i] = v;
    p->lengths[i] = (int)n;
    p->formats[i] = binary;
    return i;
}

void pv_pg_int8(pv_pg_params *p, int64_t v)
{
    int i = add_param(p, INT8OID, NULL, 8, 1);
    put_be(p->num[i], (uint64_t)v, 8);
    p->values[i] = (const char *)p->num[i];
}

void pv_pg_float8(pv_pg_params *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int i = add_param(p, FLOAT8OID, NULL, 8, 1);
    put_be(p->num[i], bits, 8);
    p->values[i] = (const char *)p->num[i];
}

void pv_pg_bytes(pv_pg_params *p, const void *v, size_t n)
{
    /* libpq reads a NULL value pointer as SQL NULL. */
    add_param(p, BYTEAOID, v ? (const char *)v : "", n, 1);
}

void pv_pg_bstr(pv_pg_params *p, const char *v)
{
    add_param(p, BYTEAOID, v, v ? strlen(v) : 0, 1);
}

void pv_pg_text(pv_pg_params *p, const char *v)
{
    add_param(p, TEXTOID, v, v ? strlen(v) : 0, 1);
}

void pv_pg_literal(pv_pg_params *p, const char *v, Oid type)
{
    add_param(p, type, v, strlen(v), 0);
}

int64_t pv_pg_get_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    int n = PQgetlength(r, row, col);
    uint64_t v = get_be((const unsigned char *)PQgetvalue(r, row, col), n);
    /* Sign-extend the narrower integer types. */
    if (n == 4)
        return (int32_t)(uint32_t)v;
    if (n == 2)
        return (int16_t)(uint16_t)v;
    return (int64_t)v;
}

double pv_pg_get_double(const PGresult *r, int row, int col)
{
    uint64_t bits = get_be((const unsigned char *)PQgetvalue(r, row, col), 8);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

char *pv_pg_get_xstr(const PGresult *r, int row, int col)
{
    return pv_xstrndup(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

/* bytea or text as a string in the arena (NULL stays NULL).  PV_OK or
 * PV_E_TOO_BIG. */
static int get_arena_str(const PGresult *r, int row, int col, pv_arena *arena, const char **out)
{
    if (PQgetisnull(r, row, col)) {
        *out = NULL;
        return PV_OK;
    }
    *out = pv_arena_strndup(arena, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
    return *out ? PV_OK : PV_E_TOO_BIG;
}

/* ---- statements ------------------------------------------------------ */

/* The server's reason for a failed result, or the connection's; one line. */
static void reason(pv_pg *s, const PGresult *r, char *buf, size_t cap)
{
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(buf, cap, "%s", m ? m : PQerrorMessage(s->conn));
    buf[strcspn(buf, "\n")] = '\0';
}

/* Fills err for a failed statement: PV_E_DB, naming the store. */
static int db_error(pv_pg *s, const PGresult *r, const char *what, pv_err *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* 57014: query_canceled, what pv_pg_interrupt's PQcancel does. */
    if (atomic_load(&s->interrupted) || (state && strcmp(state, "57014") == 0))
        return pv_err_set(err, PV_E_DB, "%s: interrupted", what);
    char why[400];
    reason(s, r, why, sizeof why);
    return pv_err_set(err, PV_E_DB, "%s: %s (store %s)", what, why, s->name);
}

static int session_setup(pv_pg *s, const char *what, pv_err *err);

/* A dropped connection (a restarted server) is made again before the
 * next statement outside a transaction.  Never inside one: the rest of a
 * transaction must not run on a new connection, outside any transaction,
 * after its first half was lost; it fails, and the owner rolls back. */
static void reconnect_if_lost(pv_pg *s)
{
    if (s->in_tx || PQstatus(s->conn) != CONNECTION_BAD)
        return;
    pthread_mutex_lock(&s->cancel_lock);
    PQreset(s->conn);
    PQfreeCancel(s->cancel);
    s->cancel = PQgetCancel(s->conn);
    pthread_mutex_unlock(&s->cancel_lock);
    /* A failure here shows in the statement that follows. */
    if (PQstatus(s->conn) == CONNECTION_OK)
        session_setup(s, "connecting again", NULL);
}

PGresult *pv_pg_exec(pv_pg *s, const char *sql, const pv_pg_params *p, const char *what,
                     pv_err *err)
{
    PGresult *r = NULL;
    /* Outside a transaction, a statement that finds the connection gone
     * (libpq learns it only then) runs once more on a new one. */
    for (int tries = 0; tries < 2; tries++) {
        reconnect_if_lost(s);
        PQclear(r);
        r = PQexecParams(s->conn, sql, p ? p->n : 0, p ? p->types : NULL,
                         p ? p->values : NULL, p ? p->lengths : NULL, p ? p->formats : NULL, 1);
        if (s->in_tx || PQstatus(s->conn) != CONNECTION_BAD)
            break;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        if (strncmp(sql, "BEGIN", 5) == 0)
            s->in_tx = 1;
        return r;
    }
    db_error(s, r, what, err);
    PQclear(r);
    return NULL;
}

int pv_pg_run(pv_pg *s, const char *sql, const pv_pg_params *params, const char *what,
              pv_err *err)
{
    PGresult *r = pv_pg_exec(s, sql, params, what, err);
    PQclear(r);
    return r ? PV_OK : PV_E_DB;
}

int pv_pg_begin_read(pv_pg *s, const char *what, pv_err *err)
{
    return pv_pg_run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, what, err);
}

int pv_pg_commit(pv_pg *s, const char *what, pv_err *err)
{
    PGresult *r = pv_pg_exec(s, "COMMIT", NULL, what, err);
    s->in_tx = 0;
    if (!r)
        return PV_E_DB;
    /* COMMIT of a transaction that had failed succeeds as a ROLLBACK. */
    int ok = strcmp(PQcmdStatus(r), "COMMIT") == 0;
    PQclear(r);
    return ok ? PV_OK : pv_err_set(err, PV_E_DB, "%s: the transaction was rolled back", what);
}

void pv_pg_rollback(pv_pg *s)
{
    PGTransactionStatusType t = PQtransactionStatus(s->conn);
    if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
        PQclear(PQexec(s->conn, "ROLLBACK"));
    s->in_tx = 0;
}

/* The one integer a one-row statement returns: PV_OK, PV_E_NOTFOUND (no
 * row; err untouched) or PV_E_DB. */
static int query_int(pv_pg *s, const char *sql, const pv_pg_params *p, int64_t *out,
                     const char *what, pv_err *err)
{
    PGresult *r = pv_pg_exec(s, sql, p, what, err);
    if (!r)
        return PV_E_DB;
    int rc = PQntuples(r) > 0 ? PV_OK : PV_E_NOTFOUND;
    if (rc == PV_OK)
        *out = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return rc;
}

static int no_profile(int64_t id, pv_err *err)
{
    return pv_err_set(err, PV_E_NOTFOUND, "no profile %lld", (long long)id);
}

static int interrupted(pv_err *err)
{
    return pv_err_set(err, PV_E_DB, "storing the profile: interrupted");
}

/* ---- COPY in binary -------------------------------------------------- */

/* Rows for COPY ... FROM STDIN (FORMAT binary): a header, then per row a
 * field count and each field as its length and bytes (-1: NULL), then a
 * trailer.  The buffer goes to libpq whenever it passes COPY_BUFFER. */
typedef struct copy_out {
    pv_pg *s;
    unsigned char *buf;
    size_t len, cap;
    int64_t sent;  /* bytes handed to libpq */
    int failed;    /* PQputCopyData failed: the connection's message says why */
} copy_out;

static void copy_put(copy_out *c, const void *v, size_t n)
{
    c->buf = pv_xgrow(c->buf, &c->cap, c->len + n, 1);
    memcpy(c->buf + c->len, v, n);
    c->len += n;
}

static void copy_be(copy_out *c, uint64_t v, int n)
{
    unsigned char b[8];
    put_be(b, v, n);
    copy_put(c, b, (size_t)n);
}

static void copy_flush(copy_out *c)
{
    if (!c->failed && c->len && PQputCopyData(c->s->conn, (const char *)c->buf, (int)c->len) != 1)
        c->failed = 1;
    c->sent += (int64_t)c->len;
    c->len = 0;
}

static void copy_row(copy_out *c, int fields)
{
    if (c->len >= COPY_BUFFER)
        copy_flush(c);
    copy_be(c, (uint64_t)fields, 2);
}

static void copy_null(copy_out *c)
{
    copy_be(c, UINT32_MAX, 4);
}

static void copy_int8(copy_out *c, int64_t v)
{
    copy_be(c, 8, 4);
    copy_be(c, (uint64_t)v, 8);
}

static void copy_int4(copy_out *c, int64_t v)
{
    copy_be(c, 4, 4);
    copy_be(c, (uint64_t)(uint32_t)(int32_t)v, 4);
}

static void copy_bool(copy_out *c, int v)
{
    copy_be(c, 1, 4);
    copy_be(c, v != 0, 1);
}

static void copy_float8(copy_out *c, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    copy_be(c, 8, 4);
    copy_be(c, bits, 8);
}

/* A C string as bytea; NULL as NULL. */
static void copy_bstr(copy_out *c, const char *v)
{
    if (!v) {
        copy_null(c);
        return;
    }
    size_t n = strlen(v);
    copy_be(c, n, 4);
    copy_put(c, v, n);
}

/* Starts `sql` (a COPY ... FROM STDIN (FORMAT binary)) and the header. */
static int copy_begin(pv_pg *s, copy_out *c, const char *sql, const char *what, pv_err *err)
{
    static const unsigned char header[19] = "PGCOPY\n\377\r\n";  /* + flags, extension: 0 */
    memset(c, 0, sizeof *c);
    c->s = s;
    PGresult *r = PQexec(s->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ok)
        db_error(s, r, what, err);
    PQclear(r);
    if (ok)
        copy_put(c, header, sizeof header);
    return ok ? PV_OK : PV_E_DB;
}

/* Sends the trailer and ends the COPY; `abandon` (interrupted) ends it
 * with an error instead, so the server discards the rows. */
static int copy_end(copy_out *c, int abandon, const char *what, pv_err *err)
{
    pv_pg *s = c->s;
    if (!abandon) {
        copy_be(c, UINT16_MAX, 2);
        copy_flush(c);
    }
    free(c->buf);
    int sent = PQputCopyEnd(s->conn, abandon || c->failed ? "abandoned" : NULL) == 1;
    int ok = sent && !abandon && !c->failed;
    PGresult *r;
    while ((r = PQgetResult(s->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
            db_error(s, r, what, err);
            ok = 0;
        }
        PQclear(r);
    }
    if (abandon)
        return interrupted(err);
    if (!ok && (!sent || c->failed))
        db_error(s, NULL, what, err);
    return ok ? PV_OK : PV_E_DB;
}

/* ---- open and close -------------------------------------------------- */

/* The schema files, oldest first: pg.sql, then any additive step after
 * it.  Each ends by setting pv_meta.version, so the files are the one
 * place versions are written down. */
static const char *const schema_files[] = {"/pg.sql"};
#define N_SCHEMA_FILES (sizeof schema_files / sizeof *schema_files)

static const pv_asset *schema_file(size_t i)
{
    const pv_asset *a = pv_asset_find(pv_store_files, pv_store_files_count, schema_files[i]);
    assert(a);
    return a;
}

static int schema_version(const pv_asset *schema)
{
    static const char key[] = "UPDATE pv_meta SET version = ";
    const char *p = strstr((const char *)schema->data, key);
    assert(p);
    return atoi(p + sizeof key - 1);
}

/* What the current schema holds, read from pg_class with the
 * statement's snapshot (not the session's catalogue cache, which may
 * not yet know of tables another session committed while this one waited
 * for the lock): whether there is no schema to create the tables in,
 * whether pv_meta is there, whether anything is. */
#define SCHEMA_SQL                                                                     \
    "SELECT current_schema() IS NULL, "                                                \
    "EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = "                             \
    "to_regnamespace(quote_ident(current_schema())) AND relname = 'pv_meta'), "        \
    "EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = "                             \
    "to_regnamespace(quote_ident(current_schema())))"

/* The store's version, 0 when the connection's current schema (where
 * the tables are created) has none. */
static int read_version(pv_pg *s, int64_t *have, const char *what, pv_err *err)
{
    *have = 0;
    PGresult *r = pv_pg_exec(s, "SELECT to_regclass(quote_ident(current_schema()) || "
                             "'.pv_meta') IS NOT NULL", NULL, what, err);
    if (!r)
        return PV_E_DB;
    int exists = PQntuples(r) == 1 && pv_pg_get_int(r, 0, 0);
    PQclear(r);
    if (!exists)
        return PV_OK;
    int rc = query_int(s, "SELECT version FROM pv_meta", NULL, have, what, err);
    return rc == PV_E_NOTFOUND ? PV_OK : rc;
}

/* Creates the schema in an empty schema (*have 0), or brings a store of
 * version *have up to date, in one transaction under the schema's
 * advisory lock.  Another front end may have done it while this one
 * waited for the lock: then *have is what it left. */
static int create_or_upgrade(pv_pg *s, int64_t *have, const char *what, pv_err *err)
{
    int created_meanwhile = 0;
    int rc = pv_pg_run(s, "BEGIN", NULL, what, err);
    if (rc == PV_OK)
        rc = pv_pg_run(s, SCHEMA_LOCK_SQL, NULL, what, err);
    if (rc == PV_OK && *have == 0) {
        PGresult *r = pv_pg_exec(s, SCHEMA_SQL, NULL, what, err);
        if (!r)
            rc = PV_E_DB;
        else if (pv_pg_get_int(r, 0, 0))
            rc = pv_err_set(err, PV_E_DB, "store %s: the connection's search_path names no "
                            "schema that exists to create the store in", s->name);
        else if (pv_pg_get_int(r, 0, 1))
            created_meanwhile = 1;
        else if (pv_pg_get_int(r, 0, 2))
            rc = pv_err_set(err, PV_E_DB, "%s: its schema holds tables but is not a profviz "
                            "store — pass another --db (or another schema in search_path)",
                            s->name);
        PQclear(r);
    } else if (rc == PV_OK) {
        rc = query_int(s, "SELECT version FROM pv_meta", NULL, have, what, err);
        if (rc == PV_E_NOTFOUND)
            rc = pv_err_set(err, PV_E_DB, "store %s: pv_meta has no row", s->name);
    }
    for (size_t i = 0; rc == PV_OK && !created_meanwhile && i < N_SCHEMA_FILES; i++) {
        const pv_asset *f = schema_file(i);
        if (schema_version(f) <= *have)
            continue;
        PGresult *r = PQexec(s->conn, (const char *)f->data);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = db_error(s, r, what, err);
        PQclear(r);
        if (rc == PV_OK)
            *have = schema_version(f);
    }
    if (rc == PV_OK)
        rc = pv_pg_commit(s, what, err);
    if (rc != PV_OK)
        pv_pg_rollback(s);
    /* A transaction of its own sees the other's tables. */
    if (rc == PV_OK && created_meanwhile)
        rc = read_version(s, have, what, err);
    return rc;
}

/* The same version rule as the SQLite store (sqlite.c's check_schema):
 * an empty schema gets the whole schema, an older store the steps after
 * its version (not when READONLY), a newer one is refused. */
static int check_schema(pv_pg *s, const char *what, pv_err *err)
{
    int want = schema_version(schema_file(N_SCHEMA_FILES - 1));
    int64_t have = 0;
    int rc = read_version(s, &have, what, err);
    if (rc == PV_OK && have < want && !s->readonly)
        rc = create_or_upgrade(s, &have, what, err);
    if (rc != PV_OK)
        return rc;
    if (have == 0)
        return pv_err_set(err, PV_E_DB, "store %s has no profviz schema: nothing to read",
                          s->name);
    if (have < want)
        return pv_err_set(err, PV_E_STALE,
                          "store %s has schema version %lld; this profviz uses %d and upgrades"
                          " it when it opens it for writing (profviz serve or load)",
                          s->name, (long long)have, want);
    if (have != want)
        return pv_err_set(err, PV_E_STALE,
                          "store %s was written by schema version %lld; this profviz uses %d"
                          " — upgrade profviz or pass another --db",
                          s->name, (long long)have, want);
    return PV_OK;
}

/* The password `uri` holds (after "user:" in the authority, or as a
 * password= parameter), malloc'd, or NULL: what scrub() keeps out of
 * libpq's messages. */
static char *password_of(const char *uri)
{
    const char *auth = strstr(uri, "://");
    auth = auth ? auth + 3 : uri;
    size_t auth_len = strcspn(auth, "/?");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@')
            at = auth + i;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon)
        return pv_xstrndup(colon + 1, (size_t)(at - colon - 1));
    const char *q = strchr(uri, '?');
    for (const char *p = q ? strstr(q, "password=") : NULL; p; p = strstr(p + 1, "password="))
        if (p[-1] == '?' || p[-1] == '&')
            return pv_xstrndup(p + 9, strcspn(p + 9, "&"));
    return NULL;
}

/* Overwrites every copy of `secret` in msg with '*'s (libpq may quote a
 * piece of the URI it could not parse). */
static void scrub(char *msg, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n == 0)
        return;
    for (char *p = strstr(msg, secret); p; p = strstr(p + n, secret))
        memset(p, '*', n);
}

/* Whether no server answers at `uri` (as opposed to one that answered
 * and refused): asked again, for a few seconds at most, since the
 * connection's own failure does not say. */
static int unreachable(const char *uri)
{
    const char *const keys[] = {"dbname", "connect_timeout", NULL};
    const char *const values[] = {uri, "3", NULL};
    return PQpingParams(keys, values, 1) == PQPING_NO_RESPONSE;
}

/* What every connection of the store is set to: UTF-8 text (labels),
 * and, for READONLY, read-only transactions.  Again after a reconnect. */
static int session_setup(pv_pg *s, const char *what, pv_err *err)
{
    if (PQsetClientEncoding(s->conn, "UTF8") != 0)
        return pv_err_set(err, PV_E_DB, "%s: the server cannot send UTF-8", what);
    if (!s->readonly)
        return PV_OK;
    PGresult *r = PQexec(s->conn, "SET default_transaction_read_only = on");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? PV_OK : db_error(s, r, what, err);
    PQclear(r);
    return rc;
}

int pv_pg_open(const char *uri, int flags, pv_store **out, pv_err *err)
{
    *out = NULL;
    pv_pg *s = pv_xcalloc(1, sizeof *s);
    s->base.ops = &pg_ops;
    s->readonly = (flags & PV_STORE_READONLY) != 0;
    pthread_mutex_init(&s->cancel_lock, NULL);
    size_t cap = strlen(uri) + 16;
    s->name = pv_xmalloc(cap);
    pv_store_redact(uri, s->name, cap);
    char *password = password_of(uri);
    s->conn = PQconnectdb(uri);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        /* Unreachable (no server there) is an I/O error; a server that
         * answered and refused (no such database, authentication) or a
         * URI it cannot use is the database's. */
        int code = unreachable(uri) ? PV_E_IO : PV_E_DB;
        char why[400];
        reason(s, NULL, why, sizeof why);
        scrub(why, password);
        pv_err_set(err, code, "cannot open store %s: %s", s->name, why);
        free(password);
        pv_pg_close(&s->base);
        return code;
    }
    free(password);
    char *what = pv_xmalloc(strlen(s->name) + sizeof "opening store ");
    sprintf(what, "opening store %s", s->name);
    /* READONLY only reads the schema's version: it can be read-only
     * from the start. */
    int rc = session_setup(s, what, err);
    if (rc == PV_OK)
        rc = check_schema(s, what, err);
    free(what);
    if (rc != PV_OK) {
        pv_pg_close(&s->base);
        return rc;
    }
    s->cancel = PQgetCancel(s->conn);
    *out = &s->base;
    return PV_OK;
}

static void pv_pg_close(pv_store *base)
{
    pv_pg *s = (pv_pg *)base;
    if (!s)
        return;
    PQfreeCancel(s->cancel);
    PQfinish(s->conn);
    pthread_mutex_destroy(&s->cancel_lock);
    free(s->name);
    free(s);
}

static int pv_pg_data_version(pv_store *base, int64_t *out, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "reading data_version";
    int rc = query_int(s, "SELECT data_version FROM pv_meta", NULL, out, what, err);
    return rc == PV_E_NOTFOUND ? pv_err_set(err, PV_E_DB, "%s: no row", what) : rc;
}

/* ---- adding ---------------------------------------------------------- */

static int pv_pg_find_sha(pv_store *base, const char *sha256, int64_t *id, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    pv_pg_params p = {0};
    pv_pg_text(&p, sha256);
    int rc = query_int(s, "SELECT id FROM profile WHERE sha256 = $1", &p, id,
                       "looking up a profile", err);
    if (rc == PV_E_NOTFOUND)
        return pv_err_set(err, PV_E_NOTFOUND, "no profile with SHA-256 %s", sha256);
    return rc;
}

static int pv_pg_begin(pv_store *base, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    atomic_store(&s->interrupted, 0);
    return pv_pg_run(s, "BEGIN", NULL, "starting to store a profile", err);
}

static int pv_pg_take_ids(pv_store *base, size_t n, int64_t *first, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    *first = 0;
    pv_pg_params p = {0};
    pv_pg_int8(&p, (int64_t)n);
    /* One statement outside any transaction: committed at once. */
    int rc = query_int(s, "UPDATE pv_ids SET next_id = next_id + $1 RETURNING next_id - $1", &p,
                       first, "taking profile ids", err);
    return rc == PV_E_NOTFOUND ? pv_err_set(err, PV_E_DB, "taking profile ids: no counter row")
                               : rc;
}

static const char *or_default(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

/* `v` with ASCII A-Z lower-cased, malloc'd: profile.name_fold. */
static char *ascii_fold(const char *v)
{
    char *f = pv_xstrdup(v);
    for (char *c = f; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return f;
}

/* The profile's summary row under `id`, unless a profile of the same
 * identity is there or commits meanwhile: then *existed. */
static int insert_profile(pv_pg *s, const pv_profile *p, const pv_source *src, int64_t id,
                          const char *identity, int *existed, pv_err *err)
{
    static const char what[] = "storing the profile";
    char *warnings = pv_lines_join(p->warnings, p->n_warnings);
    char *choices = pv_lines_join(p->choices, p->n_choices);
    char *fold = ascii_fold(src->name);
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    pv_pg_bstr(&q, src->name);
    pv_pg_bstr(&q, fold);
    pv_pg_bstr(&q, src->origin);
    pv_pg_bstr(&q, p->format);
    pv_pg_bstr(&q, p->writer);
    pv_pg_bstr(&q, p->dialect);
    pv_pg_int8(&q, p->marshal_version);
    pv_pg_int8(&q, (int64_t)src->size);
    pv_pg_text(&q, identity);
    pv_pg_text(&q, strcmp(identity, src->sha256) != 0 ? src->sha256 : NULL);
    pv_pg_int8(&q, src->loaded_at ? src->loaded_at : (int64_t)time(NULL));
    pv_pg_float8(&q, src->parse_ms);
    pv_pg_int8(&q, p->total_calls);
    pv_pg_int8(&q, p->prim_calls);
    pv_pg_float8(&q, p->total_tt);
    pv_pg_int8(&q, (int64_t)p->n_entries);
    pv_pg_int8(&q, (int64_t)(p->n_funcs - p->n_entries));
    pv_pg_int8(&q, (int64_t)p->n_edges);
    pv_pg_bstr(&q, warnings);
    pv_pg_bstr(&q, or_default(p->unit, "seconds"));
    pv_pg_bstr(&q, or_default(p->calls_unit, "calls"));
    pv_pg_bstr(&q, or_default(p->variant, ""));
    pv_pg_bstr(&q, choices);
    pv_pg_float8(&q, p->empty_weight);
    /* The unique index waits for a concurrent insert of the same identity
     * to commit or roll back; DO NOTHING then returns no row. */
    PGresult *r = pv_pg_exec(
        s,
        "INSERT INTO profile (id, name, name_fold, origin, format, writer, dialect, "
        "marshal_version, size, sha256, file_sha256, loaded_at, parse_ms, store_ms, "
        "total_calls, prim_calls, total_tt, n_funcs, n_caller_only, n_edges, warnings, unit, "
        "calls_unit, variant, choices, empty_weight, stored_bytes) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
        "$23, $24, $25, 0) ON CONFLICT (sha256) DO NOTHING RETURNING id",
        &q, what, err);
    free(warnings);
    free(choices);
    free(fold);
    if (!r)
        return PV_E_DB;
    *existed = PQntuples(r) == 0;
    PQclear(r);
    return PV_OK;
}

static int pv_pg_reserve(pv_store *base, const pv_profile *p, const pv_source *src, int64_t want,
                         int64_t *id, int *existed, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "storing the profile";
    assert(PQtransactionStatus(s->conn) != PQTRANS_IDLE);
    *existed = 0;
    *id = 0;
    char identity[65];
    pv_store_identity(src->sha256, p->variant, identity);
    int rc = pv_store_check_refs(p, err);
    if (rc == PV_OK)
        rc = pv_pg_find_sha(base, identity, id, err);
    if (rc == PV_OK) {
        *existed = 1;
        return PV_OK;
    }
    if (rc != PV_E_NOTFOUND)
        return rc;
    pv_err_clear(err);
    pv_pg_params q = {0};
    int64_t got = want;
    if (want) {
        /* An id no profile has had (migrate): later ids go above it. */
        pv_pg_int8(&q, want);
        rc = pv_pg_run(s, "UPDATE pv_ids SET next_id = $1 + 1 WHERE next_id <= $1", &q, what,
                       err);
    } else {
        /* The counter row stays locked until this transaction ends. */
        rc = query_int(s, "UPDATE pv_ids SET next_id = next_id + 1 RETURNING next_id - 1", NULL,
                       &got, what, err);
        if (rc == PV_E_NOTFOUND)
            rc = pv_err_set(err, PV_E_DB, "%s: no counter row", what);
    }
    if (rc == PV_OK)
        rc = insert_profile(s, p, src, got, identity, existed, err);
    if (rc == PV_OK && *existed)
        rc = pv_pg_find_sha(base, identity, &got, err);
    if (rc == PV_OK)
        *id = got;
    return rc;
}

/* The file's bytes, PV_STORE_CHUNK a row (an empty file: one empty row). */
static int insert_chunks(pv_pg *s, int64_t id, const pv_source *src, pv_err *err)
{
    static const char what[] = "storing the profile's bytes";
    int rc = PV_OK;
    int64_t seq = 0;
    size_t at = 0;
    do {
        if (atomic_load(&s->interrupted))
            return interrupted(err);
        size_t n = src->size - at < PV_STORE_CHUNK ? src->size - at : PV_STORE_CHUNK;
        pv_pg_params q = {0};
        pv_pg_int8(&q, id);
        pv_pg_int8(&q, seq++);
        pv_pg_bytes(&q, src->bytes ? src->bytes + at : NULL, n);
        rc = pv_pg_run(s, "INSERT INTO profile_chunk (profile_id, seq, bytes) "
                       "VALUES ($1, $2::integer, $3)", &q, what, err);
        at += n;
    } while (rc == PV_OK && at < src->size);
    return rc;
}

/* Writes row i of a bulk table. */
typedef void copy_row_fn(copy_out *c, int64_t id, size_t i, const pv_profile *p);

static void copy_function(copy_out *c, int64_t id, size_t i, const pv_profile *p)
{
    const pv_func *f = &p->funcs[i];
    copy_row(c, 13);
    copy_int8(c, id);
    copy_int4(c, (int64_t)i);
    copy_bstr(c, f->file);
    copy_int8(c, f->line);
    copy_bstr(c, f->name);
    copy_int8(c, f->cc);
    copy_int8(c, f->nc);
    copy_float8(c, f->tt);
    copy_float8(c, f->ct);
    copy_bstr(c, f->code_name);
    copy_bstr(c, f->code_file);
    if (f->code_name)
        copy_int8(c, f->code_line);
    else
        copy_null(c);
    copy_int4(c, f->flags);
}

static void copy_edge(copy_out *c, int64_t id, size_t i, const pv_profile *p)
{
    const pv_edge *e = &p->edges[i];
    copy_row(c, 9);
    copy_int8(c, id);
    copy_int4(c, e->callee);
    copy_int4(c, (int64_t)i);
    copy_int4(c, e->caller);
    copy_int8(c, e->nc);
    copy_int8(c, e->cc);
    copy_float8(c, e->tt);
    copy_float8(c, e->ct);
    copy_bool(c, e->is_count);
}

static void copy_node(copy_out *c, int64_t id, size_t i, const pv_profile *p)
{
    const pv_node *n = &p->recorded->nodes[i];
    copy_row(c, 7);
    copy_int8(c, id);
    copy_int4(c, (int64_t)i);
    if (n->parent == PV_NODE_TOP)
        copy_null(c);
    else
        copy_int4(c, n->parent);
    if (n->func == PV_NODE_OVERFLOW)
        copy_null(c);
    else
        copy_int4(c, n->func);
    copy_int8(c, n->calls);
    copy_float8(c, n->tt);
    copy_float8(c, n->ct);
}

/* Rows 0..n-1 of a bulk table by one COPY, watching for an interrupt
 * between pieces.  Adds the bytes sent to *sent. */
static int copy_rows(pv_pg *s, const char *sql, size_t n, copy_row_fn *row, int64_t id,
                     const pv_profile *p, int64_t *sent, const char *what, pv_err *err)
{
    copy_out c;
    int rc = copy_begin(s, &c, sql, what, err);
    if (rc != PV_OK)
        return rc;
    int stop = 0;
    for (size_t i = 0; i < n && !stop; i++) {
        row(&c, id, i, p);
        stop = (i & 4095) == 4095 && atomic_load(&s->interrupted);
    }
    rc = copy_end(&c, stop || atomic_load(&s->interrupted), what, err);
    *sent += c.sent;
    return rc;
}

static int insert_recorded(pv_pg *s, int64_t id, const pv_profile *p, int64_t *sent,
                           pv_err *err)
{
    static const char what[] = "storing the recorded tree";
    const pv_recorded *r = p->recorded;
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    pv_pg_int8(&q, r->threads);
    pv_pg_int8(&q, r->max_paths);
    pv_pg_int8(&q, r->overflow_calls);
    pv_pg_bstr(&q, or_default(r->timer, ""));
    pv_pg_bstr(&q, or_default(r->recorder, ""));
    int rc = pv_pg_run(s, "INSERT INTO recorded_tree (profile_id, threads, max_paths, "
                       "overflow_calls, timer, recorder) VALUES ($1, $2, $3, $4, $5, $6)",
                       &q, what, err);
    if (rc == PV_OK)
        rc = copy_rows(s, "COPY recorded_node (profile_id, node, parent, func, calls, tt, ct) "
                       "FROM STDIN (FORMAT binary)", r->n_nodes, copy_node, id, p, sent, what,
                       err);
    return rc;
}

static int pv_pg_fill(pv_store *base, int64_t id, const pv_profile *p, const pv_source *src,
                      pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    assert(p->n_entries <= p->n_funcs && PQtransactionStatus(s->conn) != PQTRANS_IDLE);
    double t0 = pv_now_ms();
    int64_t sent = (int64_t)src->size;
    int rc = insert_chunks(s, id, src, err);
    if (rc == PV_OK)
        rc = copy_rows(s, "COPY function (profile_id, id, file, line, name, cc, nc, tt, ct, "
                       "code_name, code_file, code_line, flags) FROM STDIN (FORMAT binary)",
                       p->n_funcs, copy_function, id, p, &sent, "storing functions", err);
    if (rc == PV_OK)
        rc = copy_rows(s, "COPY edge (profile_id, callee, seq, caller, nc, cc, tt, ct, "
                       "is_count) FROM STDIN (FORMAT binary)",
                       p->n_edges, copy_edge, id, p, &sent, "storing caller->callee edges", err);
    if (rc == PV_OK && p->recorded)
        rc = insert_recorded(s, id, p, &sent, err);
    if (rc == PV_OK) {
        pv_pg_params q = {0};
        pv_pg_float8(&q, pv_now_ms() - t0);
        pv_pg_int8(&q, sent);
        pv_pg_int8(&q, id);
        rc = pv_pg_run(s, "UPDATE profile SET store_ms = $1, stored_bytes = $2 WHERE id = $3",
                       &q, "storing the profile", err);
    }
    return rc;
}

static int pv_pg_commit_add(pv_store *base, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    if (atomic_load(&s->interrupted))
        return interrupted(err);
    return pv_pg_commit(s, "committing the profile", err);
}

static void pv_pg_rollback_add(pv_store *base)
{
    pv_pg *s = (pv_pg *)base;
    pv_pg_rollback(s);
    atomic_store(&s->interrupted, 0);
}

static void pv_pg_interrupt(pv_store *base)
{
    pv_pg *s = (pv_pg *)base;
    atomic_store(&s->interrupted, 1);
    /* The server ignores a cancel that arrives between statements, so
     * only a statement running now stops; the flag stops the rest. */
    char buf[256];
    pthread_mutex_lock(&s->cancel_lock);
    if (s->cancel)
        PQcancel(s->cancel, buf, sizeof buf);
    pthread_mutex_unlock(&s->cancel_lock);
}

/* ---- deleting -------------------------------------------------------- */

static int pv_pg_delete(pv_store *base, int64_t id, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "deleting a profile";
    /* The bulk tables have no keys to cascade from (pg.sql); chunks and
     * labels go with the profile row.  data_version moves in the same
     * transaction, so a front end that sees the new value sees the
     * profile gone. */
    static const char *const deletes[] = {
        "DELETE FROM function WHERE profile_id = $1",
        "DELETE FROM edge WHERE profile_id = $1",
        "DELETE FROM recorded_node WHERE profile_id = $1",
        "DELETE FROM recorded_tree WHERE profile_id = $1",
        "UPDATE pv_meta SET data_version = data_version + 1",
    };
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    int rc = pv_pg_run(s, "BEGIN", NULL, what, err);
    PGresult *r = rc == PV_OK ? pv_pg_exec(s, "DELETE FROM profile WHERE id = $1", &q, what, err)
                              : NULL;
    if (rc == PV_OK && !r)
        rc = PV_E_DB;
    if (r && strcmp(PQcmdTuples(r), "0") == 0)
        rc = no_profile(id, err);
    PQclear(r);
    for (size_t i = 0; rc == PV_OK && i < sizeof deletes / sizeof *deletes; i++)
        rc = pv_pg_run(s, deletes[i], i + 1 < sizeof deletes / sizeof *deletes ? &q : NULL, what,
                       err);
    if (rc == PV_OK)
        rc = pv_pg_commit(s, what, err);
    if (rc != PV_OK)
        pv_pg_rollback(s);
    return rc;
}

/* ---- summaries ------------------------------------------------------- */

void pv_pg_row_info(const PGresult *r, int row, pv_profile_info *out)
{
    out->id = pv_pg_get_int(r, row, 0);
    out->name = pv_pg_get_xstr(r, row, 1);
    out->origin = pv_pg_get_xstr(r, row, 2);
    out->format = pv_pg_get_xstr(r, row, 3);
    out->writer = pv_pg_get_xstr(r, row, 4);
    out->dialect = pv_pg_get_xstr(r, row, 5);
    out->sha256 = pv_pg_get_xstr(r, row, 6);
    out->warnings = pv_pg_get_xstr(r, row, 7);
    out->size = pv_pg_get_int(r, row, 8);
    out->loaded_at = pv_pg_get_int(r, row, 9);
    out->parse_ms = pv_pg_get_double(r, row, 10);
    out->store_ms = pv_pg_get_double(r, row, 11);
    out->marshal_version = (int)pv_pg_get_int(r, row, 12);
    out->total_calls = pv_pg_get_int(r, row, 13);
    out->prim_calls = pv_pg_get_int(r, row, 14);
    out->total_tt = pv_pg_get_double(r, row, 15);
    out->n_funcs = pv_pg_get_int(r, row, 16);
    out->n_edges = pv_pg_get_int(r, row, 17);
    out->unit = pv_pg_get_xstr(r, row, 18);
    out->calls_unit = pv_pg_get_xstr(r, row, 19);
    out->variant = pv_pg_get_xstr(r, row, 20);
    out->choices = pv_pg_get_xstr(r, row, 21);
}

static int pv_pg_info(pv_store *base, int64_t id, pv_profile_info *out, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    memset(out, 0, sizeof *out);
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    PGresult *r = pv_pg_exec(s, "SELECT " PV_PG_INFO_COLUMNS " FROM profile p WHERE p.id = $1",
                             &q, "reading a profile's summary", err);
    if (!r)
        return PV_E_DB;
    int rc = PQntuples(r) ? PV_OK : no_profile(id, err);
    if (rc == PV_OK)
        pv_pg_row_info(r, 0, out);
    PQclear(r);
    return rc;
}

static int pv_pg_list(pv_store *base, pv_profile_info **out, size_t *n, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    *out = NULL;
    *n = 0;
    /* Ids are never reused, so the highest is the newest. */
    PGresult *r = pv_pg_exec(s, "SELECT " PV_PG_INFO_COLUMNS " FROM profile p ORDER BY p.id DESC",
                             NULL, "listing profiles", err);
    if (!r)
        return PV_E_DB;
    size_t rows = (size_t)PQntuples(r);
    pv_profile_info *arr = pv_xcalloc(rows ? rows : 1, sizeof *arr);
    for (size_t i = 0; i < rows; i++)
        pv_pg_row_info(r, (int)i, &arr[i]);
    PQclear(r);
    *out = arr;
    *n = rows;
    return PV_OK;
}

/* ---- reading a profile back ------------------------------------------ */

static int too_big(int64_t id, pv_arena *arena, pv_err *err)
{
    return pv_err_set(err, PV_E_TOO_BIG,
                      "profile %lld does not fit in the memory limit (%zu bytes)", (long long)id,
                      arena->limit);
}

static int inconsistent(int64_t id, const char *what, pv_err *err)
{
    return pv_err_set(err, PV_E_DB, "profile %lld is damaged in the store: %s", (long long)id,
                      what);
}

/* A newline-separated column split into strings in the arena (none for
 * an empty one).  PV_OK or PV_E_TOO_BIG. */
static int split_lines(const PGresult *r, int col, pv_arena *arena, const char ***out,
                       size_t *out_n)
{
    const char *text = PQgetvalue(r, 0, col);
    size_t len = (size_t)PQgetlength(r, 0, col);
    *out = NULL;
    *out_n = 0;
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

static int read_head(pv_pg *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    PGresult *r = pv_pg_exec(s, "SELECT format, writer, dialect, marshal_version, total_calls, "
                             "prim_calls, total_tt, n_funcs, n_caller_only, n_edges, warnings, "
                             "unit, calls_unit, variant, choices, empty_weight "
                             "FROM profile WHERE id = $1", &q, "reading a profile", err);
    if (!r)
        return PV_E_DB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return no_profile(id, err);
    }
    int rc = PV_OK;
    const char **choices = NULL;
    int64_t n_funcs = pv_pg_get_int(r, 0, 7);
    int64_t n_caller_only = pv_pg_get_int(r, 0, 8);
    int64_t n_edges = pv_pg_get_int(r, 0, 9);
    out->marshal_version = (int)pv_pg_get_int(r, 0, 3);
    out->total_calls = pv_pg_get_int(r, 0, 4);
    out->prim_calls = pv_pg_get_int(r, 0, 5);
    out->total_tt = pv_pg_get_double(r, 0, 6);
    out->empty_weight = pv_pg_get_double(r, 0, 15);
    /* Edges name functions by uint32 index. */
    if (n_funcs < 0 || n_caller_only < 0 || n_edges < 0 || n_funcs > UINT32_MAX - n_caller_only)
        rc = inconsistent(id, "negative or huge counts", err);
    else if (get_arena_str(r, 0, 0, arena, &out->format) ||
             get_arena_str(r, 0, 1, arena, &out->writer) ||
             get_arena_str(r, 0, 2, arena, &out->dialect) ||
             get_arena_str(r, 0, 11, arena, &out->unit) ||
             get_arena_str(r, 0, 12, arena, &out->calls_unit) ||
             get_arena_str(r, 0, 13, arena, &out->variant) ||
             split_lines(r, 10, arena, &out->warnings, &out->n_warnings) ||
             split_lines(r, 14, arena, &choices, &out->n_choices))
        rc = too_big(id, arena, err);
    out->choices = choices;
    out->n_entries = (size_t)n_funcs;
    out->n_funcs = (size_t)(n_funcs + n_caller_only);
    out->n_edges = (size_t)n_edges;
    PQclear(r);
    return rc;
}

/* Functions in id order, which must be exactly 0 .. n_funcs-1. */
static int read_functions(pv_pg *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    pv_func *funcs = PV_ARENA_NEW(arena, pv_func, out->n_funcs);
    if (!funcs)
        return too_big(id, arena, err);
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    PGresult *r = pv_pg_exec(s, "SELECT id, file, line, name, cc, nc, tt, ct, code_name, "
                             "code_file, code_line, flags FROM function WHERE profile_id = $1 "
                             "ORDER BY id", &q, "reading functions", err);
    if (!r)
        return PV_E_DB;
    size_t rows = (size_t)PQntuples(r);
    int rc = rows == out->n_funcs ? PV_OK : inconsistent(id, "fewer functions than counted", err);
    for (size_t i = 0; rc == PV_OK && i < rows; i++) {
        int row = (int)i;
        if (pv_pg_get_int(r, row, 0) != (int64_t)i) {
            rc = inconsistent(id, "function ids are not 0..n-1", err);
            break;
        }
        pv_func *f = &funcs[i];
        f->line = pv_pg_get_int(r, row, 2);
        f->cc = pv_pg_get_int(r, row, 4);
        f->nc = pv_pg_get_int(r, row, 5);
        f->tt = pv_pg_get_double(r, row, 6);
        f->ct = pv_pg_get_double(r, row, 7);
        f->code_line = pv_pg_get_int(r, row, 10);  /* NULL reads as 0 */
        f->flags = (uint32_t)pv_pg_get_int(r, row, 11);
        if (get_arena_str(r, row, 1, arena, &f->file) ||
            get_arena_str(r, row, 3, arena, &f->name) ||
            get_arena_str(r, row, 8, arena, &f->code_name) ||
            get_arena_str(r, row, 9, arena, &f->code_file))
            rc = too_big(id, arena, err);
    }
    PQclear(r);
    out->funcs = funcs;
    return rc;
}

/* Edges, each put at its seq, which must be 0 .. n-1 once each: is_count
 * (0 or 1 in the table) marks the slots still empty. */
static int read_edges(pv_pg *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    pv_edge *edges = PV_ARENA_NEW(arena, pv_edge, out->n_edges);
    if (!edges)
        return too_big(id, arena, err);
    for (size_t i = 0; i < out->n_edges; i++)
        edges[i].is_count = UINT8_MAX;
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    PGresult *r = pv_pg_exec(s, "SELECT seq, caller, callee, nc, cc, tt, ct, is_count "
                             "FROM edge WHERE profile_id = $1", &q,
                             "reading caller->callee edges", err);
    if (!r)
        return PV_E_DB;
    size_t rows = (size_t)PQntuples(r);
    int rc = rows == out->n_edges ? PV_OK : inconsistent(id, "fewer edges than counted", err);
    for (int row = 0; rc == PV_OK && row < (int)rows; row++) {
        int64_t seq = pv_pg_get_int(r, row, 0);
        int64_t caller = pv_pg_get_int(r, row, 1), callee = pv_pg_get_int(r, row, 2);
        if (seq < 0 || (uint64_t)seq >= out->n_edges || edges[seq].is_count != UINT8_MAX ||
            caller < 0 || callee < 0 || (uint64_t)caller >= out->n_funcs ||
            (uint64_t)callee >= out->n_funcs) {
            rc = inconsistent(id, "edge numbering or ends out of range", err);
            break;
        }
        pv_edge *e = &edges[seq];
        e->caller = (uint32_t)caller;
        e->callee = (uint32_t)callee;
        e->nc = pv_pg_get_int(r, row, 3);
        e->cc = pv_pg_get_int(r, row, 4);
        e->tt = pv_pg_get_double(r, row, 5);
        e->ct = pv_pg_get_double(r, row, 6);
        e->is_count = pv_pg_get_int(r, row, 7) != 0;
    }
    PQclear(r);
    out->edges = edges;
    return rc;
}

/* The recorded tree, when the profile has one, checked as the loader
 * checked it, since the graph indexes by it. */
static int read_recorded(pv_pg *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    static const char what[] = "reading the recorded tree";
    pv_pg_params q = {0};
    pv_pg_int8(&q, id);
    PGresult *r = pv_pg_exec(s, "SELECT threads, max_paths, overflow_calls, timer, recorder "
                             "FROM recorded_tree WHERE profile_id = $1", &q, what, err);
    if (!r)
        return PV_E_DB;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return PV_OK;  /* plain pstats */
    }
    pv_recorded *rec = PV_ARENA_NEW(arena, pv_recorded, 1);
    int rc = PV_OK;
    if (rec) {
        memset(rec, 0, sizeof *rec);
        rec->threads = pv_pg_get_int(r, 0, 0);
        rec->max_paths = pv_pg_get_int(r, 0, 1);
        rec->overflow_calls = pv_pg_get_int(r, 0, 2);
    }
    if (!rec || get_arena_str(r, 0, 3, arena, &rec->timer) ||
        get_arena_str(r, 0, 4, arena, &rec->recorder))
        rc = too_big(id, arena, err);
    PQclear(r);
    if (rc != PV_OK)
        return rc;
    r = pv_pg_exec(s, "SELECT node, parent, func, calls, tt, ct FROM recorded_node "
                   "WHERE profile_id = $1 ORDER BY node", &q, what, err);
    if (!r)
        return PV_E_DB;
    rec->n_nodes = (size_t)PQntuples(r);
    rec->nodes = PV_ARENA_NEW(arena, pv_node, rec->n_nodes ? rec->n_nodes : 1);
    if (!rec->nodes)
        rc = too_big(id, arena, err);
    for (size_t i = 0; rc == PV_OK && i < rec->n_nodes; i++) {
        int row = (int)i;
        int64_t parent = PQgetisnull(r, row, 1) ? -1 : pv_pg_get_int(r, row, 1);
        int64_t func = PQgetisnull(r, row, 2) ? -1 : pv_pg_get_int(r, row, 2);
        if (pv_pg_get_int(r, row, 0) != (int64_t)i || parent >= (int64_t)i ||
            func >= (int64_t)out->n_entries) {
            rc = inconsistent(id, "recorded nodes are not 0..n-1 with parents before them", err);
            break;
        }
        pv_node *nd = &rec->nodes[i];
        nd->parent = parent < 0 ? PV_NODE_TOP : (uint32_t)parent;
        nd->func = func < 0 ? PV_NODE_OVERFLOW : (uint32_t)func;
        nd->calls = pv_pg_get_int(r, row, 3);
        nd->tt = pv_pg_get_double(r, row, 4);
        nd->ct = pv_pg_get_double(r, row, 5);
    }
    PQclear(r);
    out->recorded = rec;
    return rc;
}

static int pv_pg_read(pv_store *base, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    memset(out, 0, sizeof *out);
    /* One snapshot: a concurrent delete cannot leave us with a header
     * whose functions are gone. */
    int rc = pv_pg_begin_read(s, "reading a profile", err);
    if (rc == PV_OK)
        rc = read_head(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = read_functions(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = read_edges(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = read_recorded(s, id, arena, out, err);
    if (rc == PV_OK)
        rc = pv_pg_commit(s, "reading a profile", err);
    if (rc != PV_OK) {
        pv_pg_rollback(s);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* The file's chunks one statement each, so that only one is in memory
 * and a receiver that stops early stops the reading. */
static int sink_chunks(pv_pg *s, int64_t id, uint64_t size, pv_store_sink *sink, void *ctx,
                       const char *what, pv_err *err)
{
    uint64_t total = 0;
    int rc = PV_OK;
    for (int64_t seq = 0; rc == PV_OK && (seq == 0 || total < size); seq++) {
        pv_pg_params q = {0};
        pv_pg_int8(&q, id);
        pv_pg_int8(&q, seq);
        PGresult *r = pv_pg_exec(s, "SELECT bytes FROM profile_chunk WHERE profile_id = $1 "
                                 "AND seq = $2", &q, what, err);
        if (!r)
            return PV_E_DB;
        if (PQntuples(r) == 0)
            rc = inconsistent(id, "a chunk of its bytes is missing", err);
        else if (sink(ctx, (const unsigned char *)PQgetvalue(r, 0, 0),
                      (size_t)PQgetlength(r, 0, 0)) != 0)
            rc = pv_err_set(err, PV_E_IO, "%s: stopped by the receiver", what);
        else
            total += (uint64_t)PQgetlength(r, 0, 0);
        PQclear(r);
    }
    if (rc == PV_OK && total != size)
        rc = inconsistent(id, "its bytes do not add up to its size", err);
    return rc;
}

static int pv_pg_raw_each(pv_store *base, int64_t id, pv_store_sink *sink, void *ctx, pv_err *err)
{
    pv_pg *s = (pv_pg *)base;
    static const char what[] = "reading a profile's bytes";
    /* One snapshot: a concurrent delete cannot cut the file short. */
    int rc = pv_pg_begin_read(s, what, err);
    int64_t size = 0;
    if (rc == PV_OK) {
        pv_pg_params q = {0};
        pv_pg_int8(&q, id);
        rc = query_int(s, "SELECT size FROM profile WHERE id = $1", &q, &size, what, err);
        if (rc == PV_E_NOTFOUND)
            rc = no_profile(id, err);
    }
    if (rc == PV_OK)
        rc = sink_chunks(s, id, (uint64_t)size, sink, ctx, what, err);
    if (rc == PV_OK)
        rc = pv_pg_commit(s, what, err);
    if (rc != PV_OK)
        pv_pg_rollback(s);
    return rc;
}

static const pv_store_ops pg_ops = {
    .name = "postgresql",
    .close = pv_pg_close,
    .data_version = pv_pg_data_version,
    .find_sha = pv_pg_find_sha,
    .begin = pv_pg_begin,
    .take_ids = pv_pg_take_ids,
    .reserve = pv_pg_reserve,
    .fill = pv_pg_fill,
    .commit = pv_pg_commit_add,
    .rollback = pv_pg_rollback_add,
    .interrupt = pv_pg_interrupt,
    .delete_profile = pv_pg_delete,
    .info = pv_pg_info,
    .list = pv_pg_list,
    .read = pv_pg_read,
    .raw_each = pv_pg_raw_each,
    .labels = pv_pg_labels,
    .label_edit = pv_pg_label_edit,
    .query = pv_pg_query,
    .oldest = pv_pg_oldest,
    .used_bytes = pv_pg_used_bytes,
};
