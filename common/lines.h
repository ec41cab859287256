/* lines.h — a list of strings kept as one newline-separated text.
 *
 * A profile's warnings and the variants a file offers are lists; the store
 * keeps each in one TEXT column, load results and the CLI pass warnings
 * as one string, and the API and the CLI print them one by one.  Joining
 * and splitting are done here only, so each is the exact inverse of the
 * other: n items join into a text of n - 1 newlines ("" for none), and a
 * text splits back into one item more than it has newlines (none for "").
 * An item holds no newline itself (the loaders write them so).
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_LINES_H
#define PV_LINES_H

#include <stddef.h>

/* items[0..n) joined with newlines, as a malloc'd string the caller frees
 * ("" when n is 0). */
char *pv_lines_join(const char *const *items, size_t n);

/* How many items text[0..len) holds. */
size_t pv_lines_count(const char *text, size_t len);

/* Walks the items of text[0..len):
 *     pv_lines_iter it;
 *     pv_lines_begin(&it, text, len);
 *     while ((w = pv_lines_next(&it, &n)))  ... w[0..n) ...
 * The pointers returned borrow from `text`, which may be NULL when len is
 * 0. */
typedef struct pv_lines_iter {
    const char *at;   /* start of the next item; NULL when done */
    const char *end;  /* end of the text */
} pv_lines_iter;

void pv_lines_begin(pv_lines_iter *it, const char *text, size_t len);

/* The next item (not NUL-terminated) and its length in *len; NULL after
 * the last. */
const char *pv_lines_next(pv_lines_iter *it, size_t *len);

#endif
