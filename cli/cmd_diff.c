/* cmd_diff.c — `profviz diff BASE NEW`: compare two profiles (files or
 * stored ids).  By default it serves the page on NEW's chart coloured by
 * its change against BASE and opens the browser there (viewer.c: the
 * same -H, -p, -b, -s and --db as `profviz FILE`); with --table it prints
 * the largest changes as text instead, for CI logs, and exits.
 *
 * Files are stored before anything is served (unlike `profviz FILE`,
 * which serves them from memory first): a comparison reads both sides'
 * graphs at once, and the table needs them stored anyway.  The table is
 * the API's (/api/profiles/NEW/diff, asked in process), so the text and
 * the page never disagree.
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "term.h"
#include "viewer.h"

#define DEFAULT_ROWS 20
#define MAX_ROWS 1000  /* the API's page limit */

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz diff [-H ADDR] [-p PORT] [-b BROWSER | -s] [--db STORE]\n"
        "                    [--share] [--table [-n N] [--sort KEY]] BASE NEW\n"
        "\n"
        "Compare two profiles of a program: BASE (before) and NEW (after), each a\n"
        "profile file (stored first, as 'profviz load' does) or a stored profile's id.\n"
        "Serves NEW's chart with every box coloured by its change against the same\n"
        "call path in BASE, and opens the browser on it; the URL is printed on stdout.\n"
        "Functions are matched by file, line and name, or by file and name when\n"
        "their line moved. The two must measure the same unit (seconds, samples...).\n"
        "\n"
        "Options:\n"
        "%s"
        "%s"
        "  --share             compare shares of each profile's total time instead of\n"
        "                      times (for runs of different length)\n"
        "  --table             print the largest changes as a table and exit (no server)\n"
        "  -n, --limit N       --table: rows to print (default %d, at most %d)\n"
        "  --sort KEY          --table: by tottime (|change in own time|, the default),\n"
        "                      cumtime (|change in cumulative time|) or calls (change\n"
        "                      in calls)\n"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 ok (or stopped by Ctrl-C), 1 usage error, 2 a profile could\n"
        "not be read or the two cannot be compared, 3 the server failed.\n",
        pv_viewer_opts_help, pv_cli_load_opts_help, DEFAULT_ROWS, MAX_ROWS);
}

static double field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One number of the table, signed when it is a change: seconds with six
 * decimals (pstats prints three; changes are often smaller), other units
 * (samples, bytes, events) and counts as they are. */
static void put_num(char *buf, size_t cap, double v, int seconds, int sign)
{
    if (!isfinite(v))
        snprintf(buf, cap, "-");
    else if (v == 0)
        snprintf(buf, cap, "0");
    else if (seconds)
        snprintf(buf, cap, sign ? "%+.6f" : "%.6f", v);
    else
        snprintf(buf, cap, sign ? "%+.10g" : "%.10g", v);
}

/* A row's function as pstats names it; a frame with no file and no line
 * (folded stacks name frames only) by its name alone. */
static void row_label(const cJSON *row, char *buf, size_t cap)
{
    const char *file = cJSON_GetObjectItem(row, "file")->valuestring;
    const char *name = cJSON_GetObjectItem(row, "name")->valuestring;
    int64_t line = (int64_t)field(row, "line");
    if (!*file && line == 0)
        snprintf(buf, cap, "%s", name);
    else
        pv_cli_func_label(file, line, name, buf, cap);
}

