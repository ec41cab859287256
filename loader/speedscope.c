/* speedscope.c — speedscope's own file format (file-format-spec.ts), the
 * one py-spy, rbspy, Austin and speedscope itself export.
 *
 * A file is {$schema, shared: {frames: [...]}, profiles: [...]} with its
 * keys in any order (a file with sorted keys puts profiles before shared),
 * so the reader first notes where each top-level member starts, then
 * reads the frames, then the profiles: the text stays in memory and a
 * pull cursor can start anywhere, so nothing is held as a tree.
 *
 * A function is a frame index (two frames of one name are two functions).
 * A sampled profile's samples are stacks root first, each with its weight
 * (a cursor on `samples` and one on `weights` walk side by side); `[]` is
 * weight with no frame.  An evented profile opens and closes frames (O/C)
 * at non-decreasing `at`; the time between two events is the open stack's,
 * time with nothing open is idle and nobody's, and each O counts a call.
 * Weights keep the file's unit.  A file with several profiles (py-spy
 * writes one per thread) is read whole by default, each profile under a
 * top frame named after it, as long as the profiles agree on unit and
 * type (the others are left out with a warning); opts->profile picks one.
 * SPDX-License-Identifier: MIT
 */
#include "speedscope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pull.h"
#include "read_util.h"
#include "warn.h"
#include "stacks.h"

#define NO_FUNC UINT32_MAX
#define ABSENT SIZE_MAX  /* a member the file does not have */

typedef struct frame {
    const char *name, *file;
    int64_t line;             /* 1-based as the format has it; 0: none */
    uint32_t func;            /* the builder's id, made on first use, or NO_FUNC */
} frame;

enum { SAMPLED, EVENTED };

typedef struct sprofile {
    const char *name;
    const char *unit;
    int type;                 /* SAMPLED or EVENTED */
    size_t at;                /* byte offset of the profile object */
    size_t samples, weights;  /* offsets of the members' values, or ABSENT */
    size_t events;
} sprofile;

typedef struct reader {
    const unsigned char *buf;
    size_t len;
    pv_arena *arena;
    pv_err *err;
    pv_stacks *b;
    size_t shared, profiles;  /* offsets of the top-level members' values, or ABSENT */
    const char *exporter;
    frame *frames;
    size_t n_frames, cap_frames;
    sprofile *profs;
    size_t n_profs, cap_profs;
    uint32_t *ids;            /* scratch: a stack's functions, or the evented open nodes */
    size_t cap_ids;
    uint32_t *open_frames;    /* evented: the frame index of each open node */
} reader;

static int too_big(reader *r)
{
    return pv_err_set(r->err, PV_E_TOO_BIG, "the file needs more than the memory limit allows");
}

/* Room for item n of *items (pv_arena_grow). */
static int grow(reader *r, void **items, size_t n, size_t *cap, size_t size)
{
    void *p = pv_arena_grow(r->arena, *items, cap, n + 1, size);
    if (!p)
        return too_big(r);
    *items = p;
    return PV_OK;
}

static char *copy(reader *r, const pv_pull *j)
{
    return pv_arena_strndup(r->arena, j->str, j->str_len);
}

/* ---- frames ------------------------------------------------------------- */

static int read_frame(reader *r, pv_pull *j)
{
    int rc = pv_pull_expect(j, PV_PULL_OBJECT, "a frame");
    if (rc)
        return rc;
    if ((rc = grow(r, (void **)&r->frames, r->n_frames, &r->cap_frames, sizeof *r->frames)))
        return rc;
    frame *f = &r->frames[r->n_frames++];
    *f = (frame){.name = "", .file = "", .func = NO_FUNC};
    bool more;
    while ((rc = pv_pull_member(j, &more)) == PV_OK && more) {
        if (strcmp(j->str, "name") == 0 || strcmp(j->str, "file") == 0) {
            bool name = j->str[0] == 'n';
            if ((rc = pv_pull_expect(j, PV_PULL_STRING, name ? "a frame's name" : "a frame's file")))
                return rc;
            const char *s = copy(r, j);
            if (!s)
                return too_big(r);
            *(name ? &f->name : &f->file) = s;
        } else if (strcmp(j->str, "line") == 0) {
            double line;
            if ((rc = pv_pull_number(j, "a frame's line", &line)))
                return rc;
            f->line = line >= 1 && line < 1e15 ? (int64_t)line : 0;
        } else if ((rc = pv_pull_skip_value(j))) {
            return rc;
        }
    }
    return rc;
}

