/* fuzz_pstats.c — libFuzzer target for the pstats parser.
 *
 * Every input is parsed by pv_pstats_parse with the same arena limit the
 * loader would use for a file of that size, then the arena is released.
 * Beyond what ASan/UBSan catch, a successful parse must give a profile
 * whose edges point inside the function table and whose strings exist,
 * and whose recorded tree (a trailer, seeded by tests/data/recorded) is
 * one the store and the server can index blindly: parents before their
 * nodes, functions that are entries or the overflow key, finite times;
 * a refusal must be PV_E_FORMAT with a message naming the byte offset, or
 * PV_E_TOO_BIG naming the limit (loader.h's contract; fuzz_check.c).  Any
 * breach abort()s, so libFuzzer keeps the input.  Invariant: no state
 * survives between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(size));
    pv_profile p;
    pv_err err;
    pv_err_clear(&err);
    int rc = pv_pstats_parse(data, size, &arena, &p, &err);
    if (rc == PV_OK)
        pv_fuzz_check_profile(&p);
    else
        pv_fuzz_check_error(rc, &err, 0);
    pv_arena_release(&arena);
    return 0;
}
