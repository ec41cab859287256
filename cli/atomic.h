/* atomic.h — an output file that appears whole or not at all, for the
 * commands that write files (export, merge).
 *
 * The content is written to a temporary file beside the destination and
 * renamed over it only once the writer and the write succeeded, so a
 * failure never leaves a truncated file where a good one was.  "-" is
 * standard output (no temporary file: what was written is out).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ATOMIC_H
#define PV_ATOMIC_H

#include <stdio.h>

#include "err.h"

/* Writes the content into `out`: PV_OK or a PV_E_* code with err set. */
typedef int pv_cli_writer(void *arg, FILE *out, pv_err *err);

/* Runs `fill` into `dest` as above.  PV_OK, the writer's error, or
 * PV_E_IO naming dest when the file could not be made, written or
 * renamed.  The file gets the permissions a new file would (umask). */
int pv_cli_write_atomic(const char *dest, pv_cli_writer *fill, void *arg, pv_err *err);

#endif
