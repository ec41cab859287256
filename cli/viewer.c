/* viewer.c — what `profviz FILE...` (cmd_view.c) and `profviz diff`
 * (cmd_diff.c) share: their server options, reading files and serving
 * them before they are stored (server/ingest.c), and serving on this
 * machine with a browser opened on the first page.
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
#include "viewer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "progress.h"
#include "term.h"
#include "xalloc.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define PORT_TRIES 10  /* 8080 .. 8089, as snakeviz */
#define MAX_BROWSER_ARGS 16

extern char **environ;

const char pv_viewer_opts_help[] =
    "  -H, --hostname ADDR address to listen on (default 127.0.0.1); requests must\n"
    "                      name an address or localhost, not another host name\n"
    "  -p, --port PORT     port (default " STR(PV_HTTP_DEFAULT_PORT) ": when taken, the next nine and then\n"
    "                      any free port are tried, and a line says which; a port\n"
    "                      given here is used or profviz stops; 0 picks a free one)\n"
    "  -b, --browser NAME  browser command to open the page with (default:\n"
    "                      $BROWSER, else xdg-open)\n"
    "  -s, --server        open no browser, just serve\n"
    PV_CLI_DB_HELP;

void pv_viewer_init(pv_viewer *v)
{
    memset(v, 0, sizeof *v);
    v->hopts = (pv_http_opts){.port = PV_HTTP_DEFAULT_PORT, .port_tries = PORT_TRIES,
                              .any_port = 1};
}

int pv_viewer_opt(pv_viewer *v, const char *cmd, int c, const char *arg)
{
    if (pv_cli_load_opt(c, arg, &v->load))
        return 1;
    switch (c) {
    case 'H': v->hopts.host = arg; return 1;
    case 'p':
        if (pv_cli_parse_uint(arg, 65535, &v->hopts.port)) {
            pv_cli_usage_error(cmd, "-p wants a port from 0 to 65535");
            return -1;
        }
        /* The port asked for or none: see the file's comment. */
        v->port_given = 1;
        v->hopts.port_tries = 1;
        v->hopts.any_port = 0;
        return 1;
    case 'b': v->browser = arg; return 1;
    case 's': v->no_browser = 1; return 1;
    case PV_OPT_DB: v->db = arg; return 1;
    default: return 0;
    }
}

int pv_viewer_open(const pv_viewer *v, const char *cmd, pv_ctx **ctx)
{
    if (v->browser && v->no_browser)
        return pv_cli_usage_error(cmd, "-b and -s contradict each other");
    char def[4096];
    pv_ctx_opts copts = {.db_path = pv_cli_db_path(v->db, 1, def, sizeof def)};
    pv_err err;
    if (!copts.db_path)
        return PV_EXIT_INPUT;
    if (pv_ctx_open(&copts, ctx, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        return PV_EXIT_INPUT;
    }
    return PV_EXIT_OK;
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

int pv_viewer_ingest(pv_ctx *ctx, pv_ingest **in, char **files, int n, const char *name,
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

int pv_viewer_serve(const pv_viewer *v, pv_ctx *ctx, pv_ingest *in, const char *const *pages,
                    size_t n_pages, const int64_t *warm, size_t n_warm)
{
    /* Listening before storing: a server that cannot start leaves nothing
     * stored, and the signals the commit must not die of are blocked. */
    pv_http *h;
    pv_http_opts hopts = v->hopts;
    int rc = pv_cli_server_start(ctx, &hopts, &h);
    if (rc != PV_EXIT_OK) {
        if (v->port_given)
            fprintf(stderr, "profviz: pass another port with -p, or -p 0 for any free one\n");
        pv_ingest_free(in);
        pv_ctx_close(ctx);
        return rc;
    }
    if (in)
        pv_ingest_commit_in_background(in, report_stored, NULL);
    if (pv_http_port(h) != hopts.port && hopts.port != 0)
        fprintf(stderr, "profviz: port %u is in use; serving on %u instead\n", hopts.port,
                pv_http_port(h));
    if (!pv_http_is_loopback(h))
        fprintf(stderr, "profviz: warning: listening on %s: anyone who can reach it can read,\n"
                        "         upload and delete profiles (profviz serve --token guards it)\n",
                pv_http_url(h));
    char first[600] = "";
    for (size_t i = 0; i < n_pages; i++) {
        char url[600];
        snprintf(url, sizeof url, "%s%s", pv_http_url(h), pages[i]);
        if (!first[0])
            snprintf(first, sizeof first, "%s", url);
        printf("%s\n", url);
    }
    fflush(stdout);
    fprintf(stderr, "profviz: serving on %s/ (Ctrl-C stops)\n", pv_http_url(h));
    pid_t child = v->no_browser ? -1 : open_browser(v->browser, first);
    /* While the browser starts and loads the page; its first requests for
     * a profile's graph wait for it. */
    pv_progress *progress = pv_progress_begin("building the call graphs");
    if (in)
        pv_ingest_build_graphs(in);
    for (size_t i = 0; i < n_warm; i++)
        warm_first_views(ctx, warm[i]);
    pv_progress_end(progress);
    return pv_cli_server_run(h, ctx, in, child, first);
}
