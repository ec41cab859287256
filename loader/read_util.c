/* read_util.c — see read_util.h.
 * SPDX-License-Identifier: MIT
 */
#include "read_util.h"

#include <stdint.h>
#include <string.h>

int pv_arena_grow_array(pv_arena *arena, void **items, size_t n, size_t *cap, size_t size,
                        size_t first, pv_err *err)
{
    if (n < *cap)
        return PV_OK;
    size_t c = *cap ? *cap * 2 : first;
    void *p = c > SIZE_MAX / size ? NULL : pv_arena_alloc(arena, c * size);
    if (!p)
        return pv_err_set(err, PV_E_TOO_BIG, "the file needs more than the memory limit allows");
    if (n)
        memcpy(p, *items, n * size);
    *items = p;
    *cap = c;
    return PV_OK;
}
