/* clock.h — the one clock profviz times things with.
 *
 * CLOCK_MONOTONIC in milliseconds: durations in logs and load results,
 * request deadlines and the slow-header watchdog all read the same clock,
 * so a deadline set in one file can be checked in another.  Not wall-clock
 * time (it does not jump when the system time is set).
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CLOCK_H
#define PV_CLOCK_H

/* Milliseconds since an arbitrary fixed point (boot, on Linux). */
double pv_now_ms(void);

#endif
