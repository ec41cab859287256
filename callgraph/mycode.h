/* mycode.h — which functions of a profile are library code, for the "my
 * code only" transform (transform.h).
 *
 * Library code is what a user runs but did not write:
 *   - the interpreter's standard library: the directories of its own
 *     modules found in the profile (where runpy.py, os.py, abc.py, ...
 *     are), and any .../lib/pythonX.Y/ directory;
 *   - frozen modules ("<frozen importlib._bootstrap>"), `exec`'s
 *     "<string>" wrappers, and built-ins (file "~");
 *   - installed packages: anything under site-packages or dist-packages.
 * Everything else (the user's scripts, "<stdin>", notebooks' cells) is
 * the user's.  Frames that name no file (folded stacks) are judged by the
 * place their name gives (common/names.h).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_MYCODE_H
#define PV_MYCODE_H

#include <stdint.h>

#include "graph.h"

/* lib[f] = 1 for each library function f of g, 0 for the user's;
 * lib has g->n_funcs entries. */
void pv_mycode_libs(const pv_graph *g, uint8_t *lib);

#endif
