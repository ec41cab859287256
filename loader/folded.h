/* folded.h — one line of a folded-stacks file ("a;b;c 12"), taken apart
 * (loader-internal: folded.c reads files with it, the tests check it).
 *
 * The rules are flamegraph.pl's format as the fixtures' oracle reads it
 * (../shared/formats/README.md, "Folded stacks"): a line is trimmed of
 * spaces and tabs; blank lines and lines starting with '#' are not
 * stacks; the count is the last run of digits (with an optional '.' and
 * more digits) after a space or tab; if what is left ends the same way,
 * the line is differential (before, after); the rest is the stack, whose
 * frames are split on every ';'.  A line with no count, or nothing but
 * ';' before it, is ignored.  Nothing here allocates or copies: every
 * pointer points into the line.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_FOLDED_H
#define PV_FOLDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum pv_folded_kind {
    PV_FOLDED_BLANK,    /* nothing but spaces and tabs */
    PV_FOLDED_COMMENT,  /* starts with '#' (austin's "# austin: 3.3.0" and the like) */
    PV_FOLDED_STACK,    /* a stack and its count */
    PV_FOLDED_IGNORED,  /* no count, or no frame before it */
} pv_folded_kind;

/* A count as written: digits, then maybe '.' and more digits. */
typedef struct pv_folded_count {
    const char *text;
    size_t len;
} pv_folded_count;

typedef struct pv_folded_line {
    pv_folded_kind kind;
    const char *text;        /* the trimmed line (a comment's text after '#') */
    size_t text_len;
    const char *stack;       /* PV_FOLDED_STACK: the frames joined by ';', trailing ';' dropped */
    size_t stack_len;
    pv_folded_count count;   /* the last column: the weight */
    bool differential;       /* two count columns: `before` is the first */
    pv_folded_count before;
} pv_folded_line;

/* Takes line[0 .. len) apart (no line feed; the CR of a CRLF already
 * dropped). */
void pv_folded_parse_line(const char *line, size_t len, pv_folded_line *out);

/* A count's value, exact for integers up to 2^64 (long double has 64
 * bits of mantissa); *huge is set when the integer part is past 2^64 - 1
 * and the value is only the nearest long double. */
long double pv_folded_count_value(pv_folded_count c, bool *huge);

/* The next frame of a line's stack (start with *at = 0): its text in
 * *frame and *frame_len, *at moved past it and its ';'.  False when no frame
 * is left.  Empty frames ("a;;b") are frames named ""; trailing ones are
 * not in `stack` (Perl's split drops trailing empty fields). */
bool pv_folded_next_frame(const char *stack, size_t len, size_t *at, const char **frame,
                          size_t *frame_len);

#endif
