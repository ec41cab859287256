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
 * The port is 8080 unless given; when 8080 is taken the next nine are
 * tried, then any free port, so a second viewer still starts, and a line
 * says where it went.  A port given with -p is that port or nothing: a
 * user who names one has an SSH tunnel, a firewall rule or a bookmark
 * that points there, and another program (maybe another profviz, with
 * other profiles) answering on it would mislead them.  The browser is
 * started in a session of its own, so the Ctrl-C that stops the server
 * does not also kill a browser it launched.
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
#include <unistd.h>

#include "api.h"
#include "cli.h"
#include "term.h"
#include "db.h"
#include "ingest.h"
#include "merge_files.h"
#include "loader.h"
#include "progress.h"
#include "xalloc.h"

#define PORT_TRIES 10  /* 8080 .. 8089, as snakeviz */
#define MAX_BROWSER_ARGS 16

extern char **environ;

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz [view] [-H ADDR] [-p PORT] [-b BROWSER | -s] [--db PATH]\n"
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
        "  -H, --hostname ADDR address to listen on (default 127.0.0.1); requests must\n"
        "                      name an address or localhost, not another host name\n"
        "  -p, --port PORT     port (default %d: when taken, the next nine and then\n"
        "                      any free port are tried, and a line says which; a port\n"
        "                      given here is used or profviz stops; 0 picks a free one)\n"
        "  -b, --browser NAME  browser command to open the page with (default:\n"
        "                      $BROWSER, else xdg-open)\n"
        "  -s, --server        open no browser, just serve\n"
        "  --db PATH           the store (default: $XDG_CACHE_HOME/profviz/profiles.db)\n"
        "  --merge             show the FILEs as one profile, summed as 'profviz merge'\n"
        "                      sums them (stored as that merged pstats dump)\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 stopped by Ctrl-C, 1 usage error, 2 no file could be read,\n"
        "3 the server failed.\n",
        PV_HTTP_DEFAULT_PORT, pv_cli_load_opts_help);
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

/* One file read and parsed, not stored yet. */
typedef struct parsed_file {
    const char *path;
    pv_parsed parsed;
    pv_file_map file;  /* parsed.src.bytes points into it */
} parsed_file;

/* Reads and parses `path`, saying so when it takes over a second.  A
 * damaged file is refused here, before anything is stored or served: the
 * message names the file and the byte offset.  Returns 0, or -1 after
 * printing why. */
static int parse_file(const char *path, const char *name, const char *origin,
                      const pv_load_opts *opts, parsed_file *out)
{
    pv_err err;
    pv_progress *progress = pv_progress_begin("reading %s", path);
    int rc = pv_file_map_open(path, &out->file, &err);
    if (rc == PV_OK)
        rc = pv_parse_bytes(name, origin, out->file.bytes, out->file.len, opts, &out->parsed,
                            &err);
    pv_progress_end(progress);
    if (rc != PV_OK) {
        pv_file_map_close(&out->file);
        pv_err_prefix(&err, path);
        pv_term_println(stderr, "profviz: %s", err.msg);
        return -1;
    }
    char *warnings = pv_parsed_warnings(&out->parsed);
    pv_cli_print_warnings(path, warnings);
    free(warnings);
    return 0;
}

/* pv_ingest_done_fn: one line per file once the background commit ends,
 * so the user knows whether the store has it. */
static void report_stored(void *arg, pv_ingest_outcome outcome, const pv_ingest_item *items,
                          size_t n, const pv_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const pv_ingest_item *it = &items[i];
        if (it->existed)
            pv_term_println(stderr, "profviz: %s: already stored as profile %lld", it->name,
                    (long long)it->id);
        else if (outcome == PV_INGEST_STORED)
            pv_term_println(stderr, "profviz: %s: %zu functions, %zu call edges: parsed in "
                                    "%.0f ms, graph in %.0f ms, stored in %.0f ms (profile %lld)",
                    it->name, it->n_funcs, it->n_edges, it->parse_ms, it->graph_ms,
                    it->store_ms, (long long)it->id);
        else if (outcome == PV_INGEST_ROLLED_BACK)
            pv_term_println(stderr, "profviz: %s: not stored: storing was abandoned and rolled back",
                    it->name);
        else
            pv_term_println(stderr, "profviz: %s: not stored (%s); it is shown from memory until "
                                    "profviz stops", it->name, err->msg);
    }
}

/* The page asks first for the profile's summary, its table and its tree
 * (web/js/main.js), all at once.  For a big profile each costs tens of
 * milliseconds the first time (the top-level boxes, the table's sort,
 * printing the tree) and next to nothing afterwards, as the results are
 * kept with the graph (cache.h).  Asking once here, while the browser is
 * still loading the page's scripts, takes that off the first chart. */
static void warm_first_views(pv_ctx *ctx, int64_t id)
{
    static const char *const paths[] = {"/api/profiles/%lld", "/api/profiles/%lld/functions",
                                        "/api/profiles/%lld/tree"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        char path[80];
        snprintf(path, sizeof path, paths[i], (long long)id);
        pv_request req = {.method = "GET", .path = path};
        pv_response res;
        pv_api_dispatch(&req, ctx, &res);
        pv_response_release(&res);
    }
}

/* Parses every file, then reserves their ids (*in, begun here) so they
 * can be served; ids[i] is file i's profile (0 when it failed).  `name`
 * and `origin` name a single file otherwise than by its path (NULL: by
 * its path).  Returns how many can be served, or -1 when the store
 * refused (said why). */
