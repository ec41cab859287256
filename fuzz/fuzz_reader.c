/* fuzz_reader.c — the libFuzzer target of every reader, built once per
 * format: fuzz/meson.build passes -DPV_FUZZ_FORMAT="folded" and, for a
 * format with parts to choose, -DPV_FUZZ_EVENT="Dr" or
 * -DPV_FUZZ_PROFILE="1".  Each input is parsed as that format (forced, as
 * --format does: the sniff would turn most mutations away) with the
 * memory cap the loader would give a file of that size, then once more
 * with the option, and every outcome is checked (fuzz_check.h).  Any
 * breach abort()s, so libFuzzer keeps the input.  No state survives
 * between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_check.h"
#include "readers.h"

#ifndef PV_FUZZ_EVENT
#define PV_FUZZ_EVENT NULL
#endif
#ifndef PV_FUZZ_PROFILE
#define PV_FUZZ_PROFILE NULL
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_once(const pv_reader *r, const pv_load_opts *opts, const uint8_t *data,
                       size_t size)
{
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(size));
    pv_profile p;
    pv_err err;
    pv_err_clear(&err);
    int rc = r->parse(data, size, opts, &arena, &p, &err);
    if (rc == PV_OK)
        pv_fuzz_check_profile(&p);
    else
        pv_fuzz_check_error(rc, &err, opts->event || opts->profile);
    pv_arena_release(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_load_opts opts = {.format = PV_FUZZ_FORMAT};
    const pv_reader *r;
    if (pv_reader_pick(data, size, &opts, &r, NULL) != PV_OK)
        abort();
    parse_once(r, &opts, data, size);
    if (PV_FUZZ_EVENT || PV_FUZZ_PROFILE) {
        opts.event = PV_FUZZ_EVENT;
        opts.profile = PV_FUZZ_PROFILE;
        parse_once(r, &opts, data, size);
    }
    return 0;
}
