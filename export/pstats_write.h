/* pstats_write.h — a pv_profile written as a pstats dump: what
 * `pstats.Stats` loads, plus the recorded-tree trailer
 * (docs/recorded-tree.md) when the profile has an exact tree, so that
 * profviz reads the same tree back.
 *
 * The dict is {(file, line, name): (cc, nc, tt, ct, callers)} with the
 * entries in the profile's order and each callers dict in its edges'
 * order; a count edge (pure `profile`, hotshot) is a bare int, as Python
 * wrote it; caller-only functions appear only as callers.  A function
 * whose name came from a code object is written under its display name
 * (a code object's layout belongs to one Python version).  Times are
 * seconds in pstats: a time unit is converted to seconds; any other unit
 * (samples, bytes, a callgrind event) is written as it is, and the
 * trailer, when there is one, records the unit so that profviz reads it
 * back as it was (pv_pstats_unit_kept says when).
 * Writing what a load of the output gives back yields the same bytes:
 * the output depends on the profile's content alone.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PSTATS_WRITE_H
#define PV_PSTATS_WRITE_H

#include <stdbool.h>

#include "json.h"
#include "profile.h"

/* Appends the dump (and trailer) of p to out. */
void pv_pstats_write(const pv_profile *p, pv_jbuf *out);

/* Whether p's times are written in seconds (false: its unit is not a
 * time, and a reader of the dump takes its figures for seconds). */
bool pv_pstats_in_seconds(const pv_profile *p);

/* Whether profviz reads p's unit back from the dump: it is seconds or a
 * time converted to seconds, or the trailer records it. */
bool pv_pstats_unit_kept(const pv_profile *p);

#endif
