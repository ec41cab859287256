/* names.h — what a box of an exported chart is called and which package
 * it is in: layout/names.js's shortName and layout/packages.js's
 * packageOf, in C, so an image names and colours boxes as the page does.
 *
 *   "<built-in method math.sin>", file "~"      -> math.sin, package math
 *   "<method 'append' of 'list' objects>"       -> list.append, builtins
 *   "<module>" in /x/compileall.py              -> compileall <module>, /x
 *   "<frozen importlib._bootstrap>" (a file)    -> package importlib
 *   "work (app/jobs.py:12)", no file (py-spy)   -> work, package app
 * Ownership: results are written to caller buffers (NUL-terminated, cut
 * at cap-1 bytes); no allocation.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_NAMES_H
#define PV_NAMES_H

#include <stddef.h>

/* The name a box shows for function `name` of `file`. */
void pv_short_name(const char *file, const char *name, char *out, size_t cap);

/* The package of a function: its file's directory, a frozen module's
 * parent, a built-in's module, the place a folded frame names; "" for a
 * frame that names none (the legend's "(no file)"). */
void pv_package_of(const char *file, const char *name, char *out, size_t cap);

#endif