static int ingest_files(pv_ctx *ctx, pv_ingest **in, char **files, int n, const char *name,
                        const char *origin, const pv_load_opts *opts, int64_t *ids)
{
    parsed_file *pf = pv_xcalloc((size_t)n, sizeof *pf);
    int ok = 0, failed = 0;
    size_t n_parsed = 0;
    for (int i = 0; i < n; i++) {
        ids[i] = 0;
        pf[i].path = parse_file(files[i], name ? name : pv_base_name(files[i]),
                                origin ? origin : files[i], opts, &pf[i]) == 0 ? files[i] : NULL;
        n_parsed += pf[i].path != NULL;
    }
    pv_err err;
    if (n_parsed && pv_ingest_begin(ctx, n_parsed, in, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        failed = 1;
    }
    for (int i = 0; i < n; i++) {
        if (!pf[i].path || failed)
            continue;
        int existed;
        /* The file is the ingest's now, stored or not. */
        int rc = pv_ingest_add(*in, &pf[i].parsed, &pf[i].file, &ids[i], &existed, &err);
        if (rc != PV_OK) {
            pv_term_println(stderr, "profviz: %s: %s", files[i], err.msg);
            failed = 1;
            continue;
        }
        ok++;
    }
    /* Files not handed over (after a failure) are dropped here. */
    for (int i = 0; i < n; i++) {
        if (pf[i].path && pf[i].file.base) {
            pv_parsed_release(&pf[i].parsed);
            pv_file_map_close(&pf[i].file);
        }
    }
    free(pf);
    return failed ? -1 : ok;
}

/* --merge: the files' merge written to a temporary file (deleted once
 * mapped: the mapping keeps its bytes) and ingested as one file.  Returns
 * as ingest_files; ids[0] is the merge's profile.  *name is its display
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
        ok = ingest_files(ctx, in, one, 1, m.name, "merge", NULL, ids);
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
    enum { OPT_DB = 256, OPT_MERGE };
    static const struct option opts[] = {
        {"hostname", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"browser", required_argument, NULL, 'b'},
        {"server", no_argument, NULL, 's'},
        {"db", required_argument, NULL, OPT_DB},
        {"merge", no_argument, NULL, OPT_MERGE},
        {"help", no_argument, NULL, 'h'},
        PV_CLI_LOAD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *browser = NULL;
    pv_load_opts load_opts = {0};
    int no_browser = 0, port_given = 0, merge = 0, c;
    pv_http_opts hopts = {.port = PV_HTTP_DEFAULT_PORT, .port_tries = PORT_TRIES, .any_port = 1};
    while ((c = getopt_long(argc, argv, "H:p:b:sh", opts, NULL)) != -1) {
        if (pv_cli_load_opt(c, optarg, &load_opts))
            continue;
        switch (c) {
        case 'H': hopts.host = optarg; break;
        case 'p':
            if (pv_cli_parse_uint(optarg, 65535, &hopts.port))
                return pv_cli_usage_error("view", "-p wants a port from 0 to 65535");
            /* The port asked for or none: see the file's comment. */
            port_given = 1;
            hopts.port_tries = 1;
            hopts.any_port = 0;
            break;
        case 'b': browser = optarg; break;
        case 's': no_browser = 1; break;
        case OPT_DB: db = optarg; break;
        case OPT_MERGE: merge = 1; break;
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
    pv_ingest *in = NULL;
    pv_err err;
    if (!copts.db_path)
        return PV_EXIT_INPUT;
    if (pv_ctx_open(&copts, &ctx, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        return PV_EXIT_INPUT;
    }
    int n = argc - optind;
    int64_t *ids = pv_xcalloc((size_t)n, sizeof *ids);
    char *merged_name = NULL;
    int served = merge ? ingest_merged(ctx, &in, argv + optind, n, &load_opts, ids, &merged_name)
                       : ingest_files(ctx, &in, argv + optind, n, NULL, NULL, &load_opts, ids);
    if (served <= 0) {
        free(ids);
        pv_ingest_free(in);
        pv_ctx_close(ctx);
        free(merged_name);
        return PV_EXIT_INPUT;
    }
    /* Listening before storing: a server that cannot start leaves nothing
     * stored, and the signals the commit must not die of are blocked. */
    pv_http *h;
    int rc = pv_cli_server_start(ctx, &hopts, &h);
    if (rc != PV_EXIT_OK) {
        if (port_given)
            fprintf(stderr, "profviz: pass another port with -p, or -p 0 for any free one\n");
        free(ids);
        pv_ingest_free(in);
        pv_ctx_close(ctx);
        free(merged_name);
        return rc;
    }
    pv_ingest_commit_in_background(in, report_stored, NULL);
    if (pv_http_port(h) != hopts.port && hopts.port != 0)
        fprintf(stderr, "profviz: port %u is in use; serving on %u instead\n", hopts.port,
                pv_http_port(h));
    if (!pv_http_is_loopback(h))
        fprintf(stderr, "profviz: warning: listening on %s: anyone who can reach it can read,\n"
                        "         upload and delete profiles (profviz serve --token guards it)\n",
                pv_http_url(h));
    char first[400] = "";
    int64_t first_id = 0;
    for (int i = 0; i < n; i++) {
        if (!ids[i])
            continue;
        if (!first_id)
            first_id = ids[i];
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
    /* While the browser starts and loads the page; its first requests for
     * a profile's graph wait for it. */
    pv_progress *progress = pv_progress_begin("building the call graphs");
    pv_ingest_build_graphs(in);
    warm_first_views(ctx, first_id);
    pv_progress_end(progress);
    rc = pv_cli_server_run(h, ctx, in, child, first);
    free(merged_name);
    return rc;
}
