/* test_store.c — the store, on SQLite or, with PV_TEST_BACKEND=pg, on
 * PostgreSQL (pv_test_tmp gives each test a fresh store of either): exact
 * round trips (NaN, inf, int64 extremes, WTF-8, code objects, caller-only
 * functions, count edges, a 50,000-function profile, every fixture file's
 * bytes), deduplication by SHA-256 (also by two connections at once),
 * all-or-nothing adds (also in steps: nothing visible before the commit,
 * an interrupt or a process dying mid-transaction leaves nothing), deletes
 * that leave no row behind and move data_version, read-only and
 * schema-version refusals, query plans, list order, raw bytes; on
 * PostgreSQL also refusals that hide the password, an interrupt that stops
 * a waiting statement, and a dropped connection.
 * Where the API cannot show what is in the store (rows left behind, a
 * store written by another version, a plan) the tests look with the
 * backend's own client (SQLite, libpq); the tests of SQLite's own file
 * and schema steps are skipped on PostgreSQL with the reason.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "err.h"
#include "profile.h"
#include "sha256.h"
#include "store.h"
#include "testutil.h"

Suite *pv_store_suite(void);

#define ARENA_LIMIT ((size_t)1 << 30)

/* ---- helpers --------------------------------------------------------- */

static pv_store *open_ok(const char *path, int flags)
{
    pv_store *s = NULL;
    pv_err err = {0};
    int rc = pv_store_open(path, flags, &s, &err);
    ck_assert_msg(rc == PV_OK, "open %s: %s", path, err.msg);
    return s;
}

/* Runs `sql` against the store with the backend's own client (SQLite on
 * the file, libpq on the schema of a PostgreSQL test store) and returns
 * the first column of its first row as an integer. */
