/* main.c — argument dispatch for the profviz binary.
 * `profviz FILE...` is the everyday form (view); a first word that names a
 * subcommand from the table below runs that one instead.  Each subcommand
 * parses its own options.
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pv_version.h"
#include "term.h"

static const pv_command commands[] = {
    {"diff", "compare two profiles: the chart of NEW coloured by change, or --table", pv_cmd_diff},
    {"export", "write a profile as an HTML report, SVG, PNG, folded or pstats", pv_cmd_export},
    {"load", "store profile dumps and print their ids", pv_cmd_load},
    {"merge", "sum several runs' profiles into one pstats dump", pv_cmd_merge},
    {"record", "run a Python program and record its exact call tree", pv_cmd_record},
    {"serve", "serve a store to a team: web page, JSON API, uploads", pv_cmd_serve},
    {"stats", "print a profile's statistics table (or --json)", pv_cmd_stats},
    {"upload", "send profiles to a profviz serve, print their links", pv_cmd_upload},
    {"view", "load files and open them in the browser (the default)", pv_cmd_view},
    {NULL, NULL, NULL},
};

static void print_help(FILE *out)
{
    fprintf(out,
        "profviz %s - see where a program spends its time.\n"
        "\n"
        "Usage:\n"
        "  profviz [-H ADDR] [-p PORT] [-b BROWSER | -s] [--merge] FILE...\n"
        "  profviz COMMAND [OPTIONS] [ARGS]\n"
        "  profviz --help | --version\n"
        "\n"
        "Commands:\n",
        PV_VERSION);
    for (const pv_command *c = commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
    fprintf(out,
        "\n"
        "Run 'profviz COMMAND --help' for a command's options.\n"
        "Exit status: 0 ok, 1 usage error, 2 a profile could not be read or\n"
        "stored, 3 the server failed.\n");
}

int pv_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "profviz%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    pv_term_vprintln(stderr, fmt, ap);  /* it may quote an argument */
    va_end(ap);
    fprintf(stderr, "Try 'profviz %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return PV_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? PV_EXIT_USAGE : PV_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("profviz %s\n", PV_VERSION);
        return PV_EXIT_OK;
    }
    for (const pv_command *c = commands; c->name; c++)
        if (strcmp(argv[1], c->name) == 0)
            return c->run(argc - 1, argv + 1);
    /* Not a command: options and files for view, as `snakeviz FILE`. */
    if (argv[1][0] != '-' && access(argv[1], F_OK) != 0)
        return pv_cli_usage_error(NULL, "'%s' is neither a command nor a file", argv[1]);
    return pv_cmd_view(argc, argv);
}
