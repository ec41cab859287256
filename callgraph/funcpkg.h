/* funcpkg.h — every function's package (common/names.h) and whether it
 * is library code (mycode.h), worked out once per graph: collapsing a
 * package, "my code only" and the packages table then compare numbers
 * instead of parsing 100,000 paths per request.
 * Ownership: pv_funcpkg_build returns one malloc'd block (free()) whose
 * arrays point inside it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_FUNCPKG_H
#define PV_FUNCPKG_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

#define PV_FUNCPKG_NONE UINT32_MAX

typedef struct pv_funcpkg {
    size_t n_funcs, n_packages;
    uint32_t *package;      /* per function: its package's index */
    uint8_t *lib;           /* per function: 1 for library code */
    uint32_t *name_at;      /* per package: its name's offset in names */
    char *names;            /* the packages' names, NUL-terminated, by name */
} pv_funcpkg;

pv_funcpkg *pv_funcpkg_build(const pv_graph *g, size_t *bytes);

/* The index of package `name`, or PV_FUNCPKG_NONE. */
uint32_t pv_funcpkg_find(const pv_funcpkg *p, const char *name);

/* The name of package `i`. */
const char *pv_funcpkg_name(const pv_funcpkg *p, uint32_t i);

#endif
