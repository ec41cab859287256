/* progress.h — a line on the terminal for work that takes over a second.
 *
 * Quick work prints nothing; after a second a line "profviz: LABEL ... 1 s"
 * appears on stderr and counts the seconds until pv_progress_end erases
 * it, so a user waiting on a big file sees that profviz is busy, and on
 * what.  Only when stderr is a terminal: logs and pipes get no carriage
 * returns.  A thread of its own does the counting, so the work needs no
 * hooks.
 * Ownership: pv_progress_begin / pv_progress_end (which frees it).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CLI_PROGRESS_H
#define PV_CLI_PROGRESS_H

typedef struct pv_progress pv_progress;

/* Starts counting for the work `label` names (printf-style). */
pv_progress *pv_progress_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Erases the line, if one was shown, and frees the counter. */
void pv_progress_end(pv_progress *p);

#endif
