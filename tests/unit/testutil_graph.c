/* testutil_graph.c — a fixture's call graph, for the server's tests. */
#include <check.h>
#include <stdlib.h>

#include "graph.h"
#include "loader.h"
#include "testutil.h"

struct pv_graph *pv_test_graph(const char *path)
{
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    pv_profile p;
    pv_err err;
    ck_assert_msg(pv_pstats_parse(buf, len, &arena, &p, &err) == PV_OK, "%s: %s", path, err.msg);
    pv_graph *g = pv_graph_new(&p);
    pv_arena_release(&arena);
    free(buf);
    return g;
}
