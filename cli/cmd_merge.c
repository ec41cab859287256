/* cmd_merge.c — `profviz merge FILE... -o OUT`: several profiles summed
 * into one pstats dump, the way Python's pstats.Stats(a, b, ...) sums
 * them (loader/merge.h), written whole or not at all (atomic.h).
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "merge_files.h"
#include "term.h"

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz merge [--format NAME] [--event NAME] [--profile N|NAME]\n"
        "                     FILE... -o OUT\n"
        "\n"
        "Sum profiles of several runs into one pstats dump, as Python's\n"
        "pstats.Stats(a, b, ...) sums them: functions by (file, line, name), their\n"
        "calls and times added, their callers added edge by edge. Exact call trees\n"
        "(profviz record, folded, speedscope, .cpuprofile) merge path by path when\n"
        "every file has one; otherwise the merge has none and says so. Files in\n"
        "different time units are converted to seconds; files whose units cannot be\n"
        "added (seconds and samples) are refused. A unit that is not time is written\n"
        "as it is (pstats can only say seconds) and kept in the dump's call tree.\n"
        "OUT appears whole or not at all; '-' is standard output. 'profviz --merge\n"
        "FILE...' and 'profviz load --merge FILE...' store the merge as one profile.\n"
        "\n"
        "Options:\n"
        "  -o, --output OUT    the merged pstats dump to write\n"
        "%s"
        "  -h, --help          show this help\n", pv_cli_load_opts_help);
}

static int write_dump(void *arg, FILE *out, pv_err *err)
{
    const pv_cli_merged *m = arg;
    if (fwrite(m->dump.s, 1, m->dump.len, out) != m->dump.len)
        return pv_err_set(err, PV_E_IO, "writing the merged dump failed");
    return PV_OK;
}

int pv_cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        PV_CLI_LOAD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    pv_load_opts load_opts = {0};
    const char *dest = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (pv_cli_load_opt(c, optarg, &load_opts))
            continue;
        switch (c) {
        case 'o': dest = optarg; break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("merge", "bad option");
        }
    }
    if (!dest)
        return pv_cli_usage_error("merge", "say where to write the merge: -o OUT");
    if (optind >= argc)
        return pv_cli_usage_error("merge", "no FILE given");
    pv_cli_merged m;
    if (pv_cli_merge_files(argv + optind, argc - optind, &load_opts, false, &m) != 0)
        return PV_EXIT_INPUT;
    pv_err err;
    int rc = pv_cli_write_atomic(dest, write_dump, &m, &err);
    if (rc != PV_OK)
        pv_term_println(stderr, "profviz merge: %s", err.msg);
    pv_cli_merged_release(&m);
    return rc == PV_OK ? PV_EXIT_OK : PV_EXIT_INPUT;
}
