/* trailer.h — the recorded call tree after a pstats dump
 * (docs/recorded-tree.md), internal to loader/.
 *
 * pstats.c reads the dump, then hands the bytes after it here: a trailer
 * is read, checked against the dump's functions and attached to the
 * profile (pv_profile.recorded, in the load's arena); bytes that are not
 * meant as a trailer are left to pstats.c (a warning, as always).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TRAILER_H
#define PV_TRAILER_H

#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "profile.h"

#define PV_TRAILER_MAGIC "\x89PVTREE\n"
#define PV_TRAILER_MAGIC_LEN 8
#define PV_TRAILER_VERSION 1
/* Nodes one trailer may hold: a recorder's default cap is far below; the
 * arena's limit bounds the memory anyway, this bounds the work. */
#define PV_TRAILER_MAX_NODES ((size_t)1 << 24)

/* Whether the bytes after the dump, buf[end..len), are meant as a
 * trailer: they start with the magic, or with a magic a text-mode
 * transfer mangled (its first byte, or "PVTREE" after one byte). */
int pv_trailer_claims(const unsigned char *buf, size_t len, size_t end);

/* Reads the trailer at buf[end..len) and checks all the spec lists,
 * naming p's functions (entries only).  PV_OK and p->recorded set (in
 * `arena`), or PV_E_FORMAT ("byte N: trailer: ...") or PV_E_TOO_BIG,
 * p untouched. */
int pv_trailer_read(const unsigned char *buf, size_t len, size_t end, pv_arena *arena,
                    pv_profile *p, pv_err *err);

#endif
