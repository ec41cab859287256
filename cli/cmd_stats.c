/* cmd_stats.c — `profviz stats`: the table Python's pstats prints, or the
 * whole profile as JSON in the corpus oracle's shape.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "json.h"
#include "loader.h"
#include "term.h"
#include "utf8.h"
#include "xalloc.h"

/* Sort keys, named as pstats names them (sort_stats). */
typedef enum { BY_CALLS, BY_CUMULATIVE, BY_FILE, BY_LINE, BY_NAME, BY_PCALLS, BY_STDNAME,
               BY_TIME, BY_NFL } sort_key;

static const struct { const char *name; sort_key key; const char *title; } sort_names[] = {
    {"calls", BY_CALLS, "call count"},      {"cumulative", BY_CUMULATIVE, "cumulative time"},
    {"cumtime", BY_CUMULATIVE, "cumulative time"}, {"file", BY_FILE, "file name"},
    {"filename", BY_FILE, "file name"},     {"line", BY_LINE, "line number"},
    {"module", BY_FILE, "file name"},       {"name", BY_NAME, "function name"},
    {"ncalls", BY_CALLS, "call count"},     {"nfl", BY_NFL, "name/file/line"},
    {"pcalls", BY_PCALLS, "primitive call count"}, {"stdname", BY_STDNAME, "standard name"},
    {"time", BY_TIME, "internal time"},     {"tottime", BY_TIME, "internal time"},
};

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz stats [--db STORE] [--sort KEY] [-n N] [--json] [--format NAME]\n"
        "                     [--event NAME] [--profile N|NAME] FILE|ID\n"
        "\n"
        "Print a profile's statistics as Python's pstats does: one line per function\n"
        "with ncalls (nc/cc when recursive), tottime, percall, cumtime, percall and\n"
        "filename:lineno(function). FILE is loaded into the store first; ID names a\n"
        "stored profile (see 'profviz load'). A profile of another format than pstats\n"
        "is printed in its own unit, which the header names (samples, microseconds,\n"
        "a callgrind event...), with a 'samples' column for sampled stacks.\n"
        "\n"
        "Options:\n"
        PV_CLI_DB_HELP
        "  -s, --sort KEY      cumulative (default), tottime, calls, pcalls, name, file,\n"
        "                      line, stdname, nfl (also pstats' aliases: cumtime, time,\n"
        "                      ncalls, filename, module)\n"
        "  -n, --limit N       print only the first N lines\n"
        "  --json              every function with its callers as JSON; floats round-trip\n"
        "%s"
        "  -h, --help          show this help\n", pv_cli_load_opts_help);
}

void pv_cli_func_label(const char *file, int64_t line, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);
    if (strcmp(file, "~") == 0 && line == 0) {
        if (n >= 2 && name[0] == '<' && name[n - 1] == '>')
            snprintf(buf, cap, "{%.*s}", (int)(n - 2), name + 1);
        else
            snprintf(buf, cap, "%s", name);
    } else {
        snprintf(buf, cap, "%s:%" PRId64 "(%s)", file, line, name);
    }
}

static void std_name(const pv_func *f, char *buf, size_t cap)
{
    pv_cli_func_label(f->file, f->line, f->name, buf, cap);
}

/* Turns U+DC80..U+DCFF back into the raw bytes they stand for, in place,
 * so pv_term_safe shows the bytes the file name held ("caf\xe9"). */
