/* read_util.c — see read_util.h.
 * SPDX-License-Identifier: MIT
 */
#include "read_util.h"

#include <stdint.h>
#include <string.h>

void *pv_arena_grow(pv_arena *arena, void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / size)
        return NULL;
    void *q = pv_arena_alloc(arena, n * size);
    if (!q)
        return NULL;
    if (*cap)
        memcpy(q, p, *cap * size);
    *cap = n;
    return q;
}
