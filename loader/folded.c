/* folded.c — the folded-stacks reader ("a;b;c 12" per line): what
 * flamegraph.pl's stackcollapse-* scripts, py-spy --format raw, austin,
 * async-profiler and inferno write.
 *
 * The text is UTF-8 (UTF-16 with a byte-order mark is turned into UTF-8
 * first, the one case that holds the text twice); any other bytes are an
 * error naming the line and the byte.  Lines go to folded_line.c, whole
 * stacks to the stack builder (stacks.h), which merges identical stacks
 * however far apart they are and keeps the exact tree.  Consecutive lines
 * of a collapsed file share most of their frames, so a line's frames are
 * compared with the previous line's first and only the ones that differ
 * are looked up: a sorted file costs about one hash lookup per line.
 * Differential files (before, after) are read by their last column, as
 * flamegraph.pl draws them; the reader does not decide what a '#' line or
 * an ignored line meant beyond counting and naming them in warnings.
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"
#include "readers.h"
#include "stacks.h"
#include "utf8.h"
#include "warn.h"
#include "xalloc.h"

/* The deepest stack a line may hold: a million frames is far past any
 * real recursion, and bounds the per-line arrays a hostile line of
 * nothing but ';' could make us grow. */
#define MAX_DEPTH ((size_t)1 << 20)

/* Line numbers a warning names before it says "...". */
#define LINES_NAMED 10

/* How much of the start the sniff reads. */
#define SNIFF_BYTES 4096

/* Line numbers kept for a warning: the first LINES_NAMED, and how many. */
typedef struct line_list {
    size_t n;
    size_t first[LINES_NAMED];
} line_list;

/* A frame of the previous line, with what it resolved to. */
typedef struct frame {
    const char *text;
    size_t len;
    uint32_t node;
} frame;

typedef struct reader {
    pv_arena *arena;
    pv_profile *out;
    pv_err *err;
    pv_stacks *b;
    const char *text;        /* the UTF-8 text */
    size_t base;             /* byte of the file where text starts (after a BOM); */
    int transcoded;          /* 1: text is UTF-16 turned into UTF-8: no file offsets */
    frame *prev;             /* the previous stack's frames (malloc'd) */
    size_t n_prev, cap_prev;
    char *name;              /* a frame's text with a NUL, for pv_stacks_func (malloc'd) */
    size_t cap_name;
    size_t lineno;           /* of the line being read, from 1 */
    size_t blank, comments, stack_lines;
    line_list ignored, differential, huge;
    long double before_total;
    const char *writer, *recorder;
    /* What a count is: samples, unless austin's header says its mode
     * measures time (µs, one line per sample) or memory (bytes). */
    const char *unit;
    int line_is_sample;
} reader;

/* "line N: " and, for a file read as it is, "byte B: " before a message. */
static int fail(reader *r, const char *at, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(reader *r, const char *at, int code, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at && !r->transcoded)
        return pv_err_set(r->err, code, "line %zu: byte %zu: %s", r->lineno,
                          r->base + (size_t)(at - r->text), msg);
    return pv_err_set(r->err, code, "line %zu: %s", r->lineno, msg);
}

static void note_line(line_list *l, size_t lineno)
{
    if (l->n < LINES_NAMED)
        l->first[l->n] = lineno;
    l->n++;
}

