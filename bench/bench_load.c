/* bench_load.c — how fast profviz reads profiles, and how much memory it
 * takes: for each file, its reader's parse alone and pv_load_bytes into a
 * fresh SQLite store (parse + store in one transaction), or, with -d, into
 * the store at a location (a PostgreSQL URI), the profile deleted again
 * after each run so the next one stores it anew.
 *
 * Times are the best of R runs (the least disturbed by the machine), each
 * from a fresh arena or a fresh temporary database, with the file already
 * in memory, so they measure the code and not the disk cache.  Peak RSS is
 * taken in one forked child per file and per mode, forked before the parent
 * has read anything, so no file's memory counts against another's.
 * Prints one aligned row per file, then one `bench key=value ...` line per
 * file for scripts; exits 1 if any file failed to load.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "loader.h"
#include "readers.h"
#include "xalloc.h"

#define PATH_LEN 4096  /* room for the temporary directory and its files */

typedef struct result {
    const char *path;
    size_t size;             /* bytes */
    size_t n_funcs, n_edges; /* entries with a function of their own; caller edges */
    double parse_ms;         /* best of runs */
    double load_ms;          /* best of runs: pv_load_bytes, open/close excluded */
    long rss_parse_kb;       /* peak RSS of a process that parses the file once */
    long rss_load_kb;        /* ... that loads it once into a fresh store */
    char error[sizeof(((pv_err *)0)->msg)];
} result;

static int read_all(const char *path, unsigned char **buf, size_t *len, pv_err *err)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        if (f)
            fclose(f);
        return pv_err_set(err, PV_E_IO, "%s: %s", path, strerror(errno));
    }
    *len = (size_t)st.st_size;
    *buf = pv_xmalloc(*len ? *len : 1);
    size_t got = fread(*buf, 1, *len, f);
    fclose(f);
    if (got != *len) {
        free(*buf);
        return pv_err_set(err, PV_E_IO, "%s: short read", path);
    }
    return PV_OK;
}

static int parse_once(const unsigned char *buf, size_t len, pv_profile *p, double *ms, pv_err *err)
{
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    double t0 = pv_now_ms();
    /* The reader the loader would pick, by content: any format. */
    const pv_reader *r;
    int rc = pv_reader_pick(buf, len, NULL, &r, err);
    if (rc == PV_OK)
        rc = r->parse(buf, len, NULL, &arena, p, err);
    *ms = pv_now_ms() - t0;
    pv_arena_release(&arena);  /* p's pointers die here; only its counts are read */
    return rc;
}

/* Removes a store and the WAL files SQLite keeps beside it. */
static void remove_store(const char *db)
{
    char side[PATH_LEN + 8];
    unlink(db);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
}

/* The store -d names, or NULL: a fresh SQLite file in the temporary
 * directory for each run. */
static const char *location;

static int load_once(const char *dir, const char *name, const unsigned char *buf, size_t len,
                     double *ms, pv_err *err)
{
    char db[PATH_LEN];
    snprintf(db, sizeof db, "%.*s/bench.db", PATH_LEN - 16, dir);
    if (!location)
        remove_store(db);
    pv_store *s;
    int rc = pv_store_open(location ? location : db, 0, &s, err);
    if (rc != PV_OK)
        return rc;
    pv_load_result res;
    double t0 = pv_now_ms();
    rc = pv_load_bytes(s, name, "bench", buf, len, NULL, &res, err);
    *ms = pv_now_ms() - t0;
    if (rc == PV_OK)
        free(res.warnings);
    if (rc == PV_OK && res.existed)
        rc = pv_err_set(err, PV_E_USAGE, "%s is in the store already: pass an empty one", name);
    if (rc == PV_OK && location)
        rc = pv_store_delete(s, res.id, err);
    pv_store_close(s);
    if (!location)
        remove_store(db);
    return rc;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* In a fresh child: parse (load = 0) or load (load = 1) the file once.
 * Returns the child's peak RSS in KiB, or -1. */
static long peak_rss(const char *path, const char *dir, int load)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        unsigned char *buf;
        size_t len;
        pv_err err;
        double ms;
        int rc = read_all(path, &buf, &len, &err);
        if (rc == PV_OK) {
            pv_profile p;
            rc = load ? load_once(dir, base_name(path), buf, len, &ms, &err)
                      : parse_once(buf, len, &p, &ms, &err);
        }
        _exit(rc == PV_OK ? 0 : 1);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return ru.ru_maxrss;  /* KiB on Linux */
}

