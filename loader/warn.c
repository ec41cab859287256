/* warn.c — see warn.h.
 * SPDX-License-Identifier: MIT
 */
#include "warn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pv_warn(pv_profile *p, pv_arena *arena, pv_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pv_vwarn(p, arena, err, fmt, ap);
    va_end(ap);
    return rc;
}

int pv_vwarn(pv_profile *p, pv_arena *arena, pv_err *err, const char *fmt, va_list ap)
{
    char buf[400];
    vsnprintf(buf, sizeof buf, fmt, ap);
    const char **w = PV_ARENA_NEW(arena, const char *, p->n_warnings + 1);
    char *copy = pv_arena_strndup(arena, buf, strlen(buf));
    if (!w || !copy)
        return pv_err_set(err, PV_E_TOO_BIG, "warnings past the %zu MiB memory limit",
                          arena->limit >> 20);
    if (p->n_warnings)
        memcpy(w, p->warnings, p->n_warnings * sizeof *w);
    w[p->n_warnings++] = copy;
    p->warnings = w;
    return PV_OK;
}
