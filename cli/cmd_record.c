/* cmd_record.c — `profviz record [OPTIONS] [--] SCRIPT [ARGS]` and
 * `profviz record [OPTIONS] -m MODULE [ARGS]`: run a Python program as
 * `python -m cProfile -o OUT` runs it, under profviz's recorder, which
 * writes a pstats dump with the exact call tree after it
 * (docs/recorded-tree.md); with --open, then view it as `profviz OUT`.
 *
 * The recorder is a C extension, built for the Python asked for on first
 * use (pybuild.c).  What runs in that Python is recorder/bootstrap.py,
 * embedded: it hands over to the interpreter's own cProfile.main, so the
 * program sees the sys.argv, sys.path and globals cProfile gives it.  Its
 * exit status is passed through (cProfile's would be 0 after sys.exit(3)),
 * and a program killed by a signal (Ctrl-C) kills profviz with the same
 * signal once the dump is written, so a shell sees what happened.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asset.h"
#include "cli.h"
#include "pybuild.h"
#include "term.h"
#include "xalloc.h"

#define DEFAULT_MAX_PATHS 1000000
#define MAX_MAX_PATHS 1000000000u

extern const pv_asset pv_recorder_assets[];
extern const size_t pv_recorder_assets_count;

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz record [-o OUT] [--python PY] [--max-paths N] [--open] [--] SCRIPT [ARGS...]\n"
        "       profviz record [-o OUT] [--python PY] [--max-paths N] [--open] -m MODULE [ARGS...]\n"
        "\n"
        "Run a Python program as `python -m cProfile -o OUT` runs it (same sys.argv,\n"
        "__name__ == '__main__', sys.path) and record its exact call tree: every\n"
        "call path with its own calls and times. OUT is a pstats dump that pstats,\n"
        "snakeviz and cProfile's readers open as ever, with the tree after it for\n"
        "profviz (`profviz OUT` shows every box exact). It is written however the\n"
        "program ends: normally, sys.exit, an exception or Ctrl-C.\n"
        "\n"
        "The recorder is compiled for the Python on first use (it needs a C compiler\n"
        "and the Python's headers: on Debian, apt install gcc python3-dev) and kept in\n"
        "$XDG_CACHE_HOME/profviz/recorder/.\n"
        "\n"
        "Options:\n"
        "  -o, --output OUT   the file to write (default: SCRIPT.prof or MODULE.prof,\n"
        "                     without SCRIPT's .py, in the current folder)\n"
        "  -m MODULE          run a module, as python -m does; the arguments after it\n"
        "                     are the module's\n"
        "  --python PY        the Python to run it with: any CPython 3.%d to 3.%d, a path\n"
        "                     or a name in $PATH (default: python3)\n"
        "  --max-paths N      distinct call paths to keep (default %d); calls on\n"
        "                     new paths past that are counted in a \"<paths past the\n"
        "                     cap>\" node under their caller, and stderr says so\n"
        "  --open             then open OUT in the browser, as `profviz OUT` does\n"
        "  -h, --help         show this help\n"
        "\n"
        "Exit status: the program's (a signal that killed it kills profviz too);\n"
        "1 when profviz could not run it (bad option, no such script, a Python or\n"
        "a compiler it cannot use), 2 when the program ran but OUT was not written.\n",
        PV_PY_MIN_MINOR, PV_PY_MAX_MINOR, DEFAULT_MAX_PATHS);
}

/* SCRIPT.prof (SCRIPT's base name less a .py) or MODULE.prof. */
static char *default_output(const char *target, int module)
{
    const char *base = strrchr(target, '/');
    base = base ? base + 1 : target;
    size_t n = strlen(base);
    if (!module && n > 3 && strcmp(base + n - 3, ".py") == 0)
        n -= 3;
    char *out = pv_xmalloc(n + sizeof ".prof");
    memcpy(out, base, n);
    memcpy(out + n, ".prof", sizeof ".prof");
    return out;
}

/* The folder `path` would be written to must exist and be writable,
 * checked before the program runs rather than after. */
static int check_output(const char *path)
{
    char *dir = pv_xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *d = slash ? (slash == dir ? "/" : (*slash = '\0', dir)) : ".";
    int ok = access(d, W_OK) == 0;
    if (!ok)
        pv_term_println(stderr, "profviz record: cannot write %s: %s: %s", path, d,
                        strerror(errno));
    free(dir);
    return ok ? 0 : -1;
}

/* Whether `path` was written at or after `since`. */
static int written_since(const char *path, const struct timespec *since)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return st.st_mtim.tv_sec > since->tv_sec ||
           (st.st_mtim.tv_sec == since->tv_sec && st.st_mtim.tv_nsec >= since->tv_nsec);
}

/* Runs the bootstrap in `py` with the recorder at `so` on `target` (a
 * script, or a module when `module` is set) and its n_args arguments;
 * returns the wait status, or -1 after saying why it could not start. */
