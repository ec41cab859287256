/* testutil.c — reading fixtures; see testutil.h. */
#include "testutil.h"

#include <check.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *skip_reason;

void pv_test_skip(const char *reason)
{
    skip_reason = reason;
}

const char *pv_test_skipped(void)
{
    return skip_reason;
}

const char *pv_test_fixtures(int *shared)
{
    const char *which = getenv("PV_FIXTURES");
    *shared = which && strcmp(which, "shared") == 0;
    if (!*shared) {
        /* Called while the suite is built, outside any test: no ck_assert. */
        const char *data = getenv("PV_TEST_DATA");
        if (!data) {
            fprintf(stderr, "PV_TEST_DATA is not set (meson test sets it)\n");
            exit(2);
        }
        return data;
    }
    const char *dir = getenv("PV_SHARED");
    static char corpus[1024];
    snprintf(corpus, sizeof corpus, "%s/corpus", dir ? dir : "");
    if (!dir || access(corpus, R_OK) != 0) {
        pv_test_skip("no shared corpus (../shared/corpus): the committed fixtures are tested "
                     "without it");
        return NULL;
    }
    return dir;
}

unsigned char *pv_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    struct stat st;
    ck_assert_int_eq(fstat(fileno(f), &st), 0);
    *len = (size_t)st.st_size;
    unsigned char *buf = malloc(*len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(fread(buf, 1, *len, f) == *len, "cannot read %s", path);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

int pv_test_on_pg(void)
{
    const char *b = getenv("PV_TEST_BACKEND");
    return b && strcmp(b, "pg") == 0;
}

const char *pv_test_pg_unavailable(void)
{
    const char *uri = getenv("PV_TEST_PG");
    if (uri && *uri)
        return NULL;
    const char *why = getenv("PV_TEST_PG_SKIP");
    return why && *why ? why : "no test cluster ($PV_TEST_PG unset; ./dev test starts one)";
}

void pv_test_add_sqlite_only_(TCase *tc, const TTest *fn, const char *name, const char *reason)
{
    if (pv_test_on_pg())
        printf("skipped %s on PostgreSQL: %s\n", name, reason);
    else
        tcase_add_test(tc, fn);
}

/* Runs `sql` (no parameters: the schema names are ours) on the test
 * cluster, failing the test when it fails. */
static void pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(getenv("PV_TEST_PG"));
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "test cluster: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* The schema of t's store: the pid and a counter keep every test
 * process's stores apart on the one cluster. */
static void pg_schema(const pv_test_tmp *t, char *out, size_t cap)
{
    const char *s = strstr(t->path, "search_path%3D");
    ck_assert_ptr_nonnull(s);
    snprintf(out, cap, "%s", s + strlen("search_path%3D"));
}

void pv_test_tmp_init(pv_test_tmp *t)
{
    strcpy(t->dir, "/tmp/pv-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
    if (!pv_test_on_pg()) {
        snprintf(t->path, sizeof t->path, "%s/store.db", t->dir);
        return;
    }
    static unsigned counter;
    const char *base = getenv("PV_TEST_PG");
    ck_assert_msg(base && *base, "PostgreSQL: %s", pv_test_pg_unavailable());
    char schema[64], sql[256];
    snprintf(schema, sizeof schema, "pvt_%ld_%u", (long)getpid(), counter++);
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
    pg_admin(sql);
    int n = snprintf(t->path, sizeof t->path, "%s%coptions=-csearch_path%%3D%s", base,
                     strchr(base, '?') ? '&' : '?', schema);
    ck_assert_int_lt(n, (int)sizeof t->path);
}

void pv_test_tmp_remove(pv_test_tmp *t)
{
    if (pv_test_on_pg()) {
        char schema[64], sql[256];
        pg_schema(t, schema, sizeof schema);
        snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
        pg_admin(sql);
        ck_assert_int_eq(rmdir(t->dir), 0);
        return;
    }
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[sizeof t->path + 16];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffixes[i]);
        unlink(p);
    }
    ck_assert_int_eq(rmdir(t->dir), 0);
}

void pv_test_collect_profs(const char *dir, char **files, size_t max, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && *n < max) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".prof") != 0 ||
            strncmp(e->d_name, "bad_", 4) == 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        files[(*n)++] = strdup(path);
    }
    closedir(d);
}

void pv_test_collect_committed(const char *root, char **files, size_t max, size_t *n)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/pstats", root);
    pv_test_collect_profs(dir, files, max, n);
    snprintf(dir, sizeof dir, "%s/realworld", root);
    pv_test_collect_profs(dir, files, max, n);
}