static int64_t sql_int(const char *path, const char *sql)
{
    if (pv_store_is_pg(path)) {
        PGconn *c = PQconnectdb(path);
        ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0, "%s: %s", sql,
                      PQerrorMessage(c));
        int64_t v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        PQfinish(c);
        return v;
    }
    sqlite3 *db;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void sql_exec(const char *path, const char *sql)
{
    if (pv_store_is_pg(path)) {
        PGconn *c = PQconnectdb(path);
        ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return;
    }
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The table that holds (the first chunk of) a file's bytes. */
static const char *bytes_table(const char *path)
{
    return pv_store_is_pg(path) ? "profile_chunk" : "profile_blob";
}

/* The query plan SQLite picks for `sql` in the store at `path`, its
 * steps joined by "; ". */
static void plan_of(const char *path, const char *sql, char *out, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char q[512];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", len ? "; " : "", sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A source for `bytes`, with its real SHA-256. */
static pv_source source_of(const char *name, const void *bytes, size_t size)
{
    pv_source src = {.name = name, .origin = "upload", .bytes = bytes, .size = size,
                     .parse_ms = 1.25};
    pv_sha256_hex(bytes, size, src.sha256);
    return src;
}

static int64_t add_ok(pv_store *s, const pv_profile *p, const pv_source *src)
{
    int64_t id = -1;
    int existed = -1;
    pv_err err = {0};
    int rc = pv_store_add(s, p, src, &id, &existed, &err);
    ck_assert_msg(rc == PV_OK, "add: %s", err.msg);
    ck_assert_int_eq(existed, 0);
    ck_assert_int_gt(id, 0);
    return id;
}

static size_t count_profiles(pv_store *s)
{
    pv_profile_info *list;
    size_t n;
    ck_assert_int_eq(pv_store_list(s, &list, &n, NULL), PV_OK);
    pv_profile_info_free_array(list, n);
    return n;
}

/* The comparisons below call Check only on a mismatch: every passing
 * ck_assert records a mark point (a write to the parent process), which
 * would dominate comparing 190,000 rows. */

/* Doubles are equal when both are NaN or both are the same number. */
static void assert_same_double(double a, double b, const char *what, size_t i)
{
    if (!((isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b))))
        ck_abort_msg("%s[%zu]: %.17g != %.17g", what, i, a, b);
}

static void assert_same_int(int64_t a, int64_t b, const char *what, size_t i)
{
    if (a != b)
        ck_abort_msg("%s[%zu]: %lld != %lld", what, i, (long long)a, (long long)b);
}

static void assert_same_str(const char *a, const char *b, const char *what, size_t i)
{
    if (!((!a && !b) || (a && b && strcmp(a, b) == 0)))
        ck_abort_msg("%s[%zu]: \"%s\" != \"%s\"", what, i, a ? a : "(null)", b ? b : "(null)");
}

/* Every field of two profiles, exactly (trailing_bytes is not stored). */
static void assert_same_profile(const pv_profile *a, const pv_profile *b)
{
    assert_same_str(a->format, b->format, "format", 0);
    assert_same_str(a->writer, b->writer, "writer", 0);
    assert_same_str(a->dialect, b->dialect, "dialect", 0);
    /* A profile that leaves them NULL is a pstats one (store.c). */
    assert_same_str(a->unit ? a->unit : "seconds", b->unit, "unit", 0);
    assert_same_str(a->calls_unit ? a->calls_unit : "calls", b->calls_unit, "calls_unit", 0);
    assert_same_str(a->variant ? a->variant : "", b->variant, "variant", 0);
    assert_same_int((int64_t)a->n_choices, (int64_t)b->n_choices, "n_choices", 0);
    for (size_t i = 0; i < a->n_choices; i++)
        assert_same_str(a->choices[i], b->choices[i], "choices", i);
    assert_same_int(a->marshal_version, b->marshal_version, "marshal_version", 0);
    assert_same_int((int64_t)a->n_funcs, (int64_t)b->n_funcs, "n_funcs", 0);
    assert_same_int((int64_t)a->n_entries, (int64_t)b->n_entries, "n_entries", 0);
    assert_same_int((int64_t)a->n_edges, (int64_t)b->n_edges, "n_edges", 0);
    assert_same_int(a->total_calls, b->total_calls, "total_calls", 0);
    assert_same_int(a->prim_calls, b->prim_calls, "prim_calls", 0);
    assert_same_double(a->total_tt, b->total_tt, "total_tt", 0);
    assert_same_double(a->empty_weight, b->empty_weight, "empty_weight", 0);
    assert_same_int((int64_t)b->trailing_bytes, 0, "trailing_bytes", 0);
    assert_same_int((int64_t)a->n_warnings, (int64_t)b->n_warnings, "n_warnings", 0);
    for (size_t i = 0; i < a->n_warnings; i++)
        assert_same_str(a->warnings[i], b->warnings[i], "warnings", i);
    for (size_t i = 0; i < a->n_funcs; i++) {
        const pv_func *f = &a->funcs[i], *g = &b->funcs[i];
        assert_same_str(f->file, g->file, "file", i);
        assert_same_str(f->name, g->name, "name", i);
        assert_same_int(f->line, g->line, "line", i);
        assert_same_int(f->cc, g->cc, "cc", i);
        assert_same_int(f->nc, g->nc, "nc", i);
        assert_same_double(f->tt, g->tt, "tt", i);
        assert_same_double(f->ct, g->ct, "ct", i);
        assert_same_str(f->code_name, g->code_name, "code_name", i);
        assert_same_str(f->code_file, g->code_file, "code_file", i);
        assert_same_int(f->code_line, g->code_line, "code_line", i);
        assert_same_int(f->flags, g->flags, "flags", i);
    }
    for (size_t i = 0; i < a->n_edges; i++) {
        const pv_edge *e = &a->edges[i], *d = &b->edges[i];
        assert_same_int(e->caller, d->caller, "edge caller", i);
        assert_same_int(e->callee, d->callee, "edge callee", i);
        assert_same_int(e->nc, d->nc, "edge nc", i);
        assert_same_int(e->cc, d->cc, "edge cc", i);
        assert_same_double(e->tt, d->tt, "edge tt", i);
        assert_same_double(e->ct, d->ct, "edge ct", i);
        assert_same_int(e->is_count, d->is_count, "edge is_count", i);
    }
    ck_assert_msg(!a->recorded == !b->recorded, "recorded tree %s", a->recorded ? "lost" : "added");
    if (!a->recorded)
        return;
    const pv_recorded *r = a->recorded, *q = b->recorded;
    assert_same_int(r->threads, q->threads, "threads", 0);
    assert_same_int(r->max_paths, q->max_paths, "max_paths", 0);
    assert_same_int(r->overflow_calls, q->overflow_calls, "overflow_calls", 0);
    assert_same_str(r->timer, q->timer, "timer", 0);
    assert_same_str(r->recorder, q->recorder, "recorder", 0);
    assert_same_int((int64_t)r->n_nodes, (int64_t)q->n_nodes, "n_nodes", 0);
    for (size_t i = 0; i < r->n_nodes; i++) {
        assert_same_int(r->nodes[i].parent, q->nodes[i].parent, "node parent", i);
        assert_same_int(r->nodes[i].func, q->nodes[i].func, "node func", i);
        assert_same_int(r->nodes[i].calls, q->nodes[i].calls, "node calls", i);
        assert_same_double(r->nodes[i].tt, q->nodes[i].tt, "node tt", i);
        assert_same_double(r->nodes[i].ct, q->nodes[i].ct, "node ct", i);
    }
}

/* Reads profile `id` back and compares it with `p`. */
static void assert_reads_back(pv_store *s, int64_t id, const pv_profile *p)
{
    pv_arena arena;
    pv_arena_init(&arena, ARENA_LIMIT);
    pv_profile back;
    pv_err err = {0};
    int rc = pv_store_read(s, id, &arena, &back, &err);
    ck_assert_msg(rc == PV_OK, "read: %s", err.msg);
    assert_same_profile(p, &back);
    pv_arena_release(&arena);
}

/* A small profile with every awkward value the loader can hand over. */
static pv_func tricky_funcs[] = {
    {.file = "/app/main.py", .name = "<module>", .line = 1, .cc = 1, .nc = 1, .tt = 0.5,
     .ct = 6.170000000000001e-07},
    {.file = "~", .name = "<built-in method builtins.exec>", .line = 0, .cc = 3, .nc = 3,
     .tt = NAN, .ct = INFINITY},
    /* Non-ASCII, and a surrogate-escaped byte (WTF-8 ED B2 80 for 0x80). */
    {.file = "/app/caf\xc3\xa9/\xed\xb2\x80.py", .name = "\xe5\x87\xbd\xe6\x95\xb0", .line = INT64_MAX,
     .cc = INT64_MIN, .nc = INT64_MAX, .tt = -INFINITY, .ct = 1e-300},
    /* A key that held a code object (python -m profile); -0.0, which a
     * REAL column would store as 0. */
    {.file = "profile", .name = "<code main>", .line = 0, .cc = 0, .nc = 0, .tt = -0.0, .ct = 0,
     .code_name = "main", .code_file = "/app/main.py", .code_line = 42},
    /* Named only as a caller. */
    {.file = "/app/lib.py", .name = "helper", .line = 7, .flags = PV_FUNC_CALLER_ONLY},
};

static pv_edge tricky_edges[] = {
    {.caller = 0, .callee = 1, .nc = 1, .cc = 1, .tt = 0.125, .ct = NAN},
    {.caller = 4, .callee = 1, .nc = 2, .cc = 2, .tt = INFINITY, .ct = -1.5},
    {.caller = 0, .callee = 2, .nc = INT64_MAX, .cc = INT64_MIN, .tt = 1e308, .ct = 5e-324},
    {.caller = 4, .callee = 3, .nc = 5, .cc = 5, .is_count = 1},
};

/* A recorded tree over the entries: top-level nodes, a child, an
 * overflow node (func NULL in the store), doubles that need all 17 digits. */
static pv_node tricky_nodes[] = {
    {.parent = PV_NODE_TOP, .func = 0, .calls = 1, .tt = 0.1, .ct = 0.30000000000000004},
    {.parent = 0, .func = 2, .calls = INT64_MAX, .tt = 5e-324, .ct = 0.1},
    {.parent = 0, .func = PV_NODE_OVERFLOW, .calls = 7, .tt = 0.1, .ct = 0.1},
    {.parent = PV_NODE_TOP, .func = 3, .calls = 2, .tt = 0.0, .ct = 1e300},
};

static const pv_recorded tricky_recorded = {
    .nodes = tricky_nodes, .n_nodes = 4, .threads = 3, .max_paths = 100000,
    .overflow_calls = 7, .timer = "perf_counter", .recorder = "r\xc3\xa9" "c 1.0",
};

static const char *tricky_warnings[] = {
    "byte 12: NaN time for ~:0(<built-in method builtins.exec>)",
    "t\xc3\xa9l\xc3\xa9phone: 1 caller key has no entry of its own",
};

static const char *const tricky_choices[] = {"event=Ir", "event=Dr w\xc3\xa9ird"};

static pv_profile tricky_profile(void)
{
    return (pv_profile){
        .format = "pstats", .writer = "profile", .dialect = "py3", .marshal_version = 4,
        .unit = "Ir", .calls_unit = "samples", .variant = "", .choices = tricky_choices,
        .n_choices = 2, .empty_weight = 0.30000000000000004,
        .funcs = tricky_funcs, .n_funcs = 5, .n_entries = 4,
        .edges = tricky_edges, .n_edges = 4, .recorded = &tricky_recorded,
        .total_calls = INT64_MAX, .prim_calls = INT64_MIN, .total_tt = NAN,
        .warnings = tricky_warnings, .n_warnings = 2,
    };
}

/* A profile with no functions, edges or warnings. */
static pv_profile empty_profile(void)
{
    return (pv_profile){.format = "pstats", .writer = "cProfile", .dialect = "py3",
                        .marshal_version = 2, .total_tt = -0.0};
}

/* A profile shaped like a big real one: n_funcs functions over a few
 * hundred files, edges grouped by callee, the last tenth caller-only. */
static pv_profile synthetic_profile(pv_arena *a, size_t n_funcs, size_t n_edges)
{
    pv_profile p = {.format = "pstats", .writer = "cProfile", .dialect = "py3",
                    .marshal_version = 4, .n_funcs = n_funcs, .n_entries = n_funcs - n_funcs / 10,
                    .n_edges = n_edges};
    pv_func *funcs = PV_ARENA_NEW(a, pv_func, n_funcs);
    pv_edge *edges = PV_ARENA_NEW(a, pv_edge, n_edges);
    char buf[128];
    for (size_t i = 0; i < n_funcs; i++) {
        pv_func *f = &funcs[i];
        snprintf(buf, sizeof buf, "/usr/lib/python3.11/site-packages/pkg%zu/module%zu.py", i % 37,
                 i % 300);
        f->file = pv_arena_strndup(a, buf, strlen(buf));
        snprintf(buf, sizeof buf, "function_name_%zu", i);
        f->name = pv_arena_strndup(a, buf, strlen(buf));
        f->line = (int64_t)(i % 2000) + 1;
        f->cc = (int64_t)i % 97 + 1;
        f->nc = f->cc + (int64_t)(i % 5);
        f->tt = (double)(i % 1000) * 1.7e-7;
        f->ct = f->tt * 3;
        f->code_name = f->code_file = NULL;
        f->code_line = 0;
        f->flags = i >= p.n_entries ? PV_FUNC_CALLER_ONLY : 0;
    }
    for (size_t i = 0; i < n_edges; i++) {
        pv_edge *e = &edges[i];
        e->callee = (uint32_t)(i * p.n_entries / n_edges);
        e->caller = (uint32_t)((i * 2654435761u) % n_funcs);
        e->nc = (int64_t)(i % 13) + 1;
        e->cc = e->nc;
        e->tt = (double)(i % 500) * 1.3e-7;
        e->ct = e->tt * 2;
        e->is_count = 0;
        p.total_calls += e->nc;
    }
    p.funcs = funcs;
    p.edges = edges;
    p.total_tt = 1.5;
    return p;
}

/* ---- tests ----------------------------------------------------------- */

START_TEST(store_round_trips_every_field_exactly)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    static const unsigned char bytes[] = "{\x00\xff fake pstats";
    pv_source src = source_of("tricky.prof", bytes, sizeof bytes);
    time_t before = time(NULL);
    int64_t id = add_ok(s, &p, &src);
    assert_reads_back(s, id, &p);

    pv_profile_info info;
    ck_assert_int_eq(pv_store_info(s, id, &info, NULL), PV_OK);
    ck_assert_int_eq(info.id, id);
    ck_assert_str_eq(info.name, "tricky.prof");
    ck_assert_str_eq(info.origin, "upload");
    ck_assert_str_eq(info.format, "pstats");
    ck_assert_str_eq(info.writer, "profile");
    ck_assert_str_eq(info.dialect, "py3");
    ck_assert_str_eq(info.sha256, src.sha256);
    ck_assert_str_eq(info.warnings,
                     "byte 12: NaN time for ~:0(<built-in method builtins.exec>)\n"
                     "t\xc3\xa9l\xc3\xa9phone: 1 caller key has no entry of its own");
    ck_assert_int_eq(info.size, sizeof bytes);
    ck_assert_int_ge(info.loaded_at, before);
    ck_assert_int_le(info.loaded_at, time(NULL));
    ck_assert_double_eq(info.parse_ms, 1.25);
    ck_assert(info.store_ms >= 0 && info.store_ms < 10000);
    ck_assert_int_eq(info.marshal_version, 4);
    ck_assert_int_eq(info.total_calls, INT64_MAX);
    ck_assert_int_eq(info.prim_calls, INT64_MIN);
    ck_assert(isnan(info.total_tt));
    ck_assert_int_eq(info.n_funcs, 4);
    ck_assert_int_eq(info.n_edges, 4);
    pv_profile_info_release(&info);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_round_trips_an_empty_profile_and_empty_file)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = empty_profile();
    pv_source src = source_of("empty.prof", NULL, 0);
    int64_t id = add_ok(s, &p, &src);
    assert_reads_back(s, id, &p);
    unsigned char *bytes;
    size_t len = 99;
    ck_assert_int_eq(pv_store_raw(s, id, &bytes, &len, NULL), PV_OK);
    ck_assert_uint_eq(len, 0);
    free(bytes);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_adding_the_same_bytes_twice_returns_the_first_id_and_stores_nothing)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "same bytes", 10);
    int64_t id = add_ok(s, &p, &src);

    pv_profile other = empty_profile();
    pv_source again = source_of("b.prof", "same bytes", 10);
    int64_t id2 = -1;
    int existed = 0;
    ck_assert_int_eq(pv_store_add(s, &other, &again, &id2, &existed, NULL), PV_OK);
    ck_assert_int_eq(existed, 1);
    ck_assert_int_eq(id2, id);
    ck_assert_uint_eq(count_profiles(s), 1);
    /* The first profile is untouched. */
    assert_reads_back(s, id, &p);
    int64_t found;
    ck_assert_int_eq(pv_store_find_sha(s, src.sha256, &found, NULL), PV_OK);
    ck_assert_int_eq(found, id);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* No row of any profile anywhere in the store file, seen by a connection
 * of its own. */
