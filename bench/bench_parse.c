/* bench_parse.c — how fast a profile file of any format is read, and how
 * much memory that takes: for each file, in a child process of its own,
 * the file is mapped (as profviz load maps it), then read once by the
 * reader its content picks, alone (what a reader's throughput is), and
 * once more by pv_parse_bytes (the reader plus the SHA-256 on a second
 * thread: what a load waits for before it stores).  Peak RSS is the
 * child's, so one file's memory never counts against another's; the
 * mapped file counts in it as far as its pages were touched.
 * Prints one row per file, then one `bench key=value ...` line per file
 * for scripts; exits 1 if any file could not be read.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "loader.h"
#include "readers.h"

typedef struct result {
    double size_mb;          /* 10^6 bytes */
    double reader_ms;        /* the reader alone, wall clock */
    double reader_cpu_ms;    /* the same, CPU time of the thread: what a busy machine does not inflate */
    double parse_ms;         /* pv_parse_bytes: reader + hash on a second thread */
    size_t n_funcs, n_nodes;
    char format[32];
    char error[sizeof(((pv_err *)0)->msg)];
} result;

static double clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The measurements of one file, in the calling (child) process. */
static void measure(const char *path, result *r)
{
    pv_err err = {0};
    pv_file_map map;
    if (pv_file_map_open(path, &map, &err) != PV_OK) {
        snprintf(r->error, sizeof r->error, "%s", err.msg);
        return;
    }
    r->size_mb = (double)map.len / 1e6;
    const pv_reader *reader;
    pv_arena arena;
    pv_profile p;
    int rc = pv_reader_pick(map.bytes, map.len, NULL, &reader, &err);
    if (rc == PV_OK) {
        pv_arena_init(&arena, pv_load_memory_limit(map.len));
        double t0 = pv_now_ms(), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
        rc = reader->parse(map.bytes, map.len, NULL, &arena, &p, &err);
        r->reader_ms = pv_now_ms() - t0;
        r->reader_cpu_ms = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (rc == PV_OK) {
            snprintf(r->format, sizeof r->format, "%s", p.format);
            r->n_funcs = p.n_entries;
            r->n_nodes = p.recorded ? p.recorded->n_nodes : 0;
        }
        pv_arena_release(&arena);
    }
    if (rc == PV_OK) {
        pv_parsed parsed;
        double t0 = pv_now_ms();
        rc = pv_parse_bytes(path, "bench", map.bytes, map.len, NULL, &parsed, &err);
        r->parse_ms = pv_now_ms() - t0;
        if (rc == PV_OK)
            pv_parsed_release(&parsed);
    }
    if (rc != PV_OK)
        snprintf(r->error, sizeof r->error, "%s", err.msg);
    pv_file_map_close(&map);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "Usage: bench_parse FILE...\n"
                "Reads each file once with its reader alone and once with pv_parse_bytes\n"
                "(reader + hash), each file in a child process; prints MB/s and peak RSS.\n");
        return argc < 2 ? 2 : 0;
    }
    int failed = 0;
    printf("%-32s %7s %10s %7s %8s %7s %9s %7s %9s %7s\n", "file", "MB", "reader ms", "MB/s",
           "CPU ms", "MB/s", "parse ms", "MB/s", "peak RSS", "funcs");
    for (int i = 1; i < argc; i++) {
        int fds[2];
        if (pipe(fds) != 0)
            return 1;
        pid_t pid = fork();
        if (pid == 0) {
            result r = {0};
            measure(argv[i], &r);
            ssize_t w = write(fds[1], &r, sizeof r);
            _exit(w == (ssize_t)sizeof r ? 0 : 1);
        }
        close(fds[1]);
        result r = {0};
        ssize_t got = read(fds[0], &r, sizeof r);
        close(fds[0]);
        int status;
        struct rusage ru;
        wait4(pid, &status, 0, &ru);
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        if (got != (ssize_t)sizeof r || r.error[0]) {
            printf("%-40s failed: %s\n", base, got == (ssize_t)sizeof r ? r.error : "child died");
            failed = 1;
            continue;
        }
        double rss_mb = (double)ru.ru_maxrss / 1024.0;
        printf("%-32s %7.1f %10.0f %7.1f %8.0f %7.1f %9.0f %7.1f %7.0f M %7zu\n", base, r.size_mb,
               r.reader_ms, r.size_mb / (r.reader_ms / 1e3), r.reader_cpu_ms,
               r.size_mb / (r.reader_cpu_ms / 1e3), r.parse_ms, r.size_mb / (r.parse_ms / 1e3),
               rss_mb, r.n_funcs);
        printf("bench file=%s format=%s mb=%.1f reader_ms=%.0f reader_mb_s=%.1f reader_cpu_ms=%.0f "
               "reader_cpu_mb_s=%.1f parse_ms=%.0f parse_mb_s=%.1f peak_rss_mb=%.0f funcs=%zu "
               "nodes=%zu\n",
               base, r.format, r.size_mb, r.reader_ms, r.size_mb / (r.reader_ms / 1e3),
               r.reader_cpu_ms, r.size_mb / (r.reader_cpu_ms / 1e3), r.parse_ms,
               r.size_mb / (r.parse_ms / 1e3), rss_mb, r.n_funcs, r.n_nodes);
    }
    return failed;
}
