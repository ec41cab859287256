/* loader.c — read a file, parse it, store it: all or nothing.
 *
 * Identical bytes are recognised by their SHA-256, which is computed on a
 * second thread while the file is parsed: a new file (the common case)
 * then costs no more than its parse before the store, and a file stored
 * before is parsed for nothing but still returns the stored profile.
 * SPDX-License-Identifier: MIT
 */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "lines.h"
#include "readers.h"
#include "sha256.h"
#include "xalloc.h"

/* Files smaller than this are hashed before parsing, on the same thread:
 * below 1 MiB the hash takes under 4 ms, about what starting a thread may
 * cost on a busy machine. */
#define HASH_THREAD_MIN ((size_t)1 << 20)

size_t pv_load_memory_limit(size_t size)
{
    /* Decoded objects take ~24-32 bytes for every few bytes of input; a
     * linear cap leaves real files ample room and hostile ones none. */
    size_t limit = size > SIZE_MAX / PV_LOAD_MEMORY_FACTOR ? SIZE_MAX : size * PV_LOAD_MEMORY_FACTOR;
    return limit < PV_LOAD_MEMORY_MIN ? PV_LOAD_MEMORY_MIN : limit;
}

/* The warnings as one newline-separated malloc'd text, NULL when none. */
static char *join_warnings(const pv_profile *p)
{
    return p->n_warnings ? pv_lines_join(p->warnings, p->n_warnings) : NULL;
}

/* The hash, computed on a thread of its own while the caller parses: the
 * two together take as long as the parse alone (SHA-256 runs at ~300 MB/s
 * here, a third of the parse's time). */
typedef struct hash_job {
    const unsigned char *buf;
    size_t len;
    char *hex;  /* 65 bytes */
} hash_job;

static void *hash_thread(void *arg)
{
    hash_job *j = arg;
    pv_sha256_hex(j->buf, j->len, j->hex);
    return NULL;
}

int pv_parse_bytes(const char *name, const char *origin, const unsigned char *buf, size_t len,
                   const pv_load_opts *opts, pv_parsed *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (len > PV_LOAD_MAX_FILE)
        return pv_err_set(err, PV_E_TOO_BIG, "%zu bytes is more than the %zu GiB limit", len,
                          PV_LOAD_MAX_FILE >> 30);
    const pv_reader *reader;
    int rc = pv_reader_pick(buf, len, opts, &reader, err);
    if (rc != PV_OK)
        return rc;
    out->src = (pv_source){.name = name, .origin = origin, .bytes = buf, .size = len};
    hash_job job = {buf, len, out->src.sha256};
    pthread_t t;
    int threaded = len >= HASH_THREAD_MIN && pthread_create(&t, NULL, hash_thread, &job) == 0;
    pv_arena_init(&out->arena, pv_load_memory_limit(len));
    double t0 = pv_now_ms();
    rc = reader->parse(buf, len, opts, &out->arena, &out->profile, err);
    out->src.parse_ms = pv_now_ms() - t0;
    if (threaded)
        pthread_join(t, NULL);
    else
        hash_thread(&job);
    if (rc != PV_OK)
        pv_parsed_release(out);
    return rc;
}

void pv_parsed_release(pv_parsed *p)
{
    pv_arena_release(&p->arena);
    memset(&p->profile, 0, sizeof p->profile);
}

char *pv_parsed_warnings(const pv_parsed *p)
{
    return join_warnings(&p->profile);
}

int pv_load_bytes(pv_store *s, const char *name, const char *origin, const unsigned char *buf,
                  size_t len, const pv_load_opts *opts, pv_load_result *res, pv_err *err)
{
    memset(res, 0, sizeof *res);
    pv_parsed parsed;
    double t0 = pv_now_ms();
    int rc = pv_parse_bytes(name, origin, buf, len, opts, &parsed, err);
    if (rc != PV_OK)
        return rc;
    double t1 = pv_now_ms();
    rc = pv_store_add(s, &parsed.profile, &parsed.src, &res->id, &res->existed, err);
    if (rc == PV_OK) {
        /* Stored before or now, the same bytes have the same counts. */
        res->n_funcs = parsed.profile.n_entries;
        res->n_edges = parsed.profile.n_edges;
    }
    if (rc == PV_OK && !res->existed) {
        res->parse_ms = t1 - t0;
        res->store_ms = pv_now_ms() - t1;
        res->warnings = join_warnings(&parsed.profile);
    }
    pv_parsed_release(&parsed);
    return rc;
}

const char *pv_base_name(const char *path)
{
    const char *base = strrchr(path, '/');
    return base ? base + 1 : path;
}

/* Opens a regular file for reading and checks its size: the fd and
 * size, or an error (the caller closes the fd). */
static int open_regular(const char *path, int *fd, size_t *size, pv_err *err)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer, before fstat could refuse it.  Reads of a regular file
     * ignore the flag. */
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0)
        return pv_err_set(err, PV_E_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode))
        return pv_err_set(err, PV_E_IO, "not a regular file");
    if ((uint64_t)st.st_size > PV_LOAD_MAX_FILE)
        return pv_err_set(err, PV_E_TOO_BIG, "%lld bytes is more than the %zu GiB limit",
                          (long long)st.st_size, PV_LOAD_MAX_FILE >> 30);
    *size = (size_t)st.st_size;
    return PV_OK;
}

int pv_file_map_open(const char *path, pv_file_map *out, pv_err *err)
{
    *out = (pv_file_map){.bytes = (const unsigned char *)""};
    int fd;
    size_t size = 0;
    int rc = open_regular(path, &fd, &size, err);
    if (rc == PV_OK && size > 0) {
        void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            rc = pv_err_set(err, PV_E_IO, "cannot map: %s", strerror(errno));
        } else {
            /* Readers go through a file once, front to back. */
            madvise(p, size, MADV_SEQUENTIAL);
            *out = (pv_file_map){.bytes = p, .len = size, .base = p};
        }
    }
    if (fd >= 0)
        close(fd);
    return rc;
}

void pv_file_map_close(pv_file_map *m)
{
    if (m->base)
        munmap(m->base, m->len);
    *m = (pv_file_map){.bytes = (const unsigned char *)""};
}

int pv_load_file(pv_store *s, const char *path, const pv_load_opts *opts, pv_load_result *res,
                 pv_err *err)
{
    memset(res, 0, sizeof *res);
    pv_file_map map;
    int rc = pv_file_map_open(path, &map, err);
    if (rc == PV_OK)
        rc = pv_load_bytes(s, pv_base_name(path), path, map.bytes, map.len, opts, res, err);
    pv_file_map_close(&map);
    if (rc != PV_OK)
        pv_err_prefix(err, path);
    return rc;
}