static void assert_no_rows(const char *path)
{
    const char *const tables[] = {"profile", bytes_table(path), "function", "edge"};
    char sql[64];
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        ck_assert_msg(sql_int(path, sql) == 0, "%s: not 0", sql);
    }
}

/* Adds `p`, which must fail with PV_E_DB and a message containing
 * `reason`, then checks that no row of it is anywhere in the store. */
static void assert_add_fails_cleanly(pv_store *s, const char *path, const pv_profile *p,
                                     const char *reason)
{
    pv_source src = source_of("bad.prof", "bad", 3);
    int64_t id = -1;
    int existed = -1;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_add(s, p, &src, &id, &existed, &err), PV_E_DB);
    ck_assert_int_eq(err.code, PV_E_DB);
    ck_assert_msg(strstr(err.msg, reason), "message: %s", err.msg);
    ck_assert_int_eq(existed, 0);
    ck_assert_int_eq(id, 0);
    ck_assert_uint_eq(count_profiles(s), 0);
    int64_t found;
    ck_assert_int_eq(pv_store_find_sha(s, src.sha256, &found, NULL), PV_E_NOTFOUND);
    assert_no_rows(path);
}

START_TEST(store_failed_add_leaves_nothing_behind)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);

    /* An edge naming function 99 of 5 is refused before anything is written. */
    pv_profile p = tricky_profile();
    pv_edge bad_edges[4];
    memcpy(bad_edges, tricky_edges, sizeof bad_edges);
    bad_edges[3].callee = 99;
    p.edges = bad_edges;
    assert_add_fails_cleanly(s, t.path, &p, "names function");

    /* A NULL name fails in the database after the profile, its bytes and
     * four functions went in (one row per statement, or one COPY)... */
    pv_func bad_funcs[5];
    memcpy(bad_funcs, tricky_funcs, sizeof bad_funcs);
    bad_funcs[4].name = NULL;
    p = tricky_profile();
    p.funcs = bad_funcs;
    /* SQLite says "NOT NULL constraint", PostgreSQL "not-null constraint". */
    const char *not_null = pv_store_is_pg(t.path) ? "not-null" : "NOT NULL";
    assert_add_fails_cleanly(s, t.path, &p, not_null);

    /* ...and inside a multi-row INSERT, after whole batches went in. */
    pv_arena a;
    pv_arena_init(&a, ARENA_LIMIT);
    pv_profile big = synthetic_profile(&a, 1000, 2000);
    big.funcs[700].name = NULL;
    assert_add_fails_cleanly(s, t.path, &big, not_null);
    big.funcs[700].name = "fixed";
    big.edges[1500].caller = 1000;
    assert_add_fails_cleanly(s, t.path, &big, "names function");

    /* Each transaction ended: the same bytes, fixed, go in. */
    big.edges[1500].caller = 0;
    pv_source src = source_of("bad.prof", "bad", 3);
    int64_t id = add_ok(s, &big, &src);
    assert_reads_back(s, id, &big);
    pv_arena_release(&a);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_delete_removes_every_derived_row)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src1 = source_of("one.prof", "one", 3), src2 = source_of("two.prof", "two", 3);
    int64_t id1 = add_ok(s, &p, &src1), id2 = add_ok(s, &p, &src2);

    pv_err err = {0};
    ck_assert_int_eq(pv_store_delete(s, id1, &err), PV_OK);
    pv_arena arena;
    pv_arena_init(&arena, ARENA_LIMIT);
    pv_profile back;
    ck_assert_int_eq(pv_store_read(s, id1, &arena, &back, &err), PV_E_NOTFOUND);
    ck_assert_str_eq(err.msg, "no profile 1");
    pv_arena_release(&arena);
    unsigned char *bytes;
    size_t len;
    ck_assert_int_eq(pv_store_raw(s, id1, &bytes, &len, NULL), PV_E_NOTFOUND);
    ck_assert_int_eq(pv_store_delete(s, id1, NULL), PV_E_NOTFOUND);
    ck_assert_int_eq(pv_store_delete(s, 12345, NULL), PV_E_NOTFOUND);
    /* The other profile is whole. */
    assert_reads_back(s, id2, &p);
    pv_store_close(s);

    char sql[200];
    /* tree_node is SQLite's only (schema.sql: always empty). */
    const char *const tables[] = {bytes_table(t.path), "function", "edge", "recorded_tree",
                                  "recorded_node", "label"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE profile_id = %lld", tables[i],
                 (long long)id1);
        ck_assert_msg(sql_int(t.path, sql) == 0, "%s keeps rows of a deleted profile", tables[i]);
    }
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM function"), 5);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM edge"), 4);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", bytes_table(t.path));
    ck_assert_int_eq(sql_int(t.path, sql), 1);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM recorded_node"), 4);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM recorded_node WHERE func IS NULL"), 1);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_opened_read_only_reads_but_refuses_writes)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "a", 1);
    int64_t id = add_ok(s, &p, &src);
    pv_store_close(s);

    s = open_ok(t.path, PV_STORE_READONLY);
    assert_reads_back(s, id, &p);
    ck_assert_uint_eq(count_profiles(s), 1);
    pv_source src2 = source_of("b.prof", "b", 1);
    int64_t id2;
    int existed;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_add(s, &p, &src2, &id2, &existed, &err), PV_E_DB);
    /* SQLite's "readonly database", PostgreSQL's "read-only transaction". */
    ck_assert_msg(strstr(err.msg, "readonly") || strstr(err.msg, "read-only"), "message: %s",
                  err.msg);
    ck_assert_int_eq(pv_store_delete(s, id, &err), PV_E_DB);
    pv_store_close(s);

    /* What was there survived the refused writes. */
    s = open_ok(t.path, 0);
    ck_assert_uint_eq(count_profiles(s), 1);
    pv_store_close(s);
    pv_test_tmp_remove(&t);

    /* Read-only does not create a store. */
    pv_store *none = NULL;
    ck_assert_int_eq(pv_store_open("/tmp/pv-test-store-missing/x.db", PV_STORE_READONLY, &none,
                                   &err), PV_E_IO);
    ck_assert_ptr_null(none);
}
END_TEST