static int read_frames(reader *r)
{
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, r->shared, r->arena, r->err);
    int rc = pv_pull_expect(&j, PV_PULL_OBJECT, "shared");
    bool more, seen = false;
    while (rc == PV_OK && (rc = pv_pull_member(&j, &more)) == PV_OK && more) {
        if (strcmp(j.str, "frames") == 0) {
            seen = true;
            rc = pv_pull_expect(&j, PV_PULL_ARRAY, "shared.frames");
            while (rc == PV_OK && (rc = pv_pull_element(&j, &more)) == PV_OK && more)
                rc = read_frame(r, &j);
        } else {
            rc = pv_pull_skip_value(&j);
        }
    }
    if (rc == PV_OK && !seen)
        rc = pv_pull_fail(&j, r->shared, "\"shared\" has no \"frames\"");
    return rc;
}

/* The builder's function for the frame index a cursor just read (an
 * event's noted one when `index` is given). */
static int frame_func(reader *r, pv_pull *j, const double *index, uint32_t *func)
{
    double v = index ? *index : j->num;
    if (!(v >= 0 && v < (double)r->n_frames && v == floor(v)))
        return pv_pull_fail(j, j->at, "frame index %.17g is not one of the %zu frames", v,
                            r->n_frames);
    frame *f = &r->frames[(size_t)v];
    if (f->func == NO_FUNC) {
        uint32_t key = (uint32_t)v;
        int rc = pv_stacks_func(r->b, &key, sizeof key, f->file, f->line, f->name, &f->func, r->err);
        if (rc)
            return rc;
    }
    *func = f->func;
    return PV_OK;
}

/* ---- the top level and the list of profiles ------------------------------ */

static int read_profile_head(reader *r, pv_pull *j)
{
    int rc = pv_pull_expect(j, PV_PULL_OBJECT, "a profile");
    if (rc == PV_OK)
        rc = grow(r, (void **)&r->profs, r->n_profs, &r->cap_profs, sizeof *r->profs);
    if (rc)
        return rc;
    sprofile *p = &r->profs[r->n_profs++];
    *p = (sprofile){.name = "", .unit = "none", .type = -1, .at = j->at, .samples = ABSENT,
                    .weights = ABSENT, .events = ABSENT};
    bool more;
    while ((rc = pv_pull_member(j, &more)) == PV_OK && more) {
        size_t *where = strcmp(j->str, "samples") == 0 ? &p->samples
                      : strcmp(j->str, "weights") == 0 ? &p->weights
                      : strcmp(j->str, "events") == 0 ? &p->events : NULL;
        if (where) {
            *where = j->pos;
        } else if (strcmp(j->str, "name") == 0 || strcmp(j->str, "unit") == 0 ||
                   strcmp(j->str, "type") == 0) {
            char key = j->str[0];
            if ((rc = pv_pull_expect(j, PV_PULL_STRING, key == 'n' ? "a profile's name"
                                                        : key == 'u' ? "a profile's unit"
                                                                     : "a profile's type")))
                return rc;
            if (key == 't') {
                p->type = strcmp(j->str, "sampled") == 0 ? SAMPLED
                        : strcmp(j->str, "evented") == 0 ? EVENTED : -1;
                if (p->type < 0)
                    return pv_pull_fail(j, j->at, "profile %zu: unknown type \"%.40s\" (speedscope "
                                        "has \"sampled\" and \"evented\")", r->n_profs - 1, j->str);
            } else {
                const char *s = copy(r, j);
                if (!s)
                    return too_big(r);
                *(key == 'n' ? &p->name : &p->unit) = s;
            }
            continue;
        }
        if ((rc = pv_pull_skip_value(j)))
            return rc;
    }
    if (rc)
        return rc;
    if (p->type < 0)
        return pv_pull_fail(j, p->at, "profile %zu has no \"type\"", r->n_profs - 1);
    if (p->type == SAMPLED && (p->samples == ABSENT || p->weights == ABSENT))
        return pv_pull_fail(j, p->at, "sampled profile %zu needs \"samples\" and \"weights\"",
                            r->n_profs - 1);
    if (p->type == EVENTED && p->events == ABSENT)
        return pv_pull_fail(j, p->at, "evented profile %zu has no \"events\"", r->n_profs - 1);
    return PV_OK;
}