static void bench_file(result *r, const char *dir, int runs)
{
    unsigned char *buf;
    pv_err err;
    pv_err_clear(&err);
    if (read_all(r->path, &buf, &r->size, &err) != PV_OK) {
        snprintf(r->error, sizeof r->error, "%s", err.msg);
        return;
    }
    r->parse_ms = r->load_ms = 1e300;
    for (int i = 0; i < runs; i++) {
        pv_profile p;
        double ms;
        if (parse_once(buf, r->size, &p, &ms, &err) != PV_OK)
            goto fail;
        r->n_funcs = p.n_entries;
        r->n_edges = p.n_edges;
        if (ms < r->parse_ms)
            r->parse_ms = ms;
    }
    for (int i = 0; i < runs; i++) {
        double ms;
        if (load_once(dir, base_name(r->path), buf, r->size, &ms, &err) != PV_OK)
            goto fail;
        if (ms < r->load_ms)
            r->load_ms = ms;
    }
    free(buf);
    return;
fail:
    snprintf(r->error, sizeof r->error, "%s", err.msg);
    free(buf);
}

static double mb_per_s(const result *r)
{
    return r->parse_ms > 0 ? (double)r->size / 1e6 / (r->parse_ms / 1e3) : 0;
}

static void print_row(const result *r)
{
    if (r->error[0]) {
        printf("%-28.28s %9.2f  FAILED: %s\n", base_name(r->path), r->size / 1e6, r->error);
        return;
    }
    printf("%-28.28s %9.2f %8zu %8zu %9.1f %8.0f %9.1f %9.1f %9.1f\n", base_name(r->path),
           r->size / 1e6, r->n_funcs, r->n_edges, r->parse_ms, mb_per_s(r), r->load_ms,
           r->rss_parse_kb / 1024.0, r->rss_load_kb / 1024.0);
}

/* One line per file that scripts can split on blanks and '='. */
static void print_machine(const result *r, int runs)
{
    char name[256];
    snprintf(name, sizeof name, "%s", base_name(r->path));
    for (char *c = name; *c; c++)
        if (*c == ' ' || *c == '=' || *c == '\t')
            *c = '_';
    printf("bench file=%s bytes=%zu status=%s", name, r->size, r->error[0] ? "fail" : "ok");
    if (!r->error[0])
        printf(" funcs=%zu edges=%zu parse_ms=%.3f parse_mb_s=%.1f load_ms=%.3f"
               " rss_parse_kb=%ld rss_load_kb=%ld runs=%d",
               r->n_funcs, r->n_edges, r->parse_ms, mb_per_s(r), r->load_ms,
               r->rss_parse_kb, r->rss_load_kb, runs);
    printf("\n");
}

static void usage(FILE *out)
{
    fputs("usage: bench_load [-r RUNS] [-t TMPDIR] [-d LOCATION] FILE...\n"
          "Times the reader's parse and pv_load_bytes (best of RUNS, default 5) on each\n"
          "FILE and measures their peak RSS in fresh child processes.  Temporary\n"
          "stores go in TMPDIR (default $TMPDIR or /tmp); -d loads into the store at\n"
          "LOCATION instead (a postgresql:// URI), deleting each profile after its run.\n",
          out);
}

int main(int argc, char **argv)
{
    int runs = 5, c;
    const char *tmp = getenv("TMPDIR");
    while ((c = getopt(argc, argv, "r:t:d:h")) != -1) {
        switch (c) {
        case 'r':
            runs = atoi(optarg);
            if (runs < 1) {
                usage(stderr);
                return 2;
            }
            break;
        case 't': tmp = optarg; break;
        case 'd': location = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    char dir[PATH_LEN - 16];
    snprintf(dir, sizeof dir, "%s/bench_load.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }

    int n = argc - optind;
    result *res = pv_xcalloc((size_t)n, sizeof *res);
    /* Memory first, while this process is still small: a child starts as
     * a copy of it, and that copy counts in the child's peak. */
    for (int i = 0; i < n; i++) {
        res[i].path = argv[optind + i];
        res[i].rss_parse_kb = peak_rss(res[i].path, dir, 0);
        res[i].rss_load_kb = peak_rss(res[i].path, dir, 1);
    }
    printf("%-28s %9s %8s %8s %9s %8s %9s %9s %9s\n", "file", "MB", "funcs", "edges",
           "parse ms", "MB/s", "load ms", "RSS parse", "RSS load");
    int failed = 0;
    for (int i = 0; i < n; i++) {
        bench_file(&res[i], dir, runs);
        failed |= res[i].error[0] != 0;
        print_row(&res[i]);
        fflush(stdout);
    }
    for (int i = 0; i < n; i++)
        print_machine(&res[i], runs);
    rmdir(dir);
    free(res);
    return failed;
}