START_TEST(store_refuses_another_schema_version_with_a_clear_message)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    int pg = pv_store_is_pg(t.path);
    if (pg) {
        /* A store a newer profviz wrote (pg.sql keeps its version in pv_meta). */
        pv_store_close(open_ok(t.path, 0));
        sql_exec(t.path, "UPDATE pv_meta SET version = 7");
    } else {
        sql_exec(t.path, "CREATE TABLE profile (x); PRAGMA user_version = 7;");
    }
    pv_store *s = NULL;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_open(t.path, 0, &s, &err), PV_E_STALE);
    ck_assert_ptr_null(s);
    char want[sizeof t.path + 128];
    snprintf(want, sizeof want,
             pg ? "store %s was written by schema version 7; this profviz uses 1 — upgrade "
                  "profviz or pass another --db"
                : "store %s was written by schema version 7; this profviz uses 5 — delete it "
                  "or pass --db",
             t.path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(pv_store_open(t.path, PV_STORE_READONLY, &s, &err), PV_E_STALE);
    ck_assert_str_eq(err.msg, want);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_refuses_a_foreign_database_and_a_non_database)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    sql_exec(t.path, "CREATE TABLE mine (x integer)");
    pv_store *s = NULL;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_open(t.path, 0, &s, &err), PV_E_DB);
    ck_assert_msg(strstr(err.msg, "not a profviz store"), "message: %s", err.msg);
    /* Nothing was added to it. */
    if (pv_store_is_pg(t.path)) {
        ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM pg_class WHERE relnamespace = "
                                         "to_regnamespace(current_schema())"), 1);
        /* What follows is about SQLite's file. */
        pv_test_tmp_remove(&t);
        return;
    }
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM sqlite_schema"), 1);
    unlink(t.path);

    FILE *f = fopen(t.path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not an SQLite file, not even close; it is long enough to have a header\n", f);
    fclose(f);
    ck_assert_int_eq(pv_store_open(t.path, 0, &s, &err), PV_E_DB);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.msg, t.path) && strstr(err.msg, "not a database"), "message: %s",
                  err.msg);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_creates_the_schema_once_and_reopens)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "a", 1);
    int64_t id = add_ok(s, &p, &src);
    pv_store_close(s);
    if (pv_store_is_pg(t.path)) {
        ck_assert_int_eq(sql_int(t.path, "SELECT version FROM pv_meta"), 1);
    } else {
        ck_assert_int_eq(sql_int(t.path, "PRAGMA user_version"), 5);
        ck_assert_int_eq(sql_int(t.path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
                         1);
    }
    s = open_ok(t.path, 0);
    assert_reads_back(s, id, &p);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_plans_callers_and_callees_lookups_on_their_indexes)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "a", 1);
    add_ok(s, &p, &src);
    pv_store_close(s);
    static const struct {
        const char *sql, *plan;
    } cases[] = {
        {"SELECT * FROM edge WHERE profile_id = ?1 AND callee = ?2",
         "SEARCH edge USING PRIMARY KEY (profile_id=? AND callee=?)"},
        {"SELECT * FROM edge WHERE profile_id = ?1 AND caller = ?2",
         "SEARCH edge USING INDEX edge_by_caller (profile_id=? AND caller=?)"},
        {"SELECT * FROM function WHERE profile_id = ?1 AND id = ?2",
         "SEARCH function USING PRIMARY KEY (profile_id=? AND id=?)"},
        {"SELECT * FROM tree_node WHERE profile_id = ?1 AND parent = ?2",
         "SEARCH tree_node USING INDEX tree_node_by_parent (profile_id=? AND parent=?)"},
        {"SELECT * FROM edge WHERE profile_id = ?1 ORDER BY callee, seq",
         "SEARCH edge USING PRIMARY KEY (profile_id=?)"},
    };
    char plan[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        plan_of(t.path, cases[i].sql, plan, sizeof plan);
        ck_assert_str_eq(plan, cases[i].plan);
    }
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_lists_newest_first)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = empty_profile();
    const char *names[] = {"first.prof", "second.prof", "third.prof"};
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        pv_source src = source_of(names[i], names[i], strlen(names[i]));
        ids[i] = add_ok(s, &p, &src);
    }
    /* A deleted id is not handed out again. */
    ck_assert_int_eq(pv_store_delete(s, ids[2], NULL), PV_OK);
    pv_source src = source_of("fourth.prof", "4", 1);
    int64_t id4 = add_ok(s, &p, &src);
    ck_assert_int_gt(id4, ids[2]);

    pv_profile_info *list;
    size_t n;
    ck_assert_int_eq(pv_store_list(s, &list, &n, NULL), PV_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(list[0].name, "fourth.prof");
    ck_assert_int_eq(list[0].id, id4);
    ck_assert_str_eq(list[1].name, "second.prof");
    ck_assert_int_eq(list[1].id, ids[1]);
    ck_assert_str_eq(list[2].name, "first.prof");
    ck_assert_int_eq(list[2].id, ids[0]);
    ck_assert_str_eq(list[2].warnings, "");
    pv_profile_info_free_array(list, n);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_raw_returns_the_exact_bytes)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    unsigned char data[4096];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7 + (i >> 8));
    pv_profile p = empty_profile();
    pv_source src = source_of("bin.prof", data, sizeof data);
    int64_t id = add_ok(s, &p, &src);
    unsigned char *bytes;
    size_t len;
    ck_assert_int_eq(pv_store_raw(s, id, &bytes, &len, NULL), PV_OK);
    ck_assert_uint_eq(len, sizeof data);
    ck_assert_int_eq(memcmp(bytes, data, len), 0);
    free(bytes);
    pv_err err = {0};
    ck_assert_int_eq(pv_store_raw(s, id + 1, &bytes, &len, &err), PV_E_NOTFOUND);
    ck_assert_ptr_null(bytes);
    pv_profile_info info;
    ck_assert_int_eq(pv_store_info(s, id + 1, &info, &err), PV_E_NOTFOUND);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* pv_store_raw_each's sink in a test: counts the calls, keeps the bytes. */
typedef struct chunks_seen {
    size_t calls, len;
    unsigned char *bytes;
} chunks_seen;

static int see_chunk(void *ctx, const unsigned char *bytes, size_t len)
{
    chunks_seen *c = ctx;
    ck_assert_uint_le(len, PV_STORE_CHUNK);
    memcpy(c->bytes + c->len, bytes, len);
    c->len += len;
    c->calls++;
    return 0;
}

START_TEST(store_keeps_a_file_over_one_chunk_in_chunks_and_gives_it_back_exactly)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    size_t size = 2 * PV_STORE_CHUNK + 5;
    unsigned char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (unsigned char)(i * 31 + (i >> 20));
    pv_profile p = empty_profile();
    pv_source src = source_of("big.txt", data, size);
    int64_t id = add_ok(s, &p, &src);
    /* SQLite: the first chunk in profile_blob, the rest in profile_chunk;
     * PostgreSQL: all three in profile_chunk. */
    int pg = pv_store_is_pg(t.path);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM profile_chunk"), pg ? 3 : 2);
    ck_assert_int_eq(sql_int(t.path, pg ? "SELECT max(length(bytes)) FROM profile_chunk"
                                        : "SELECT max(length(bytes)) FROM profile_blob"),
                     (int64_t)PV_STORE_CHUNK);
    chunks_seen seen = {0, 0, malloc(size)};
    ck_assert_int_eq(pv_store_raw_each(s, id, see_chunk, &seen, NULL), PV_OK);
    ck_assert_uint_eq(seen.calls, 3);
    ck_assert_uint_eq(seen.len, size);
    ck_assert_int_eq(memcmp(seen.bytes, data, size), 0);
    free(seen.bytes);
    unsigned char *bytes;
    size_t len;
    ck_assert_int_eq(pv_store_raw(s, id, &bytes, &len, NULL), PV_OK);
    ck_assert_uint_eq(len, size);
    ck_assert_int_eq(memcmp(bytes, data, size), 0);
    free(bytes);
    /* A chunk gone is a damaged store, not a short file. */
    sql_exec(t.path, "DELETE FROM profile_chunk WHERE seq = 2");
    pv_err err = {0};
    ck_assert_int_eq(pv_store_raw(s, id, &bytes, &len, &err), PV_E_DB);
    ck_assert_msg(strstr(err.msg, "damaged"), "message: %s", err.msg);
    ck_assert_int_eq(pv_store_delete(s, id, NULL), PV_OK);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM profile_chunk"), 0);
    free(data);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_keeps_each_variant_of_one_file_once)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    static const char bytes[] = "events: Ir Dr\nfn=main\n1 2 3\n";
    pv_source src = source_of("x.callgrind", bytes, sizeof bytes - 1);
    static const char *const choices[] = {"event=Ir", "event=Dr"};
    pv_profile first = empty_profile(), dr = empty_profile();
    first.choices = dr.choices = choices;
    first.n_choices = dr.n_choices = 2;
    dr.variant = "event=Dr";
    int64_t a = add_ok(s, &first, &src), b = add_ok(s, &dr, &src);
    ck_assert_int_ne(a, b);
    int64_t id;
    int existed;
    ck_assert_int_eq(pv_store_add(s, &dr, &src, &id, &existed, NULL), PV_OK);
    ck_assert_int_eq(id, b);
    ck_assert_int_eq(existed, 1);
    ck_assert_int_eq(pv_store_add(s, &first, &src, &id, &existed, NULL), PV_OK);
    ck_assert_int_eq(id, a);
    ck_assert_int_eq(existed, 1);
    /* Both say the file's own hash; the variant's key is another. */
    pv_profile_info info;
    ck_assert_int_eq(pv_store_info(s, b, &info, NULL), PV_OK);
    ck_assert_str_eq(info.sha256, src.sha256);
    ck_assert_str_eq(info.variant, "event=Dr");
    ck_assert_str_eq(info.choices, "event=Ir\nevent=Dr");
    ck_assert_str_eq(info.unit, "seconds");
    ck_assert_str_eq(info.calls_unit, "calls");
    pv_profile_info_release(&info);
    char key[65];
    pv_store_identity(src.sha256, "event=Dr", key);
    ck_assert_str_ne(key, src.sha256);
    ck_assert_int_eq(pv_store_find_sha(s, key, &id, NULL), PV_OK);
    ck_assert_int_eq(id, b);
    pv_store_identity(src.sha256, "", key);
    ck_assert_str_eq(key, src.sha256);
    unsigned char *raw;
    size_t len;
    ck_assert_int_eq(pv_store_raw(s, b, &raw, &len, NULL), PV_OK);
    ck_assert_uint_eq(len, sizeof bytes - 1);
    ck_assert_int_eq(memcmp(raw, bytes, len), 0);
    free(raw);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_read_stops_at_the_arena_limit)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "a", 1);
    int64_t id = add_ok(s, &p, &src);
    pv_arena arena;
    pv_arena_init(&arena, 256);
    pv_profile back;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_read(s, id, &arena, &back, &err), PV_E_TOO_BIG);
    ck_assert_ptr_null(back.funcs);
    pv_arena_release(&arena);
    /* The connection is usable afterwards: the read transaction ended. */
    assert_reads_back(s, id, &p);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_round_trips_a_large_profile)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_arena a;
    pv_arena_init(&a, ARENA_LIMIT);
    pv_profile p = synthetic_profile(&a, 50000, 140000);
    pv_store *s = open_ok(t.path, 0);
    pv_source src = source_of("big.prof", "big", 3);
    int64_t id = add_ok(s, &p, &src);
    assert_reads_back(s, id, &p);
    ck_assert_int_eq(pv_store_delete(s, id, NULL), PV_OK);
    pv_store_close(s);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM edge"), 0);
    pv_arena_release(&a);
    pv_test_tmp_remove(&t);
}
END_TEST

/* Takes an id, begins, reserves and fills `p` on `s` without committing;
 * returns the id. */
