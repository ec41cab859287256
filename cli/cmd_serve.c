/* cmd_serve.c — `profviz serve`: the team server over one store, and the
 * start-wait-stop cycle `profviz FILE` (cmd_view.c) shares with it.
 *
 * SIGINT and SIGTERM are blocked before the server's threads start, so
 * they inherit the mask and only the main thread, waiting in sigtimedwait,
 * ever takes the signal: no handler runs inside a request, and stopping
 * is the ordinary shutdown path (stop the daemon, close the store).
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "cli.h"
#include "db.h"
#include "term.h"

#define MAX_ALLOW_HOSTS 32  /* a proxy's names, a few DNS aliases */

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz serve [--db STORE] [-H ADDR] [-p PORT] [--token SECRET]\n"
        "                     [--read-token SECRET] [--allow-host NAME]...\n"
        "                     [--max-upload BYTES] [--max-header BYTES]\n"
        "                     [--max-conns N] [--max-conns-per-ip N]\n"
        "                     [--header-timeout SECONDS] [--threads N] [--cache-mb N]\n"
        "                     [--keep-days N] [--max-store SIZE] [-q]\n"
        "\n"
        "Serve a store of profiles to a team: the web page, the JSON API, and\n"
        "uploads (POST /api/profiles; see README.md and docs/api.md). The URL is\n"
        "printed on stdout; Ctrl-C (or SIGTERM) stops the server.\n"
        "\n"
        "Options:\n"
        PV_CLI_DB_HELP
        "                      A SQLite file's PATH-reserve (32 MiB) beside it keeps\n"
        "                      room for deletes when the disk is full; any number of\n"
        "                      serve processes can share one PostgreSQL database\n"
        "  -H, --hostname ADDR address to listen on (default 127.0.0.1; 0.0.0.0 or ::\n"
        "                      for every interface)\n"
        "  -p, --port PORT     port (default %d; 0 picks a free one)\n"
        "  --token SECRET      uploads and deletes need 'Authorization: Bearer SECRET'\n"
        "                      (default: $PROFVIZ_TOKEN)\n"
        "  --read-token SECRET reading the API needs this token or --token's\n"
        "                      (default: $PROFVIZ_READ_TOKEN)\n"
        "  --allow-host NAME   answer requests for Host NAME (or NAME:PORT), as a\n"
        "                      reverse proxy or DNS name sends it; repeatable. Other\n"
        "                      names get 403 (addresses and localhost always work).\n"
        "                      Beyond loopback, serve needs this or --token.\n"
        "  --max-upload BYTES  largest upload (default 256M; suffixes K, M, G)\n"
        "  --max-header BYTES  largest request line plus headers (default 32K)\n"
        "  --max-conns N       open connections at once (default %u)\n"
        "  --max-conns-per-ip N  connections one client address may hold (default\n"
        "                      %u; loopback clients, a local proxy's, are exempt)\n"
        "  --header-timeout SECONDS  a request's headers must arrive within this\n"
        "                      (default %u; an idle keep-alive connection closes then)\n"
        "  --threads N         worker threads (default: twice the CPUs, at least 4)\n"
        "  --cache-mb N        memory budget for profiles, MiB (default 512): their call\n"
        "                      graphs, tables' indexes, views kept, views being\n"
        "                      computed and SQLite's page caches; the most recently\n"
        "                      used graph is kept even when larger. A view's answer\n"
        "                      is at most 1/32 of it (8 MiB at most)\n"
        "  --keep-days N       delete unlabelled profiles stored more than N days ago\n"
        "                      (labelled ones are kept; see --max-store)\n"
        "  --max-store SIZE    keep the store's data under SIZE (MiB, or a K, M, G\n"
        "                      suffix): delete the oldest unlabelled profiles, then\n"
        "                      the oldest labelled ones, never the newest one.\n"
        "                      Retention never deletes a profile in use, runs at\n"
        "                      start, after each upload and every 10 minutes, and\n"
        "                      logs each deletion on stderr\n"
        "  -q, --quiet         no line per request on stderr\n"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 stopped by a signal, 1 usage error, 3 the server failed.\n",
        PV_HTTP_DEFAULT_PORT, PV_HTTP_MAX_CONNS, PV_HTTP_MAX_CONNS_PER_IP, PV_HTTP_HEADER_TIMEOUT);
}

