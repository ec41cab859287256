/* readers.h — the table of input formats, and the contract each reader
 * keeps (loader-internal; callers use pv_parse_bytes in loader.h).
 *
 * A reader is one file in loader/ (pstats.c, folded.c, speedscope.c,
 * cpuprofile.c, callgrind.c) with two functions:
 *   - sniff: a cheap look at the start of the buffer (no parse, no
 *     allocation): could this be my format?  Detection is by content only,
 *     never by file name; the first reader in table order whose sniff
 *     says yes parses the file, and its error is the file's error.
 *   - parse: the whole buffer into a pv_profile in the caller's arena,
 *     honouring opts (event, profile: PV_E_USAGE when the file has no such
 *     choice, naming the ones it has).  It sets every pv_profile field
 *     (format, unit, calls_unit, variant, choices; writer and dialect may
 *     be "").  Errors are PV_E_FORMAT with the byte offset or line number
 *     ("line 12: ..." or "byte 4121: ..."; the caller prefixes the file
 *     name) or PV_E_TOO_BIG (the arena's limit, or a nesting cap).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_READERS_H
#define PV_READERS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "err.h"
#include "loader.h"
#include "profile.h"

typedef struct pv_reader {
    const char *name;  /* as in pv_profile.format and --format */
    const char *what;  /* for messages: "a cProfile/profile dump (pstats)" */
    bool (*sniff)(const unsigned char *buf, size_t len);
    int (*parse)(const unsigned char *buf, size_t len, const pv_load_opts *opts, pv_arena *arena,
                 pv_profile *out, pv_err *err);
} pv_reader;

/* Each reader's pair (one file each). */
bool pv_folded_sniff(const unsigned char *buf, size_t len);
int pv_folded_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                    pv_arena *arena, pv_profile *out, pv_err *err);
bool pv_callgrind_sniff(const unsigned char *buf, size_t len);
int pv_callgrind_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                       pv_arena *arena, pv_profile *out, pv_err *err);

/* The readers in detection order (most specific first, folded last). */
extern const pv_reader pv_readers[];
extern const size_t pv_n_readers;

/* The reader for buf: opts->format's when set (PV_E_USAGE for an unknown
 * name, listing the names), else the first whose sniff claims it
 * (PV_E_FORMAT when none does: the message lists what was tried and what
 * the file starts with). */
int pv_reader_pick(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                   const pv_reader **out, pv_err *err);

#endif
