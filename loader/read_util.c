/* read_util.c — see read_util.h.
 * SPDX-License-Identifier: MIT
 */
#include "read_util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int pv_profile_warn(pv_arena *arena, pv_profile *p, pv_err *err, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char **w = PV_ARENA_NEW(arena, const char *, p->n_warnings + 1);
    char *copy = pv_arena_strndup(arena, msg, strlen(msg));
    if (!w || !copy)
        return pv_err_set(err, PV_E_TOO_BIG, "the memory limit was hit while keeping a warning");
    if (p->n_warnings)
        memcpy(w, p->warnings, p->n_warnings * sizeof *w);
    w[p->n_warnings++] = copy;
    p->warnings = w;
    return PV_OK;
}

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
