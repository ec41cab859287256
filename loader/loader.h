/* loader.h — turn profile files into stored profiles.
 *
 * pv_parse_bytes recognises the format by content (readers.h: pstats,
 * and the other profilers' formats) and parses it into a pv_profile in an
 * arena whose limit is the memory cap a hostile file cannot pass;
 * pv_pstats_parse reads a pstats dump (any marshal version, Python 2 or 3)
 * alone.  pv_load_* parse and store in one step: a file is stored whole or
 * not at all.
 * Format errors name the byte offset ("byte 4121: string length ...
 * exceeds ..."), limit errors the limit; pv_load_file also prefixes the
 * file name.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_LOADER_H
#define PV_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "profile.h"
#include "store.h"

/* What to read from a file that holds several profiles or event types,
 * and how.  All NULL (or a NULL pointer to the struct) means: detect the
 * format by content, take the reader's default part. */
typedef struct pv_load_opts {
    const char *format;   /* a reader's name (readers.h) to skip detection */
    const char *event;    /* callgrind: the event to weigh by (default: the first) */
    const char *profile;  /* speedscope: a profile's index (from 0) or name (default: all) */
} pv_load_opts;

/* Default caps: the file size a loader accepts and the memory a load may use. */
/* 16 GiB: files are mapped, not read into memory (pv_file_map_open), and
 * the store keeps them in chunks (store.h), so what bounds a load is the
 * memory its parse may take (below), not the file. */
#define PV_LOAD_MAX_FILE ((size_t)16 << 30)
#define PV_LOAD_MEMORY_FACTOR 24               /* arena limit = factor x file size ... */
#define PV_LOAD_MEMORY_MIN ((size_t)64 << 20)  /* ... but at least 64 MiB */

/* The arena limit pv_load_* use for a file of `size` bytes. */
size_t pv_load_memory_limit(size_t size);

/* Parses a pstats dump.  Returns PV_OK, PV_E_FORMAT (damaged or not a
 * pstats file; the message names the byte offset) or PV_E_TOO_BIG (the
 * arena's limit was hit). */
int pv_pstats_parse(const unsigned char *buf, size_t len, pv_arena *arena,
                    pv_profile *out, pv_err *err);

/* A file parsed and hashed but not stored: what pv_load_bytes stores, and
 * what the viewer serves before it is stored (server/ingest.c).  The
 * profile lives in the struct's own arena; src borrows the caller's name,
 * origin and bytes, which must outlive it. */
typedef struct pv_parsed {
    pv_arena arena;        /* owns everything in profile */
    pv_profile profile;
    pv_source src;         /* name, origin, bytes, size, sha256, parse_ms */
} pv_parsed;

/* Parses `len` bytes in the format opts names or (by default) the one
 * their content shows, hashing them on a second thread meanwhile.  opts
 * may be NULL.  Returns PV_OK (release *out with pv_parsed_release),
 * PV_E_FORMAT, PV_E_USAGE (opts asks for what the file does not have) or
 * PV_E_TOO_BIG (past PV_LOAD_MAX_FILE or the memory cap); on error *out
 * holds nothing. */
int pv_parse_bytes(const char *name, const char *origin, const unsigned char *buf, size_t len,
                   const pv_load_opts *opts, pv_parsed *out, pv_err *err);
void pv_parsed_release(pv_parsed *p);

/* The profile's warnings, newline-separated and malloc'd (the caller
 * frees), or NULL when there are none. */
char *pv_parsed_warnings(const pv_parsed *p);

/* A whole regular file, mapped read-only: the kernel's page cache holds
 * it, once, and the readers parse it where it lies, so a file of a
 * gigabyte is never copied into the heap.  An empty file maps to len 0.
 * The file must not shrink while it is mapped (reading past its new end
 * would kill the process): profiles are files a profiler has finished. */
typedef struct pv_file_map {
    const unsigned char *bytes;  /* len bytes; never NULL */
    size_t len;
    void *base;                  /* the mapping, NULL for an empty file */
} pv_file_map;

/* Maps `path`: PV_OK (release with pv_file_map_close), PV_E_IO (not a
 * regular file, cannot be opened or mapped) or PV_E_TOO_BIG past
 * PV_LOAD_MAX_FILE; the message does not name the file. */
int pv_file_map_open(const char *path, pv_file_map *out, pv_err *err);
void pv_file_map_close(pv_file_map *m);  /* a zeroed or closed map: no-op */

/* The part of `path` after its last '/': a file's display name. */
const char *pv_base_name(const char *path);

typedef struct pv_load_result {
    int64_t id;           /* the stored profile */
    int existed;          /* 1: the same bytes were stored before; nothing added */
    size_t n_funcs;       /* functions with an entry of their own */
    size_t n_edges;       /* caller->callee edges */
    double parse_ms;      /* parsing */
    double store_ms;      /* the SQLite transaction */
    char *warnings;       /* malloc'd, newline-separated, NULL when none: caller frees */
} pv_load_result;

/* Parses and stores `len` bytes under display name `name` (origin says
 * where they came from): pv_parse_bytes, then pv_store_add.  Returns
 * PV_OK, PV_E_FORMAT, PV_E_USAGE, PV_E_TOO_BIG (past PV_LOAD_MAX_FILE or
 * the memory cap) or PV_E_DB; on error nothing is stored. */
int pv_load_bytes(pv_store *s, const char *name, const char *origin,
                  const unsigned char *buf, size_t len, const pv_load_opts *opts,
                  pv_load_result *res, pv_err *err);

/* Maps `path` and calls pv_load_bytes; errors are prefixed with the path.
 * PV_E_IO when the file cannot be read, PV_E_TOO_BIG past PV_LOAD_MAX_FILE. */
int pv_load_file(pv_store *s, const char *path, const pv_load_opts *opts, pv_load_result *res,
                 pv_err *err);

#endif
