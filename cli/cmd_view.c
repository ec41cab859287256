/* cmd_view.c — `profviz FILE...` (also `profviz view FILE...`): load the
 * files into the default store, serve them on this machine and open the
 * browser on the first one, as snakeviz does (same -H, -p, -b, -s).
 *
 * The user waits for the chart, not for the store: each file is read and
 * parsed (a damaged one is refused then, before anything is served), its
 * id is reserved in a write transaction, its graph built in memory, and
 * the server starts; the rows are written and committed in the background
 * (server/ingest.c).  Ctrl-C while that runs waits for the commit to
 * finish, and a second Ctrl-C rolls it back; a line says which.
 *
 * Ports and the browser: viewer.c, which `profviz diff` shares.
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "viewer.h"
#include "xalloc.h"

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz [view] [-H ADDR] [-p PORT] [-b BROWSER | -s] [--db PATH]\n"
        "               [--format NAME] [--event NAME] [--profile N|NAME] FILE...\n"
        "\n"
        "Load profiles (cProfile/profile pstats dumps, folded stacks, speedscope,\n"
        "V8 .cpuprofile and callgrind files: each recognised by what it holds) into\n"
        "the store, serve them on this machine and open the first one in the\n"
        "browser. The page's URL is printed on stdout (one line per file). Files are served as soon as they\n"
        "are read and stored in the background; Ctrl-C stops the server once the\n"
        "store has them (press it again to stop at once: then they are not stored).\n"
        "\n"
        "Options:\n"
        "%s"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 stopped by Ctrl-C, 1 usage error, 2 no file could be read,\n"
        "3 the server failed.\n",
        pv_viewer_opts_help, pv_cli_load_opts_help);
}

int pv_cmd_view(int argc, char **argv)
{
    static const struct option opts[] = {
        PV_VIEWER_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    pv_viewer v;
    pv_viewer_init(&v);
    int c;
    while ((c = getopt_long(argc, argv, PV_VIEWER_SHORT "h", opts, NULL)) != -1) {
        int taken = pv_viewer_opt(&v, "view", c, optarg);
        if (taken < 0)
            return PV_EXIT_USAGE;
        if (taken)
            continue;
        if (c == 'h') {
            usage(stdout);
            return PV_EXIT_OK;
        }
        return pv_cli_usage_error("view", "bad option");
    }
    if (optind >= argc)
        return pv_cli_usage_error("view", "no FILE given");
    pv_ctx *ctx;
    pv_ingest *in = NULL;
    int rc = pv_viewer_open(&v, "view", &ctx);
    if (rc != PV_EXIT_OK)
        return rc;
    int n = argc - optind;
    int64_t *ids = pv_xcalloc((size_t)n, sizeof *ids);
    if (pv_viewer_ingest(ctx, &in, argv + optind, n, &v.load, ids) <= 0) {
        free(ids);
        pv_ingest_free(in);
        pv_ctx_close(ctx);
        return PV_EXIT_INPUT;
    }
    char (*paths)[32] = pv_xcalloc((size_t)n, sizeof *paths);
    const char **pages = pv_xcalloc((size_t)n, sizeof *pages);
    size_t n_pages = 0;
    for (int i = 0; i < n; i++) {
        if (!ids[i])
            continue;
        snprintf(paths[n_pages], sizeof paths[n_pages], "/p/%lld", (long long)ids[i]);
        pages[n_pages] = paths[n_pages];
        ids[n_pages++] = ids[i];
    }
    rc = pv_viewer_serve(&v, ctx, in, pages, n_pages, ids, n_pages ? 1 : 0);
    free(pages);
    free(paths);
    free(ids);
    return rc;
}
