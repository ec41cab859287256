/* loader.c — read a file, parse it, store it: all or nothing.
 *
 * Identical bytes are recognised by their SHA-256 before parsing, so
 * loading a file twice costs one hash and returns the stored profile.
 * SPDX-License-Identifier: MIT
 */
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sha256.h"
#include "xalloc.h"

size_t pv_load_memory_limit(size_t size)
{
    /* Decoded objects take ~24-32 bytes for every few bytes of input; a
     * linear cap leaves real files ample room and hostile ones none. */
    size_t limit = size > SIZE_MAX / PV_LOAD_MEMORY_FACTOR ? SIZE_MAX : size * PV_LOAD_MEMORY_FACTOR;
    return limit < PV_LOAD_MEMORY_MIN ? PV_LOAD_MEMORY_MIN : limit;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *join_warnings(const pv_profile *p)
{
    if (!p->n_warnings)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < p->n_warnings; i++)
        n += strlen(p->warnings[i]) + 1;
    char *out = pv_xmalloc(n), *o = out;
    for (size_t i = 0; i < p->n_warnings; i++) {
        size_t k = strlen(p->warnings[i]);
        memcpy(o, p->warnings[i], k);
        o += k;
        *o++ = i + 1 < p->n_warnings ? '\n' : '\0';
    }
    return out;
}

int pv_load_bytes(pv_store *s, const char *name, const char *origin, const unsigned char *buf,
                  size_t len, pv_load_result *res, pv_err *err)
{
    memset(res, 0, sizeof *res);
    if (len > PV_LOAD_MAX_FILE)
        return pv_err_set(err, PV_E_TOO_BIG, "%zu bytes is more than the %zu MiB limit", len,
                          PV_LOAD_MAX_FILE >> 20);
    pv_source src = {.name = name, .origin = origin, .bytes = buf, .size = len};
    pv_sha256_hex(buf, len, src.sha256);

    int rc = pv_store_find_sha(s, src.sha256, &res->id, NULL);
    if (rc == PV_OK) {
        pv_profile_info info;
        if ((rc = pv_store_info(s, res->id, &info, err)))
            return rc;
        res->existed = 1;
        res->n_funcs = (size_t)info.n_funcs;
        res->n_edges = (size_t)info.n_edges;
        pv_profile_info_release(&info);
        return PV_OK;
    }

    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    pv_profile p;
    double t0 = now_ms();
    rc = pv_pstats_parse(buf, len, &arena, &p, err);
    double t1 = now_ms();
    if (rc == PV_OK) {
        src.parse_ms = t1 - t0;
        rc = pv_store_add(s, &p, &src, &res->id, &res->existed, err);
    }
    if (rc == PV_OK) {
        res->n_funcs = p.n_entries;
        res->n_edges = p.n_edges;
        res->parse_ms = t1 - t0;
        res->store_ms = now_ms() - t1;
        res->warnings = join_warnings(&p);
    }
    pv_arena_release(&arena);
    return rc;
}

/* Reads a whole file into a malloc'd buffer. */
static int read_file(const char *path, unsigned char **out, size_t *len, pv_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pv_err_set(err, PV_E_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return pv_err_set(err, PV_E_IO, "not a regular file");
    }
    if ((uint64_t)st.st_size > PV_LOAD_MAX_FILE) {
        fclose(f);
        return pv_err_set(err, PV_E_TOO_BIG, "%lld bytes is more than the %zu MiB limit",
                          (long long)st.st_size, PV_LOAD_MAX_FILE >> 20);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = pv_xmalloc(n);
    size_t got = fread(buf, 1, n, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || got != n) {
        free(buf);
        return pv_err_set(err, PV_E_IO, "read error%s", failed ? "" : " (file changed size)");
    }
    *out = buf;
    *len = n;
    return PV_OK;
}

int pv_load_file(pv_store *s, const char *path, pv_load_result *res, pv_err *err)
{
    memset(res, 0, sizeof *res);
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = read_file(path, &buf, &len, err);
    if (rc == PV_OK) {
        const char *base = strrchr(path, '/');
        rc = pv_load_bytes(s, base ? base + 1 : path, path, buf, len, res, err);
    }
    free(buf);
    if (rc != PV_OK)
        pv_err_prefix(err, path);
    return rc;
}
