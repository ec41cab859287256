/* read_util.h — what the readers of other formats share beyond warnings
 * (warn.h): arrays grown in the load's arena.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_READ_UTIL_H
#define PV_READ_UTIL_H

#include <stddef.h>

#include "arena.h"

/* Grows an arena array of *cap elements of `size` bytes to hold `need`
 * (doubling from 16; the old block stays in the arena, so the waste is at
 * most the final size) and returns it, the used part copied; returns p as
 * it is when it has room, NULL when the arena's limit is hit. */
void *pv_arena_grow(pv_arena *arena, void *p, size_t *cap, size_t need, size_t size);

#endif
