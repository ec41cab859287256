/* readers.c — the input formats in detection order, and the choice of a
 * reader for a buffer (by content, or by name when the user forces one).
 *
 * Detection looks at content only: a file's name says little (a profile
 * is "out", "callgrind.out.1234", "profile.json" or "x.txt" as often as
 * anything).  Each sniff is a cheap look at the start; the first reader
 * that claims the file parses it, and that reader's error is the file's
 * error.  When none claims it, the message lists every format tried and
 * says what the file starts with.
 * SPDX-License-Identifier: MIT
 */
#include "readers.h"

#include <stdio.h>
#include <string.h>

#include "cpuprofile.h"
#include "marshal.h"
#include "speedscope.h"

/* A pstats dump is a marshalled dict: 0x7b ('{'), or 0xfb with marshal's
 * FLAG_REF.  JSON starts with '{' too, so a '{' followed by what JSON puts
 * after its '{' (a quote, a '}', white space) is left to the JSON readers.
 * Anything else after a dict byte stays pstats, so a damaged dump gets the
 * pstats reader's own byte-offset error rather than "unknown format". */
static bool sniff_pstats(const unsigned char *buf, size_t len)
{
    if (len == 0 || (buf[0] & 0x7F) != '{')
        return false;
    if (buf[0] == 0xfb || len == 1)
        return true;
    return !strchr("\"} \t\r\n", buf[1]);
}

static int parse_pstats(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                        pv_arena *arena, pv_profile *out, pv_err *err)
{
    if (opts && (opts->event || opts->profile))
        return pv_err_set(err, PV_E_USAGE, "a pstats dump holds one profile with one measure "
                          "(seconds): there is no %s to choose", opts->event ? "event" : "profile");
    return pv_pstats_parse(buf, len, arena, out, err);
}

const pv_reader pv_readers[] = {
    {"pstats", "a cProfile/profile dump (pstats)", sniff_pstats, parse_pstats},
    {"speedscope", "a speedscope file", pv_speedscope_sniff, pv_speedscope_parse},
    {"cpuprofile", "a V8/Chrome .cpuprofile", pv_cpuprofile_sniff, pv_cpuprofile_parse},
    {"callgrind", "a callgrind file (valgrind, yappi, pyprof2calltree)", pv_callgrind_sniff,
     pv_callgrind_parse},
    /* Last: it claims text that is mostly "frames count" lines. */
    {"folded", "folded stacks (flamegraph.pl, py-spy raw, austin)", pv_folded_sniff,
     pv_folded_parse},
};
const size_t pv_n_readers = sizeof pv_readers / sizeof pv_readers[0];

/* The start of the file, for the message: JSON that no JSON reader
 * claims is said to be JSON (which keys the readers look for); text is
 * quoted, up to 40 characters (4 printable ASCII characters at least,
 * or a shorter first line);
 * anything else is its first byte and what that byte would start in
 * marshal data (a pstats dump that is not a dict: a list, None, ...). */
static void describe_start(const unsigned char *buf, size_t len, char *out, size_t cap)
{
    size_t i = 0;
    while (i < len && i < 64 && strchr(" \t\r\n", buf[i]))
        i++;
    if (i < len && (buf[i] == '{' || buf[i] == '[') && i + 1 < len &&
        strchr("\"{}[]-0123456789 \t\r\n", buf[i + 1])) {
        snprintf(out, cap, "JSON that is neither a speedscope file (\"$schema\", or \"shared\" and "
                 "\"profiles\") nor a .cpuprofile (\"nodes\", or \"head\")");
        return;
    }
    size_t n = len < 40 ? len : 40, printable = 0;
    while (printable < n && buf[printable] >= 0x20 && buf[printable] < 0x7f && buf[printable] != '"')
        printable++;
    int line_end = printable < n && (buf[printable] == '\n' || buf[printable] == '\r');
    if (printable >= 4 || (printable > 0 && line_end))
        snprintf(out, cap, "text: \"%.*s%s\"", (int)printable, (const char *)buf,
                 printable < len ? "..." : "");
    else
        snprintf(out, cap, "0x%02x%s", buf[0], pv_marshal_code_meaning(buf[0]));
}

/* The readers' names (`what` = 0: what --format takes) or descriptions,
 * joined with ", " (and "or" before the last description). */
static void list_readers(int what, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < pv_n_readers && at < cap; i++) {
        const char *sep = i == 0 ? "" : !what ? ", " : i + 1 < pv_n_readers ? ", " : " or ";
        at += (size_t)snprintf(out + at, cap - at, "%s%s", sep,
                               what ? pv_readers[i].what : pv_readers[i].name);
    }
}

int pv_reader_pick(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                   const pv_reader **out, pv_err *err)
{
    char names[400];
    *out = NULL;
    if (opts && opts->format) {
        for (size_t i = 0; i < pv_n_readers; i++)
            if (strcmp(pv_readers[i].name, opts->format) == 0) {
                *out = &pv_readers[i];
                return PV_OK;
            }
        list_readers(0, names, sizeof names);
        return pv_err_set(err, PV_E_USAGE, "unknown format \"%.40s\": the formats are %s",
                          opts->format, names);
    }
    if (len == 0)
        return pv_err_set(err, PV_E_FORMAT, "byte 0: the file is empty");
    for (size_t i = 0; i < pv_n_readers; i++)
        if (pv_readers[i].sniff(buf, len)) {
            *out = &pv_readers[i];
            return PV_OK;
        }
    char start[160];
    describe_start(buf, len, start, sizeof start);
    list_readers(1, names, sizeof names);
    return pv_err_set(err, PV_E_FORMAT, "byte 0: not a profile profviz can read: not %s; "
                      "it starts with %s", names, start);
}