static int64_t reserve_and_fill(pv_store *s, const pv_profile *p, const pv_source *src)
{
    pv_err err = {0};
    int64_t first = -1, id = -1;
    int existed = -1;
    ck_assert_msg(pv_store_take_ids(s, 1, &first, &err) == PV_OK, "take: %s", err.msg);
    ck_assert_int_gt(first, 0);
    ck_assert_msg(pv_store_begin(s, &err) == PV_OK, "begin: %s", err.msg);
    ck_assert_msg(pv_store_reserve(s, p, src, first, &id, &existed, &err) == PV_OK,
                  "reserve: %s", err.msg);
    ck_assert_int_eq(existed, 0);
    ck_assert_int_eq(id, first);
    ck_assert_msg(pv_store_fill(s, id, p, src, &err) == PV_OK, "fill: %s", err.msg);
    return id;
}

START_TEST(store_steps_show_nothing_to_others_until_the_commit)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_arena a;
    pv_arena_init(&a, ARENA_LIMIT);
    pv_profile p = synthetic_profile(&a, 5000, 12000);
    pv_store *w = open_ok(t.path, 0);
    pv_store *r = open_ok(t.path, PV_STORE_READONLY);
    pv_source src = source_of("steps.prof", "steps", 5);
    int64_t id = reserve_and_fill(w, &p, &src);

    /* The writer sees its own rows; the reader and a third connection
     * see none of them. */
    pv_profile_info info;
    ck_assert_int_eq(pv_store_info(w, id, &info, NULL), PV_OK);
    pv_profile_info_release(&info);
    ck_assert_int_eq(pv_store_info(r, id, &info, NULL), PV_E_NOTFOUND);
    ck_assert_uint_eq(count_profiles(r), 0);
    assert_no_rows(t.path);

    /* The same bytes reserved again in the transaction are that profile. */
    int64_t again;
    int existed;
    ck_assert_int_eq(pv_store_reserve(w, &p, &src, 0, &again, &existed, NULL), PV_OK);
    ck_assert_int_eq(existed, 1);
    ck_assert_int_eq(again, id);

    pv_err err = {0};
    ck_assert_msg(pv_store_commit(w, &err) == PV_OK, "commit: %s", err.msg);
    assert_reads_back(r, id, &p);
    ck_assert_int_eq(pv_store_info(r, id, &info, NULL), PV_OK);
    ck_assert(info.store_ms >= 0);
    pv_profile_info_release(&info);
    pv_store_close(r);
    pv_store_close(w);
    pv_arena_release(&a);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_interrupted_commit_rolls_back_and_the_next_add_works)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_arena a;
    pv_arena_init(&a, ARENA_LIMIT);
    pv_profile p = synthetic_profile(&a, 5000, 12000);
    pv_store *w = open_ok(t.path, 0);
    pv_source src = source_of("stop.prof", "stop", 4);

    /* Interrupted after the fill: the commit is refused. */
    int64_t id = reserve_and_fill(w, &p, &src);
    pv_store_interrupt(w);
    pv_err err = {0};
    ck_assert_int_eq(pv_store_commit(w, &err), PV_E_DB);
    ck_assert_msg(strstr(err.msg, "interrupted"), "message: %s", err.msg);
    pv_store_rollback(w);
    assert_no_rows(t.path);

    /* Interrupted before the fill: the fill stops at its first batch. */
    ck_assert_int_eq(pv_store_begin(w, NULL), PV_OK);
    int existed;
    int64_t second;
    ck_assert_int_eq(pv_store_reserve(w, &p, &src, 0, &second, &existed, NULL), PV_OK);
    pv_store_interrupt(w);
    ck_assert_int_eq(pv_store_fill(w, second, &p, &src, &err), PV_E_DB);
    ck_assert_msg(strstr(err.msg, "interrupted"), "message: %s", err.msg);
    pv_store_rollback(w);
    assert_no_rows(t.path);

    /* An interrupt belongs to the transaction it stopped.  The id taken
     * for the rolled-back profile is never given again. */
    int64_t third = add_ok(w, &p, &src);
    ck_assert_int_gt(third, id);
    assert_reads_back(w, third, &p);
    pv_store_close(w);
    pv_arena_release(&a);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_process_dying_mid_transaction_leaves_nothing)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_arena a;
    pv_arena_init(&a, ARENA_LIMIT);
    /* Big enough that the fill spills pages to the WAL before the commit
     * (the page cache holds 8 MiB). */
    pv_profile p = synthetic_profile(&a, 50000, 140000);
    pv_source src = source_of("crash.prof", "crash", 5);
    pv_store_close(open_ok(t.path, 0));
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        /* No commit, no close: as if killed mid-commit. */
        pv_store *w = open_ok(t.path, 0);
        int64_t id = reserve_and_fill(w, &p, &src);
        _exit(write(pipefd[1], &id, sizeof id) == sizeof id ? 0 : 1);
    }
    int64_t lost = 0;
    ck_assert_int_eq(read(pipefd[0], &lost, sizeof lost), sizeof lost);
    close(pipefd[0]);
    close(pipefd[1]);
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_no_rows(t.path);

    /* The next start stores the whole profile, under another id: the
     * dead process's was printed, maybe opened, and stays its own. */
    pv_store *s = open_ok(t.path, 0);
    ck_assert_uint_eq(count_profiles(s), 0);
    int64_t id = add_ok(s, &p, &src);
    ck_assert_int_gt(id, lost);
    assert_reads_back(s, id, &p);
    pv_store_close(s);
    pv_arena_release(&a);
    pv_test_tmp_remove(&t);
}
END_TEST

/* ---- labels, listing, retention (labels.c) ---------------------------- */

/* Adds profile number i (distinct bytes) named `name`. */
static int64_t add_numbered(pv_store *s, const pv_profile *p, const char *name, int i,
                            char bytes[][16])
{
    snprintf(bytes[i], 16, "profile %d", i);
    pv_source src = source_of(name, bytes[i], strlen(bytes[i]));
    return add_ok(s, p, &src);
}

static void edit_ok(pv_store *s, int64_t id, const char *key, const char *value)
{
    pv_err err = {0};
    pv_label_arg e = {key, value};
    int rc = pv_store_label_edit(s, id, &e, 1, &err);
    ck_assert_msg(rc == PV_OK, "edit %s: %s", key, err.msg);
}

/* What formats.sql (version 5) adds, taken back out: a store as version 4
 * left it. */
#define UNDO_FORMATS                                                               \
    "DROP TABLE profile_chunk; ALTER TABLE profile DROP COLUMN unit; "             \
    "ALTER TABLE profile DROP COLUMN calls_unit; ALTER TABLE profile DROP COLUMN variant; " \
    "ALTER TABLE profile DROP COLUMN choices; ALTER TABLE profile DROP COLUMN file_sha256; " \
    "ALTER TABLE profile DROP COLUMN empty_weight; "

/* What a profile stored before version 5 reads back as: seconds, calls,
 * the only variant. */
static void as_before_formats(pv_profile *p)
{
    p->empty_weight = 0;
    p->unit = NULL;
    p->calls_unit = NULL;
    p->variant = NULL;
    p->n_choices = 0;
}

