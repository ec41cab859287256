/* warnings.h — a profile's warnings as one newline-separated text.
 *
 * The loader collects warnings as a list of strings; the store keeps them
 * in one TEXT column, load results and the CLI pass them as one string,
 * and the API and the CLI print them one by one.  Joining and splitting
 * are done here only, so each is the exact inverse of the other: n
 * warnings join into a text of n - 1 newlines ("" for none), and a text
 * splits back into one warning more than it has newlines (none for "").
 * A warning holds no newline itself (the loader writes them so).
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_WARNINGS_H
#define PV_WARNINGS_H

#include <stddef.h>

/* warnings[0..n) joined with newlines, as a malloc'd string the caller
 * frees ("" when n is 0). */
char *pv_warnings_join(const char *const *warnings, size_t n);

/* How many warnings text[0..len) holds. */
size_t pv_warnings_count(const char *text, size_t len);

/* Walks the warnings of text[0..len):
 *     pv_warnings_iter it;
 *     pv_warnings_begin(&it, text, len);
 *     while ((w = pv_warnings_next(&it, &n)))  ... w[0..n) ...
 * The pointers returned borrow from `text`, which may be NULL when len is
 * 0. */
typedef struct pv_warnings_iter {
    const char *at;   /* start of the next warning; NULL when done */
    const char *end;  /* end of the text */
} pv_warnings_iter;

void pv_warnings_begin(pv_warnings_iter *it, const char *text, size_t len);

/* The next warning (not NUL-terminated) and its length in *len; NULL
 * after the last. */
const char *pv_warnings_next(pv_warnings_iter *it, size_t *len);

#endif
