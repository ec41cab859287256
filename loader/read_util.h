/* read_util.h — what the JSON readers share beyond warnings (warn.h):
 * arrays grown in the load's arena.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_READ_UTIL_H
#define PV_READ_UTIL_H

#include <stddef.h>

#include "arena.h"
#include "err.h"

/* Makes room for one more item in the array *items of *cap items of
 * `size` bytes, n of them used: a new array twice as large (at least
 * `first` items) in the arena, the used items copied (the old array stays
 * in the arena until it is released).  PV_OK, or PV_E_TOO_BIG (set in
 * err) past the arena's limit. */
int pv_arena_grow_array(pv_arena *arena, void **items, size_t n, size_t *cap, size_t size,
                        size_t first, pv_err *err);

#endif