static int read_profile_heads(reader *r, pv_pull *j)
{
    int rc = pv_pull_expect(j, PV_PULL_ARRAY, "profiles");
    bool more;
    while (rc == PV_OK && (rc = pv_pull_element(j, &more)) == PV_OK && more)
        rc = read_profile_head(r, j);
    return rc;
}

static int read_top(reader *r)
{
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, pv_pull_bom(r->buf, r->len), r->arena, r->err);
    int rc = pv_pull_expect(&j, PV_PULL_OBJECT, "a speedscope file");
    bool more;
    r->shared = r->profiles = ABSENT;
    while (rc == PV_OK && (rc = pv_pull_member(&j, &more)) == PV_OK && more) {
        if (strcmp(j.str, "shared") == 0) {
            r->shared = j.pos;
        } else if (strcmp(j.str, "profiles") == 0) {
            /* Read here: the heads need no frames, and the samples are then
             * passed once less. */
            r->profiles = j.pos;
            r->n_profs = 0;  /* a repeated key: the last one counts, as in JSON.parse */
            rc = read_profile_heads(r, &j);
            continue;
        } else if (strcmp(j.str, "exporter") == 0) {
            if ((rc = pv_pull_expect(&j, PV_PULL_STRING, "exporter")) == PV_OK &&
                !(r->exporter = copy(r, &j)))
                rc = too_big(r);
            continue;
        }
        rc = pv_pull_skip_value(&j);
    }
    if (rc == PV_OK)
        rc = pv_pull_end(&j);
    if (rc == PV_OK && (r->shared == ABSENT || r->profiles == ABSENT))
        rc = pv_pull_fail(&j, 0, "a speedscope file needs \"shared\" and \"profiles\"; this one has "
                          "no \"%s\"", r->shared == ABSENT ? "shared" : "profiles");
    return rc;
}


/* ---- one profile's stacks ----------------------------------------------- */

/* Room for n entries in ids[] and open_frames[] (kept in step). */
static int grow_ids(reader *r, size_t n)
{
    if (n <= r->cap_ids)
        return PV_OK;
    size_t cap = r->cap_ids ? 2 * r->cap_ids : 64;
    cap = cap < n ? n : cap;
    uint32_t *ids = PV_ARENA_NEW(r->arena, uint32_t, cap);
    uint32_t *frames = PV_ARENA_NEW(r->arena, uint32_t, cap);
    if (!ids || !frames)
        return too_big(r);
    if (r->cap_ids) {
        memcpy(ids, r->ids, r->cap_ids * sizeof *ids);
        memcpy(frames, r->open_frames, r->cap_ids * sizeof *frames);
    }
    r->ids = ids;
    r->open_frames = frames;
    r->cap_ids = cap;
    return PV_OK;
}

/* `top` is the function of the profile's own top frame, or NO_FUNC. */
static int read_sampled(reader *r, size_t k, uint32_t top)
{
    const sprofile *p = &r->profs[k];
    pv_pull js, jw;
    pv_pull_init(&js, r->buf, r->len, p->samples, r->arena, r->err);
    pv_pull_init(&jw, r->buf, r->len, p->weights, r->arena, r->err);
    int rc = pv_pull_expect(&js, PV_PULL_ARRAY, "samples");
    if (rc == PV_OK)
        rc = pv_pull_expect(&jw, PV_PULL_ARRAY, "weights");
    for (size_t i = 0; rc == PV_OK; i++) {
        bool more_s, more_w;
        if ((rc = pv_pull_element(&js, &more_s)) || (rc = pv_pull_element(&jw, &more_w)))
            return rc;
        if (more_s != more_w)
            return pv_pull_fail(more_s ? &js : &jw, more_s ? js.pos : jw.pos, "profile %zu has "
                                "more %s than %s (%zu)", k, more_s ? "samples" : "weights",
                                more_s ? "weights" : "samples", i);
        if (!more_s)
            break;
        double w;
        if ((rc = pv_pull_number(&jw, "a weight", &w)))
            return rc;
        if (!(w >= 0) || isinf(w))
            return pv_pull_fail(&jw, jw.at, "weight %g of sample %zu is not a finite number >= 0",
                                w, i);
        size_t depth = 0;
        if (top != NO_FUNC && (rc = grow_ids(r, 1)) == PV_OK)
            r->ids[depth++] = top;
        bool more;
        if (rc == PV_OK)
            rc = pv_pull_expect(&js, PV_PULL_ARRAY, "a sample");
        while (rc == PV_OK && (rc = pv_pull_element(&js, &more)) == PV_OK && more) {
            if ((rc = pv_pull_expect(&js, PV_PULL_NUMBER, "a frame index")) == PV_OK &&
                (rc = grow_ids(r, depth + 1)) == PV_OK)
                rc = frame_func(r, &js, NULL, &r->ids[depth++]);
        }
        /* `[]` is weight with no frame, even in a profile under a top frame. */
        if (rc == PV_OK)
            rc = pv_stacks_add(r->b, r->ids, depth == 1 && top != NO_FUNC ? 0 : depth, w, 1, r->err);
    }
    return rc;
}

