/* merge.h — several profiles summed into one, the way Python's
 * `pstats.Stats(a, b, ...)` (Stats.add) sums them.
 *
 * Functions are keyed by (file, line, name): their cc, nc, tt and ct are
 * summed, and their callers are summed edge by edge (a count edge with a
 * count edge, a tuple edge with a tuple edge; a count edge meeting a tuple
 * edge is refused, as Stats.add refuses it with a TypeError).  Entries
 * come in the order Stats.add gives its dict (the first input's, then
 * each later input's new ones), each callee's callers likewise;
 * functions that are only ever callers come last.  total_calls and
 * prim_calls are the sums, total_tt the inputs' totals added in order,
 * as Stats.add does.
 * Exact trees (pv_profile.recorded) merge path by path when every input
 * has one: a path is the functions' keys from the top, its calls and
 * times summed; when only some inputs have one the result has none and a
 * warning says why.
 * Units: inputs in the same unit keep it; inputs in different time units
 * are converted to seconds; any other difference (seconds and samples,
 * calls and samples) is refused with a message naming the files.
 * Ownership: the result's arrays and warnings are in `arena`; its strings
 * are borrowed from the inputs, which must outlive it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_MERGE_H
#define PV_MERGE_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "profile.h"

/* Merges in[0..n) (n >= 1), whose display names (for messages) are
 * names[0..n).  PV_OK, PV_E_USAGE (units that do not add up, a count edge
 * meeting a tuple edge) or PV_E_TOO_BIG (the arena's limit). */
int pv_merge(const pv_profile *const *in, const char *const *names, size_t n,
             pv_arena *arena, pv_profile *out, pv_err *err);

#endif