/* Prints the API's diff table as text. */
static void print_table(const cJSON *doc, const pv_profile_info *base, const pv_profile_info *nw,
                        int share)
{
    const cJSON *match = cJSON_GetObjectItem(doc, "match");
    double bt = field(cJSON_GetObjectItem(doc, "base"), "total"), nt = field(doc, "new_total");
    int seconds = strcmp(nw->unit, "seconds") == 0;
    const char *unit = seconds ? "s" : nw->unit;
    pv_term_println(stdout, "profile %lld (%s) against profile %lld (%s)", (long long)nw->id,
                    nw->name, (long long)base->id, base->name);
    printf(seconds ? "total: %.6f %s against %.6f %s (%+.1f%%)\n" : "total: %.10g %s against %.10g %s (%+.1f%%)\n", nt, unit, bt, unit,
           bt > 0 ? 100.0 * (nt - bt) / bt : 0.0);
    printf("functions: %.0f matched by file, line and name, %.0f by file and name (line "
           "moved), %.0f built-ins; %.0f only in base, %.0f only in new\n",
           field(match, "exact"), field(match, "moved"), field(match, "builtin"),
           field(match, "only_base"), field(match, "only_new"));
    const char *sort = cJSON_GetObjectItem(doc, "sort")->valuestring;
    printf("changes %s; %s first\n\n",
           share ? "in shares of each total (0.01 = 1 point)" : "in the profiles' unit",
           strcmp(sort, "calls") == 0 ? "most calls gained" : strcmp(sort, "cumtime") == 0
                                                                ? "largest |d_cumtime|"
                                                                : "largest |d_tottime|");
    printf("%12s %12s %10s %12s %12s  %s\n", "d_tottime", "d_cumtime", "d_calls", "tottime",
           "base_tottime", "function");
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(doc, "rows")) {
        char d_tt[32], d_ct[32], d_nc[32], tt[32], btt[32], label[4200];
        /* Shares are fractions whatever the unit. */
        int fraction = seconds || share;
        put_num(d_tt, sizeof d_tt, field(row, "d_tt"), fraction, 1);
        put_num(d_ct, sizeof d_ct, field(row, "d_ct"), fraction, 1);
        put_num(d_nc, sizeof d_nc, field(row, "d_nc"), 0, 1);
        put_num(tt, sizeof tt, field(cJSON_GetObjectItem(row, "new"), "tt"), seconds, 0);
        put_num(btt, sizeof btt, field(cJSON_GetObjectItem(row, "base"), "tt"), seconds, 0);
        row_label(row, label, sizeof label);
        const cJSON *lacks = cJSON_GetObjectItem(row, "lacks");
        const char *note = !cJSON_IsString(lacks) ? ""
                           : strcmp(lacks->valuestring, "new") == 0 ? "  [only in base]"
                                                                      : "  [only in new]";
        pv_term_println(stdout, "%12s %12s %10s %12s %12s  %s%s", d_tt, d_ct, d_nc, tt, btt, label,
                        note);
    }
}

/* Asks the API for the table (*doc, the caller deletes it); returns an
 * exit code, after saying why the two cannot be compared. */
static int fetch_table(pv_ctx *ctx, int64_t base, int64_t nw, const char *sort, unsigned rows,
                       int share, cJSON **doc)
{
    char path[64], q_base[24], q_limit[16];
    snprintf(path, sizeof path, "/api/profiles/%lld/diff", (long long)nw);
    snprintf(q_base, sizeof q_base, "%lld", (long long)base);
    snprintf(q_limit, sizeof q_limit, "%u", rows);
    pv_param query[] = {{"base", q_base}, {"limit", q_limit}, {"sort", sort},
                        {"compare", share ? "share" : "seconds"}};
    pv_request req = {.method = "GET", .path = path, .query = query,
                      .n_query = sizeof query / sizeof *query};
    pv_response res;
    int status = pv_api_dispatch(&req, ctx, &res);
    *doc = cJSON_ParseWithLength(res.body, res.len);
    pv_response_release(&res);
    if (status == 200)
        return PV_EXIT_OK;
    const cJSON *msg = cJSON_GetObjectItem(*doc, "error");
    pv_term_println(stderr, "profviz diff: %s",
                    cJSON_IsString(msg) ? msg->valuestring : "the comparison failed");
    return status == 400 || status == 404 ? PV_EXIT_INPUT : PV_EXIT_SERVER;
}

/* Prints the table of the largest changes; returns an exit code. */
static int table(pv_ctx *ctx, int64_t base, int64_t nw, const char *sort, unsigned rows,
                 int share)
{
    cJSON *doc;
    int rc = fetch_table(ctx, base, nw, sort, rows, share, &doc);
    pv_profile_info bi, ni;
    pv_err err;
    if (rc == PV_EXIT_OK && pv_ctx_info(ctx, base, &bi, &err) == PV_OK) {
        if (pv_ctx_info(ctx, nw, &ni, &err) == PV_OK) {
            print_table(doc, &bi, &ni, share);
            pv_profile_info_release(&ni);
        }
        pv_profile_info_release(&bi);
    }
    cJSON_Delete(doc);
    return rc;
}