START_TEST(store_upgrades_a_version_2_store_and_keeps_its_profiles)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    p.recorded = NULL;  /* version 2 has no recorded trees */
    pv_source src = source_of("old.prof", "old bytes", 9);
    int64_t id = add_ok(s, &p, &src);
    pv_store_close(s);
    /* Exactly what schema.sql alone (version 2) makes: the label and
     * recorded-tree steps taken back out. */
    sql_exec(t.path, UNDO_FORMATS "DROP TABLE label; DROP TABLE recorded_tree; "
                     "DROP TABLE recorded_node; PRAGMA user_version = 2;");
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'label%'"), 0);
    /* Read-only cannot upgrade: it says how to. */
    pv_store *ro = NULL;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_open(t.path, PV_STORE_READONLY, &ro, &err), PV_E_STALE);
    ck_assert_msg(strstr(err.msg, "opens it for writing"), "message: %s", err.msg);
    s = open_ok(t.path, 0);
    ck_assert_int_eq(sql_int(t.path, "PRAGMA user_version"), 5);
    as_before_formats(&p);
    assert_reads_back(s, id, &p);
    edit_ok(s, id, "branch", "main");
    pv_labels l;
    ck_assert_int_eq(pv_store_labels(s, id, &l, &err), PV_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].value, "main");
    pv_labels_release(&l);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_upgrades_a_version_3_store_and_keeps_its_profiles_and_labels)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    p.recorded = NULL;
    pv_source src = source_of("old.prof", "old bytes", 9);
    int64_t id = add_ok(s, &p, &src);
    edit_ok(s, id, "branch", "main");
    pv_store_close(s);
    /* What labels.sql's version 3 makes: the recorded-tree step taken out. */
    sql_exec(t.path, UNDO_FORMATS "DROP TABLE recorded_tree; DROP TABLE recorded_node; "
                     "PRAGMA user_version = 3;");
    pv_store *ro = NULL;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_open(t.path, PV_STORE_READONLY, &ro, &err), PV_E_STALE);
    s = open_ok(t.path, 0);
    ck_assert_int_eq(sql_int(t.path, "PRAGMA user_version"), 5);
    as_before_formats(&p);
    assert_reads_back(s, id, &p);
    pv_labels l;
    ck_assert_int_eq(pv_store_labels(s, id, &l, &err), PV_OK);
    ck_assert_uint_eq(l.n, 1);
    pv_labels_release(&l);
    /* And it takes recorded profiles now. */
    pv_profile rec = tricky_profile();
    pv_source src2 = source_of("new.prof", "new bytes", 9);
    assert_reads_back(s, add_ok(s, &rec, &src2), &rec);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_upgrades_a_version_4_store_whose_profiles_read_as_pstats)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("old.prof", "old bytes", 9);
    int64_t id = add_ok(s, &p, &src);
    pv_store_close(s);
    sql_exec(t.path, UNDO_FORMATS "PRAGMA user_version = 4;");
    pv_store *ro = NULL;
    ck_assert_int_eq(pv_store_open(t.path, PV_STORE_READONLY, &ro, NULL), PV_E_STALE);
    s = open_ok(t.path, 0);
    ck_assert_int_eq(sql_int(t.path, "PRAGMA user_version"), 5);
    as_before_formats(&p);
    assert_reads_back(s, id, &p);
    pv_profile_info info;
    ck_assert_int_eq(pv_store_info(s, id, &info, NULL), PV_OK);
    ck_assert_str_eq(info.sha256, src.sha256);
    ck_assert_str_eq(info.unit, "seconds");
    ck_assert_str_eq(info.variant, "");
    ck_assert_str_eq(info.choices, "");
    pv_profile_info_release(&info);
    unsigned char *raw;
    size_t len;
    ck_assert_int_eq(pv_store_raw(s, id, &raw, &len, NULL), PV_OK);
    ck_assert_uint_eq(len, 9);
    free(raw);
    int64_t again;
    int existed;
    ck_assert_int_eq(pv_store_add(s, &p, &src, &again, &existed, NULL), PV_OK);
    ck_assert_int_eq(again, id);
    ck_assert_int_eq(existed, 1);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_label_edits_check_limits_and_are_all_or_nothing)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    char bytes[2][16];
    int64_t id = add_numbered(s, &p, "a.prof", 0, bytes);
    pv_err err = {0};
    static const char *const bad[][2] = {
        {"", "v"}, {"sp ace", "v"}, {"k:", "v"}, {"k", ""}, {"k", "a\nb"}, {"k", "\xc2\x85"},
        {"k", "\xff"}, {"k", "\xed\xa0\x80"}, {"k", "\xc0\xaf"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pv_label_arg e = {bad[i][0], bad[i][1]};
        ck_assert_int_eq(pv_store_label_edit(s, id, &e, 1, &err), PV_E_USAGE);
    }
    char long_key[PV_LABEL_KEY_MAX + 2], long_value[PV_LABEL_VALUE_MAX + 2];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    memset(long_value, 'v', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    pv_label_arg too_long[] = {{long_key, "v"}, {"k", long_value}};
    ck_assert_int_eq(pv_store_label_edit(s, id, &too_long[0], 1, &err), PV_E_USAGE);
    ck_assert_int_eq(pv_store_label_edit(s, id, &too_long[1], 1, &err), PV_E_USAGE);
    long_key[PV_LABEL_KEY_MAX] = '\0';
    long_value[PV_LABEL_VALUE_MAX] = '\0';
    edit_ok(s, id, long_key, long_value);
    edit_ok(s, id, long_key, NULL);
    /* UTF-8 and punctuation in values are fine. */
    edit_ok(s, id, "host", "café-01:8080 <x>");

    /* One label too many refuses the whole edit. */
    pv_label_arg many[PV_LABELS_MAX];
    char keys[PV_LABELS_MAX][8];
    for (int i = 0; i < PV_LABELS_MAX; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        many[i] = (pv_label_arg){keys[i], "x"};
    }
    ck_assert_int_eq(pv_store_label_edit(s, id, many, PV_LABELS_MAX, &err), PV_E_USAGE);
    ck_assert_msg(strstr(err.msg, "at most 32 labels"), "message: %s", err.msg);
    pv_labels l;
    ck_assert_int_eq(pv_store_labels(s, id, &l, &err), PV_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].key, "host");
    pv_labels_release(&l);
    /* Replacing, removing, and an unknown profile. */
    edit_ok(s, id, "host", "b");
    pv_label_arg rm = {"host", NULL};
    ck_assert_int_eq(pv_store_label_edit(s, id, &rm, 1, &err), PV_OK);
    ck_assert_int_eq(pv_store_label_edit(s, id + 100, &rm, 1, &err), PV_E_NOTFOUND);
    ck_assert_int_eq(pv_store_labels(s, id + 100, &l, &err), PV_E_NOTFOUND);
    /* Deleting the profile takes its labels. */
    edit_ok(s, id, "host", "b");
    ck_assert_int_eq(pv_store_delete(s, id, &err), PV_OK);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM label"), 0);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* The ids of a listing's page, newest first, as "5,3,1"; *total too. */
static void list_ids(pv_store *s, const char *q, const pv_label_arg *labels, size_t n_labels,
                     int64_t offset, int64_t limit, char *out, size_t cap, int64_t *total)
{
    pv_list_query lq = {.q = q, .labels = labels, .n_labels = n_labels, .offset = offset,
                        .limit = limit};
    pv_profile_page page;
    pv_err err = {0};
    int rc = pv_store_query(s, &lq, &page, &err);
    ck_assert_msg(rc == PV_OK, "query: %s", err.msg);
    out[0] = '\0';
    for (size_t i = 0; i < page.n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%lld", i ? "," : "", (long long)page.infos[i].id);
    }
    *total = page.total;
    pv_profile_page_release(&page);
}

START_TEST(store_lists_filtered_by_labels_and_text_with_pages_and_a_total)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    char bytes[6][16];
    static const char *const names[] = {"api-1.prof", "web.prof", "API-2.prof", "batch.prof",
                                        "50%_off.prof", "x.prof"};
    int64_t id[6];
    for (int i = 0; i < 6; i++)
        id[i] = add_numbered(s, &p, names[i], i, bytes);
    edit_ok(s, id[0], "service", "api");
    edit_ok(s, id[2], "service", "api");
    edit_ok(s, id[2], "branch", "main");
    edit_ok(s, id[3], "branch", "main");
    edit_ok(s, id[5], "note", "Nightly API run");
    char got[128], want[128];
    int64_t total;

    list_ids(s, NULL, NULL, 0, 0, 100, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld,%lld,%lld,%lld,%lld,%lld", (long long)id[5],
             (long long)id[4], (long long)id[3], (long long)id[2], (long long)id[1],
             (long long)id[0]);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(total, 6);
    /* Pages: the total counts every match; past the end, no rows. */
    list_ids(s, NULL, NULL, 0, 2, 2, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld,%lld", (long long)id[3], (long long)id[2]);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(total, 6);
    list_ids(s, NULL, NULL, 0, 6, 2, got, sizeof got, &total);
    ck_assert_str_eq(got, "");
    ck_assert_int_eq(total, 6);

    /* Labels: one, two (both must hold), none matching. */
    pv_label_arg api = {"service", "api"}, main_ = {"branch", "main"}, none = {"service", "API"};
    list_ids(s, NULL, &api, 1, 0, 100, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld,%lld", (long long)id[2], (long long)id[0]);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(total, 2);
    pv_label_arg both[] = {api, main_};
    list_ids(s, NULL, both, 2, 0, 100, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld", (long long)id[2]);
    ck_assert_str_eq(got, want);
    list_ids(s, NULL, &none, 1, 0, 100, got, sizeof got, &total);
    ck_assert_str_eq(got, "");
    ck_assert_int_eq(total, 0);

    /* Text: names and label values, ASCII case ignored, % and _ literal. */
    list_ids(s, "api", NULL, 0, 0, 100, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)id[5], (long long)id[2],
             (long long)id[0]);
    ck_assert_str_eq(got, want);
    list_ids(s, "%_", NULL, 0, 0, 100, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld", (long long)id[4]);
    ck_assert_str_eq(got, want);
    list_ids(s, "api", &main_, 1, 0, 100, got, sizeof got, &total);
    snprintf(want, sizeof want, "%lld", (long long)id[2]);
    ck_assert_str_eq(got, want);

    /* Each row comes with its labels, sorted by key. */
    pv_list_query lq = {.labels = &api, .n_labels = 1, .limit = 1};
    pv_profile_page page;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_query(s, &lq, &page, &err), PV_OK);
    ck_assert_uint_eq(page.labels[0].n, 2);
    ck_assert_str_eq(page.labels[0].items[0].key, "branch");
    ck_assert_str_eq(page.labels[0].items[1].key, "service");
    pv_profile_page_release(&page);

    /* Retention's walk: oldest first, labelled or not, before a time. */
    int64_t found;
    ck_assert_int_eq(pv_store_oldest(s, 0, INT64_MAX, 0, &found, &err), PV_OK);
    ck_assert_int_eq(found, id[1]);
    ck_assert_int_eq(pv_store_oldest(s, 0, INT64_MAX, id[1], &found, &err), PV_OK);
    ck_assert_int_eq(found, id[4]);
    ck_assert_int_eq(pv_store_oldest(s, 1, INT64_MAX, 0, &found, &err), PV_OK);
    ck_assert_int_eq(found, id[0]);
    ck_assert_int_eq(pv_store_oldest(s, 0, 1000, 0, &found, &err), PV_E_NOTFOUND);
    int64_t used;
    ck_assert_int_eq(pv_store_used_bytes(s, &used, &err), PV_OK);
    ck_assert_int_gt(used, 0);
    ck_assert_int_le(used, sql_int(t.path, pv_store_is_pg(t.path)
                                               ? "SELECT pg_database_size(current_database())"
                                               : "SELECT page_count * page_size FROM "
                                                 "pragma_page_count(), pragma_page_size()"));
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* ---- several connections, and PostgreSQL's own ---------------------- */

/* A pv_store_add on a connection of its own, in a thread. */
typedef struct add_job {
    const char *path;
    const pv_profile *p;
    const pv_source *srcs;
    size_t n;            /* sources to add, in order */
    int64_t ids[8];
    int existed[8];
    int rc;
    pv_err err;
    pv_store *s;         /* opened by the caller when set, else by the thread */
    atomic_int done;
} add_job;

static void *add_thread(void *arg)
{
    add_job *j = arg;
    pv_store *s = j->s;
    j->rc = s ? PV_OK : pv_store_open(j->path, 0, &s, &j->err);
    for (size_t i = 0; j->rc == PV_OK && i < j->n; i++)
        j->rc = pv_store_add(s, j->p, &j->srcs[i], &j->ids[i], &j->existed[i], &j->err);
    if (!j->s)
        pv_store_close(s);
    atomic_store(&j->done, 1);
    return NULL;
}

START_TEST(store_two_connections_storing_the_same_bytes_at_once_store_it_once)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_arena a;
    pv_arena_init(&a, ARENA_LIMIT);
    pv_profile p = synthetic_profile(&a, 5000, 12000);
    pv_store *w = open_ok(t.path, 0);
    pv_source src = source_of("same.prof", "same bytes", 10);

    /* The first is stored but not committed: the second waits for it (on
     * the unique identity, or SQLite's write lock), then finds it. */
    int64_t id = reserve_and_fill(w, &p, &src);
    add_job b = {.path = t.path, .p = &p, .srcs = &src, .n = 1};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, add_thread, &b), 0);
    usleep(300 * 1000);
    ck_assert_msg(!atomic_load(&b.done), "the second add did not wait: %s", b.err.msg);
    pv_err err = {0};
    ck_assert_msg(pv_store_commit(w, &err) == PV_OK, "commit: %s", err.msg);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_msg(b.rc == PV_OK, "second add: %s", b.err.msg);
    ck_assert_int_eq(b.existed[0], 1);
    ck_assert_int_eq(b.ids[0], id);

    /* Both at once, over the same eight files: each stored once, both
     * told its one id, neither told of an error. */
    char bytes[8][16];
    pv_source srcs[8];
    for (int i = 0; i < 8; i++) {
        snprintf(bytes[i], sizeof bytes[i], "race %d", i);
        srcs[i] = source_of("race.prof", bytes[i], strlen(bytes[i]));
    }
    add_job jobs[2] = {{.path = t.path, .p = &p, .srcs = srcs, .n = 8},
                       {.path = t.path, .p = &p, .srcs = srcs, .n = 8}};
    pthread_t ths[2];
    for (int k = 0; k < 2; k++)
        ck_assert_int_eq(pthread_create(&ths[k], NULL, add_thread, &jobs[k]), 0);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(pthread_join(ths[k], NULL), 0);
        ck_assert_msg(jobs[k].rc == PV_OK, "add %d: %s", k, jobs[k].err.msg);
    }
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(jobs[0].ids[i], jobs[1].ids[i]);
        ck_assert_int_eq(jobs[0].existed[i] + jobs[1].existed[i], 1);
    }
    ck_assert_uint_eq(count_profiles(w), 9);
    assert_reads_back(w, jobs[0].ids[7], &p);
    pv_store_close(w);
    pv_arena_release(&a);
    pv_test_tmp_remove(&t);
}
END_TEST

