/* pybuild.c — probing a Python and building the recorder for it; see
 * pybuild.h.
 * SPDX-License-Identifier: MIT
 */
#include "pybuild.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asset.h"
#include "db.h"
#include "sha256.h"

extern char **environ;
extern const pv_asset pv_recorder_assets[];
extern const size_t pv_recorder_assets_count;

/* Valid Python 2 as well, so that a Python 2 is told it is too old
 * rather than failing with a syntax error; no `platform` import, which
 * costs more than the rest. */
static const char probe_py[] =
    "import sys, sysconfig\n"
    "v = sys.version_info\n"
    "i = getattr(sys, 'implementation', None)\n"
    "i = i.name if i else 'cpython'\n"
    "sys.stdout.write('\\n'.join([{'cpython': 'CPython', 'pypy': 'PyPy'}.get(i, i),\n"
    "    str(v[0]), str(v[1]), sysconfig.get_config_var('SOABI') or '',\n"
    "    sysconfig.get_config_var('EXT_SUFFIX') or '', sysconfig.get_paths()['include'],\n"
    "    sys.executable or '']) + '\\n')\n";

#define CFLAGS "-shared", "-fPIC", "-O2"

int pv_run(char *const argv[], int out_fd, int *status)
{
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    sigset_t dfl;
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGQUIT);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_init(&fa);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    while (rc == 0 && waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            rc = errno;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    return rc;
}

/* Copies the next newline-terminated line of *p into out (cap bytes);
 * PV_E_FORMAT when there is none or it does not fit. */
static int next_line(char **p, char *out, size_t cap)
{
    char *nl = strchr(*p, '\n');
    if (!nl || (size_t)(nl - *p) >= cap)
        return PV_E_FORMAT;
    memcpy(out, *p, (size_t)(nl - *p));
    out[nl - *p] = '\0';
    *p = nl + 1;
    return PV_OK;
}

/* Parses the probe's seven lines into py; PV_E_FORMAT when they are not
 * that. */
static int parse_probe(char *text, pv_python *py)
{
    char major[16], minor[16];
    char *p = text;
    if (next_line(&p, py->impl, sizeof py->impl) || next_line(&p, major, sizeof major) ||
        next_line(&p, minor, sizeof minor) || next_line(&p, py->soabi, sizeof py->soabi) ||
        next_line(&p, py->ext_suffix, sizeof py->ext_suffix) ||
        next_line(&p, py->include, sizeof py->include) ||
        next_line(&p, py->path, sizeof py->path))
        return PV_E_FORMAT;
    if (!py->path[0])
        snprintf(py->path, sizeof py->path, "%s", py->exe);
    py->major = atoi(major);
    py->minor = atoi(minor);
    return PV_OK;
}

int pv_python_probe(const char *exe, pv_python *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    out->exe = exe;
    FILE *tmp = tmpfile();
    if (!tmp)
        return pv_err_set(err, PV_E_IO, "cannot make a temporary file: %s", strerror(errno));
    char *argv[] = {(char *)exe, "-c", (char *)probe_py, NULL};
    int status, rc = pv_run(argv, fileno(tmp), &status);
    char text[2048] = "";
    if (rc == 0) {
        rewind(tmp);
        text[fread(text, 1, sizeof text - 1, tmp)] = '\0';
    }
    fclose(tmp);
    if (rc != 0)
        return pv_err_set(err, PV_E_USAGE, "cannot run %s: %s", exe, strerror(rc));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || parse_probe(text, out) != PV_OK)
        return pv_err_set(err, PV_E_USAGE, "%s did not answer as a Python interpreter does "
                                            "(pass a CPython 3.%d to 3.%d with --python)",
                          exe, PV_PY_MIN_MINOR, PV_PY_MAX_MINOR);
    if (strcmp(out->impl, "CPython") != 0)
        return pv_err_set(err, PV_E_USAGE, "%s is %s %d.%d; the recorder is built for CPython "
                                            "only (pass a CPython 3.%d to 3.%d with --python)",
                          exe, out->impl, out->major, out->minor, PV_PY_MIN_MINOR,
                          PV_PY_MAX_MINOR);
    if (out->major != 3 || out->minor < PV_PY_MIN_MINOR || out->minor > PV_PY_MAX_MINOR)
        return pv_err_set(err, PV_E_USAGE, "%s is CPython %d.%d; the recorder supports CPython "
                                            "3.%d to 3.%d (pass one with --python)",
                          exe, out->major, out->minor, PV_PY_MIN_MINOR, PV_PY_MAX_MINOR);
    return PV_OK;
}

