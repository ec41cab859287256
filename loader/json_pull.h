/* json_pull.h — a pull reader for JSON text already in memory, for the
 * JSON-based profile formats (speedscope, .cpuprofile).
 *
 * A DOM of a py-spy export (hundreds of MB) would cost ten times the file
 * outside the load's arena cap; here the reader walks the text and the
 * caller drives the structure: pv_pull_value reads the next value (a
 * scalar whole, a container's opening bracket), pv_pull_member and
 * pv_pull_element step through a container, pv_pull_skip passes the rest of
 * one.  Since the text stays in memory, a reader may keep several cursors
 * (one on `samples`, one on `weights`) or come back to an offset it noted.
 *
 * Strings are decoded (escapes, surrogate pairs) into NUL-terminated WTF-8
 * as profile.h defines it: a lone surrogate escape stays an encoded
 * surrogate, a byte that is not UTF-8 becomes U+DC80+byte as Python's
 * surrogateescape writes it, and \u0000 becomes U+2400 (SYMBOL FOR NULL,
 * as the pstats reader does) so names stay C strings.  Numbers are checked
 * against JSON's grammar and converted with strtod on the token (and
 * exactly to int64 when they are integers that fit).  Memory: only the
 * scratch buffer for strings, grown in the caller's arena.  Errors are
 * PV_E_FORMAT "byte N: expected ',' or '}'" (N from 0), or PV_E_TOO_BIG
 * past PV_PULL_MAX_DEPTH or the arena's limit.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_JSON_PULL_H
#define PV_JSON_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

/* Nesting deeper than this is refused: no profile format nests past ~6
 * (a legacy .cpuprofile's head tree nests one object per call level, and
 * V8 caps its stacks well below this). */
#define PV_PULL_MAX_DEPTH 4096

typedef enum pv_pull_type {
    PV_PULL_NULL,
    PV_PULL_FALSE,
    PV_PULL_TRUE,
    PV_PULL_NUMBER,
    PV_PULL_STRING,
    PV_PULL_ARRAY,   /* '[' read: step with pv_pull_element */
    PV_PULL_OBJECT,  /* '{' read: step with pv_pull_member */
} pv_pull_type;

typedef struct pv_pull {
    const unsigned char *buf;  /* the text (borrowed) */
    size_t len, pos;           /* bytes; the next byte to read */
    pv_arena *arena;           /* the scratch buffer's home */
    pv_err *err;               /* where errors go (may be NULL) */
    size_t depth;              /* open containers */
    bool first;                /* just inside a container: no ',' before the next item */
    unsigned char open[PV_PULL_MAX_DEPTH];  /* '{' or '[' per open container */
    /* The last value or key read: */
    size_t at;                 /* its byte offset */
    char *str;                 /* a string or key: NUL-terminated WTF-8, valid until the next
                                * string or number */
    size_t str_len;            /* its bytes, without the NUL */
    size_t str_cap;
    double num;                /* a number: strtod of its text */
    bool is_int;               /* the number is an integer that fits int64 ... */
    int64_t ival;              /* ... exactly this one */
} pv_pull;

/* A cursor at byte `pos` of buf[0..len) (0, or an offset a cursor noted
 * in `at`); the cursor borrows buf, arena and err. */
void pv_pull_init(pv_pull *j, const unsigned char *buf, size_t len, size_t pos, pv_arena *arena,
                  pv_err *err);

/* Reads the next value: a scalar whole (its text in str, or num/ival),
 * a container's bracket.  *type says which.  PV_OK or an error. */
int pv_pull_value(pv_pull *j, pv_pull_type *type);

/* In an object: reads the ',' (when not the first) and the next key into
 * str with its ':', *more = true; or the '}', *more = false. */
int pv_pull_member(pv_pull *j, bool *more);

/* In an array: reads the ',' (when not the first), *more = true; or the
 * ']', *more = false. */
int pv_pull_element(pv_pull *j, bool *more);

/* Passes the rest of a value whose first token pv_pull_value read as
 * `type` (nothing to do for a scalar), decoding no strings. */
int pv_pull_skip(pv_pull *j, pv_pull_type type);

/* Passes the next value whole. */
int pv_pull_skip_value(pv_pull *j);

/* Only white space is left (after the top-level value). */
int pv_pull_end(pv_pull *j);

/* The next value, which must be a `type`; `what` names it in the error
 * ("byte 40: startValue must be a number"). */
int pv_pull_expect(pv_pull *j, pv_pull_type type, const char *what);

/* The next value as a number (int64 too when `ival` is given, and then it
 * must be an integer), for the common case. */
int pv_pull_number(pv_pull *j, const char *what, double *v);
int pv_pull_int(pv_pull *j, const char *what, int64_t *v);

/* For sniffing (no parse, no allocation): whether buf starts, after a
 * UTF-8 BOM and white space, with '{'; and whether the quoted key `key`
 * followed by ':' appears in the first `window` bytes.  A key in a
 * string value can fool the second; the readers' parse then gives the
 * precise error. */
bool pv_pull_starts_object(const unsigned char *buf, size_t len);
bool pv_pull_has_key(const unsigned char *buf, size_t len, size_t window, const char *key);

/* The offset past a UTF-8 byte-order mark at the start, or 0. */
size_t pv_pull_bom(const unsigned char *buf, size_t len);

/* Sets err to PV_E_FORMAT "byte AT: " + the message, and returns it. */
int pv_pull_fail(pv_pull *j, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The type's name for messages ("a number"). */
const char *pv_pull_type_name(pv_pull_type type);

#endif
