/* read_util.h — what the readers of formats other than pstats share:
 * telling the user about odd but accepted input (pv_profile.warnings), and
 * arrays grown in the load's arena.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_READ_UTIL_H
#define PV_READ_UTIL_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "profile.h"

/* Appends the printf-formatted message (copied into `arena`, as is the
 * grown list) to p->warnings.  PV_OK, or PV_E_TOO_BIG (set in err) when
 * the arena's limit is hit. */
int pv_profile_warn(pv_arena *arena, pv_profile *p, pv_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Makes room for one more item in the array *items of *cap items of
 * `size` bytes, n of them used: a new array twice as large (at least
 * `first` items) in the arena, the used items copied (the old array stays
 * in the arena until it is released).  PV_OK, or PV_E_TOO_BIG (set in
 * err) past the arena's limit. */
int pv_arena_grow_array(pv_arena *arena, void **items, size_t n, size_t *cap, size_t size,
                        size_t first, pv_err *err);

#endif
