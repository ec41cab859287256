/* testutil_graph.c — a fixture's call graph, for the server's tests. */
#include <check.h>
#include <stdio.h>
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

struct pv_graph *pv_test_recorded_graph(const char *name)
{
    const char *d = getenv("PV_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/recorded/%s", d ? d : "tests/data", name);
    pv_graph *g = pv_test_graph(path);
    ck_assert_msg(g->recorded, "%s: not recorded", path);
    return g;
}
