/* fuzz_json_reader.h — the body of the JSON readers' fuzz targets.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_FUZZ_JSON_READER_H
#define PV_FUZZ_JSON_READER_H

#include <stddef.h>
#include <stdint.h>

/* Parses data as `format` (forced, so the reader sees inputs its sniff
 * would not claim) with the loader's own memory cap, then with `profile`
 * as the option when it is not NULL, and checks each outcome
 * (fuzz_check.h). */
void pv_fuzz_json_reader(const char *format, const char *profile, const uint8_t *data, size_t size);

#endif
