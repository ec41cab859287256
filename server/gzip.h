/* gzip.h — JSON answers compressed for clients that accept gzip.
 *
 * A tree view of a big profile is hundreds of kilobytes to megabytes of
 * JSON (the page's cutoff "none" printed ~29 MB); gzip makes it about a
 * tenth.  http.c compresses what a handler leaves plain; the tree
 * handler keeps its views compressed with the graph (cache.c) and sends
 * them as they are.  Answers under PV_GZIP_MIN bytes go plain: the
 * header and the CPU would cost more than the bytes saved.
 * Ownership: the out buffers are malloc'd; the caller frees them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_GZIP_H
#define PV_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#define PV_GZIP_MIN 1024  /* bytes: smaller answers are sent plain */

/* Whether an Accept-Encoding value (NULL when absent) takes gzip: the
 * token "gzip" (or "*") without q=0 (RFC 9110 12.5.3). */
bool pv_accepts_gzip(const char *accept_encoding);

/* in[0..n) as a gzip member in *out (*out_len bytes). */
void pv_gzip(const void *in, size_t n, char **out, size_t *out_len);

/* Back from pv_gzip's output: *out holds the text, NUL-terminated, and
 * *out_len its length.  Returns PV_OK, or PV_E_FORMAT when `in` is not
 * what pv_gzip wrote (then *out is NULL). */
int pv_gunzip(const void *in, size_t n, char **out, size_t *out_len);

#endif
