/* term.c — see term.h.
 * SPDX-License-Identifier: MIT
 */
#include "term.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* The longest output for one input byte: "\xNN" is 4 bytes for 1, and
 * "⟨U+XXXX⟩" (12 bytes) stands for a sequence of at least 2. */
#define MAX_GROWTH 6

/* Code points that reorder, hide or break the text around them. */
static int acts_on_terminal(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) ||      /* C1 controls: CSI, OSC, ... */
           cp == 0x061C ||                    /* Arabic letter mark */
           cp == 0x200E || cp == 0x200F ||    /* LRM, RLM */
           (cp >= 0x2028 && cp <= 0x202E) ||  /* separators, embeddings, overrides */
           (cp >= 0x2066 && cp <= 0x2069);    /* isolates */
}

char *pv_term_escape(const char *s, size_t len)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out = pv_xmalloc(len * MAX_GROWTH + 1), *o = out;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n;
        if (in[i] >= 0x20 && in[i] < 0x7F) {
            *o++ = (char)in[i++];
        } else if (in[i] < 0x80) {
            o += sprintf(o, "\\x%02x", in[i++]);
        } else if ((n = pv_utf8_decode(in + i, len - i, &cp)) == 0) {
            o += sprintf(o, "\\x%02x", in[i++]);
        } else if (acts_on_terminal(cp)) {
            o += sprintf(o, "\xe2\x9f\xa8U+%04X\xe2\x9f\xa9", (unsigned)cp);
            i += n;
        } else {
            memcpy(o, in + i, n);
            o += n;
            i += n;
        }
    }
    *o = '\0';
    return out;
}

char *pv_term_safe(const char *s)
{
    return s ? pv_term_escape(s, strlen(s)) : pv_xstrdup("");
}

void pv_term_vprintln(FILE *out, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *line = pv_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(line, n > 0 ? (size_t)n + 1 : 1, fmt, again);
    va_end(again);
    size_t len = n > 0 ? (size_t)n : 0;
    if (len && line[len - 1] == '\n')
        len--;
    char *safe = pv_term_escape(line, len);
    fprintf(out, "%s\n", safe);
    free(safe);
    free(line);
}

void pv_term_println(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pv_term_vprintln(out, fmt, ap);
    va_end(ap);
}