/* One O/C event, its members in any order: *type 'O' or 'C'; j->at is
 * left on the event's start for messages. */
static int read_event(pv_pull *j, char *type, double *at, double *frame_index)
{
    int rc = pv_pull_expect(j, PV_PULL_OBJECT, "an event");
    size_t start = j->at;
    bool more, have_at = false, have_frame = false;
    *type = 0;
    while (rc == PV_OK && (rc = pv_pull_member(j, &more)) == PV_OK && more) {
        if (strcmp(j->str, "type") == 0) {
            if ((rc = pv_pull_expect(j, PV_PULL_STRING, "an event's type")) == PV_OK)
                *type = strcmp(j->str, "O") == 0 ? 'O' : strcmp(j->str, "C") == 0 ? 'C' : '?';
            if (rc == PV_OK && *type == '?')
                return pv_pull_fail(j, j->at, "unknown event type \"%.20s\" (speedscope has \"O\" "
                                    "and \"C\")", j->str);
        } else if (strcmp(j->str, "at") == 0) {
            have_at = true;
            if ((rc = pv_pull_number(j, "an event's at", at)) == PV_OK && !isfinite(*at))
                return pv_pull_fail(j, j->at, "at %g is not a finite number", *at);
        } else if (strcmp(j->str, "frame") == 0) {
            have_frame = true;
            rc = pv_pull_number(j, "an event's frame", frame_index);
        } else {
            rc = pv_pull_skip_value(j);
        }
    }
    j->at = start;
    if (rc == PV_OK && (!*type || !have_at || !have_frame))
        return pv_pull_fail(j, start, "an event needs \"type\", \"frame\" and \"at\"");
    return rc;
}

/* The events of profile k: ids[] holds the open nodes, open_frames[] their
 * frame indices; the top frame's node (when `top` is a function) is
 * ids[0], made with the first O. */
static int read_evented(reader *r, size_t k, uint32_t top)
{
    pv_pull j;
    pv_pull_init(&j, r->buf, r->len, r->profs[k].events, r->arena, r->err);
    int rc = pv_pull_expect(&j, PV_PULL_ARRAY, "events");
    size_t base = top != NO_FUNC, depth = 0, top_counted = 0;
    double last = 0;
    bool more;
    if (rc == PV_OK && base && (rc = grow_ids(r, 1)) == PV_OK)
        rc = pv_stacks_child(r->b, PV_STACKS_TOP, top, &r->ids[0], r->err);
    for (size_t i = 0; rc == PV_OK && (rc = pv_pull_element(&j, &more)) == PV_OK && more; i++) {
        char type;
        double at, index;
        uint32_t func;
        if ((rc = read_event(&j, &type, &at, &index)))
            return rc;
        if (i && at < last)
            return pv_pull_fail(&j, j.at, "profile %zu, event %zu: at=%.17g is before the previous "
                                "event's (%.17g)", k, i, at, last);
        if (depth)
            pv_stacks_weigh(r->b, r->ids[base + depth - 1], at - last, 0);
        last = at;
        if ((rc = frame_func(r, &j, &index, &func)))
            return rc;
        if (type == 'O') {
            /* The profile's own top frame counts one call, its thread's run. */
            if (base && !depth && !top_counted++)
                pv_stacks_weigh(r->b, r->ids[0], 0, 1);
            uint32_t parent = base + depth ? r->ids[base + depth - 1] : PV_STACKS_TOP;
            if ((rc = grow_ids(r, base + depth + 1)) ||
                (rc = pv_stacks_child(r->b, parent, func, &r->ids[base + depth], r->err)))
                return rc;
            r->open_frames[base + depth] = (uint32_t)index;
            pv_stacks_weigh(r->b, r->ids[base + depth++], 0, 1);
        } else if (!depth) {
            return pv_pull_fail(&j, j.at, "profile %zu, event %zu closes frame %.17g but no frame "
                                "is open", k, i, index);
        } else if (r->open_frames[base + depth - 1] != (uint32_t)index) {
            return pv_pull_fail(&j, j.at, "profile %zu, event %zu closes frame %.17g but frame %u "
                                "is on top", k, i, index, r->open_frames[base + depth - 1]);
        } else {
            depth--;
        }
    }
    if (rc == PV_OK && depth)
        return pv_pull_fail(&j, j.pos - 1, "profile %zu ends with %zu frame%s still open (frame %u "
                            "on top)", k, depth, depth == 1 ? "" : "s",
                            r->open_frames[base + depth - 1]);
    return rc;
}

