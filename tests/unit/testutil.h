/* testutil.h — helpers the Check tests share.
 * Both fail the running test (ck_assert) rather than return errors.
 */
#ifndef PV_TESTUTIL_H
#define PV_TESTUTIL_H

#include <stddef.h>

/* The whole file at `path`, malloc'd and NUL-terminated (the NUL not
 * counted in *len); the caller frees it. */
unsigned char *pv_test_read(const char *path, size_t *len);

/* The fixture set this test executable covers, chosen by $PV_FIXTURES:
 * unset, the committed fixtures (tests/data, $PV_TEST_DATA), *shared = 0;
 * "shared", the shared corpus beside a developer's checkout ($PV_SHARED,
 * ../shared), *shared = 1.  A user's clone has no ../shared: then this
 * calls pv_test_skip with the reason and returns NULL. */
const char *pv_test_fixtures(int *shared);

/* Marks the whole run as skipped (meson's exit status 77), with a reason
 * runner.c prints; a suite builder calls it before adding its tests. */
void pv_test_skip(const char *reason);
const char *pv_test_skipped(void);  /* the reason, or NULL */

/* A new, empty test store and a temporary directory beside it.  The
 * backend is chosen by $PV_TEST_BACKEND: unset, `path` is a SQLite file in
 * `dir` (not created); "pg", `path` is the URI of a fresh schema of the
 * test cluster $PV_TEST_PG (tests/pg/cluster), so every store test runs
 * unchanged on PostgreSQL.  pv_test_tmp_remove deletes the store (the
 * file with its -wal, -shm and -journal files, or the schema), then the
 * directory, which must be empty by then. */
typedef struct pv_test_tmp {
    char dir[64];
    char path[1024];
} pv_test_tmp;
void pv_test_tmp_init(pv_test_tmp *t);
void pv_test_tmp_remove(pv_test_tmp *t);

/* Whether this run's stores are PostgreSQL ones ($PV_TEST_BACKEND=pg).
 * Then, with no test cluster ($PV_TEST_PG unset), runner.c reports the
 * whole run skipped with the reason ($PV_TEST_PG_SKIP, which ./dev test
 * sets when the cluster would not start). */
int pv_test_on_pg(void);
const char *pv_test_pg_unavailable(void);  /* the reason, or NULL when there is a cluster */

/* Adds test `fn` to `tc`, unless the run is on PostgreSQL: then prints
 * "skipped NAME on PostgreSQL: REASON" instead.  Only for tests of
 * SQLite's own file (a read-only mount, the reserve file, WAL...). */
#define pv_test_add_sqlite_only(tc, fn, reason) pv_test_add_sqlite_only_(tc, fn, #fn, reason)
struct TCase;
struct TTest;
void pv_test_add_sqlite_only_(struct TCase *tc, const struct TTest *fn, const char *name,
                              const char *reason);

/* Appends to files[] (strdup'd; *n of them, at most max) the *.prof files
 * of `dir` but the damaged ones (bad_*).  A folder that cannot be opened
 * adds none. */
void pv_test_collect_profs(const char *dir, char **files, size_t max, size_t *n);

/* The same for the committed pstats dumps: ROOT/pstats and ROOT/realworld. */
void pv_test_collect_committed(const char *root, char **files, size_t max, size_t *n);

struct pv_graph;

/* Parses the pstats file at `path` and builds its call graph
 * (testutil_graph.c, linked only into the server's tests); the caller
 * frees it with pv_graph_free. */
struct pv_graph *pv_test_graph(const char *path);

/* The graph of tests/data/recorded/NAME ($PV_TEST_DATA); fails the test
 * unless the file carries a recorded tree. */
struct pv_graph *pv_test_recorded_graph(const char *name);

#endif
