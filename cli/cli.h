/* cli.h — the profviz command line: one file per subcommand (cmd_*.c),
 * dispatched from main.c.  Exit codes, documented in --help:
 *   0 ok, 1 usage error, 2 a profile could not be read or stored,
 *   3 the server failed.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CLI_H
#define PV_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"
#include "http.h"
#include "ingest.h"
#include "loader.h"
#include "store.h"

enum { PV_EXIT_OK = 0, PV_EXIT_USAGE = 1, PV_EXIT_INPUT = 2, PV_EXIT_SERVER = 3 };

typedef struct pv_command {
    const char *name;     /* subcommand word */
    const char *summary;  /* one line for the command list */
    int (*run)(int argc, char **argv);  /* argv[0] is the subcommand */
} pv_command;

/* Prints "profviz: " + message to stderr; returns PV_EXIT_USAGE. */
int pv_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints newline-separated warnings about `path` to stderr, one line each. */
void pv_cli_print_warnings(const char *path, const char *warnings);

/* Loads `arg` when it names a readable file (read as opts says; NULL:
 * by content), else takes it as a profile id; prints what went wrong and
 * returns -1 when it is neither. */
int64_t pv_cli_resolve_profile(pv_store *store, const char *arg, const pv_load_opts *opts);

/* pstats' func_std_string (cmd_stats.c): "{name}" for C builtins, else
 * file:line(name); cut to fit buf. */
void pv_cli_func_label(const char *file, int64_t line, const char *name, char *buf, size_t cap);

/* A byte count with an optional K, M or G suffix (powers of 1024);
 * PV_OK, or PV_E_USAGE when malformed. */
int pv_cli_parse_bytes(const char *s, size_t *out);

/* A decimal count from 0 to max; PV_OK, or PV_E_USAGE when malformed. */
int pv_cli_parse_uint(const char *s, unsigned max, unsigned *out);

/* Blocks SIGINT and SIGTERM (the server's threads inherit the mask, so
 * only pv_cli_server_run takes them) and starts the server.  Prints why
 * it failed; returns an exit code (PV_EXIT_OK when it runs). */
int pv_cli_server_start(pv_ctx *ctx, const pv_http_opts *opts, pv_http **out);

/* Serves until SIGINT or SIGTERM, then stops the server, waits for the
 * background commit of `in` (NULL when none; a second signal abandons it)
 * and closes the context (all are freed).  `child` is a browser launcher
 * to reap (or -1); if it fails, the user is told to open `url`.  Returns
 * PV_EXIT_OK. */
int pv_cli_server_run(pv_http *h, pv_ctx *ctx, pv_ingest *in, pid_t child, const char *url);

/* --format, --event, --profile (load_opts.c): what a command that reads
 * profile files tells the loader.  PV_CLI_LOAD_OPTIONS goes in its
 * getopt_long table (the values are above any command's own option ids),
 * pv_cli_load_opt takes getopt's answer (false: not one of them), and
 * pv_cli_load_opts_help is their lines for --help. */
enum { PV_OPT_FORMAT = 0x4000, PV_OPT_EVENT, PV_OPT_PROFILE };
#define PV_CLI_LOAD_OPTIONS                                  \
    {"format", required_argument, NULL, PV_OPT_FORMAT},     \
    {"event", required_argument, NULL, PV_OPT_EVENT},       \
    {"profile", required_argument, NULL, PV_OPT_PROFILE}
bool pv_cli_load_opt(int c, const char *arg, pv_load_opts *o);
extern const char pv_cli_load_opts_help[];

int pv_cmd_diff(int argc, char **argv);
int pv_cmd_export(int argc, char **argv);
int pv_cmd_merge(int argc, char **argv);
int pv_cmd_load(int argc, char **argv);
int pv_cmd_record(int argc, char **argv);
int pv_cmd_serve(int argc, char **argv);
int pv_cmd_stats(int argc, char **argv);
int pv_cmd_upload(int argc, char **argv);
int pv_cmd_view(int argc, char **argv);

#endif
