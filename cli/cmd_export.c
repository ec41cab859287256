/* cmd_export.c — `profviz export FILE|ID --html F | --svg F | --png F |
 * --folded F | --pstats F ...`: a profile written out for where profviz
 * does not run (export/export.h has one exporter per kind).
 *
 * Several outputs may be asked for at once; each appears whole or not at
 * all (atomic.h), so a failed export never leaves a truncated report
 * where a good one was.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "db.h"
#include "export.h"
#include "progress.h"
#include "term.h"
#include "tree.h"
#include "xalloc.h"

typedef struct kind {
    const char *option;   /* --OPTION FILE */
    const char *what;     /* for messages and progress */
    pv_exporter *run;
} kind;

static const kind kinds[] = {
    {"html", "HTML report", pv_export_html},
    {"svg", "SVG image", pv_export_svg},
    {"png", "PNG image", pv_export_png},
    {"folded", "folded stacks", pv_export_folded},
    {"pstats", "pstats dump", pv_export_pstats},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz export [--db STORE] [--path IDS|URL] [--depth N] [--width PX]\n"
        "                      [--format NAME] [--event NAME] [--profile N|NAME]\n"
        "                      FILE|ID --html OUT | --svg OUT | --png OUT |\n"
        "                      --folded OUT | --pstats OUT ...\n"
        "\n"
        "Write a profile out for places profviz does not run. FILE is loaded into\n"
        "the store first; ID names a stored profile (see 'profviz load'). Give one\n"
        "or more outputs; OUT '-' is standard output. Each output appears whole or\n"
        "not at all.\n"
        "\n"
        "Outputs:\n"
        "  --html OUT          one self-contained HTML report: icicle, sunburst,\n"
        "                      table and callers/callees, opened from disk with no\n"
        "                      server and no network\n"
        "  --svg OUT           the icicle chart as an SVG image\n"
        "  --png OUT           the icicle chart as a PNG image\n"
        "  --folded OUT        folded stacks (flamegraph.pl, speedscope, inferno), one\n"
        "                      line per call path with its own weight: samples as\n"
        "                      they are, fractional times in nanoseconds; for a\n"
        "                      pstats dump the paths and weights are estimated from\n"
        "                      its caller/callee figures (the chart's boxes), and\n"
        "                      the file's first line says so\n"
        "  --pstats OUT        a pstats dump that Python's pstats.Stats reads, with\n"
        "                      the exact call tree's trailer when there is one; a\n"
        "                      unit that is not time is written as it is (warned)\n"
        "\n"
        "Options:\n"
        PV_CLI_DB_HELP
        "  --path IDS|URL      images: start the chart at this call path, function ids\n"
        "                      from the top, comma-separated, or the page's URL of\n"
        "                      the zoomed chart (its root=IDS, and its depth=N\n"
        "                      unless --depth is given)\n"
        "  --depth N           images: levels to draw below the chart's root (default 10);\n"
        "                      html: levels of the call tree the report keeps (40)\n"
        "  --width PX          images: width in pixels (default 1200)\n"
        "%s"
        "  -h, --help          show this help\n", pv_cli_load_opts_help);
}

/* Parameter `key` of a page URL ("http://host/p/3?v=1&root=9,6&depth=5",
 * or its query alone: web/js/state/url-state.js writes them so), copied
 * out of s: "" when the URL has none, NULL when s is not a URL. */
static char *url_param(const char *s, const char *key)
{
    if (!strchr(s, '?') && !strchr(s, '='))
        return NULL;
    const char *q = strchr(s, '?');
    q = q ? q + 1 : s;
    size_t klen = strlen(key);
    while (*q) {
        size_t len = strcspn(q, "&#");
        if (len > klen && strncmp(q, key, klen) == 0 && q[klen] == '=')
            return pv_xstrndup(q + klen + 1, len - klen - 1);
        if (q[len] != '&')
            break;
        q += len + 1;
    }
    return pv_xstrdup("");
}

/* "3,17,17,4", or a page URL holding them (url_param's root), into ids;
 * PV_E_USAGE when malformed. */
static int parse_path(const char *arg, uint32_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char *from_url = url_param(arg, "root");
    const char *s = from_url ? from_url : arg;
    if (!*s) {
        free(from_url);
        return PV_OK;
    }
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    uint32_t *ids = pv_xmalloc(cap * sizeof *ids);
    const char *p = s;
    for (size_t i = 0; i < cap; i++) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(p, &end, 10);
        if (end == p || *p < '0' || *p > '9' || errno || v >= UINT32_MAX ||
            (*end != ',' && *end != '\0')) {
            free(ids);
            free(from_url);
            return PV_E_USAGE;
        }
        ids[i] = (uint32_t)v;
        p = end + 1;
    }
    *out = ids;
    *n = cap;
    free(from_url);
    return PV_OK;
}

/* One exporter and its job, as a pv_cli_writer. */
typedef struct export_run {
    const kind *k;
    const pv_export_job *job;
} export_run;

