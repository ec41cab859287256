/* callgrind.h — the callgrind reader's entry points, for the readers
 * table (readers.c; the contract is readers.h's).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CALLGRIND_H
#define PV_CALLGRIND_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "loader.h"
#include "profile.h"

/* A cheap look at the start of buf: a `# callgrind format` line, an
 * events: header, or version:/creator: headers and fn= lines. */
bool pv_callgrind_sniff(const unsigned char *buf, size_t len);

/* Parses a callgrind file into `out` (in `arena`), weighed by
 * opts->event ("NAME" or "event=NAME"; the first event by default).
 * PV_OK, PV_E_FORMAT ("line N: ..."), PV_E_USAGE (no such event, or a
 * profile asked for) or PV_E_TOO_BIG (the arena's limit). */
int pv_callgrind_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                       pv_arena *arena, pv_profile *out, pv_err *err);

#endif
