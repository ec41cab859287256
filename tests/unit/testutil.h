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

/* A store's path in a new temporary directory; the store itself is not
 * created.  pv_test_tmp_remove deletes the store with its -wal, -shm and
 * -journal files, then the directory, which must be empty by then. */
typedef struct pv_test_tmp {
    char dir[64];
    char path[96];
} pv_test_tmp;
void pv_test_tmp_init(pv_test_tmp *t);
void pv_test_tmp_remove(pv_test_tmp *t);

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