static int run_exporter(void *arg, FILE *out, pv_err *err)
{
    const export_run *r = arg;
    return r->k->run(r->job, out, err);
}

/* Runs one exporter into `dest` (stdout for "-"), whole or not at all.
 * Prints what went wrong; returns 0 or -1. */
static int write_one(const kind *k, const pv_export_job *job, const char *dest)
{
    pv_err err;
    pv_progress *prog = pv_progress_begin("writing the %s", k->what);
    export_run r = {k, job};
    int rc = pv_cli_write_atomic(dest, run_exporter, &r, &err);
    pv_progress_end(prog);
    if (rc != PV_OK)
        pv_term_println(stderr, "profviz export: %s", err.msg);
    return rc == PV_OK ? 0 : -1;
}

int pv_cmd_export(int argc, char **argv)
{
    enum { OPT_DB = 0x100, OPT_PATH, OPT_DEPTH, OPT_WIDTH, OPT_KIND };
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"path", required_argument, NULL, OPT_PATH},
        {"depth", required_argument, NULL, OPT_DEPTH},
        {"width", required_argument, NULL, OPT_WIDTH},
        {"html", required_argument, NULL, OPT_KIND + 0},
        {"svg", required_argument, NULL, OPT_KIND + 1},
        {"png", required_argument, NULL, OPT_KIND + 2},
        {"folded", required_argument, NULL, OPT_KIND + 3},
        {"pstats", required_argument, NULL, OPT_KIND + 4},
        {"help", no_argument, NULL, 'h'},
        PV_CLI_LOAD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *dest[N_KINDS] = {0}, *path_arg = "";
    pv_load_opts load_opts = {0};
    unsigned depth = 0, width = 0;
    int c, any = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (pv_cli_load_opt(c, optarg, &load_opts))
            continue;
        if (c >= OPT_KIND && c < OPT_KIND + (int)N_KINDS) {
            dest[c - OPT_KIND] = optarg;
            any = 1;
            continue;
        }
        switch (c) {
        case OPT_DB: db = optarg; break;
        case OPT_PATH: path_arg = optarg; break;
        case OPT_DEPTH:
            if (pv_cli_parse_uint(optarg, 64, &depth) != PV_OK || depth == 0)
                return pv_cli_usage_error("export", "--depth wants 1 to 64, not '%s'", optarg);
            break;
        case OPT_WIDTH:
            if (pv_cli_parse_uint(optarg, 20000, &width) != PV_OK || width < 100)
                return pv_cli_usage_error("export", "--width wants 100 to 20000 pixels, not '%s'",
                                          optarg);
            break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("export", "bad option");
        }
    }
    if (optind != argc - 1)
        return pv_cli_usage_error("export", "give exactly one FILE or ID");
    if (!any)
        return pv_cli_usage_error("export", "say what to write: --html, --svg, --png, --folded "
                                            "or --pstats, each with a file name");
    int to_stdout = 0;
    for (size_t i = 0; i < N_KINDS; i++)
        to_stdout += dest[i] && strcmp(dest[i], "-") == 0;
    if (to_stdout > 1)
        return pv_cli_usage_error("export", "only one output can go to standard output");
    /* The page's URL of a zoomed chart also says how deep it was drawn. */
    char *url_depth = url_param(path_arg, "depth");
    if (depth == 0 && url_depth && *url_depth &&
        (pv_cli_parse_uint(url_depth, PV_TREE_MAX_DEPTH, &depth) != PV_OK || depth == 0))
        depth = 0;
    free(url_depth);
    uint32_t *path;
    size_t path_len;
    if (parse_path(path_arg, &path, &path_len) != PV_OK)
        return pv_cli_usage_error("export", "--path wants function ids separated by commas, "
                                            "not '%s'", path_arg);

    char buf[4096];
    const char *db_path = pv_cli_db_path(db, 1, buf, sizeof buf);
    pv_ctx *ctx = NULL;
    pv_err err;
    int status = PV_EXIT_INPUT;
    if (!db_path)
        goto out;
    pv_ctx_opts copts = {.db_path = db_path};
    if (pv_ctx_open(&copts, &ctx, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        goto out;
    }
    pv_store *writer = pv_ctx_writer_lock(ctx);
    int64_t id = pv_cli_resolve_profile(writer, argv[optind], &load_opts);
    pv_ctx_writer_unlock(ctx);
    pv_profile_info info;
    if (id <= 0)
        goto out;
    if (pv_ctx_info(ctx, id, &info, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: profile %lld: %s", (long long)id, err.msg);
        goto out;
    }
    pv_export_job job = {.ctx = ctx, .id = id, .name = info.name, .path = path,
                         .path_len = path_len, .depth = depth, .width = width,
                         .notes = stderr};
    status = PV_EXIT_OK;
    for (size_t i = 0; i < N_KINDS; i++)
        if (dest[i] && write_one(&kinds[i], &job, dest[i]) != 0)
            status = PV_EXIT_INPUT;
    pv_profile_info_release(&info);
out:
    pv_ctx_close(ctx);
    free(path);
    return status;
}
