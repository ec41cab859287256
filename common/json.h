/* json.h — cJSON items for values cJSON itself gets wrong.
 *
 * cJSON keeps numbers as doubles (int64 counts above 2**53 would lose
 * digits) and copies string bytes as they are (profile strings are WTF-8
 * and may hold encoded lone surrogates, which are not valid UTF-8).  These
 * helpers return cJSON "raw" items whose text is already valid JSON; the
 * caller owns the returned item like any other cJSON item (add it to a
 * parent or cJSON_Delete it).
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_JSON_H
#define PV_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
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

/* Writes the same shortest round-trip text into buf (at least 32 bytes);
 * returns its length. */
size_t pv_format_double(double v, char *buf, size_t cap);

/* JSON text written straight into a growing buffer, for answers too big
 * to build as cJSON items first (a tree view of thousands of boxes: one
 * malloc per item and a second pass to print cost more than the tree).
 * The values are written exactly as the cJSON helpers above print them.
 * Ownership: the buffer is malloc'd; pv_jbuf_take hands it over,
 * pv_jbuf_free frees it. */
typedef struct pv_jbuf {
    char *s;        /* NUL-terminated text */
    size_t len, cap;
} pv_jbuf;

void pv_jbuf_init(pv_jbuf *b, size_t reserve);
void pv_jbuf_free(pv_jbuf *b);
/* The text (the caller frees it) and its length; the buffer is empty
 * after. */
char *pv_jbuf_take(pv_jbuf *b, size_t *len);
void pv_jbuf_raw(pv_jbuf *b, const char *text, size_t n);
#define pv_jbuf_lit(b, literal) pv_jbuf_raw((b), (literal), sizeof(literal) - 1)
/* Appends again the n bytes written at offset `at`. */
void pv_jbuf_repeat(pv_jbuf *b, size_t at, size_t n);
void pv_jbuf_string(pv_jbuf *b, const char *wtf8);  /* as pv_json_string */
void pv_jbuf_int(pv_jbuf *b, int64_t v);
void pv_jbuf_double(pv_jbuf *b, double v);          /* as pv_json_double */

#endif