static int run_program(const pv_python *py, const char *so, const char *out, unsigned max_paths,
                       int module, const char *target, char **args, int n_args)
{
    const pv_asset *boot = pv_asset_find(pv_recorder_assets, pv_recorder_assets_count,
                                         "/bootstrap.py");
    if (!boot)
        abort();  /* cli/meson.build embeds it: a build without it is broken */
    char max[24];
    snprintf(max, sizeof max, "%u", max_paths);
    char **argv = pv_xcalloc((size_t)n_args + 10, sizeof *argv);
    int n = 0;
    argv[n++] = (char *)py->path;
    argv[n++] = "-c";
    argv[n++] = (char *)boot->data;
    argv[n++] = (char *)so;
    argv[n++] = (char *)out;
    argv[n++] = max;
    if (module)
        argv[n++] = "-m";
    argv[n++] = "--";
    argv[n++] = (char *)target;
    for (int i = 0; i < n_args; i++)
        argv[n++] = args[i];
    int status, rc = pv_run(argv, -1, &status);
    free(argv);
    if (rc != 0) {
        pv_term_println(stderr, "profviz record: cannot run %s: %s", py->path, strerror(rc));
        return -1;
    }
    return status;
}

/* `profviz view OUT`, as cmd_view parses it. */
static int open_output(const char *out)
{
    char *argv[] = {"view", (char *)out, NULL};
    optind = 0;  /* glibc: start getopt afresh for view's options */
    return pv_cmd_view(2, argv);
}

int pv_cmd_record(int argc, char **argv)
{
    enum { OPT_PYTHON = 256, OPT_MAX_PATHS, OPT_OPEN };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"python", required_argument, NULL, OPT_PYTHON},
        {"max-paths", required_argument, NULL, OPT_MAX_PATHS},
        {"open", no_argument, NULL, OPT_OPEN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL, *python = "python3", *module = NULL;
    unsigned max_paths = DEFAULT_MAX_PATHS;
    int open_after = 0, c;
    /* '+': the first word that is not an option is the script, and what
     * follows it (or -m MODULE) is the program's, options or not. */
    while (!module && (c = getopt_long(argc, argv, "+o:m:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'm': module = optarg; break;
        case OPT_PYTHON: python = optarg; break;
        case OPT_MAX_PATHS:
            if (pv_cli_parse_uint(optarg, MAX_MAX_PATHS, &max_paths) || max_paths == 0)
                return pv_cli_usage_error("record", "--max-paths wants a count from 1 to %u",
                                          MAX_MAX_PATHS);
            break;
        case OPT_OPEN: open_after = 1; break;
        case 'h': usage(stdout); return PV_EXIT_OK;
        default: return pv_cli_usage_error("record", "bad option");
        }
    }
    if (!module && optind >= argc)
        return pv_cli_usage_error("record", "no SCRIPT (or -m MODULE) given");
    const char *target = module ? module : argv[optind++];
    if (!*target)
        return pv_cli_usage_error("record", "an empty SCRIPT or MODULE name");
    if (!module && access(target, R_OK) != 0) {
        pv_term_println(stderr, "profviz record: %s: %s", target, strerror(errno));
        return PV_EXIT_USAGE;
    }
    char *def = output ? NULL : default_output(target, module != NULL);
    const char *out = output ? output : def;
    int rc = PV_EXIT_USAGE;
    pv_python py;
    pv_err err;
    char so[4600];
    if (check_output(out) != 0)
        goto done;
    if (pv_python_probe(python, &py, &err) != PV_OK ||
        pv_recorder_build(&py, so, sizeof so, &err) != PV_OK) {
        pv_term_println(stderr, "profviz record: %s", err.msg);
        goto done;
    }
    pv_term_println(stderr, "profviz record: running %s%s with CPython %d.%d, recording into %s",
                    module ? "-m " : "", target, py.major, py.minor, out);
    /* The clock file times come from (coarse: a precise "now" can be
     * ahead of the mtime of a file written just after it). */
    struct timespec start;
    clock_gettime(CLOCK_REALTIME_COARSE, &start);
    int status = run_program(&py, so, out, max_paths, module != NULL, target, argv + optind,
                             argc - optind);
    if (status < 0)
        goto done;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (!written_since(out, &start)) {
        pv_term_println(stderr, "profviz record: the program ended (%s %d) without %s written",
                        WIFEXITED(status) ? "status" : "signal",
                        WIFEXITED(status) ? code : WTERMSIG(status), out);
        rc = code ? code : PV_EXIT_INPUT;
        goto done;
    }
    pv_term_println(stderr, "profviz record: wrote %s%s%s", out,
                    open_after ? "" : "; see it with: profviz ", open_after ? "" : out);
    if (open_after) {
        int view = open_output(out);
        rc = code ? code : view;
    } else if (WIFSIGNALED(status)) {
        /* Die as the program died, so a shell or make stops as it would. */
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
        rc = code;
    } else {
        rc = code;
    }
done:
    free(def);
    return rc;
}
