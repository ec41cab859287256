/* cpuprofile.h — the V8 .cpuprofile reader's entry points, for the readers
 * table (readers.c; the contract is readers.h's).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CPUPROFILE_H
#define PV_CPUPROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "loader.h"
#include "profile.h"

/* A cheap look at the start of buf: a JSON object with "nodes" and
 * "callFrame" keys (or, for the legacy layout, "head" and "functionName")
 * in its first 64 KiB. */
bool pv_cpuprofile_sniff(const unsigned char *buf, size_t len);

/* Parses a V8 .cpuprofile (modern or legacy layout) into `out` (in
 * `arena`).  PV_OK, PV_E_FORMAT ("byte N: ..."), PV_E_USAGE (an event or a
 * profile asked for: the file has one of each) or PV_E_TOO_BIG (the arena's
 * limit or the nesting cap). */
int pv_cpuprofile_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                        pv_arena *arena, pv_profile *out, pv_err *err);

#endif