/* pv_store_open in a thread; done = 1 when it succeeded. */
typedef struct open_job {
    const char *path;
    int rc;
    pv_err err;
} open_job;

static void *open_thread(void *arg)
{
    open_job *j = arg;
    pv_store *s = NULL;
    j->rc = pv_store_open(j->path, 0, &s, &j->err);
    pv_store_close(s);
    return NULL;
}

START_TEST(store_front_ends_starting_at_once_create_the_schema_once)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    open_job jobs[4];
    pthread_t ths[4];
    for (int k = 0; k < 4; k++) {
        jobs[k] = (open_job){.path = t.path};
        ck_assert_int_eq(pthread_create(&ths[k], NULL, open_thread, &jobs[k]), 0);
    }
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(pthread_join(ths[k], NULL), 0);
        ck_assert_msg(jobs[k].rc == PV_OK, "open %d: %s", k, jobs[k].err.msg);
    }
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "a", 1);
    assert_reads_back(s, add_ok(s, &p, &src), &p);
    pv_store_close(s);
    if (pv_store_is_pg(t.path))
        ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM pv_meta"), 1);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_a_delete_moves_data_version_for_other_connections)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *w = open_ok(t.path, 0);
    pv_store *r = open_ok(t.path, PV_STORE_READONLY);
    pv_profile p = empty_profile();
    pv_source src = source_of("gone.prof", "gone", 4);
    int64_t id = add_ok(w, &p, &src);
    int64_t before, after, again;
    ck_assert_int_eq(pv_store_data_version(r, &before, NULL), PV_OK);
    ck_assert_int_eq(pv_store_data_version(r, &again, NULL), PV_OK);
    ck_assert_int_eq(again, before);
    ck_assert_int_eq(pv_store_delete(w, id, NULL), PV_OK);
    ck_assert_int_eq(pv_store_data_version(r, &after, NULL), PV_OK);
    ck_assert_int_ne(after, before);
    pv_profile_info info;
    ck_assert_int_eq(pv_store_info(r, id, &info, NULL), PV_E_NOTFOUND);
    pv_store_close(r);
    pv_store_close(w);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_reserve_takes_an_id_no_profile_has_had_and_later_ids_go_above_it)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = empty_profile();
    pv_source old = source_of("old.prof", "old", 3), next = source_of("next.prof", "next", 4);
    pv_err err = {0};
    int64_t id;
    int existed;
    ck_assert_int_eq(pv_store_begin(s, &err), PV_OK);
    ck_assert_msg(pv_store_reserve(s, &p, &old, 1000, &id, &existed, &err) == PV_OK, "%s",
                  err.msg);
    ck_assert_int_eq(id, 1000);
    ck_assert_int_eq(pv_store_fill(s, id, &p, &old, &err), PV_OK);
    ck_assert_int_eq(pv_store_commit(s, &err), PV_OK);
    ck_assert_int_gt(add_ok(s, &p, &next), 1000);
    int64_t first;
    ck_assert_int_eq(pv_store_take_ids(s, 3, &first, &err), PV_OK);
    ck_assert_int_gt(first, 1001);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* Every file under `dir`, recursively, into files[] (strdup'd). */
static void collect_all(const char *dir, char **files, size_t max, size_t *n)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) && *n < max) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode))
            collect_all(path, files, max, n);
        else
            files[(*n)++] = strdup(path);
    }
    closedir(d);
}

START_TEST(store_keeps_every_fixture_file_byte_for_byte)
{
    const char *root = getenv("PV_TEST_DATA");
    ck_assert_ptr_nonnull(root);
    enum { MAX_FILES = 2048 };
    static char *files[MAX_FILES];
    size_t n = 0;
    collect_all(root, files, MAX_FILES, &n);
    ck_assert_uint_gt(n, 100);
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s = open_ok(t.path, 0);
    pv_profile p = empty_profile();
    size_t under_pstats = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        unsigned char *data = pv_test_read(files[i], &len);
        /* Named by the path under tests/data, so the search below can
         * find them. */
        const char *name = files[i] + strlen(root) + 1;
        under_pstats += strncmp(name, "pstats/", 7) == 0;
        pv_source src = source_of(name, data, len);
        int64_t id;
        int existed;
        pv_err err = {0};
        ck_assert_msg(pv_store_add(s, &p, &src, &id, &existed, &err) == PV_OK, "%s: %s", name,
                      err.msg);
        unsigned char *back;
        size_t back_len;
        ck_assert_int_eq(pv_store_raw(s, id, &back, &back_len, &err), PV_OK);
        if (back_len != len || memcmp(back, data, len) != 0)
            ck_abort_msg("%s: %zu bytes stored, %zu read back differ", name, len, back_len);
        free(back);
        free(data);
    }
    /* The search ignores ASCII case in names stored as bytes. */
    pv_list_query lq = {.q = "PSTATS/", .limit = 1};
    pv_profile_page page;
    pv_err err = {0};
    ck_assert_msg(pv_store_query(s, &lq, &page, &err) == PV_OK, "query: %s", err.msg);
    ck_assert_int_le(page.total, (int64_t)under_pstats);
    ck_assert_int_gt(page.total, 0);
    pv_profile_page_release(&page);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* Opens `uri`, which must fail with `code`, and checks the message names
 * `names` and shows no password. */
static void assert_open_refused(const char *uri, int code, const char *names)
{
    pv_store *s = NULL;
    pv_err err = {0};
    ck_assert_int_eq(pv_store_open(uri, 0, &s, &err), code);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.msg, names), "message does not name %s: %s", names, err.msg);
    ck_assert_msg(!strstr(err.msg, "s3cret") && !strstr(err.msg, "zzcret"),
                  "message shows the password: %s", err.msg);
}

