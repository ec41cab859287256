/* err.c — the pv_err buffer.  See err.h.
 * SPDX-License-Identifier: MIT
 */
#include "err.h"

#include <stdio.h>
#include <string.h>

int pv_err_vset(pv_err *err, int code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

int pv_err_set(pv_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pv_err_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void pv_err_prefix(pv_err *err, const char *prefix)
{
    if (!err)
        return;
    /* Shift the message right; a long prefix (a path) is cut at 200 bytes
     * and the message's tail gives way if both no longer fit. */
    size_t cap = sizeof err->msg - 1;
    size_t np = strlen(prefix);
    if (np > 200)
        np = 200;
    size_t nm = strlen(err->msg);
    if (np + 2 + nm > cap)
        nm = cap - np - 2;
    memmove(err->msg + np + 2, err->msg, nm);
    err->msg[np + 2 + nm] = '\0';
    memcpy(err->msg, prefix, np);
    err->msg[np] = ':';
    err->msg[np + 1] = ' ';
}

void pv_err_clear(pv_err *err)
{
    if (err) {
        err->code = PV_OK;
        err->msg[0] = '\0';
    }
}

const char *pv_err_name(int code)
{
    switch (code) {
    case PV_OK: return "ok";
    case PV_E_IO: return "I/O error";
    case PV_E_FORMAT: return "format error";
    case PV_E_TOO_BIG: return "limit exceeded";
    case PV_E_DB: return "database error";
    case PV_E_NOTFOUND: return "not found";
    case PV_E_USAGE: return "usage error";
    case PV_E_STALE: return "store of another version";
    case PV_E_FULL: return "store full";
    default: return "error";
    }
}
