/* fuzz_json_reader.c — see fuzz_json_reader.h.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz_json_reader.h"

#include "fuzz_check.h"
#include "readers.h"

static void one(const pv_reader *r, const pv_load_opts *opts, const uint8_t *data, size_t size)
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
        pv_fuzz_check_error(rc, &err, opts->profile != NULL);
    pv_arena_release(&arena);
}

void pv_fuzz_json_reader(const char *format, const char *profile, const uint8_t *data, size_t size)
{
    pv_load_opts opts = {.format = format};
    const pv_reader *r;
    if (pv_reader_pick(data, size, &opts, &r, NULL) != PV_OK)
        __builtin_trap();
    one(r, &opts, data, size);
    if (profile) {
        opts.profile = profile;
        one(r, &opts, data, size);
    }
}
