/* warn.h — adding a warning to a profile a reader is filling
 * (loader-internal).  A warning is a message about input that was odd but
 * read ("3 lines ignored: lines 3, 6, 9"); the store keeps them with the
 * profile and the API and CLI show them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_WARN_H
#define PV_WARN_H

#include <stdarg.h>

#include "arena.h"
#include "err.h"
#include "profile.h"

/* Appends the formatted message (cut at 400 bytes) to p->warnings, in the
 * arena that owns p.  PV_OK, or PV_E_TOO_BIG when the arena's limit is
 * hit. */
int pv_warn(pv_profile *p, pv_arena *arena, pv_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int pv_vwarn(pv_profile *p, pv_arena *arena, pv_err *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
