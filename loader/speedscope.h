/* speedscope.h — the speedscope reader's entry points, for the readers
 * table (readers.c; the contract is readers.h's).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_SPEEDSCOPE_H
#define PV_SPEEDSCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "loader.h"
#include "profile.h"

/* A cheap look at the start of buf: a JSON object with speedscope's schema
 * URL in its first 4 KiB, or "profiles" and "shared" keys in its first MiB. */
bool pv_speedscope_sniff(const unsigned char *buf, size_t len);

/* Parses a speedscope file into `out` (in `arena`): every profile that
 * shares the first's unit and type, each under a top frame named after it
 * (a warning names the ones left out), or opts->profile's alone ("N" from
 * 0, "profile=N" or a name).  PV_OK, PV_E_FORMAT ("byte N: ..."),
 * PV_E_USAGE (no such profile, or an event asked for) or PV_E_TOO_BIG (the
 * arena's limit or the nesting cap). */
int pv_speedscope_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                        pv_arena *arena, pv_profile *out, pv_err *err);

#endif
