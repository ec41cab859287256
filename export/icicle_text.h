/* icicle_text.h — what a box of the exported icicle says and how it is
 * cut to fit (icicle_layout.h measures text in PV_ICICLE_CHAR_PX cells),
 * as the page's labels (web/js/render/labels.js): "name 526 ms" when both
 * fit, else the name alone, cut with an ellipsis; a name that starts as
 * another one on the chart does keeps its end from a word on
 * ("…unlocked" and "…and_load" tell _find_and_load_unlocked and
 * _find_and_load apart where "_find_and_lo…" twice would not).
 * Ownership: returned strings are malloc'd, the caller's to free; a
 * pv_shared_set owns its names.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ICICLE_TEXT_H
#define PV_ICICLE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Characters (code points; a stray byte counts as one) in UTF-8 s. */
size_t pv_icicle_chars(const char *s);

/* The longest start of UTF-8 text s that fits in `cells` characters,
 * ending in "…" when s had to be cut; "" when fewer than 3 characters of
 * s would be left (a cut name that short says nothing). */
char *pv_icicle_fit(const char *s, size_t cells);

/* The same keeping s's end ("…/lib/python3.11/json"); from_word: the end
 * starts at a word ("…unlocked", not "…d_unlocked"). */
char *pv_icicle_fit_end(const char *s, size_t cells, int from_word);

/* The label of a box `w` pixels wide for function `name` and its
 * `figure`; `shared`: the name starts as another one on the chart does. */
char *pv_icicle_label(const char *name, const char *figure, double w, int shared);

/* The names on a chart that start as another one does, by 4 bytes or
 * more (labels.js's sharedStarts). */
typedef struct pv_shared_set {
    char **names;     /* sorted, distinct */
    uint8_t *shared;  /* per name: it starts as a neighbour does */
    size_t n;
} pv_shared_set;

/* Takes names[0 .. n): the malloc'd strings and the malloc'd array. */
void pv_shared_init(pv_shared_set *set, char **names, size_t n);
int pv_shared_has(const pv_shared_set *set, const char *name);
void pv_shared_release(pv_shared_set *set);

#endif
