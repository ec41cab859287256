/* viewer.h — serving profiles on this machine and opening the browser on
 * them: what `profviz FILE...` (cmd_view.c) and `profviz diff`
 * (cmd_diff.c) share (viewer.c).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_VIEWER_H
#define PV_VIEWER_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* The options both commands take: -H, -p, -b, -s, --db and the load
 * options.  PV_VIEWER_OPTIONS goes in their getopt_long table,
 * PV_VIEWER_SHORT in its short options. */
enum { PV_OPT_DB = 0x4100 };
#define PV_VIEWER_SHORT "H:p:b:s"
#define PV_VIEWER_OPTIONS                                   \
    {"hostname", required_argument, NULL, 'H'},             \
    {"port", required_argument, NULL, 'p'},                 \
    {"browser", required_argument, NULL, 'b'},              \
    {"server", no_argument, NULL, 's'},                     \
    {"db", required_argument, NULL, PV_OPT_DB},             \
    PV_CLI_LOAD_OPTIONS

typedef struct pv_viewer {
    const char *db;          /* --db; NULL: the default store */
    const char *browser;     /* -b; NULL: $BROWSER, else xdg-open */
    int no_browser;          /* -s */
    int port_given;          /* -p: that port or nothing */
    pv_http_opts hopts;
    pv_load_opts load;
} pv_viewer;

/* Their help lines (-H .. --db), for a command's --help. */
extern const char pv_viewer_opts_help[];

void pv_viewer_init(pv_viewer *v);

/* Takes getopt's answer `c`: 1 when it is one of the shared options, 0
 * when not, -1 after a usage error was printed (for `cmd`). */
int pv_viewer_opt(pv_viewer *v, const char *cmd, int c, const char *arg);

/* Checks the options and opens the store as *ctx.  Returns PV_EXIT_OK or
 * an exit code after saying why. */
int pv_viewer_open(const pv_viewer *v, const char *cmd, pv_ctx **ctx);

/* Parses every file, then reserves their ids (*in, begun here) so they
 * can be served before they are stored; ids[i] is file i's profile (0
 * when it failed).  `name` and `origin` name a single file otherwise than
 * by its path (NULL: by its path).  Returns how many can be served, or -1
 * when the store refused (said why). */
int pv_viewer_ingest(pv_ctx *ctx, pv_ingest **in, char **files, int n, const char *name,
                     const char *origin, const pv_load_opts *opts, int64_t *ids);

/* Serves until Ctrl-C: prints the URL of each page (paths like "/p/3",
 * with a query when needed), opens the browser on the first unless -s,
 * asks the first views of the `warm` profiles meanwhile, and commits `in`
 * (NULL: nothing to store) in the background.  Takes `ctx` and `in`.
 * Returns an exit code. */
int pv_viewer_serve(const pv_viewer *v, pv_ctx *ctx, pv_ingest *in, const char *const *pages,
                    size_t n_pages, const int64_t *warm, size_t n_warm);

#endif