int pv_cli_parse_bytes(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *s == '-' || errno)
        return PV_E_USAGE;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: return PV_E_USAGE;
    }
    if (*end || v > (SIZE_MAX >> shift))
        return PV_E_USAGE;
    *out = (size_t)v << shift;
    return PV_OK;
}

int pv_cli_parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || *s == '-' || errno || v > max)
        return PV_E_USAGE;
    *out = (unsigned)v;
    return PV_OK;
}

/* --max-store: a bare number is MiB (what a store's size is thought of
 * in), a suffix says otherwise.  PV_OK, or PV_E_USAGE when malformed or 0. */
static int parse_store_size(const char *s, int64_t *out)
{
    size_t v;
    size_t len = strlen(s);
    int bare = len > 0 && s[len - 1] >= '0' && s[len - 1] <= '9';
    if (pv_cli_parse_bytes(s, &v) || v == 0 || (bare && v > (SIZE_MAX >> 20)))
        return PV_E_USAGE;
    *out = (int64_t)(bare ? v << 20 : v);
    return PV_OK;
}

static sigset_t *stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    return set;
}

int pv_cli_server_start(pv_ctx *ctx, const pv_http_opts *opts, pv_http **out)
{
    /* A shell starts background jobs with SIGINT ignored, and an ignored
     * signal is discarded rather than left for sigtimedwait. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t stop;
    pthread_sigmask(SIG_BLOCK, stop_signals(&stop), NULL);
    pv_err err;
    if (pv_http_start(ctx, opts, out, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        return err.code == PV_E_USAGE ? PV_EXIT_USAGE : PV_EXIT_SERVER;
    }
    return PV_EXIT_OK;
}

/* Reaps the browser launcher once it has exited, saying so when it
 * failed; returns -1 once reaped, else `child`. */
static pid_t reap(pid_t child, const char *url)
{
    int status;
    if (child <= 0 || waitpid(child, &status, WNOHANG) != child)
        return child;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "profviz: the browser could not be started; open %s yourself\n", url);
    return -1;
}

/* Waits for the background commit after the server has stopped, telling
 * the user when that takes a while; a second SIGINT or SIGTERM abandons
 * it.  The ingest's own report says whether it was stored. */
static void finish_storing(pv_ingest *in, const sigset_t *stop)
{
    if (pv_ingest_outcome_now(in) == PV_INGEST_RUNNING)
        fprintf(stderr, "profviz: still storing; stopping when that is done "
                        "(Ctrl-C again stops now, and nothing is stored)\n");
    struct timespec tick = {0, 50 * 1000 * 1000};
    while (pv_ingest_outcome_now(in) == PV_INGEST_RUNNING) {
        int sig = sigtimedwait(stop, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM)
            pv_ingest_abandon(in);
    }
    pv_ingest_free(in);
}

int pv_cli_server_run(pv_http *h, pv_ctx *ctx, pv_ingest *in, pid_t child, const char *url)
{
    sigset_t stop;
    stop_signals(&stop);
    /* Woken every second to reap the browser launcher. */
    struct timespec tick = {1, 0};
    for (;;) {
        int sig = sigtimedwait(&stop, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM)
            break;
        child = reap(child, url);
    }
    pv_http_stop(h);
    if (in)
        finish_storing(in, &stop);
    pv_ctx_close(ctx);
    fprintf(stderr, "profviz: stopped\n");
    return PV_EXIT_OK;
}

