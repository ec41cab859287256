/* testutil.h — helpers the Check tests share.
 * Both fail the running test (ck_assert) rather than return errors.
 */
#ifndef PV_TESTUTIL_H
#define PV_TESTUTIL_H

#include <stddef.h>

/* The whole file at `path`, malloc'd and NUL-terminated (the NUL not
 * counted in *len); the caller frees it. */
unsigned char *pv_test_read(const char *path, size_t *len);

struct pv_graph;

/* Parses the pstats file at `path` and builds its call graph
 * (testutil_graph.c, linked only into the server's tests); the caller
 * frees it with pv_graph_free. */
struct pv_graph *pv_test_graph(const char *path);

#endif
