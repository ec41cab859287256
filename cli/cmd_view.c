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
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge_files.h"
#include "term.h"
#include "viewer.h"
#include "xalloc.h"

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz [view] [-H ADDR] [-p PORT] [-b BROWSER | -s] [--db STORE]\n"
        "               [--merge] [--format NAME] [--event NAME] [--profile N|NAME] FILE...\n"
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
        "  --merge             show the FILEs as one profile, summed as 'profviz merge'\n"
        "                      sums them (stored as that merged pstats dump)\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 stopped by Ctrl-C, 1 usage error, 2 no file could be read,\n"
        "3 the server failed.\n",
        pv_viewer_opts_help, pv_cli_load_opts_help);
}

/* --merge: the files' merge written to a temporary file (deleted once
 * mapped: the mapping keeps its bytes) and ingested as one file.  Returns
 * as pv_viewer_ingest; ids[0] is the merge's profile.  *name is its display
 * name, which the ingest borrows: the caller frees it after the server
 * stopped. */
static int ingest_merged(pv_ctx *ctx, pv_ingest **in, char **files, int n,
                         const pv_load_opts *opts, int64_t *ids, char **name)
{
    pv_cli_merged m;
    if (pv_cli_merge_files(files, n, opts, true, &m) != 0)
        return -1;
    const char *dir = getenv("TMPDIR");
    errno = 0;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/profviz-merge.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp), ok = -1;
    size_t done = 0;
    while (fd >= 0 && done < m.dump.len) {
        ssize_t wrote = write(fd, m.dump.s + done, m.dump.len - done);
        if (wrote <= 0)
            break;
        done += (size_t)wrote;
    }
    if (fd < 0 || done < m.dump.len) {
        pv_term_println(stderr, "profviz: %s: %s", tmp, errno ? strerror(errno) : "short write");
    } else {
        char *one[] = {tmp};
        ok = pv_viewer_ingest(ctx, in, one, 1, m.name, "merge", NULL, ids);
    }
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    *name = m.name;
    m.name = NULL;
    pv_cli_merged_release(&m);
    return ok;
}

int pv_cmd_view(int argc, char **argv)
{
    enum { OPT_MERGE = 0x4200 };
    static const struct option opts[] = {
        PV_VIEWER_OPTIONS,
        {"merge", no_argument, NULL, OPT_MERGE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    pv_viewer v;
    pv_viewer_init(&v);
    int merge = 0, c;
    while ((c = getopt_long(argc, argv, PV_VIEWER_SHORT "h", opts, NULL)) != -1) {
        int taken = pv_viewer_opt(&v, "view", c, optarg);
        if (taken < 0)
            return PV_EXIT_USAGE;
        if (taken)
            continue;
        if (c == OPT_MERGE) {
            merge = 1;
            continue;
        }
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
    char *merged_name = NULL;
    int served = merge ? ingest_merged(ctx, &in, argv + optind, n, &v.load, ids, &merged_name)
                       : pv_viewer_ingest(ctx, &in, argv + optind, n, NULL, NULL, &v.load, ids);
    if (served <= 0) {
        free(ids);
        pv_ingest_free(in);
        pv_ctx_close(ctx);
        free(merged_name);
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
    free(merged_name);
    return rc;
}
