/* xalloc.h — allocation that never returns NULL.
 *
 * Running out of memory is not an error path in profviz (as in Redis's
 * zmalloc and h2o): these print a message and abort.  Limits that hostile
 * input could hit are enforced before allocating (see arena.h), so they
 * return PV_E_TOO_BIG instead of reaching here.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_XALLOC_H
#define PV_XALLOC_H

#include <stddef.h>

void *pv_xmalloc(size_t n);
void *pv_xcalloc(size_t count, size_t size);
void *pv_xrealloc(void *p, size_t n);
/* Grows an array of `*cap` elements of `size` bytes so it holds at least
 * `need`; doubles the capacity.  Returns the (possibly moved) array. */
void *pv_xgrow(void *p, size_t *cap, size_t need, size_t size);
char *pv_xstrdup(const char *s);
char *pv_xstrndup(const char *s, size_t n);

#endif