/* "3, 6, 9" or "3, 6, ... (12 in all)". */
static void format_lines(const line_list *l, char *out, size_t cap)
{
    size_t at = 0, shown = l->n < LINES_NAMED ? l->n : LINES_NAMED;
    out[0] = '\0';
    for (size_t i = 0; i < shown && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%zu", i ? ", " : "", l->first[i]);
    if (l->n > shown && at < cap)
        snprintf(out + at, cap - at, ", ... (%zu in all)", l->n);
}

/* The frame's text with a NUL after it, in r->name. */
static const char *frame_name(reader *r, const char *text, size_t len)
{
    r->name = pv_xgrow(r->name, &r->cap_name, len + 1, 1);
    memcpy(r->name, text, len);
    r->name[len] = '\0';
    return r->name;
}

/* Adds `weight` (>= 0, exact in long double) to a node: the builder takes
 * doubles and sums them in long double, so a weight past 2^53 goes in as
 * its 53 high bits and the exact rest. */
static void weigh(reader *r, uint32_t node, long double weight)
{
    double hi = (double)weight;
    if ((long double)hi > weight)
        hi = nextafter(hi, 0.0);
    double lo = (double)(weight - (long double)hi);
    long double up = ceill(weight);
    int64_t calls = r->line_is_sample ? 1 : up >= 0x1p63L ? INT64_MAX : (int64_t)up;
    pv_stacks_weigh(r->b, node, hi, calls);
    if (lo > 0)
        pv_stacks_weigh(r->b, node, lo, 0);
}

/* A count's value; a count past 2^64 is kept as the nearest long double,
 * and noted for a warning; one past what a double holds is an error. */
static int count_value(reader *r, pv_folded_count c, long double *out)
{
    bool huge;
    *out = pv_folded_count_value(c, &huge);
    if (huge)
        note_line(&r->huge, r->lineno);
    if (*out > (long double)DBL_MAX)
        return fail(r, c.text, PV_E_FORMAT, "count %.*s%s is too large",
                    (int)(c.len > 40 ? 40 : c.len), c.text, c.len > 40 ? "..." : "");
    return PV_OK;
}

/* One stack line: its frames, sharing the previous line's nodes as far as
 * the frames are the same, then its weight on the last node. */
static int add_stack(reader *r, const pv_folded_line *ln)
{
    long double weight, before = 0;
    int rc = count_value(r, ln->count, &weight);
    if (rc == PV_OK && ln->differential)
        rc = count_value(r, ln->before, &before);
    if (rc != PV_OK)
        return rc;
    size_t at = 0, depth = 0;
    const char *text;
    size_t len;
    int same = 1;
    uint32_t parent = PV_STACKS_TOP;
    while (pv_folded_next_frame(ln->stack, ln->stack_len, &at, &text, &len)) {
        if (same && depth < r->n_prev && r->prev[depth].len == len &&
            memcmp(r->prev[depth].text, text, len) == 0) {
            parent = r->prev[depth++].node;
            continue;
        }
        same = 0;
        if (depth == MAX_DEPTH)
            return fail(r, text, PV_E_TOO_BIG, "a stack deeper than the limit of %zu frames", MAX_DEPTH);
        uint32_t func, node;
        rc = pv_stacks_func(r->b, text, len, "", 0, frame_name(r, text, len), &func, r->err);
        if (rc == PV_OK)
            rc = pv_stacks_child(r->b, parent, func, &node, r->err);
        if (rc != PV_OK)
            return rc;
        r->prev = pv_xgrow(r->prev, &r->cap_prev, depth + 1, sizeof *r->prev);
        r->prev[depth++] = (frame){text, len, node};
        parent = node;
    }
    r->n_prev = depth;
    weigh(r, parent, weight);
    r->stack_lines++;
    if (ln->differential) {
        note_line(&r->differential, r->lineno);
        r->before_total += before;
    }
    return PV_OK;
}

/* The value of "# KEY: VALUE" in a comment's text (`t`, n bytes), or
 * NULL; *len gets its length. */
static const char *header_value(const char *t, size_t n, const char *key, size_t *len)
{
    size_t k = strlen(key);
    while (n && (*t == ' ' || *t == '\t')) {
        t++;
        n--;
    }
    if (n < k || memcmp(t, key, k) != 0)
        return NULL;
    t += k;
    n -= k;
    while (n && (*t == ' ' || *t == '\t')) {
        t++;
        n--;
    }
    *len = n;
    return t;
}

/* austin's header: "# austin: 3.3.0" names the writer and its version,
 * "# mode: wall" what its counts are.  austin writes one line per sample
 * with the time it stood for, in µs (modes wall and cpu), or the memory
 * it saw allocated or freed, in bytes (memory and full modes). */
static int read_comment(reader *r, const pv_folded_line *ln)
{
    r->comments++;
    size_t n;
    const char *v;
    if (!r->writer[0] && (v = header_value(ln->text, ln->text_len, "austin:", &n))) {
        char buf[80];
        snprintf(buf, sizeof buf, "austin %.*s", (int)(n < 40 ? n : 40), v);
        r->writer = "austin";
        r->recorder = pv_arena_strndup(r->arena, buf, strlen(buf));
        if (!r->recorder)
            return fail(r, NULL, PV_E_TOO_BIG, "out of the memory limit");
    } else if (strcmp(r->writer, "austin") == 0 && !r->stack_lines &&
               (v = header_value(ln->text, ln->text_len, "mode:", &n))) {
        int time = (n == 4 && memcmp(v, "wall", 4) == 0) || (n == 3 && memcmp(v, "cpu", 3) == 0);
        int memory = (n == 6 && memcmp(v, "memory", 6) == 0) || (n == 4 && memcmp(v, "full", 4) == 0);
        if (time || memory) {
            r->unit = time ? "microseconds" : "bytes";
            r->line_is_sample = 1;
        }
    }
    return PV_OK;
}

static int read_line(reader *r, const char *line, size_t len)
{
    size_t valid = pv_utf8_strict_prefix((const unsigned char *)line, len);
    if (valid < len)
        return fail(r, line + valid, PV_E_FORMAT, "not UTF-8 (0x%02x); folded stacks are UTF-8 "
                    "text, or UTF-16 with a byte-order mark", (unsigned char)line[valid]);
    const char *nul = memchr(line, '\0', len);
    if (nul)
        return fail(r, nul, PV_E_FORMAT, "a NUL byte, which text does not hold");
    pv_folded_line ln;
    pv_folded_parse_line(line, len, &ln);
    switch (ln.kind) {
    case PV_FOLDED_BLANK:
        r->blank++;
        return PV_OK;
    case PV_FOLDED_COMMENT:
        return read_comment(r, &ln);
    case PV_FOLDED_IGNORED:
        note_line(&r->ignored, r->lineno);
        return PV_OK;
    case PV_FOLDED_STACK:
        break;
    }
    return add_stack(r, &ln);
}

/* Lines end at LF; one CR before it (or at the very end) is dropped. */
static int read_lines(reader *r, size_t len)
{
    const char *p = r->text, *end = r->text + len;
    int rc = PV_OK;
    while (rc == PV_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        r->lineno++;
        size_t n = (size_t)(stop - p);
        if (n && p[n - 1] == '\r')
            n--;
        rc = read_line(r, p, n);
        p = nl ? nl + 1 : end;
    }
    return rc;
}

static int warn_lines(reader *r, const line_list *l, const char *what)
{
    char lines[160];
    format_lines(l, lines, sizeof lines);
    return pv_warn(r->out, r->arena, r->err, "%zu line%s %s: line%s %s", l->n,
                   l->n == 1 ? "" : "s", what, l->n == 1 ? "" : "s", lines);
}

/* What was odd but read: ignored lines, a differential file (or lines
 * that only look differential), counts past 2^64. */
static int add_warnings(reader *r)
{
    int rc = PV_OK;
    if (r->ignored.n)
        rc = warn_lines(r, &r->ignored, "ignored (no count at the end, or no frame before it)");
    const line_list *d = &r->differential;
    if (rc == PV_OK && d->n * 2 > r->stack_lines) {
        char total[64];
        snprintf(total, sizeof total, "%.21Lg", r->before_total);
        rc = pv_warn(r->out, r->arena, r->err,
                     "a differential file (two counts on %zu of %zu stack lines): shown by the "
                     "last column (after), as flamegraph.pl draws it; the first column (before) "
                     "totals %s samples", d->n, r->stack_lines, total);
    } else if (rc == PV_OK && d->n) {
        /* "worker 3 5": a leaf frame ending in a number, most likely. */
        rc = warn_lines(r, d, "of single-count lines have two counts, read as (before, after) "
                        "and shown by the last; a frame name ending in \" NUMBER\" reads this way");
    }
    if (rc == PV_OK && r->huge.n)
        rc = warn_lines(r, &r->huge, "have counts past 2^64, kept to 64 significant bits");
    return rc;
}

/* The file's text as UTF-8: after a UTF-8 BOM, transcoded from UTF-16
 * with a BOM (into the arena), else the bytes themselves. */
static int decode(reader *r, const unsigned char *buf, size_t len, size_t *text_len)
{
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
        r->text = (const char *)buf + 3;
        r->base = 3;
        *text_len = len - 3;
        return PV_OK;
    }
    if (len >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF))) {
        int big = buf[0] == 0xFE;
        unsigned char *out = pv_arena_alloc(r->arena, (len - 2) / 2 * 3 + 1);
        if (!out)
            return pv_err_set(r->err, PV_E_TOO_BIG, "UTF-16 text past the %zu MiB memory limit",
                              r->arena->limit >> 20);
        size_t bad;
        size_t n = pv_utf16_to_utf8(buf + 2, len - 2, big, out, &bad);
        if (n == (size_t)-1)
            return pv_err_set(r->err, PV_E_FORMAT, "byte %zu: not UTF-%s text (%s)", bad + 2,
                              big ? "16BE" : "16LE",
                              bad + 3 >= len ? "an odd number of bytes" : "a lone surrogate");
        r->text = (const char *)out;
        r->transcoded = 1;
        *text_len = n;
        return PV_OK;
    }
    r->text = (const char *)buf;
    *text_len = len;
    return PV_OK;
}

