/* cmd_view.c — `profviz FILE...` (also `profviz view FILE...`): load the
 * files into the default store, serve them on this machine and open the
 * browser on the first one, as snakeviz does (same -H, -p, -b, -s).
 *
 * The port is 8080 unless given; when it is taken the next nine are
 * tried, then any free port, so a second viewer still starts.  The
 * browser is started in a session of its own, so the Ctrl-C that stops
 * the server does not also kill a browser it launched.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "loader.h"
#include "xalloc.h"

#define DEFAULT_PORT 8080
#define PORT_TRIES 10  /* 8080 .. 8089, as snakeviz */
#define MAX_BROWSER_ARGS 16

extern char **environ;

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz [view] [-H ADDR] [-p PORT] [-b BROWSER | -s] [--db PATH] FILE...\n"
        "\n"
        "Load profile dumps (cProfile/profile pstats files) into the store, serve\n"
        "them on this machine and open the first one in the browser. The page's URL\n"
        "is printed on stdout (one line per file); Ctrl-C stops the server.\n"
        "\n"
        "Options:\n"
        "  -H, --hostname ADDR address to listen on (default 127.0.0.1)\n"
        "  -p, --port PORT     port (default %d; when taken, the next nine and then\n"
        "                      any free port are tried; 0 picks a free one)\n"
        "  -b, --browser NAME  browser command to open the page with (default:\n"
        "                      $BROWSER, else xdg-open)\n"
        "  -s, --server        open no browser, just serve\n"
        "  --db PATH           the store (default: $XDG_CACHE_HOME/profviz/profiles.db)\n"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 stopped by Ctrl-C, 1 usage error, 2 no file could be read,\n"
        "3 the server failed.\n",
        DEFAULT_PORT);
}

/* Splits `cmd` at spaces into argv, putting `url` where "%s" stands or
 * at the end (Python's webbrowser reads $BROWSER the same way).  `buf`
 * holds the pieces. */
static void browser_argv(char *buf, const char *url, char *argv[MAX_BROWSER_ARGS + 2])
{
    size_t n = 0;
    int placed = 0;
    char *save;
    for (char *tok = strtok_r(buf, " \t", &save); tok && n < MAX_BROWSER_ARGS;
         tok = strtok_r(NULL, " \t", &save)) {
        if (strcmp(tok, "%s") == 0) {
            argv[n++] = (char *)url;
            placed = 1;
        } else {
            argv[n++] = tok;
        }
    }
    if (!placed)
        argv[n++] = (char *)url;
    argv[n] = NULL;
}

/* Starts one browser command in a new session, its output discarded.
 * Returns the pid, or -1 with errno (ENOENT: no such program). */
