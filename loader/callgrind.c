/* callgrind.c — the callgrind reader's entry (readers.h): detection by
 * content, and the profile's labels (format, unit = the chosen event,
 * writer, the events to choose from) and warnings around the two halves
 * that do the work: callgrind_read.c reads the lines into a raw call
 * graph, callgrind_model.c maps it onto the pstats model.
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "callgrind_internal.h"
#include "readers.h"
#include "warn.h"

#define SNIFF_BYTES 65536

/* ---- detection -------------------------------------------------------- */

/* Within the first 64 KiB: the `# callgrind format` line or an events:
 * header (every callgrind file has one), or a version:/creator: header
 * followed by fn= lines (a file cut before its events: still names its
 * format). */
bool pv_callgrind_sniff(const unsigned char *buf, size_t len)
{
    const char *p = (const char *)buf, *end = p + (len < SNIFF_BYTES ? len : SNIFF_BYTES);
    if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    int header = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        while (p < e && pv_cg_is_blank(*p))
            p++;
        size_t n = (size_t)(e - p);
        /* A folded stack may start with "events:" too, but holds ';'. */
        if (pv_cg_starts(p, n, "# callgrind format") ||
            (pv_cg_starts(p, n, "events:") && !memchr(p, ';', n)))
            return true;
        if (pv_cg_starts(p, n, "version:") || pv_cg_starts(p, n, "creator:"))
            header = 1;
        if (header && pv_cg_starts(p, n, "fn="))
            return true;
        p = nl ? nl + 1 : end;
    }
    return false;
}

/* ---- the reader ------------------------------------------------------- */

/* Who wrote the file: the creator: header, else the style. */
static const char *writer_of(const pv_cg_graph *g)
{
    const char *c = g->creator;
    if (c && strncmp(c, "callgrind", 9) == 0)
        return "valgrind";
    if (c && strstr(c, "yappi"))
        return "yappi";
    if (c && strncasecmp(c, "xdebug", 6) == 0)
        return "xdebug";
    if (c && strstr(c, "pyprof2calltree"))
        return "pyprof2calltree";
    if (!c && g->has_event_header)
        return "pyprof2calltree";
    if (!c && g->fi_before_fn)
        return "lsprofcalltree";
    return "";
}

static int set_labels(const pv_cg_graph *g, pv_arena *arena, pv_profile *out, pv_err *err)
{
    out->format = "callgrind";
    out->unit = g->events[g->event];
    out->calls_unit = "calls";
    out->writer = writer_of(g);
    out->dialect = "";
    out->variant = "";
    if (g->n_events < 2)
        return PV_OK;
    const char **choices = PV_ARENA_NEW(arena, const char *, g->n_events);
    if (!choices)
        return pv_cg_too_big(arena, err);
    for (size_t k = 0; k < g->n_events; k++) {
        size_t n = strlen(g->events[k]);
        char *c = pv_arena_alloc(arena, n + 7);
        if (!c)
            return pv_cg_too_big(arena, err);
        memcpy(c, "event=", 6);
        memcpy(c + 6, g->events[k], n + 1);
        choices[k] = c;
    }
    out->choices = choices;
    out->n_choices = g->n_events;
    if (g->event)
        out->variant = choices[g->event];
    return PV_OK;
}

/* What the file says of itself that its cost lines do not bear out. */
static int warn_totals(const pv_cg_graph *g, pv_arena *arena, pv_profile *out, pv_err *err)
{
    const char *ev = g->events[g->event];
    int rc = PV_OK;
    if (g->has_summary && g->summary != g->total)
        rc = pv_warn(out, arena, err, "the summary: line says %llu %s, the cost lines add up "
                        "to %llu: the cost lines are used", (unsigned long long)g->summary, ev,
                        (unsigned long long)g->total);
    if (rc == PV_OK && g->has_totals && g->totals != g->total)
        rc = pv_warn(out, arena, err, "the totals: line says %llu %s, the cost lines add up "
                        "to %llu: the cost lines are used", (unsigned long long)g->totals, ev,
                        (unsigned long long)g->total);
    if (rc == PV_OK && g->n_forward)
        rc = pv_warn(out, arena, err, "%zu name ids are used before the line that defines "
                        "them (as callgrind 0.10 writes): read as that definition", g->n_forward);
    if (rc == PV_OK && g->overflow)
        rc = pv_warn(out, arena, err, "some costs add up past 2^64 and were clamped");
    return rc;
}

int pv_callgrind_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                       pv_arena *arena, pv_profile *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (opts && opts->profile)
        return pv_err_set(err, PV_E_USAGE, "a callgrind file holds one profile: there is no "
                          "profile to choose (its events are chosen with event)");
    pv_cg_graph g;
    int rc = pv_callgrind_read(buf, len, opts, arena, &g, err);
    if (rc == PV_OK)
        rc = pv_cg_model(&g, arena, out, err);
    if (rc == PV_OK)
        rc = set_labels(&g, arena, out, err);
    if (rc == PV_OK)
        rc = warn_totals(&g, arena, out, err);
    return rc;
}