/* BASE or NEW: a file (stored now) or the id of a stored profile.
 * Returns the id, or -1 after saying why not. */
static int64_t resolve(pv_ctx *ctx, const char *arg, const pv_load_opts *opts)
{
    pv_store *w = pv_ctx_writer_lock(ctx);
    int64_t id = pv_cli_resolve_profile(w, arg, opts);
    pv_ctx_writer_unlock(ctx);
    pv_profile_info info;
    pv_err err;
    if (id > 0 && pv_ctx_info(ctx, id, &info, &err) != PV_OK) {
        pv_term_println(stderr, "profviz diff: %s: no such file, and no profile %lld in the store",
                        arg, (long long)id);
        return -1;
    }
    if (id > 0)
        pv_profile_info_release(&info);
    return id;
}

int pv_cmd_diff(int argc, char **argv)
{
    enum { OPT_TABLE = 0x4200, OPT_SORT, OPT_SHARE };
    static const struct option opts[] = {
        PV_VIEWER_OPTIONS,
        {"table", no_argument, NULL, OPT_TABLE},
        {"limit", required_argument, NULL, 'n'},
        {"sort", required_argument, NULL, OPT_SORT},
        {"share", no_argument, NULL, OPT_SHARE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    pv_viewer v;
    pv_viewer_init(&v);
    int as_table = 0, share = 0, c;
    unsigned rows = DEFAULT_ROWS;
    const char *sort = NULL, *limit = NULL;
    while ((c = getopt_long(argc, argv, PV_VIEWER_SHORT "n:h", opts, NULL)) != -1) {
        int taken = pv_viewer_opt(&v, "diff", c, optarg);
        if (taken < 0)
            return PV_EXIT_USAGE;
        if (taken)
            continue;
        switch (c) {
        case OPT_TABLE: as_table = 1; break;
        case OPT_SHARE: share = 1; break;
        case 'n': limit = optarg; break;
        case OPT_SORT: sort = optarg; break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("diff", "bad option");
        }
    }
    if (argc - optind != 2)
        return pv_cli_usage_error("diff", "give two profiles: BASE then NEW");
    if (limit && (pv_cli_parse_uint(limit, MAX_ROWS, &rows) || rows == 0))
        return pv_cli_usage_error("diff", "-n wants a count from 1 to %d", MAX_ROWS);
    if (sort && strcmp(sort, "tottime") && strcmp(sort, "cumtime") && strcmp(sort, "calls"))
        return pv_cli_usage_error("diff", "--sort is tottime, cumtime or calls, not '%s'", sort);
    if (!as_table && (limit || sort))
        return pv_cli_usage_error("diff", "-n and --sort go with --table");
    pv_ctx *ctx;
    int rc = pv_viewer_open(&v, "diff", &ctx);
    if (rc != PV_EXIT_OK)
        return rc;
    int64_t base = resolve(ctx, argv[optind], &v.load);
    int64_t nw = base > 0 ? resolve(ctx, argv[optind + 1], &v.load) : -1;
    if (nw <= 0) {
        pv_ctx_close(ctx);
        return PV_EXIT_INPUT;
    }
    if (as_table) {
        rc = table(ctx, base, nw, sort ? sort : "tottime", rows, share);
        pv_ctx_close(ctx);
        return rc;
    }
    /* The checks the page's first request makes (same unit, ...), said
     * here rather than in the browser. */
    cJSON *doc;
    rc = fetch_table(ctx, base, nw, "tottime", 1, share, &doc);
    cJSON_Delete(doc);
    if (rc != PV_EXIT_OK) {
        pv_ctx_close(ctx);
        return rc;
    }
    char page[96];
    /* The table sorted by own time's change: where a regression shows. */
    snprintf(page, sizeof page, "/p/%lld?v=1&sort=tottime&base=%lld%s", (long long)nw, (long long)base,
             share ? "&compare=share" : "");
    const char *pages[] = {page};
    int64_t warm[] = {nw, base};
    return pv_viewer_serve(&v, ctx, NULL, pages, 1, warm, 2);
}
