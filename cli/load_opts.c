/* load_opts.c — --format, --event and --profile, the options of every
 * command that reads profile files (profviz FILE, load, stats, upload):
 * one spelling, one help text, one place that fills pv_load_opts.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"

const char pv_cli_load_opts_help[] =
    "  --format NAME       read every FILE as NAME (pstats, folded, speedscope,\n"
    "                      cpuprofile, callgrind) rather than by what it holds\n"
    "  --event NAME        callgrind: the event to weigh by (default: the first)\n"
    "  --profile N|NAME    speedscope: the profile to read, by index (from 0) or\n"
    "                      name (default: all)\n";

bool pv_cli_load_opt(int c, const char *arg, pv_load_opts *o)
{
    switch (c) {
    case PV_OPT_FORMAT: o->format = arg; return true;
    case PV_OPT_EVENT: o->event = arg; return true;
    case PV_OPT_PROFILE: o->profile = arg; return true;
    default: return false;
    }
}
