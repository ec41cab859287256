/* fuzz_speedscope.c — libFuzzer target for the speedscope reader: every
 * input read whole (all profiles under their top frames) and with the
 * second profile alone, each result checked as fuzz_check.h says.
 * Invariant: no state survives between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "fuzz_json_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_fuzz_json_reader("speedscope", "1", data, size);
    return 0;
}
