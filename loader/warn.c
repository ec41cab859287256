/* warn.c — see warn.h.
 * SPDX-License-Identifier: MIT
 */
#include "warn.h"

#include <stdarg.h>
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
