/* json.h — cJSON items for values cJSON itself gets wrong.
 *
 * cJSON keeps numbers as doubles (int64 counts above 2**53 would lose
 * digits) and copies string bytes as they are (profile strings are WTF-8
 * and may hold encoded lone surrogates, which are not valid UTF-8).  These
 * helpers return cJSON "raw" items whose text is already valid JSON; the
 * caller owns the returned item like any other cJSON item (add it to a
 * parent or cJSON_Delete it).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_JSON_H
#define PV_JSON_H

#include <cjson/cJSON.h>
#include <stdint.h>

/* A JSON string from WTF-8 text: encoded surrogates become \udXXX escapes,
 * control characters and quotes are escaped, and so are <, > and & so the
 * text is inert even if someone pastes it into HTML.  Invalid bytes (which
 * the loader never produces) become U+FFFD. */
cJSON *pv_json_string(const char *wtf8);

/* An exact integer. */
cJSON *pv_json_int(int64_t v);

/* The shortest decimal that reads back as exactly `v`; the strings "nan",
 * "inf" and "-inf" for non-finite values (JSON has no such numbers). */
cJSON *pv_json_double(double v);

/* Writes the same shortest round-trip text into buf (at least 32 bytes). */
void pv_format_double(double v, char *buf, size_t cap);

#endif