/* ---- choosing and reading ----------------------------------------------- */

/* Which profiles to read: opts->profile's one (index from 0, or name), or
 * every one of the first's unit and type.  *alone says a single profile
 * is read with no top frame of its own. */
static int choose(reader *r, const pv_load_opts *opts, bool *chosen, bool *alone, pv_profile *out)
{
    if (r->n_profs == 0)
        return pv_err_set(r->err, PV_E_FORMAT, "byte %zu: \"profiles\" is empty", r->profiles);
    const char *want = opts ? opts->profile : NULL;
    if (want) {
        if (strncmp(want, "profile=", 8) == 0)  /* a variant as the API lists it */
            want += 8;
        char *end;
        unsigned long long n = strtoull(want, &end, 10);
        size_t pick = SIZE_MAX;
        if (*want >= '0' && *want <= '9' && !*end && n < r->n_profs)
            pick = (size_t)n;
        for (size_t i = 0; pick == SIZE_MAX && i < r->n_profs; i++)
            if (strcmp(r->profs[i].name, want) == 0)
                pick = i;
        if (pick == SIZE_MAX) {
            char names[300];
            size_t at = 0;
            names[0] = '\0';
            for (size_t i = 0; i < r->n_profs && at < sizeof names; i++)
                at += (size_t)snprintf(names + at, sizeof names - at, "%s%zu \"%.40s\"", i ? ", " : "",
                                       i, r->profs[i].name);
            return pv_err_set(r->err, PV_E_USAGE, "no profile \"%.60s\" in this file: its profiles "
                              "are %s", want, names);
        }
        chosen[pick] = true;
        *alone = true;
        return PV_OK;
    }
    const sprofile *first = &r->profs[0];
    size_t left_out = 0;
    for (size_t i = 0; i < r->n_profs; i++) {
        chosen[i] = r->profs[i].type == first->type && strcmp(r->profs[i].unit, first->unit) == 0;
        left_out += !chosen[i];
    }
    *alone = r->n_profs - left_out == 1;
    if (left_out)
        return pv_warn(out, r->arena, r->err, "%zu of the %zu profiles were left out: their "
                               "unit or type differs from the first's (%s, %s); --profile N shows "
                               "one of them", left_out, r->n_profs, first->unit,
                               first->type == SAMPLED ? "sampled" : "evented");
    return PV_OK;
}

/* "profile=0" ... for every profile, when there are several. */
static int list_choices(reader *r, pv_profile *out)
{
    if (r->n_profs < 2)
        return PV_OK;
    const char **c = PV_ARENA_NEW(r->arena, const char *, r->n_profs);
    if (!c)
        return too_big(r);
    for (size_t i = 0; i < r->n_profs; i++) {
        char v[40];
        snprintf(v, sizeof v, "profile=%zu", i);
        if (!(c[i] = pv_arena_strndup(r->arena, v, strlen(v))))
            return too_big(r);
    }
    out->choices = c;
    out->n_choices = r->n_profs;
    return PV_OK;
}

/* A top frame named after profile k (its key cannot meet a frame's: 5
 * bytes where a frame index has 4). */