int pv_cmd_serve(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_TOKEN, OPT_READ_TOKEN, OPT_MAX_UPLOAD, OPT_MAX_HEADER, OPT_THREADS,
           OPT_CACHE, OPT_ALLOW_HOST, OPT_MAX_CONNS, OPT_MAX_CONNS_PER_IP, OPT_HEADER_TIMEOUT,
           OPT_KEEP_DAYS, OPT_MAX_STORE };
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"hostname", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"read-token", required_argument, NULL, OPT_READ_TOKEN},
        {"max-upload", required_argument, NULL, OPT_MAX_UPLOAD},
        {"max-header", required_argument, NULL, OPT_MAX_HEADER},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"cache-mb", required_argument, NULL, OPT_CACHE},
        {"allow-host", required_argument, NULL, OPT_ALLOW_HOST},
        {"max-conns", required_argument, NULL, OPT_MAX_CONNS},
        {"max-conns-per-ip", required_argument, NULL, OPT_MAX_CONNS_PER_IP},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"keep-days", required_argument, NULL, OPT_KEEP_DAYS},
        {"max-store", required_argument, NULL, OPT_MAX_STORE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    pv_ctx_opts copts = {.token = getenv("PROFVIZ_TOKEN"),
                         .read_token = getenv("PROFVIZ_READ_TOKEN"), .reserve = 1};
    pv_http_opts hopts = {.port = PV_HTTP_DEFAULT_PORT, .log = 1};
    unsigned cache_mb = 0;
    const char *allow[MAX_ALLOW_HOSTS];  /* argv strings; the server copies them */
    hopts.allow_hosts = allow;
    int c;
    while ((c = getopt_long(argc, argv, "H:p:qh", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: db = optarg; break;
        case 'H': hopts.host = optarg; break;
        case 'p':
            if (pv_cli_parse_uint(optarg, 65535, &hopts.port))
                return pv_cli_usage_error("serve", "-p wants a port from 0 to 65535");
            break;
        case OPT_TOKEN: copts.token = optarg; break;
        case OPT_READ_TOKEN: copts.read_token = optarg; break;
        case OPT_MAX_UPLOAD:
            if (pv_cli_parse_bytes(optarg, &hopts.max_upload) || hopts.max_upload == 0)
                return pv_cli_usage_error("serve", "--max-upload wants a size such as 64M");
            break;
        case OPT_MAX_HEADER:
            if (pv_cli_parse_bytes(optarg, &hopts.max_header) ||
                hopts.max_header < PV_HTTP_MIN_HEADER)
                return pv_cli_usage_error("serve", "--max-header wants a size of at least 4K");
            break;
        case OPT_THREADS:
            if (pv_cli_parse_uint(optarg, 1024, &hopts.threads) || hopts.threads == 0)
                return pv_cli_usage_error("serve", "--threads wants a count from 1 to 1024");
            break;
        case OPT_CACHE:
            if (pv_cli_parse_uint(optarg, 1 << 20, &cache_mb) || cache_mb == 0)
                return pv_cli_usage_error("serve", "--cache-mb wants a size in MiB");
            break;
        case OPT_ALLOW_HOST:
            if (hopts.n_allow_hosts == MAX_ALLOW_HOSTS)
                return pv_cli_usage_error("serve", "at most %d --allow-host names",
                                          MAX_ALLOW_HOSTS);
            if (!*optarg || strpbrk(optarg, "/ \t"))
                return pv_cli_usage_error("serve", "--allow-host wants a host name such as "
                                                "profviz.example or profviz.example:8443");
            allow[hopts.n_allow_hosts++] = optarg;
            break;
        case OPT_MAX_CONNS:
            if (pv_cli_parse_uint(optarg, 1 << 20, &hopts.max_conns) || hopts.max_conns == 0)
                return pv_cli_usage_error("serve", "--max-conns wants a count of at least 1");
            break;
        case OPT_MAX_CONNS_PER_IP:
            if (pv_cli_parse_uint(optarg, 1 << 20, &hopts.max_conns_per_ip) ||
                hopts.max_conns_per_ip == 0)
                return pv_cli_usage_error("serve",
                                          "--max-conns-per-ip wants a count of at least 1");
            break;
        case OPT_HEADER_TIMEOUT:
            if (pv_cli_parse_uint(optarg, 3600, &hopts.header_timeout_s) ||
                hopts.header_timeout_s == 0)
                return pv_cli_usage_error("serve", "--header-timeout wants seconds from 1 to 3600");
            break;
        case OPT_KEEP_DAYS:
            if (pv_cli_parse_uint(optarg, 100000, &copts.retention.keep_days) ||
                copts.retention.keep_days == 0)
                return pv_cli_usage_error("serve", "--keep-days wants a count of days from 1");
            break;
        case OPT_MAX_STORE:
            if (parse_store_size(optarg, &copts.retention.max_store_bytes))
                return pv_cli_usage_error("serve", "--max-store wants a size such as 500 (MiB) or 2G");
            break;
        case 'q': hopts.log = 0; break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("serve", "bad option");
        }
    }
    if (optind != argc)
        return pv_cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (copts.token && !*copts.token)
        copts.token = NULL;
    if (copts.read_token && !*copts.read_token)
        copts.read_token = NULL;
    if (copts.read_token && !copts.token)
        return pv_cli_usage_error("serve", "--read-token needs --token too");
    copts.cache_bytes = (size_t)cache_mb << 20;
    /* With a token a page of another site cannot change anything; without
     * one, a server others can reach must know the names it answers to. */
    hopts.hosts = copts.token ? PV_HOSTS_OPEN_BEYOND_LOOPBACK : PV_HOSTS_NAMED_BEYOND_LOOPBACK;

    char def[4096];
    copts.db_path = pv_cli_db_path(db, 1, def, sizeof def);
    if (!copts.db_path)
        return PV_EXIT_SERVER;
    pv_ctx *ctx;
    pv_err err;
    if (pv_ctx_open(&copts, &ctx, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        return PV_EXIT_SERVER;
    }
    pv_http *h;
    int rc = pv_cli_server_start(ctx, &hopts, &h);
    if (rc != PV_EXIT_OK) {
        pv_ctx_close(ctx);
        return rc;
    }
    const char *url = pv_http_url(h);
    if (!pv_http_is_loopback(h) && !copts.token)
        fprintf(stderr,
                "profviz: warning: listening on %s without --token: anyone who can reach it\n"
                "         can upload and delete profiles. Pass --token SECRET (and\n"
                "         --read-token to guard reading too).\n",
                url);
    if (!pv_http_checks_host(h))
        fprintf(stderr, "profviz: answering requests for any Host name (changes need the "
                        "token); --allow-host NAME limits them to the names clients use\n");
    else if (hopts.n_allow_hosts)
        fprintf(stderr, "profviz: answering requests for addresses, localhost and the %zu "
                        "--allow-host name%s\n", hopts.n_allow_hosts,
                hopts.n_allow_hosts > 1 ? "s" : "");
    fprintf(stderr, "profviz: at most %u connections, %u per client address (loopback "
                    "exempt), headers within %u s\n", pv_http_max_conns(h),
            hopts.max_conns_per_ip ? hopts.max_conns_per_ip : PV_HTTP_MAX_CONNS_PER_IP,
            hopts.header_timeout_s ? hopts.header_timeout_s : PV_HTTP_HEADER_TIMEOUT);
    char shown[4096];
    pv_term_println(stderr, "profviz: serving %s on %s/ (Ctrl-C stops)",
                    pv_store_redact(copts.db_path, shown, sizeof shown), url);
    printf("%s/\n", url);
    fflush(stdout);
    return pv_cli_server_run(h, ctx, NULL, -1, url);
}
