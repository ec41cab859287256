/* fuzz_cpuprofile.c — libFuzzer target for the V8 .cpuprofile reader
 * (both layouts), each result checked as fuzz_check.h says.
 * Invariant: no state survives between inputs.
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "fuzz_json_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_fuzz_json_reader("cpuprofile", NULL, data, size);
    return 0;
}