static int profile_func(reader *r, size_t k, uint32_t *func)
{
    unsigned char key[5] = {'P'};
    uint32_t index = (uint32_t)k;
    memcpy(key + 1, &index, sizeof index);
    char name[80];
    if (r->profs[k].name[0])
        return pv_stacks_func(r->b, key, sizeof key, "", 0, r->profs[k].name, func, r->err);
    snprintf(name, sizeof name, "profile %zu", k);
    return pv_stacks_func(r->b, key, sizeof key, "", 0, name, func, r->err);
}

static int read_stacks(reader *r, const bool *chosen, bool alone, size_t *n_read)
{
    int rc = PV_OK;
    *n_read = 0;
    for (size_t k = 0; rc == PV_OK && k < r->n_profs; k++) {
        if (!chosen[k])
            continue;
        uint32_t top = NO_FUNC;
        /* Evented calls are each frame's opens, not the samples passing. */
        if (r->profs[k].type == EVENTED)
            pv_stacks_count_own_calls(r->b);
        if (!alone && (rc = profile_func(r, k, &top)))
            return rc;
        rc = r->profs[k].type == SAMPLED ? read_sampled(r, k, top) : read_evented(r, k, top);
        ++*n_read;
    }
    return rc;
}

/* The builder's tree, told its unit and exporter. */
static int finish(reader *r, pv_profile *out, size_t n_read)
{
    int rc = pv_stacks_finish(r->b, out, r->err);
    pv_recorded *rec = PV_ARENA_NEW(r->arena, pv_recorded, 1);
    if (rc == PV_OK && !rec)
        rc = too_big(r);
    if (rc)
        return rc;
    *rec = *out->recorded;
    rec->timer = out->unit;
    rec->recorder = out->writer;
    rec->threads = (int64_t)n_read;
    out->recorded = rec;
    return PV_OK;
}

int pv_speedscope_parse(const unsigned char *buf, size_t len, const pv_load_opts *opts,
                        pv_arena *arena, pv_profile *out, pv_err *err)
{
    reader r = {.buf = buf, .len = len, .arena = arena, .err = err};
    memset(out, 0, sizeof *out);
    if (opts && opts->event)
        return pv_err_set(err, PV_E_USAGE, "a speedscope file has profiles, not events: there is "
                          "no event to choose");
    int rc = read_top(&r);
    if (rc == PV_OK)
        rc = read_frames(&r);
    if (rc)
        return rc;
    if (!(r.b = pv_stacks_new(arena)))
        return too_big(&r);
    bool *chosen = PV_ARENA_NEW(arena, bool, r.n_profs ? r.n_profs : 1), alone = false;
    if (!chosen)
        return too_big(&r);
    size_t n_read;
    if ((rc = choose(&r, opts, chosen, &alone, out)) || (rc = list_choices(&r, out)) ||
        (rc = read_stacks(&r, chosen, alone, &n_read)))
        return rc;
    const sprofile *shown = &r.profs[0];
    for (size_t k = 0; k < r.n_profs; k++)
        if (chosen[k]) {
            shown = &r.profs[k];
            break;
        }
    out->format = "speedscope";
    out->unit = shown->unit;
    out->calls_unit = shown->type == EVENTED ? "calls" : "samples";
    out->variant = "";
    if (opts && opts->profile && r.n_profs > 1) {
        char v[40];
        snprintf(v, sizeof v, "profile=%zu", (size_t)(shown - r.profs));
        if (!(out->variant = pv_arena_strndup(arena, v, strlen(v))))
            return too_big(&r);
    }
    out->writer = r.exporter ? r.exporter : "speedscope";
    out->dialect = "";
    return finish(&r, out, n_read);
}

/* The format's required members, in any order, near the start: a file's
 * frames can come first and run to megabytes, so the window is wide, and
 * the schema's URL alone is enough. */
bool pv_speedscope_sniff(const unsigned char *buf, size_t len)
{
    static const char schema[] = "speedscope.app/file-format-schema.json";
    const size_t window = 1 << 20;
    if (!pv_pull_starts_object(buf, len))
        return false;
    if (memmem(buf, len < 4096 ? len : 4096, schema, sizeof schema - 1))
        return true;
    return pv_pull_has_key(buf, len, window, "profiles") && pv_pull_has_key(buf, len, window, "shared");
}
