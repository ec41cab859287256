/* bench_tree.c — how fast one view of the call tree is computed: the work
 * behind every GET /api/profiles/{id}/tree once the profile's graph is
 * cached.
 *
 * For each file: parse it, build its graph once (timed, the cost of a
 * cache miss), then time pv_tree_build for the whole profile at the given
 * depth and cutoff (best of R runs, the least disturbed by the machine),
 * and separately the JSON the endpoint prints for it (building the cJSON
 * tree and printing it).  Prints one aligned row per file, then one
 * `bench key=value ...` line per file for scripts.  With -V the view is
 * the inverted tree or a half of the sandwich (tree.h), centred on the
 * function with the most edges on that side (callers above, callees
 * below): the widest half.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api.h"
#include "clock.h"
#include "graph.h"
#include "loader.h"
#include "tree.h"
#include "xalloc.h"

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "bench_tree: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    *len = (size_t)st.st_size;
    unsigned char *buf = pv_xmalloc(*len ? *len : 1);
    if (fread(buf, 1, *len, f) != *len) {
        fprintf(stderr, "bench_tree: %s: short read\n", path);
        exit(1);
    }
    fclose(f);
    return buf;
}

/* The endpoint's JSON for a built tree, as api_tree.c prints it. */
static size_t print_json(const pv_graph *g, const pv_tree *t)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "root", pv_api_tree_node(g, t, &t->nodes[0], 1));
    char *text = cJSON_PrintUnformatted(doc);
    size_t n = strlen(text);
    cJSON_free(text);
    cJSON_Delete(doc);
    return n;
}

/* The function with the most callers (callees: with the most callees). */
static uint32_t busiest(const pv_graph *g, pv_tree_view view)
{
    uint32_t best = 0;
    for (uint32_t f = 1; f < g->n_funcs; f++) {
        const pv_gfunc *a = &g->funcs[f], *b = &g->funcs[best];
        if (view == PV_VIEW_CALLEES ? a->n_callees > b->n_callees : a->n_callers > b->n_callers)
            best = f;
    }
    return best;
}

static int view_named(const char *name, pv_tree_view *v)
{
    static const char *const names[] = {"top", "inverted", "callers", "callees"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *v = (pv_tree_view)i;
            return 1;
        }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: bench_tree [-r RUNS] [-d DEPTH] [-c CUTOFF] [-V VIEW] FILE...\n"
                 "Times pv_tree_build (and the endpoint's JSON) for the whole profile;\n"
                 "defaults: 20 runs, depth 10, cutoff 0.001 (the endpoint's defaults).\n"
                 "VIEW: top (default), inverted, callers or callees (the sandwich's half\n"
                 "of the function with the most callers, or callees).\n");
}

int main(int argc, char **argv)
{
    int runs = 20, c;
    unsigned depth = 10;
    double cutoff = 0.001;
    pv_tree_view view = PV_VIEW_TOP;
    while ((c = getopt(argc, argv, "r:d:c:V:h")) != -1) {
        switch (c) {
        case 'r': runs = atoi(optarg); break;
        case 'd': depth = (unsigned)atoi(optarg); break;
        case 'c': cutoff = atof(optarg); break;
        case 'V':
            if (!view_named(optarg, &view)) {
                usage(stderr);
                return 1;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind >= argc || runs < 1) {
        usage(stderr);
        return 1;
    }
    printf("%-28s %8s %8s %9s %9s %7s %9s %9s\n", "file", "funcs", "edges", "graph ms", "tree ms",
           "nodes", "json ms", "json KB");
    int status = 0;
    for (int i = optind; i < argc; i++) {
        size_t len;
        unsigned char *buf = read_all(argv[i], &len);
        pv_arena arena;
        pv_arena_init(&arena, pv_load_memory_limit(len));
        pv_profile p;
        pv_err err;
        if (pv_pstats_parse(buf, len, &arena, &p, &err) != PV_OK) {
            fprintf(stderr, "bench_tree: %s: %s\n", argv[i], err.msg);
            status = 1;
            pv_arena_release(&arena);
            free(buf);
            continue;
        }
        double t0 = pv_now_ms();
        pv_graph *g = pv_graph_new(&p);
        double graph_ms = pv_now_ms() - t0;
        double tree_ms = 1e300, json_ms = 1e300;
        size_t nodes = 0, json_bytes = 0;
        uint32_t fn = busiest(g, view);
        for (int r = 0; r < runs; r++) {
            pv_tree t;
            t0 = pv_now_ms();
            if (pv_tree_build_view(g, view, fn, NULL, 0, depth, cutoff, NULL, &t, &err) != PV_OK) {
                fprintf(stderr, "bench_tree: %s: %s\n", argv[i], err.msg);
                exit(1);
            }
            double t1 = pv_now_ms();
            json_bytes = print_json(g, &t);
            double t2 = pv_now_ms();
            tree_ms = t1 - t0 < tree_ms ? t1 - t0 : tree_ms;
            json_ms = t2 - t1 < json_ms ? t2 - t1 : json_ms;
            nodes = t.n_nodes;
            pv_tree_release(&t);
        }
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%-28s %8zu %8zu %9.1f %9.2f %7zu %9.2f %9.1f\n", base, p.n_entries, p.n_edges,
               graph_ms, tree_ms, nodes, json_ms, (double)json_bytes / 1024);
        printf("bench file=%s funcs=%zu edges=%zu view=%d fn=%u depth=%u cutoff=%g graph_ms=%.2f "
               "tree_ms=%.3f nodes=%zu json_ms=%.3f json_bytes=%zu\n",
               base, p.n_entries, p.n_edges, (int)view, (unsigned)fn, depth, cutoff, graph_ms,
               tree_ms, nodes, json_ms, json_bytes);
        pv_graph_free(g);
        pv_arena_release(&arena);
        free(buf);
    }
    return status;
}
