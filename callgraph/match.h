/* match.h — which function of one profile is which of another's, so two
 * runs of a program can be compared.
 *
 * A function of BASE is matched to NEW's with the same (file, line,
 * name); failing that, with the same (file, name) when lines moved
 * (an edit above it) and exactly one function on each side is left
 * with that file and name (two unmatched `__init__`s of one file are
 * ambiguous and stay unmatched).  Built-ins (file "~", line 0) match by
 * name.  Each match says which rule made it.  Ownership: pv_match_build
 * fills a caller-provided pv_match whose arrays are malloc'd;
 * pv_match_release frees them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_MATCH_H
#define PV_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

#define PV_MATCH_NONE UINT32_MAX  /* no counterpart on the other side */

typedef enum {
    PV_RULE_NONE = 0,  /* unmatched */
    PV_RULE_EXACT,     /* same file, line and name */
    PV_RULE_MOVED,     /* same file and name, the line moved; the only such pair */
    PV_RULE_BUILTIN,   /* a built-in (file "~"), by name */
} pv_match_rule;

typedef struct pv_match {
    uint32_t *to_new;    /* per BASE function: NEW's id, or PV_MATCH_NONE */
    uint32_t *to_base;   /* per NEW function: BASE's id, or PV_MATCH_NONE */
    uint8_t *rule;       /* per BASE function: pv_match_rule */
    size_t n_base, n_new;
    size_t n_moved;      /* matches made by PV_RULE_MOVED */
} pv_match;

/* Matches every function of `base` (caller-only ones included) to one of
 * `nw`'s.  Never fails: out of memory aborts (xalloc.h). */
void pv_match_build(const pv_graph *base, const pv_graph *nw, pv_match *out);
void pv_match_release(pv_match *m);

/* "exact", "moved", "builtin" or "none". */
const char *pv_match_rule_name(pv_match_rule r);

#endif