/* The embedded recorder source. */
static const pv_asset *recorder_source(void)
{
    const pv_asset *a = pv_asset_find(pv_recorder_assets, pv_recorder_assets_count,
                                      "/profviz_recorder.c");
    if (!a)
        abort();  /* cli/meson.build embeds it: a build without it is broken */
    return a;
}

/* The first 16 hex digits of the SHA-256 of what makes a build differ:
 * the source, the flags and the headers' folder. */
static void build_hash(const pv_python *py, char out[17])
{
    static const char *const flags[] = {CFLAGS};
    const pv_asset *src = recorder_source();
    pv_sha256 c;
    unsigned char d[32];
    pv_sha256_init(&c);
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        pv_sha256_update(&c, flags[i], strlen(flags[i]) + 1);
    pv_sha256_update(&c, py->include, strlen(py->include) + 1);
    pv_sha256_update(&c, src->data, src->len);
    pv_sha256_final(&c, d);
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int write_file(const char *path, const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return PV_E_IO;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? PV_OK : PV_E_IO;
}

/* Compiles src into so, the compiler's errors on our stderr. */
static int compile(const pv_python *py, const char *src, const char *so, pv_err *err)
{
    const char *cc_env = getenv("CC");
    const char *cc = cc_env && *cc_env ? cc_env : "cc";
    char inc[1100];
    snprintf(inc, sizeof inc, "-I%s", py->include);
    char *argv[] = {(char *)cc, CFLAGS, inc, "-o", (char *)so, (char *)src, NULL};
    int status, rc = pv_run(argv, -1, &status);
    if (rc == ENOENT)
        return pv_err_set(err, PV_E_USAGE, "no C compiler (%s) to build the recorder with: "
                                            "install one (on Debian: apt install gcc)", cc);
    if (rc != 0)
        return pv_err_set(err, PV_E_IO, "cannot run %s: %s", cc, strerror(rc));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return pv_err_set(err, PV_E_IO, "%s failed to build the recorder for %s (its errors "
                                         "are above)", cc, py->exe);
    return PV_OK;
}

int pv_recorder_build(const pv_python *py, char *so_path, size_t cap, pv_err *err)
{
    char root[4096], hash[17], dir[4300];
    if (pv_cli_cache_dir(root, sizeof root) != 0)
        return pv_err_set(err, PV_E_USAGE, "no cache folder to build the recorder in "
                                            "($XDG_CACHE_HOME and $HOME unset)");
    build_hash(py, hash);
    if (py->soabi[0])
        snprintf(dir, sizeof dir, "%s/recorder/%s-%s", root, py->soabi, hash);
    else
        snprintf(dir, sizeof dir, "%s/recorder/cpython-%d.%d-%s", root, py->major, py->minor,
                 hash);
    int n = snprintf(so_path, cap, "%s/_profviz_recorder%s", dir,
                     py->ext_suffix[0] ? py->ext_suffix : ".so");
    if (n < 0 || (size_t)n >= cap)
        return pv_err_set(err, PV_E_IO, "%s: path too long", dir);
    if (access(so_path, R_OK) == 0)
        return PV_OK;

    char header[1100];
    snprintf(header, sizeof header, "%s/Python.h", py->include);
    if (access(header, R_OK) != 0)
        return pv_err_set(err, PV_E_USAGE, "%s has no C headers (%s is missing) to build the "
                                            "recorder with: install them (on Debian: apt install "
                                            "python3-dev, or python3.%d-dev for python3.%d)",
                          py->exe, header, py->minor, py->minor);
    if (pv_cli_make_parent_dirs(so_path) != 0)
        return pv_err_set(err, PV_E_IO, "cannot create %s: %s", dir, strerror(errno));
    fprintf(stderr, "profviz: building the recorder for CPython %d.%d (once, kept in %s)\n",
            py->major, py->minor, dir);
    char src[4400], tmp_so[4400];
    snprintf(src, sizeof src, "%s/profviz_recorder.%ld.c", dir, (long)getpid());
    snprintf(tmp_so, sizeof tmp_so, "%s/_profviz_recorder.%ld.so.tmp", dir, (long)getpid());
    const pv_asset *a = recorder_source();
    int rc = write_file(src, a->data, a->len) == PV_OK
                 ? compile(py, src, tmp_so, err)
                 : pv_err_set(err, PV_E_IO, "cannot write %s: %s", src, strerror(errno));
    if (rc == PV_OK && rename(tmp_so, so_path) != 0)
        rc = pv_err_set(err, PV_E_IO, "cannot move %s into place: %s", tmp_so, strerror(errno));
    unlink(src);
    if (rc != PV_OK)
        unlink(tmp_so);
    return rc;
}
