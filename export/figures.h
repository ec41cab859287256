/* figures.h — a figure in a profile's unit written as the page writes it
 * (web/js/layout/format.js's formatValue and formatWithUnit): times in
 * three significant digits of the unit that keeps them at 1 or more
 * ("526 ms", "80.0 ms", "1.17 s"), bytes in binary units ("1.3 KiB"),
 * samples and events as grouped amounts ("1,234").  An exported image
 * thus reads like the page.
 * Ownership: written to the caller's buffer (NUL-terminated, cut at cap-1).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_FIGURES_H
#define PV_FIGURES_H

#include <stddef.h>

/* `value`, in `unit` (pv_profile_info.unit: "seconds", "samples", "Ir"...). */
void pv_format_value(double value, const char *unit, char *out, size_t cap);

/* The same followed by the unit's word where the figure stands alone
 * ("1,234 samples", "5,000,000 Ir"); times and bytes carry their own. */
void pv_format_with_unit(double value, const char *unit, char *out, size_t cap);

/* What a unit's figures add up to, for "of the time drawn": "time",
 * "bytes", "samples", an event's name, else "weight" (notes.js's totalOf). */
const char *pv_unit_noun(const char *unit);

#endif
