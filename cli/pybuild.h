/* pybuild.h — the recorder module (recorder/profviz_recorder.c, embedded
 * in the binary) built for one Python on first use, and the Python itself
 * asked what it is.
 *
 * A build is kept in $XDG_CACHE_HOME/profviz/recorder/SOABI-HASH/ (else
 * ~/.cache/...), HASH covering the source, the compiler flags and the
 * Python's include folder: a new profviz, or another installation of the
 * same version (Debian's 3.11 and a pyenv 3.11 differ in patch level and
 * build options), gets a build of its own, and an unchanged one is reused
 * without running the compiler.  The module is compiled to a name of its
 * own (the process id in it) and renamed into place, so two first runs at
 * once each build and the last rename wins: both files are whole.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CLI_PYBUILD_H
#define PV_CLI_PYBUILD_H

#include <stddef.h>

#include "err.h"

/* What a Python interpreter says of itself (pv_python_probe). */
typedef struct pv_python {
    const char *exe;        /* borrowed: as the user gave it, a path or a name in $PATH */
    char impl[32];          /* "CPython", "PyPy", ... */
    int major, minor;       /* its version */
    char soabi[96];         /* "cpython-311-x86_64-linux-gnu"; "" when it has none */
    char ext_suffix[96];    /* ".cpython-311-x86_64-linux-gnu.so" */
    char include[1024];     /* the folder that holds (or should hold) Python.h */
    char path[1024];        /* sys.executable (exe when it has none): the binary to
                             * run, past any wrapper such as pyenv's shims */
} pv_python;

/* The oldest and newest minor versions of Python 3 the recorder supports. */
enum { PV_PY_MIN_MINOR = 8, PV_PY_MAX_MINOR = 13 };

/* Runs `exe` to ask its implementation, version and build paths, and
 * checks that the recorder supports it.  PV_E_USAGE (with a message that
 * says what would do) when it cannot be run, is not CPython or is of an
 * unsupported version. */
int pv_python_probe(const char *exe, pv_python *out, pv_err *err);

/* Runs argv (argv[0] looked up in $PATH) with its stdout on `out_fd` (or
 * ours when -1) and waits for it, as system(3) does: SIGINT and SIGQUIT
 * ignored here meanwhile, so a Ctrl-C reaches the child (it shares our
 * terminal) and we live to report how it ended.  Returns 0 with the
 * waitpid status in *status, or an errno (ENOENT: no such program). */
int pv_run(char *const argv[], int out_fd, int *status);

/* Writes into so_path (cap bytes) the path of the recorder module built
 * for `py`, compiling it first when the cache has none (a line on stderr
 * says so; the compiler's own errors go to stderr).  PV_E_USAGE when a
 * compiler or the Python headers are missing (the message says which
 * package to install), PV_E_IO when the cache cannot be written or the
 * compiler failed. */
int pv_recorder_build(const pv_python *py, char *so_path, size_t cap, pv_err *err);

#endif