START_TEST(store_pg_refusals_name_the_database_and_never_its_password)
{
    /* No server there: an I/O error.  No cluster needed. */
    assert_open_refused("postgresql://alice:s3cret@/profviz?host=/tmp/pv-test-no-such-dir",
                        PV_E_IO, "postgresql://alice:***@/profviz");
    /* A URI libpq cannot read, which it quotes in its message. */
    assert_open_refused("postgresql://alice:s3%zzcret@/profviz?host=/tmp/pv-test-no-such-dir",
                        PV_E_DB, "postgresql://alice:***@");
    if (!pv_test_on_pg())
        return;
    /* A server that answers and refuses: the database's error. */
    char uri[1200];
    const char *base = getenv("PV_TEST_PG");
    const char *slash = strstr(base, ":///");
    ck_assert_ptr_nonnull(slash);
    snprintf(uri, sizeof uri, "%.*s:///pv_no_such_db%s&password=s3cret", (int)(slash - base),
             base, strchr(base, '?'));
    assert_open_refused(uri, PV_E_DB, "pv_no_such_db");
    assert_open_refused(uri, PV_E_DB, "password=***");
}
END_TEST

/* pv_store_begin and _reserve in a thread, on a connection of the
 * caller's. */
static void *reserve_thread(void *arg)
{
    add_job *j = arg;
    j->rc = pv_store_begin(j->s, &j->err);
    if (j->rc == PV_OK)
        j->rc = pv_store_reserve(j->s, j->p, j->srcs, 0, &j->ids[0], &j->existed[0], &j->err);
    atomic_store(&j->done, 1);
    return NULL;
}

START_TEST(store_interrupt_stops_a_statement_waiting_on_another_connection)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    if (!pv_store_is_pg(t.path)) {
        /* On SQLite the wait is begin's busy timeout, and begin forgets
         * an interrupt: there is no statement to stop. */
        pv_test_tmp_remove(&t);
        return;
    }
    pv_profile p = empty_profile();
    pv_source src = source_of("held.prof", "held", 4);
    pv_store *a = open_ok(t.path, 0), *b = open_ok(t.path, 0);
    int64_t id = reserve_and_fill(a, &p, &src);
    /* b's INSERT of the same identity waits for a's transaction... */
    add_job j = {.p = &p, .srcs = &src, .s = b};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, reserve_thread, &j), 0);
    usleep(300 * 1000);
    ck_assert(!atomic_load(&j.done));
    /* ...until an interrupt from here cancels it. */
    pv_store_interrupt(b);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_int_eq(j.rc, PV_E_DB);
    ck_assert_msg(strstr(j.err.msg, "interrupted"), "message: %s", j.err.msg);
    pv_store_rollback(b);
    pv_err err = {0};
    ck_assert_int_eq(pv_store_commit(a, &err), PV_OK);
    /* Both connections go on working. */
    int64_t again;
    int existed;
    ck_assert_msg(pv_store_add(b, &p, &src, &again, &existed, &err) == PV_OK, "%s", err.msg);
    ck_assert_int_eq(existed, 1);
    ck_assert_int_eq(again, id);
    pv_store_close(a);
    pv_store_close(b);
    pv_test_tmp_remove(&t);
}
END_TEST

START_TEST(store_pg_survives_a_dropped_connection_and_never_half_stores_across_it)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    if (!pv_store_is_pg(t.path)) {
        /* A SQLite file has no connection to lose. */
        pv_test_tmp_remove(&t);
        return;
    }
    /* The connection is found by its application_name, and ended as a
     * server restart or an administrator would end it. */
    char uri[sizeof t.path + 64], kill[160];
    snprintf(uri, sizeof uri, "%s&application_name=pvt_victim_%ld", t.path, (long)getpid());
    snprintf(kill, sizeof kill, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE application_name = 'pvt_victim_%ld'", (long)getpid());
    pv_store *s = open_ok(uri, 0);
    pv_profile p = tricky_profile();
    pv_source src = source_of("a.prof", "a", 1);
    int64_t id = add_ok(s, &p, &src);
    ck_assert_int_eq(sql_int(t.path, kill), 1);
    /* Outside a transaction the next call connects again. */
    pv_profile_info info;
    pv_err err = {0};
    ck_assert_msg(pv_store_info(s, id, &info, &err) == PV_OK, "%s", err.msg);
    pv_profile_info_release(&info);
    /* Inside one, the rest fails rather than run without the first half. */
    pv_source src2 = source_of("b.prof", "b", 1);
    int64_t id2;
    int existed;
    ck_assert_int_eq(pv_store_begin(s, &err), PV_OK);
    ck_assert_int_eq(pv_store_reserve(s, &p, &src2, 0, &id2, &existed, &err), PV_OK);
    ck_assert_int_eq(sql_int(t.path, kill), 1);
    ck_assert_int_eq(pv_store_fill(s, id2, &p, &src2, &err), PV_E_DB);
    ck_assert_int_eq(pv_store_commit(s, &err), PV_E_DB);
    pv_store_rollback(s);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM function"), 5);
    ck_assert_int_eq(sql_int(t.path, "SELECT count(*) FROM profile_chunk"), 1);
    assert_reads_back(s, add_ok(s, &p, &src2), &p);
    pv_store_close(s);
    /* A read-only store stays read-only on its new connection. */
    s = open_ok(uri, PV_STORE_READONLY);
    ck_assert_int_eq(sql_int(t.path, kill), 1);
    ck_assert_uint_eq(count_profiles(s), 2);
    pv_source src3 = source_of("c.prof", "c", 1);
    ck_assert_int_eq(pv_store_add(s, &p, &src3, &id2, &existed, &err), PV_E_DB);
    ck_assert_msg(strstr(err.msg, "read-only"), "message: %s", err.msg);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

/* Why the upgrade tests are SQLite's only. */
#define NO_OLDER_PG_SCHEMA "SQLite's schema steps; pg.sql has one version, nothing older to upgrade"

Suite *pv_store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    /* The large round trip takes seconds under the sanitizers. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, store_round_trips_every_field_exactly);
    tcase_add_test(tc, store_round_trips_an_empty_profile_and_empty_file);
    tcase_add_test(tc, store_adding_the_same_bytes_twice_returns_the_first_id_and_stores_nothing);
    tcase_add_test(tc, store_failed_add_leaves_nothing_behind);
    tcase_add_test(tc, store_delete_removes_every_derived_row);
    pv_test_add_sqlite_only(tc, store_upgrades_a_version_3_store_and_keeps_its_profiles_and_labels,
                            NO_OLDER_PG_SCHEMA);
    tcase_add_test(tc, store_opened_read_only_reads_but_refuses_writes);
    tcase_add_test(tc, store_refuses_another_schema_version_with_a_clear_message);
    tcase_add_test(tc, store_refuses_a_foreign_database_and_a_non_database);
    tcase_add_test(tc, store_creates_the_schema_once_and_reopens);
    pv_test_add_sqlite_only(tc, store_plans_callers_and_callees_lookups_on_their_indexes,
                            "the plans are SQLite's EXPLAIN QUERY PLAN of its own indexes");
    tcase_add_test(tc, store_lists_newest_first);
    tcase_add_test(tc, store_raw_returns_the_exact_bytes);
    tcase_add_test(tc, store_read_stops_at_the_arena_limit);
    tcase_add_test(tc, store_round_trips_a_large_profile);
    tcase_add_test(tc, store_steps_show_nothing_to_others_until_the_commit);
    tcase_add_test(tc, store_interrupted_commit_rolls_back_and_the_next_add_works);
    tcase_add_test(tc, store_process_dying_mid_transaction_leaves_nothing);
    pv_test_add_sqlite_only(tc, store_upgrades_a_version_2_store_and_keeps_its_profiles,
                            NO_OLDER_PG_SCHEMA);
    tcase_add_test(tc, store_label_edits_check_limits_and_are_all_or_nothing);
    pv_test_add_sqlite_only(tc, store_upgrades_a_version_4_store_whose_profiles_read_as_pstats,
                            NO_OLDER_PG_SCHEMA);
    tcase_add_test(tc, store_keeps_each_variant_of_one_file_once);
    tcase_add_test(tc, store_keeps_a_file_over_one_chunk_in_chunks_and_gives_it_back_exactly);
    tcase_add_test(tc, store_lists_filtered_by_labels_and_text_with_pages_and_a_total);
    tcase_add_test(tc, store_two_connections_storing_the_same_bytes_at_once_store_it_once);
    tcase_add_test(tc, store_front_ends_starting_at_once_create_the_schema_once);
    tcase_add_test(tc, store_a_delete_moves_data_version_for_other_connections);
    tcase_add_test(tc, store_reserve_takes_an_id_no_profile_has_had_and_later_ids_go_above_it);
    tcase_add_test(tc, store_keeps_every_fixture_file_byte_for_byte);
    tcase_add_test(tc, store_pg_refusals_name_the_database_and_never_its_password);
    tcase_add_test(tc, store_interrupt_stops_a_statement_waiting_on_another_connection);
    tcase_add_test(tc, store_pg_survives_a_dropped_connection_and_never_half_stores_across_it);
    suite_add_tcase(s, tc);
    return s;
}
