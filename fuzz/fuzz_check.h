/* fuzz_check.h — what every fuzz target asserts of a reader's result,
 * beyond what ASan/UBSan catch: a parsed profile the store and the server
 * can index blindly, or an error that keeps the loader's contract.  A
 * breach abort()s, so libFuzzer keeps the input.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_FUZZ_CHECK_H
#define PV_FUZZ_CHECK_H

#include "loader.h"

/* Edges inside the function table, strings terminated, the recorded tree
 * (a trailer's or a stack format's) in pre-order with parents first,
 * entries for functions, finite times and calls >= 1; format, unit,
 * calls_unit, variant, writer and dialect set.  A stack format's total is
 * its top-level nodes' sum; a callgrind graph's costs are finite, no
 * function or edge costs more than the program, edges come grouped by
 * callee. */
void pv_fuzz_check_profile(const pv_profile *p);

/* rc from a parse: PV_E_FORMAT with a "byte N" or "line N" in its message, or
 * PV_E_TOO_BIG naming the limit or the memory allowed (PV_E_USAGE too when
 * `usage_ok`: a reader refusing an option). */
void pv_fuzz_check_error(int rc, const pv_err *err, int usage_ok);

#endif