/* The profile's own fields; the rest comes from the builder. */
static int finish(reader *r)
{
    pv_profile *p = r->out;
    int rc = pv_stacks_finish(r->b, p, r->err);
    if (rc != PV_OK)
        return rc;
    p->format = "folded";
    p->unit = r->unit;
    p->calls_unit = "samples";
    p->variant = "";
    p->writer = r->writer;
    p->dialect = "";
    pv_recorded *rec = (pv_recorded *)p->recorded;  /* the builder's, ours to finish */
    if (rec) {
        rec->timer = r->unit;
        rec->recorder = r->recorder;
    }
    return add_warnings(r);
}

int pv_folded_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                    pv_arena *arena, pv_profile *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (opts && (opts->event || opts->profile))
        return pv_err_set(err, PV_E_USAGE, "folded stacks hold one profile of samples: there "
                          "is no %s to choose", opts->event ? "event" : "profile");
    reader r = {.arena = arena, .out = out, .err = err, .writer = "", .recorder = "folded",
                .unit = "samples"};
    size_t text_len = 0;
    int rc = decode(&r, buf, len, &text_len);
    if (rc == PV_OK && !(r.b = pv_stacks_new(arena)))
        rc = pv_err_set(err, PV_E_TOO_BIG, "past the %zu MiB memory limit", arena->limit >> 20);
    if (rc == PV_OK)
        rc = read_lines(&r, text_len);
    if (rc == PV_OK && r.stack_lines == 0) {
        char why[200] = "";
        if (r.ignored.n)
            snprintf(why, sizeof why, ": %zu without a count (the first is line %zu)",
                     r.ignored.n, r.ignored.first[0]);
        rc = pv_err_set(err, PV_E_FORMAT,
                        "line %zu: no stack in the file (%zu lines: %zu blank, %zu comments%s); "
                        "folded stacks are lines of frames and a count, \"main;work 12\"",
                        r.lineno + 1, r.lineno, r.blank, r.comments, why);
    }
    if (rc == PV_OK)
        rc = finish(&r);
    free(r.prev);
    free(r.name);
    return rc;
}

