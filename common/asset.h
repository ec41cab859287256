/* asset.h — files embedded into the binary at build time (tools/embed.py).
 *
 * Embedded bytes live in read-only data for the life of the process and are
 * never freed.  Tables are sorted by path so lookups can bsearch.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ASSET_H
#define PV_ASSET_H

#include <stddef.h>

typedef struct pv_asset {
    const char *path;           /* "/index.html": relative to the embedded folder */
    const char *mime;           /* Content-Type value */
    const unsigned char *data;  /* the bytes, followed by a NUL not counted in len */
    size_t len;                 /* bytes */
    const char *etag;           /* quoted strong ETag: a SHA-256 prefix */
} pv_asset;

/* Finds `path` in a sorted table; NULL when absent.  Borrowed result. */
const pv_asset *pv_asset_find(const pv_asset *table, size_t count, const char *path);

#endif
