/* err.h — error codes and the typed error buffer every fallible call fills.
 *
 * A fallible function returns PV_OK (0) or a negative PV_E_* code and, when
 * the caller passed a non-NULL pv_err, a one-line message a user can read
 * ("out.prof: byte 4121: string length 4294967295 exceeds file size").
 * There is no process-wide error slot: handlers run on several threads.
 * Out of memory is not an error path (see xalloc.h).
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ERR_H
#define PV_ERR_H

#include <stdarg.h>

enum {
    PV_OK = 0,
    PV_E_IO = -1,       /* cannot read or write a file */
    PV_E_FORMAT = -2,   /* the input is damaged or not what it claims */
    PV_E_TOO_BIG = -3,  /* a configured limit was hit */
    PV_E_DB = -4,       /* SQLite failed */
    PV_E_NOTFOUND = -5, /* no such profile / function */
    PV_E_USAGE = -6,    /* bad argument from the caller or the user */
    PV_E_STALE = -7,    /* a store written by another schema version */
    PV_E_FULL = -8,     /* the disk holding the store is full */
};

typedef struct pv_err {
    int code;       /* PV_OK or PV_E_* */
    char msg[512];  /* NUL-terminated, empty when code == PV_OK */
} pv_err;

/* Sets err (when non-NULL) to code and a printf-formatted message, and
 * returns code so callers can write `return pv_err_set(err, ...)`. */
int pv_err_set(pv_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pv_err_vset(pv_err *err, int code, const char *fmt, va_list ap);

/* Prepends "prefix: " to an already set message (e.g. the file name). */
void pv_err_prefix(pv_err *err, const char *prefix);

/* Resets err to PV_OK with an empty message; NULL is allowed. */
void pv_err_clear(pv_err *err);

/* A short name for a code ("format error"), for logs. */
const char *pv_err_name(int code);

#endif