/* Could JSON start here: '{', or '[' followed by what a JSON array holds
 * (a perf frame such as "[unknown];main 3" starts with '[' too). */
static bool looks_like_json(const unsigned char *p, const unsigned char *end)
{
    if (p == end)
        return false;
    if (*p == '{')
        return true;
    if (*p != '[')
        return false;
    for (p++; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
        ;
    return p == end || strchr("{[\"]-0123456789", *p);
}

/* Folded is the last reader tried: it claims text (no NUL, UTF-8, or
 * UTF-16 with a BOM) whose first complete lines are mostly stacks, or
 * hold nothing else than blanks and comments, or one line longer than
 * the window (deep stacks make long lines). */
bool pv_folded_sniff(const unsigned char *buf, size_t len)
{
    if (len >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF)))
        return true;
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
        buf += 3;
        len -= 3;
    }
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
    if (memchr(buf, '\0', n))
        return false;
    size_t valid = pv_utf8_strict_prefix(buf, n);
    if (valid < n && (n == len || n - valid >= 4))  /* a sequence the window cuts is fine */
        return false;
    const unsigned char *p = buf, *end = buf + n;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (looks_like_json(p, end))
        return false;
    size_t stacks = 0, ignored = 0;
    p = buf;
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl && n < len)
            break;  /* the window cuts this line */
        const unsigned char *stop = nl ? nl : end;
        size_t k = (size_t)(stop - p);
        if (k && p[k - 1] == '\r')
            k--;
        pv_folded_line ln;
        pv_folded_parse_line((const char *)p, k, &ln);
        stacks += ln.kind == PV_FOLDED_STACK;
        ignored += ln.kind == PV_FOLDED_IGNORED;
        p = nl ? nl + 1 : end;
    }
    if (stacks == 0 && ignored == 0)
        return true;
    return stacks > ignored;
}