static void unescape_bytes(char *s)
{
    unsigned char *in = (unsigned char *)s, *out = in;
    while (*in) {
        if (pv_wtf8_is_escaped_byte(in, out)) {
            out++;
            in += PV_WTF8_ESCAPED_LEN;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

typedef struct sort_by {
    const pv_func *funcs;
    sort_key key;
} sort_by;

static int cmp_num(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_funcs(const void *pa, const void *pb, void *arg)
{
    const sort_by *by = arg;
    const pv_func *a = &by->funcs[*(const uint32_t *)pa], *b = &by->funcs[*(const uint32_t *)pb];
    int c = 0;
    switch (by->key) {
    case BY_CALLS: c = cmp_num((double)b->nc, (double)a->nc); break;
    case BY_PCALLS: c = cmp_num((double)b->cc, (double)a->cc); break;
    case BY_CUMULATIVE: c = cmp_num(b->ct, a->ct); break;
    case BY_TIME: c = cmp_num(b->tt, a->tt); break;
    case BY_FILE: c = strcmp(a->file, b->file); break;
    case BY_LINE: c = cmp_num((double)a->line, (double)b->line); break;
    case BY_NAME: c = strcmp(a->name, b->name); break;
    case BY_NFL:
        if (!(c = strcmp(a->name, b->name)) && !(c = strcmp(a->file, b->file)))
            c = cmp_num((double)a->line, (double)b->line);
        break;
    case BY_STDNAME: {
        char sa[1024], sb[1024];
        std_name(a, sa, sizeof sa);
        std_name(b, sb, sizeof sb);
        c = strcmp(sa, sb);
        break;
    }
    }
    /* Ties keep file order, as pstats' stable sort over its dict does. */
    return c ? c : (a > b) - (a < b);
}

/* How a profile's figures read: pstats' own table for a pstats dump
 * (byte for byte), and for the other formats the same table in the
 * profile's unit, its header saying which. */
typedef struct table_style {
    int seconds;             /* tt/ct are seconds: pstats' %8.3f */
    int samples;             /* calls count samples, not calls */
    const char *unit;
} table_style;

static table_style style_of(const pv_profile *p)
{
    const char *unit = p->unit ? p->unit : "seconds";
    return (table_style){strcmp(unit, "seconds") == 0,
                         p->calls_unit && strcmp(p->calls_unit, "samples") == 0, unit};
}

/* A figure in 8 columns: pstats' %8.3f, or a whole count of samples,
 * bytes or events as the integer it is. */
static void print_f8(const table_style *st, double v)
{
    if (!st->seconds && v == floor(v) && fabs(v) < 1e15)
        printf("%8.0f ", v);
    else
        printf("%8.3f ", v);
}

/* The summary line under the title: pstats' "N function calls (M
 * primitive calls) in T seconds", or its like in the profile's units. */
static void print_totals(const pv_profile *p, const table_style *st)
{
    int64_t samples = 0;
    if (st->samples) {
        /* A function's calls count every sample it is on, so their sum
         * counts a sample once per frame: the samples are the tree's. */
        for (size_t i = 0; p->recorded && i < p->recorded->n_nodes; i++)
            if (p->recorded->nodes[i].parent == PV_NODE_TOP)
                samples += p->recorded->nodes[i].calls;
        printf("         %" PRId64 " samples", samples);
    } else {
        printf("         %" PRId64 " function calls", p->total_calls);
        if (p->total_calls != p->prim_calls)
            printf(" (%" PRId64 " primitive calls)", p->prim_calls);
    }
    if (st->seconds)
        printf(" in %.3f seconds", p->total_tt);
    else if (strcmp(st->unit, "samples") != 0)
        printf(" in %.15g %s", p->total_tt, st->unit);
    else if (p->total_tt != (double)samples)  /* fractional counts, each rounded up */
        printf(" (weights total %.15g)", p->total_tt);
    printf("\n\n");
}

static void print_table(const pv_profile *p, const pv_profile_info *info, sort_key key,
                        const char *title, long limit)
{
    time_t t = (time_t)info->loaded_at;
    char when[64];
    strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", localtime(&t));
    char *file = pv_term_safe(info->name);
    printf("%s    %s\n\n", when, file);
    free(file);
    table_style st = style_of(p);
    print_totals(p, &st);

    uint32_t *order = pv_xmalloc(p->n_entries * sizeof *order);
    for (size_t i = 0; i < p->n_entries; i++)
        order[i] = (uint32_t)i;
    sort_by by = {p->funcs, key};
    qsort_r(order, p->n_entries, sizeof *order, cmp_funcs, &by);
    size_t shown = limit >= 0 && (size_t)limit < p->n_entries ? (size_t)limit : p->n_entries;
    printf("   Ordered by: %s\n", title);
    if (shown < p->n_entries)
        printf("   List reduced from %zu to %zu due to restriction <%ld>\n", p->n_entries, shown,
               limit);
    if (!st.seconds)
        printf("   Times (tottime, percall, cumtime, percall) in %s\n", st.unit);
    printf("\n%s  tottime  percall  cumtime  percall filename:lineno(function)\n",
           st.samples ? "  samples" : "   ncalls");
    for (size_t i = 0; i < shown; i++) {
        const pv_func *f = &p->funcs[order[i]];
        char calls[64], name[2048];
        if (f->nc != f->cc)
            snprintf(calls, sizeof calls, "%" PRId64 "/%" PRId64, f->nc, f->cc);
        else
            snprintf(calls, sizeof calls, "%" PRId64, f->nc);
        printf("%9s ", calls);
        print_f8(&st, f->tt);
        if (f->nc == 0)
            printf("%8s ", "");
        else
            printf("%8.3f ", f->tt / (double)f->nc);
        print_f8(&st, f->ct);
        if (f->cc == 0)
            printf("%8s ", "");
        else
            printf("%8.3f ", f->ct / (double)f->cc);
        /* A stack format's frame has no file or line: its name alone. */
        if (!st.seconds && !f->file[0] && f->line == 0)
            snprintf(name, sizeof name, "%s", f->name);
        else
            std_name(f, name, sizeof name);
        unescape_bytes(name);
        char *safe = pv_term_safe(name);
        printf("%s\n", safe);
        free(safe);
    }
    printf("\n\n");
    free(order);
}

/* A function's key as the oracle writes it: the name, or for a code
 * object {"code": {co_filename, co_name, co_firstlineno}}. */
static void add_key(cJSON *arr, const pv_func *f)
{
    cJSON_AddItemToArray(arr, pv_json_string(f->file));
    cJSON_AddItemToArray(arr, pv_json_int(f->line));
    if (f->code_name) {
        cJSON *code = cJSON_CreateObject(), *wrap = cJSON_CreateObject();
        cJSON_AddItemToObject(code, "co_filename", pv_json_string(f->code_file));
        cJSON_AddItemToObject(code, "co_name", pv_json_string(f->code_name));
        cJSON_AddItemToObject(code, "co_firstlineno", pv_json_int(f->code_line));
        cJSON_AddItemToObject(wrap, "code", code);
        cJSON_AddItemToArray(arr, wrap);
    } else {
        cJSON_AddItemToArray(arr, pv_json_string(f->name));
    }
}

static char *stats_json(const pv_profile *p, const pv_profile_info *info)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "id", pv_json_int(info->id));
    cJSON_AddItemToObject(doc, "file", pv_json_string(info->name));
    cJSON_AddItemToObject(doc, "size", pv_json_int(info->size));
    cJSON_AddItemToObject(doc, "sha256", pv_json_string(info->sha256));
    cJSON_AddItemToObject(doc, "format", pv_json_string(p->format));
    cJSON_AddItemToObject(doc, "unit", pv_json_string(p->unit));
    cJSON_AddItemToObject(doc, "calls_unit", pv_json_string(p->calls_unit));
    cJSON_AddItemToObject(doc, "variant", pv_json_string(p->variant));
    cJSON_AddItemToObject(doc, "writer", pv_json_string(p->writer));
    cJSON_AddItemToObject(doc, "marshal_dialect", pv_json_string(p->dialect));
    cJSON_AddItemToObject(doc, "marshal_version", pv_json_int(p->marshal_version));
    cJSON_AddItemToObject(doc, "total_calls", pv_json_int(p->total_calls));
    cJSON_AddItemToObject(doc, "prim_calls", pv_json_int(p->prim_calls));
    cJSON_AddItemToObject(doc, "total_tt", pv_json_double(p->total_tt));
    cJSON_AddItemToObject(doc, "nfuncs", pv_json_int((int64_t)p->n_entries));
    cJSON_AddItemToObject(doc, "ncaller_edges", pv_json_int((int64_t)p->n_edges));
    cJSON *warnings = cJSON_AddArrayToObject(doc, "warnings");
    for (size_t i = 0; i < p->n_warnings; i++)
        cJSON_AddItemToArray(warnings, pv_json_string(p->warnings[i]));

    /* Bucket the edges by callee, keeping their order. */
    size_t *start = pv_xcalloc(p->n_funcs + 1, sizeof *start);
    for (size_t e = 0; e < p->n_edges; e++)
        start[p->edges[e].callee + 1]++;
    for (size_t i = 0; i < p->n_funcs; i++)
        start[i + 1] += start[i];
    size_t *fill = pv_xmalloc((p->n_funcs + 1) * sizeof *fill), *by_callee =
        pv_xmalloc((p->n_edges + 1) * sizeof *by_callee);
    memcpy(fill, start, (p->n_funcs + 1) * sizeof *fill);
    for (size_t e = 0; e < p->n_edges; e++)
        by_callee[fill[p->edges[e].callee]++] = e;

    cJSON *roots = cJSON_AddArrayToObject(doc, "roots");
    cJSON *funcs = cJSON_AddArrayToObject(doc, "functions");
    for (size_t i = 0; i < p->n_entries; i++) {
        const pv_func *f = &p->funcs[i];
        if (start[i] == start[i + 1])
            cJSON_AddItemToArray(roots, pv_json_int((int64_t)i));
        cJSON *row = cJSON_CreateArray();
        add_key(row, f);
        cJSON_AddItemToArray(row, pv_json_int(f->cc));
        cJSON_AddItemToArray(row, pv_json_int(f->nc));
        cJSON_AddItemToArray(row, pv_json_double(f->tt));
        cJSON_AddItemToArray(row, pv_json_double(f->ct));
        cJSON *callers = cJSON_CreateArray();
        for (size_t k = start[i]; k < start[i + 1]; k++) {
            const pv_edge *e = &p->edges[by_callee[k]];
            cJSON *c = cJSON_CreateArray();
            add_key(c, &p->funcs[e->caller]);
            cJSON_AddItemToArray(c, pv_json_int(e->nc));
            if (!e->is_count) {
                cJSON_AddItemToArray(c, pv_json_int(e->cc));
                cJSON_AddItemToArray(c, pv_json_double(e->tt));
                cJSON_AddItemToArray(c, pv_json_double(e->ct));
            }
            cJSON_AddItemToArray(callers, c);
        }
        cJSON_AddItemToArray(row, callers);
        cJSON_AddItemToArray(funcs, row);
    }
    free(start);
    free(fill);
    free(by_callee);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

int64_t pv_cli_resolve_profile(pv_store *store, const char *arg, const pv_load_opts *opts)
{
    if (access(arg, F_OK) == 0) {
        pv_load_result res;
        pv_err err;
        if (pv_load_file(store, arg, opts, &res, &err) != PV_OK) {
            pv_term_println(stderr, "profviz: %s", err.msg);
            return -1;
        }
        pv_cli_print_warnings(arg, res.warnings);
        free(res.warnings);
        return res.id;
    }
    char *end;
    errno = 0;
    long long id = strtoll(arg, &end, 10);
    if (*arg && !*end && !errno && id > 0)
        return id;
    pv_term_println(stderr, "profviz: %s: no such file, and not a profile id", arg);
    return -1;
}

int pv_cmd_stats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"sort", required_argument, NULL, 's'},
        {"limit", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       PV_CLI_LOAD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *sort = "cumulative";
    pv_load_opts load_opts = {0};
    long limit = -1;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "s:n:h", opts, NULL)) != -1) {
        char *end;
        if (pv_cli_load_opt(c, optarg, &load_opts))
            continue;
        switch (c) {
        case 'd': db = optarg; break;
        case 's': sort = optarg; break;
        case 'j': json = 1; break;
        case 'n':
            limit = strtol(optarg, &end, 10);
            if (*end || limit < 0)
                return pv_cli_usage_error("stats", "-n wants a count, not '%s'", optarg);
            break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("stats", "bad option");
        }
    }
    if (optind != argc - 1)
        return pv_cli_usage_error("stats", "give exactly one FILE or ID");
    size_t k = 0, n_sorts = sizeof sort_names / sizeof sort_names[0];
    while (k < n_sorts && strcmp(sort_names[k].name, sort) != 0)
        k++;
    if (k == n_sorts)
        return pv_cli_usage_error("stats", "unknown sort key '%s'", sort);

    /* A stored profile (an ID) is only read. */
    int is_file = access(argv[optind], F_OK) == 0;
    pv_store *store = pv_cli_open_store(db, is_file ? 0 : PV_CLI_READ_IF_UNWRITABLE);
    if (!store)
        return PV_EXIT_INPUT;
    int status = PV_EXIT_INPUT;
    int64_t id = pv_cli_resolve_profile(store, argv[optind], &load_opts);
    pv_profile_info info;
    pv_profile p;
    pv_arena arena;
    pv_err err;
    pv_arena_init(&arena, (size_t)1 << 34);
    if (id > 0 && pv_store_info(store, id, &info, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: profile %lld: %s", (long long)id, err.msg);
    } else if (id > 0) {
        if (pv_store_read(store, id, &arena, &p, &err) != PV_OK) {
            pv_term_println(stderr, "profviz: profile %lld: %s", (long long)id, err.msg);
        } else if (json) {
            char *text = stats_json(&p, &info);
            puts(text);
            cJSON_free(text);
            status = PV_EXIT_OK;
        } else {
            print_table(&p, &info, sort_names[k].key, sort_names[k].title, limit);
            status = PV_EXIT_OK;
        }
        pv_profile_info_release(&info);
    }
    pv_arena_release(&arena);
    pv_store_close(store);
    return status;
}
