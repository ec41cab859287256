/* cmd_load.c — `profviz load [--db STORE] [-q] [--format ...] FILE...`: store profiles and
 * print their ids.  Each file is stored whole or not at all; the exit code
 * is 2 when any file was refused.  With --merge the files are stored as
 * one profile, their merge.
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "loader.h"
#include "merge_files.h"
#include "progress.h"
#include "term.h"
#include "lines.h"

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz load [--db STORE] [-q] [--merge] [--format NAME] [--event NAME]\n"
        "                    [--profile N|NAME] FILE...\n"
        "\n"
        "Read profiles into the store and print each profile's id: cProfile/profile\n"
        "pstats dumps from any Python version, folded stacks (flamegraph.pl,\n"
        "py-spy raw, austin), speedscope files (py-spy, rbspy), V8 .cpuprofile files\n"
        "(node --cpu-prof, Chrome DevTools) and callgrind files (valgrind, yappi,\n"
        "pyprof2calltree), each recognised by what it holds. Loading the same bytes\n"
        "again returns the profile already stored.\n"
        "\n"
        "Options:\n"
        PV_CLI_DB_HELP
        "  -q, --quiet         print only the ids, one per line\n"
        "  --merge             store the FILEs as one profile, summed as 'profviz merge'\n"
        "                      sums them (its name lists them)\n"
        "%s"
        "  -h, --help          show this help\n", pv_cli_load_opts_help);
}

void pv_cli_print_warnings(const char *path, const char *warnings)
{
    pv_lines_iter it;
    pv_lines_begin(&it, warnings, warnings ? strlen(warnings) : 0);
    const char *w;
    size_t n;
    while ((w = pv_lines_next(&it, &n)))
        pv_term_println(stderr, "profviz: warning: %s: %.*s", path, (int)n, w);
}

/* One line about a stored profile: its id alone when quiet. */
static void print_stored(const char *name, const pv_load_result *res, int quiet)
{
    if (quiet)
        printf("%lld\n", (long long)res->id);
    else if (res->existed)
        printf("%lld\t%s: already stored (%zu functions)\n", (long long)res->id, name,
               res->n_funcs);
    else
        printf("%lld\t%s: %zu functions, %zu call edges, parsed in %.0f ms, stored in %.0f ms\n",
               (long long)res->id, name, res->n_funcs, res->n_edges, res->parse_ms,
               res->store_ms);
}

/* --merge: the files summed into one pstats dump, stored as one profile
 * whose bytes are that dump (so it reloads to the same profile). */
static int load_merged(pv_store *store, char **files, int n, const pv_load_opts *opts, int quiet)
{
    pv_cli_merged m;
    if (pv_cli_merge_files(files, n, opts, true, &m) != 0)
        return PV_EXIT_INPUT;
    pv_load_result res;
    pv_err err;
    int status = PV_EXIT_OK;
    if (pv_load_bytes(store, m.name, "merge", (const unsigned char *)m.dump.s, m.dump.len, NULL,
                      &res, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s: %s", m.name, err.msg);
        status = PV_EXIT_INPUT;
    } else {
        char *name = pv_term_safe(m.name);
        print_stored(name, &res, quiet);
        free(name);
        free(res.warnings);
    }
    pv_cli_merged_release(&m);
    return status;
}

int pv_cmd_load(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"quiet", no_argument, NULL, 'q'},
        {"merge", no_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        PV_CLI_LOAD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    pv_load_opts load_opts = {0};
    int quiet = 0, merge = 0, c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        if (pv_cli_load_opt(c, optarg, &load_opts))
            continue;
        switch (c) {
        case 'd': db = optarg; break;
        case 'q': quiet = 1; break;
        case 'm': merge = 1; break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("load", "bad option");
        }
    }
    if (optind >= argc)
        return pv_cli_usage_error("load", "no FILE given");
    pv_store *store = pv_cli_open_store(db, 0);
    if (!store)
        return PV_EXIT_INPUT;
    if (merge) {
        int status = load_merged(store, argv + optind, argc - optind, &load_opts, quiet);
        pv_store_close(store);
        return status;
    }
    int status = PV_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        char *name = pv_term_safe(argv[i]);
        /* A line counting the seconds when it takes over one (a big file). */
        pv_progress *progress = quiet ? NULL : pv_progress_begin("loading %s", name);
        pv_load_result res;
        pv_err err;
        int rc = pv_load_file(store, argv[i], &load_opts, &res, &err);
        pv_progress_end(progress);
        if (rc != PV_OK) {
            pv_term_println(stderr, "profviz: %s", err.msg);
            status = PV_EXIT_INPUT;
            free(name);
            continue;
        }
        pv_cli_print_warnings(argv[i], res.warnings);
        print_stored(name, &res, quiet);
        free(res.warnings);
        free(name);
    }
    pv_store_close(store);
    return status;
}