static pid_t spawn_browser(const char *cmd, const char *url)
{
    char *buf = pv_xstrdup(cmd), *argv[MAX_BROWSER_ARGS + 2];
    browser_argv(buf, url, argv);
    pid_t pid = -1;
    int rc = ENOENT;
    if (argv[0] != url) {
        posix_spawnattr_t attr;
        posix_spawn_file_actions_t fa;
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_init(&attr);
        /* The server blocks SIGINT and SIGTERM; the browser must not. */
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
    }
    free(buf);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

/* Opens `url` with -b's browser, else each of $BROWSER's (separated by
 * ':') until one starts, else xdg-open.  Returns the launcher's pid, or
 * -1 after saying why not. */
static pid_t open_browser(const char *browser, const char *url)
{
    const char *env = getenv("BROWSER");
    char *list = pv_xstrdup(browser ? browser : env && *env ? env : "xdg-open");
    pid_t pid = -1;
    const char *tried = list;
    for (char *save, *cmd = strtok_r(list, ":", &save); cmd && pid < 0;
         cmd = strtok_r(NULL, ":", &save)) {
        tried = cmd;
        pid = spawn_browser(cmd, url);
        if (pid < 0 && errno != ENOENT)
            break;
    }
    if (pid < 0)
        fprintf(stderr, "profviz: cannot start a browser (%s: %s); open %s yourself\n", tried,
                strerror(errno), url);
    free(list);
    return pid;
}

/* Loads the files through the context's writer; their ids go to ids[]
 * (0 for a file that failed).  Returns how many loaded. */
static int load_files(pv_ctx *ctx, char **files, int n, int64_t *ids)
{
    int loaded = 0;
    for (int i = 0; i < n; i++) {
        pv_load_result res;
        pv_err err;
        pv_store *w = pv_ctx_writer_lock(ctx);
        int rc = pv_load_file(w, files[i], &res, &err);
        pv_ctx_writer_unlock(ctx);
        ids[i] = 0;
        if (rc != PV_OK) {
            fprintf(stderr, "profviz: %s\n", err.msg);
            continue;
        }
        pv_cli_print_warnings(files[i], res.warnings);
        free(res.warnings);
        ids[i] = res.id;
        loaded++;
    }
    return loaded;
}

int pv_cmd_view(int argc, char **argv)
{
    enum { OPT_DB = 256 };
    static const struct option opts[] = {
        {"hostname", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"browser", required_argument, NULL, 'b'},
        {"server", no_argument, NULL, 's'},
        {"db", required_argument, NULL, OPT_DB},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *browser = NULL;
    int no_browser = 0, c;
    pv_http_opts hopts = {.port = DEFAULT_PORT, .port_tries = PORT_TRIES, .any_port = 1,
                          .local_only = 1};
    while ((c = getopt_long(argc, argv, "H:p:b:sh", opts, NULL)) != -1) {
        switch (c) {
        case 'H': hopts.host = optarg; break;
        case 'p':
            if (pv_cli_parse_uint(optarg, 65535, &hopts.port))
                return pv_cli_usage_error("view", "-p wants a port from 0 to 65535");
            break;
        case 'b': browser = optarg; break;
        case 's': no_browser = 1; break;
        case OPT_DB: db = optarg; break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("view", "bad option");
        }
    }
    if (optind >= argc)
        return pv_cli_usage_error("view", "no FILE given");
    if (browser && no_browser)
        return pv_cli_usage_error("view", "-b and -s contradict each other");

    char def[4096];
    pv_ctx_opts copts = {.db_path = pv_cli_db_path(db, 1, def, sizeof def)};
    pv_ctx *ctx;
    pv_err err;
    if (!copts.db_path)
        return PV_EXIT_INPUT;
    if (pv_ctx_open(&copts, &ctx, &err) != PV_OK) {
        fprintf(stderr, "profviz: %s\n", err.msg);
        return PV_EXIT_INPUT;
    }
    int n = argc - optind;
    int64_t *ids = pv_xcalloc((size_t)n, sizeof *ids);
    if (load_files(ctx, argv + optind, n, ids) == 0) {
        free(ids);
        pv_ctx_close(ctx);
        return PV_EXIT_INPUT;
    }
    pv_http *h;
    int rc = pv_cli_server_start(ctx, &hopts, &h);
    if (rc != PV_EXIT_OK) {
        free(ids);
        pv_ctx_close(ctx);
        return rc;
    }
    if (!pv_http_is_loopback(h))
        fprintf(stderr, "profviz: warning: listening on %s: anyone who can reach it can read,\n"
                        "         upload and delete profiles (profviz serve --token guards it)\n",
                pv_http_url(h));
    char first[400] = "";
    for (int i = 0; i < n; i++) {
        if (!ids[i])
            continue;
        char url[400];
        snprintf(url, sizeof url, "%s/p/%lld", pv_http_url(h), (long long)ids[i]);
        if (!first[0])
            snprintf(first, sizeof first, "%s", url);
        printf("%s\n", url);
    }
    fflush(stdout);
    free(ids);
    fprintf(stderr, "profviz: serving on %s/ (Ctrl-C stops)\n", pv_http_url(h));
    pid_t child = no_browser ? -1 : open_browser(browser, first);
    return pv_cli_server_run(h, ctx, child, first);
}
