/* oracle_stacks.h — compare a stack format's parsed profile with one
 * profile of its oracle (../shared/formats/oracle_formats.py, format
 * profviz-formats-oracle-1), for the folded, speedscope and cpuprofile
 * readers' tests.  Fails the running Check test on any difference.
 *
 * What is compared, and why only that:
 *   - the total weight (functions' self plus the empty-stack weight);
 *   - every function's name, self and total, as multisets: the oracle
 *     numbers functions by weight, a reader by first sight, and names may
 *     repeat (two cpuprofile functions of one name in two scripts);
 *   - the stacks with a weight: how many, and the heaviest ten (weight and
 *     frame names, ties in the oracle's order) against `top_paths`.  A
 *     stack of weight 0 has no box, and the builder keeps none.
 * Integer weights must be equal; a fractional one within 1e-12 relative
 * (the oracle sums decimals exactly, a reader sums their doubles).
 */
#ifndef PV_ORACLE_STACKS_H
#define PV_ORACLE_STACKS_H

#include <cjson/cJSON.h>

#include "profile.h"

/* `oracle` is one element of the oracle's "profiles" list; `label` names
 * the file in failure messages. */
void pv_oracle_check_stacks(const pv_profile *p, const cJSON *oracle, const char *label);

/* The oracle file FILE.expected.json next to `path`, parsed (cJSON_Delete
 * it); fails the test when it is missing or broken. */
cJSON *pv_oracle_load(const char *path);

#endif
