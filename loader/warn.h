/* warn.h — odd but accepted input, told to the user: a message added to
 * a profile being read (pv_profile.warnings), for the readers of formats
 * other than pstats.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_WARN_H
#define PV_WARN_H

#include "arena.h"
#include "err.h"
#include "profile.h"

/* Appends the printf-formatted message (copied into `arena`, as is the
 * grown list) to p->warnings.  PV_OK, or PV_E_TOO_BIG (set in err) when
 * the arena's limit is hit. */
int pv_profile_warn(pv_arena *arena, pv_profile *p, pv_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
