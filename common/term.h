/* term.h — untrusted text made safe to print on a terminal.
 *
 * Names in profiles, request lines and file names come from whoever wrote
 * them; printed raw, an ESC or BEL in them drives the terminal (retitles
 * it, rewrites lines, hides text).  Every such string passes through here
 * on its way to stdout or stderr.  What a terminal would act on is shown
 * as text instead: C0 controls and DEL as "\x1b", bytes that are not
 * UTF-8 as "\xe9", and the code points that act without being controls
 * in C0 (the C1 controls U+0080..U+009F, bidi overrides and isolates, the
 * line and paragraph separators) as "⟨U+202E⟩".  Everything else,
 * printable UTF-8 and backslashes included, passes unchanged, so ordinary
 * names read as they are.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TERM_H
#define PV_TERM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* The `len` bytes at `s` (NUL bytes included) as a NUL-terminated string
 * safe for a terminal.  Returns a malloc'd string the caller frees. */
char *pv_term_escape(const char *s, size_t len);

/* pv_term_escape of a NUL-terminated string; NULL gives "". */
char *pv_term_safe(const char *s);

/* Formats one line, escapes all of it (a trailing newline in the format
 * or the arguments is dropped) and writes it to `out` with a newline:
 * for messages that quote untrusted text.  Aborts when out of memory. */
void pv_term_println(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pv_term_vprintln(FILE *out, const char *fmt, va_list ap);

#endif
