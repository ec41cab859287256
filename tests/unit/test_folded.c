/* test_folded.c — the folded-stacks reader (loader/folded.c,
 * folded_line.c): every fixture of tests/data/formats/folded (in the
 * folded_shared run, ../shared/formats/folded) read by content and
 * compared with its oracle (totals, every function's self and total, the
 * heaviest stacks, the ignored lines and the differential column), the
 * line rules one by one, and hand-made files for what the fixtures do not
 * show: invalid UTF-8 and UTF-16, counts past 2^53 and 2^64, repeated
 * stacks far apart, zero counts, lines that only look differential.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"
#include "loader.h"
#include "oracle_stacks.h"
#include "readers.h"
#include "testutil.h"

Suite *pv_folded_suite(void);

/* ---- the fixtures and their oracles ------------------------------------ */

#define MAX_FILES 64
static char *files[MAX_FILES];
static size_t n_files;

static int shared;  /* the folded_shared run: only the oracle cases */

static void collect(void)
{
    const char *root = pv_test_fixtures(&shared);
    if (!root)
        return;
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/formats/folded", root);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && n_files < MAX_FILES) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || (n > 14 && strcmp(e->d_name + n - 14, ".expected.json") == 0))
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        files[n_files++] = strdup(path);
    }
    closedir(d);
}

/* The warning of `p` that contains `needle`, or NULL. */
static const char *warning_with(const pv_profile *p, const char *needle)
{
    for (size_t i = 0; i < p->n_warnings; i++)
        if (strstr(p->warnings[i], needle))
            return p->warnings[i];
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "oracle field %s is not a number", key);
    return v->valuedouble;
}

/* The ignored lines the oracle lists are the ones the warning names (up
 * to the ten it names). */
static void check_ignored(const pv_profile *p, const cJSON *lines, const char *label)
{
    size_t n = (size_t)num(lines, "ignored");
    const char *w = warning_with(p, "ignored");
    if (n == 0) {
        ck_assert_msg(w == NULL, "%s: a warning about ignored lines: %s", label, w);
        return;
    }
    ck_assert_msg(w != NULL, "%s: %zu ignored lines and no warning", label, n);
    char head[48];
    snprintf(head, sizeof head, "%zu line%s ignored", n, n == 1 ? "" : "s");
    ck_assert_msg(strncmp(w, head, strlen(head)) == 0, "%s: %s", label, w);
    const char *list = strstr(w, ": line");
    ck_assert_msg(list != NULL, "%s: %s", label, w);
    list = strchr(list + 6, ' ');
    const cJSON *at;
    int k = 0;
    cJSON_ArrayForEach(at, cJSON_GetObjectItemCaseSensitive(lines, "ignored_line_numbers")) {
        if (k++ == 10)
            break;
        char *end;
        long got = strtol(list, &end, 10);
        ck_assert_msg(got == at->valueint, "%s: warning names line %ld, the oracle %d (%s)", label,
                      got, at->valueint, w);
        list = end + (*end == ',');
    }
}

/* A differential file says what its first column totals. */
static void check_differential(const pv_profile *p, const cJSON *oracle, const char *label)
{
    const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(oracle, "profiles");
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(oracle, "lines");
    if (num(lines, "differential_lines") == 0) {
        ck_assert_msg(!warning_with(p, "differential"), "%s: a differential warning", label);
        return;
    }
    ck_assert_int_eq(cJSON_GetArraySize(profiles), 2);
    char want[80];
    snprintf(want, sizeof want, "totals %.17g samples",
             num(cJSON_GetArrayItem(profiles, 1), "total_weight"));
    ck_assert_msg(warning_with(p, want) != NULL, "%s: no warning with \"%s\"", label, want);
}

START_TEST(folded_fixtures_match_their_oracles)
{
    const char *path = files[_i];
    const char *label = strrchr(path, '/') + 1;
    cJSON *oracle = pv_oracle_load(path);
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    pv_parsed parsed;
    pv_err err = {0};
    int rc = pv_parse_bytes(label, "test", buf, len, NULL, &parsed, &err);
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(oracle, "valid"))) {
        ck_assert_msg(rc == PV_E_FORMAT, "%s: an invalid file read (%d)", label, rc);
        ck_assert_msg(strstr(err.msg, "empty") || strstr(err.msg, "no stack"), "%s: %s", label,
                      err.msg);
    } else {
        ck_assert_msg(rc == PV_OK, "%s: %s", label, err.msg);
        const pv_profile *p = &parsed.profile;
        ck_assert_str_eq(p->format, "folded");
        /* austin's wall-clock mode counts µs, one line a sample */
        ck_assert_str_eq(p->unit, strstr(label, "austin") ? "microseconds" : "samples");
        ck_assert_str_eq(p->calls_unit, "samples");
        ck_assert_str_eq(p->variant, "");
        ck_assert_uint_eq(p->n_choices, 0);
        const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(oracle, "profiles");
        pv_oracle_check_stacks(p, cJSON_GetArrayItem(profiles, 0), label);
        check_ignored(p, cJSON_GetObjectItemCaseSensitive(oracle, "lines"), label);
        check_differential(p, oracle, label);
        ck_assert_str_eq(p->writer, strstr(label, "austin") ? "austin" : "");
        pv_parsed_release(&parsed);
    }
    free(buf);
    cJSON_Delete(oracle);
}
END_TEST

/* ---- one line at a time ------------------------------------------------ */

typedef struct line_case {
    const char *line;
    pv_folded_kind kind;
    const char *stack, *count, *before;  /* before NULL: one count */
} line_case;

static const line_case line_cases[] = {
    {"a;b;c 12", PV_FOLDED_STACK, "a;b;c", "12", NULL},
    {"  a;b 3 \t", PV_FOLDED_STACK, "a;b", "3", NULL},
    {"a;b\t7", PV_FOLDED_STACK, "a;b", "7", NULL},
    {"z  7", PV_FOLDED_STACK, "z", "7", NULL},
    {"a;b 1.5", PV_FOLDED_STACK, "a;b", "1.5", NULL},
    {"a 12.", PV_FOLDED_STACK, "a", "12.", NULL},
    {"a 0", PV_FOLDED_STACK, "a", "0", NULL},
    {"main 274 300", PV_FOLDED_STACK, "main", "300", "274"},
    {"a;worker 3", PV_FOLDED_STACK, "a;worker", "3", NULL},
    {"a;worker 3 4 5", PV_FOLDED_STACK, "a;worker 3", "5", "4"},
    {"parse (app/parser.py:42);std::vector<int, std::allocator<int> >::push_back(int const&) 4",
     PV_FOLDED_STACK, "parse (app/parser.py:42);std::vector<int, std::allocator<int> >::push_back(int const&)",
     "4", NULL},
    {"a;; 5", PV_FOLDED_STACK, "a", "5", NULL},
    {";a 5", PV_FOLDED_STACK, ";a", "5", NULL},
    {"5 6", PV_FOLDED_STACK, "5", "6", NULL},
    {"a\rb 2", PV_FOLDED_STACK, "a\rb", "2", NULL},
    {";; 5", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"5", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"  5", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"THIS IS A BAD LINE", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"a 1.2.3", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"a .5", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"a 12V.43", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"a;b5", PV_FOLDED_IGNORED, NULL, NULL, NULL},
    {"# interval: 100", PV_FOLDED_COMMENT, NULL, NULL, NULL},
    {"  #a 5", PV_FOLDED_COMMENT, NULL, NULL, NULL},
    {" \t ", PV_FOLDED_BLANK, NULL, NULL, NULL},
    {"", PV_FOLDED_BLANK, NULL, NULL, NULL},
};

static void expect_span(const char *got, size_t n, const char *want, const char *line)
{
    ck_assert_msg(n == strlen(want) && memcmp(got, want, n) == 0, "\"%s\": \"%.*s\", not \"%s\"",
                  line, (int)n, got, want);
}

START_TEST(lines_split_into_stack_and_counts_as_the_oracle_does)
{
    const line_case *c = &line_cases[_i];
    pv_folded_line ln;
    pv_folded_parse_line(c->line, strlen(c->line), &ln);
    ck_assert_msg(ln.kind == c->kind, "\"%s\": kind %d, not %d", c->line, ln.kind, c->kind);
    if (c->kind != PV_FOLDED_STACK)
        return;
    expect_span(ln.stack, ln.stack_len, c->stack, c->line);
    expect_span(ln.count.text, ln.count.len, c->count, c->line);
    ck_assert_msg(ln.differential == (c->before != NULL), "\"%s\": differential %d", c->line,
                  ln.differential);
    if (c->before)
        expect_span(ln.before.text, ln.before.len, c->before, c->line);
}
END_TEST

START_TEST(frames_split_on_every_semicolon_and_keep_empty_ones)
{
    static const struct {
        const char *stack;
        const char *frames[5];
    } cases[] = {
        {"a;b;c", {"a", "b", "c"}},
        {"a;;b", {"a", "", "b"}},
        {";a", {"", "a"}},
        {"foo<a;b>", {"foo<a", "b>"}},
        {"core::array::<impl Default for [T; _]>::default",
         {"core::array::<impl Default for [T", " _]>::default"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t at = 0, k = 0, len;
        const char *frame;
        while (pv_folded_next_frame(cases[i].stack, strlen(cases[i].stack), &at, &frame, &len)) {
            ck_assert_ptr_nonnull(cases[i].frames[k]);
            expect_span(frame, len, cases[i].frames[k++], cases[i].stack);
        }
        ck_assert_msg(cases[i].frames[k] == NULL, "%s: fewer frames", cases[i].stack);
    }
}
END_TEST

START_TEST(counts_are_exact_to_2_to_the_64)
{
    bool huge;
    pv_folded_count c = {"18446744073709551615", 20};
    ck_assert(pv_folded_count_value(c, &huge) == 18446744073709551615.0L);
    ck_assert(!huge);
    c = (pv_folded_count){"9007199254740993", 16};
    ck_assert(pv_folded_count_value(c, &huge) == 9007199254740993.0L);
    c = (pv_folded_count){"18446744073709551616", 20};
    ck_assert(pv_folded_count_value(c, &huge) == 18446744073709551616.0L);
    ck_assert(huge);
    c = (pv_folded_count){"0.250", 5};
    ck_assert(pv_folded_count_value(c, &huge) == 0.25L);
    c = (pv_folded_count){"7.000", 5};
    ck_assert(pv_folded_count_value(c, &huge) == 7.0L);
    c = (pv_folded_count){"12.", 3};
    ck_assert(pv_folded_count_value(c, &huge) == 12.0L);
    ck_assert(!huge);
}
END_TEST

/* ---- whole files made by hand ------------------------------------------ */

typedef struct parsed_file {
    pv_parsed parsed;
    pv_err err;
    int rc;
} parsed_file;

static parsed_file *parse(const void *bytes, size_t len, const pv_load_opts *opts)
{
    parsed_file *f = calloc(1, sizeof *f);
    f->rc = pv_parse_bytes("hand.txt", "test", bytes, len, opts, &f->parsed, &f->err);
    return f;
}

static parsed_file *parse_ok(const char *text)
{
    parsed_file *f = parse(text, strlen(text), NULL);
    ck_assert_msg(f->rc == PV_OK, "%s: %s", text, f->err.msg);
    ck_assert_str_eq(f->parsed.profile.format, "folded");
    return f;
}

static void done(parsed_file *f)
{
    if (f->rc == PV_OK)
        pv_parsed_release(&f->parsed);
    free(f);
}

static const pv_func *func(const pv_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_funcs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return &p->funcs[i];
    ck_abort_msg("no function %s", name);
    return NULL;
}

START_TEST(repeated_stacks_merge_however_far_apart)
{
    parsed_file *f = parse_ok("a;b 1\nc 1\na;b;d 4\nc;b 2\na;b 2\n");
    const pv_profile *p = &f->parsed.profile;
    ck_assert_double_eq(func(p, "b")->tt, 5);
    ck_assert_double_eq(func(p, "b")->ct, 9);
    ck_assert_double_eq(func(p, "a")->ct, 7);
    ck_assert_double_eq(p->total_tt, 10);
    /* a, a;b, a;b;d, c, c;b: "a;b" is one node, weighed twice. */
    ck_assert_uint_eq(p->recorded->n_nodes, 5);
    ck_assert_str_eq(p->recorded->recorder, "folded");
    done(f);
}
END_TEST

START_TEST(weights_past_2_to_the_53_stay_exact)
{
    /* As doubles, 9007199254740993 + 1 would be 9007199254740992. */
    parsed_file *f = parse_ok("a 9007199254740993\nb 1\na 1\n");
    const pv_profile *p = &f->parsed.profile;
    ck_assert(func(p, "a")->tt == 9007199254740994.0);
    ck_assert(func(p, "a")->nc == 9007199254740994);
    done(f);
    f = parse_ok("big 18446744073709551615\n");
    p = &f->parsed.profile;
    ck_assert(func(p, "big")->tt == 18446744073709551615.0);
    ck_assert(func(p, "big")->nc == INT64_MAX);
    ck_assert_uint_eq(p->n_warnings, 0);
    done(f);
    /* Past what a double holds: refused, naming the count. */
    char huge[400] = "a 1\nb 1";
    memset(huge + 7, '9', 320);
    strcpy(huge + 327, "\n");
    f = parse(huge, strlen(huge), NULL);
    ck_assert_int_eq(f->rc, PV_E_FORMAT);
    ck_assert_msg(strstr(f->err.msg, "line 2: byte 6: count 1999") && strstr(f->err.msg, "... is too large"),
                  "%s", f->err.msg);
    done(f);
    f = parse_ok("a 18446744073709551616\nb 1\n");
    ck_assert_ptr_nonnull(warning_with(&f->parsed.profile, "line 1"));
    ck_assert_ptr_nonnull(warning_with(&f->parsed.profile, "past 2^64"));
    done(f);
}
END_TEST

START_TEST(zero_and_fractional_counts)
{
    parsed_file *f = parse_ok("a;z 0\na;b 0.5\na;b 1.25\n");
    const pv_profile *p = &f->parsed.profile;
    /* A zero-count stack keeps its function in the table, with nothing. */
    ck_assert_double_eq(func(p, "z")->tt, 0);
    ck_assert_double_eq(func(p, "b")->tt, 1.75);
    /* Calls are the counts rounded up: 1 + 2. */
    ck_assert_int_eq(func(p, "b")->nc, 3);
    ck_assert_uint_eq(p->recorded->n_nodes, 2);  /* a, a;b: a;z weighs nothing */
    done(f);
}
END_TEST

/* austin writes one line per sample, with the µs (wall, cpu) or bytes
 * (memory) it stood for, and says which in its header. */
START_TEST(austin_header_gives_the_unit)
{
    parsed_file *f = parse_ok("# austin: 3.3.0\n# interval: 100\n# mode: wall\n\n"
                              "P1;T1;a;b 105\nP1;T1;a;b 186\nP1;T1;a 7\n");
    const pv_profile *p = &f->parsed.profile;
    ck_assert_str_eq(p->unit, "microseconds");
    ck_assert_str_eq(p->recorded->timer, "microseconds");
    ck_assert_double_eq(func(p, "b")->tt, 291);
    ck_assert_int_eq(func(p, "b")->nc, 2);  /* two samples, not 291 */
    ck_assert_int_eq(func(p, "a")->nc, 3);
    done(f);
    f = parse_ok("# austin: 3.3.0\n# mode: memory\n\nP1;T1;a 4096\n");
    ck_assert_str_eq(f->parsed.profile.unit, "bytes");
    done(f);
    /* a mode line from another writer means nothing */
    f = parse_ok("# mode: wall\na;b 5\n");
    ck_assert_str_eq(f->parsed.profile.unit, "samples");
    ck_assert_int_eq(func(&f->parsed.profile, "b")->nc, 5);
    done(f);
}
END_TEST

START_TEST(crlf_bom_and_utf16_read_as_the_same_text)
{
    static const char plain[] = "a;b 5\n# austin: 3.3.0\n\na;c\xc3\xa9 2\n";
    static const char crlf[] = "\xef\xbb\xbf" "a;b 5\r\n# austin: 3.3.0\r\n\r\na;c\xc3\xa9 2\r";
    /* The same text in UTF-16LE: 'a' ';' 'b' ' ' '5' '\n' ... */
    unsigned char utf16[128];
    size_t n = 0;
    utf16[n++] = 0xFF;
    utf16[n++] = 0xFE;
    for (const char *p = "a;b 5\n# austin: 3.3.0\n\na;c"; *p; p++) {
        utf16[n++] = (unsigned char)*p;
        utf16[n++] = 0;
    }
    utf16[n++] = 0xE9;  /* é */
    utf16[n++] = 0;
    for (const char *p = " 2\n"; *p; p++) {
        utf16[n++] = (unsigned char)*p;
        utf16[n++] = 0;
    }
    const void *texts[] = {plain, crlf, utf16};
    size_t lens[] = {sizeof plain - 1, sizeof crlf - 1, n};
    for (int i = 0; i < 3; i++) {
        parsed_file *f = parse(texts[i], lens[i], NULL);
        ck_assert_msg(f->rc == PV_OK, "text %d: %s", i, f->err.msg);
        const pv_profile *p = &f->parsed.profile;
        ck_assert_double_eq(func(p, "c\xc3\xa9")->tt, 2);
        ck_assert_double_eq(func(p, "a")->ct, 7);
        ck_assert_str_eq(p->writer, "austin");
        ck_assert_str_eq(p->recorded->recorder, "austin 3.3.0");
        done(f);
    }
}
END_TEST

START_TEST(utf16_outside_the_basic_plane_reads_as_utf8)
{
    /* UTF-16BE "\U0001F525;f 3\n": a surrogate pair, then ASCII. */
    static const unsigned char be[] = {0xFE, 0xFF, 0xD8, 0x3D, 0xDD, 0x25, 0x00, ';', 0x00, 'f',
                                       0x00, ' ', 0x00, '3', 0x00, '\n'};
    parsed_file *f = parse(be, sizeof be, NULL);
    ck_assert_msg(f->rc == PV_OK, "%s", f->err.msg);
    ck_assert_double_eq(func(&f->parsed.profile, "\xf0\x9f\x94\xa5")->ct, 3);
    ck_assert_double_eq(func(&f->parsed.profile, "f")->tt, 3);
    done(f);
}
END_TEST

START_TEST(bad_text_is_refused_with_its_line_and_byte)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *msg;
    } cases[] = {
        {"a 1\nb\xff 2\n", 9, "line 2: byte 5: not UTF-8 (0xff)"},
        {"a 1\nb\xed\xa0\x80 2\n", 11, "line 2: byte 5: not UTF-8"},
        {"\xef\xbb\xbf" "a 1\nb\xc3 2\n", 12, "line 2: byte 8: not UTF-8"},
        {"\xff\xfe" "a\x00\x00\xdc", 6, "byte 4: not UTF-16LE text (a lone surrogate)"},
        {"\xfe\xff\x00" "a\x00", 5, "byte 4: not UTF-16BE text (an odd number of bytes)"},
        {"# only comments\n\n# and blanks\n", 30, "line 4: no stack in the file (3 lines: 1 blank, 2 comments)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pv_load_opts opts = {.format = "folded"};
        parsed_file *f = parse(cases[i].bytes, cases[i].len, &opts);
        ck_assert_msg(f->rc == PV_E_FORMAT, "case %zu: %d", i, f->rc);
        ck_assert_msg(strncmp(f->err.msg, cases[i].msg, strlen(cases[i].msg)) == 0,
                      "case %zu: \"%s\"", i, f->err.msg);
        done(f);
    }
    /* A NUL byte is not text: not folded by content, refused when forced. */
    static const char nul[] = "a 1\nb\0c 2\n";
    parsed_file *f = parse(nul, sizeof nul - 1, NULL);
    ck_assert_int_eq(f->rc, PV_E_FORMAT);
    ck_assert_msg(strstr(f->err.msg, "not a profile profviz can read") &&
                      strstr(f->err.msg, "starts with text: \"a 1...\""), "%s", f->err.msg);
    done(f);
    pv_load_opts forced = {.format = "folded"};
    f = parse(nul, sizeof nul - 1, &forced);
    ck_assert_int_eq(f->rc, PV_E_FORMAT);
    ck_assert_str_eq(f->err.msg, "line 2: byte 5: a NUL byte, which text does not hold");
    done(f);
}
END_TEST

START_TEST(lines_that_only_look_differential_are_named)
{
    parsed_file *f = parse_ok("main;a 5\nmain;worker 3 4\nmain;b 2\nmain;c 1\n");
    const pv_profile *p = &f->parsed.profile;
    const char *w = warning_with(p, "two counts");
    ck_assert_msg(w && strstr(w, "1 line of single-count lines") && strstr(w, ": line 2"), "%s",
                  w ? w : "no warning");
    /* Read by the last column, as every tool does. */
    ck_assert_double_eq(func(p, "worker")->tt, 4);
    done(f);
}
END_TEST

START_TEST(ignored_lines_are_counted_and_the_first_ten_named)
{
    char text[2048] = "";
    for (int i = 1; i <= 25; i++)
        strcat(text, i % 2 ? "a;b 1\n" : "junk\n");
    parsed_file *f = parse_ok(text);
    const char *w = warning_with(&f->parsed.profile, "ignored");
    ck_assert_ptr_nonnull(w);
    ck_assert_msg(strstr(w, "12 lines ignored") &&
                      strstr(w, ": lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, ... (12 in all)"),
                  "%s", w);
    done(f);
}
END_TEST

START_TEST(choices_other_formats_have_are_usage_errors)
{
    pv_load_opts opts = {.event = "Ir"};
    parsed_file *f = parse("a;b 1\n", 6, &opts);
    ck_assert_int_eq(f->rc, PV_E_USAGE);
    ck_assert_msg(strstr(f->err.msg, "no event"), "%s", f->err.msg);
    done(f);
}
END_TEST

START_TEST(sniff_claims_stacks_and_leaves_json_and_binary)
{
    static const struct {
        const char *text;
        bool folded;
    } cases[] = {
        {"[unknown];main 3\n", true},
        {"main;work 12\nTHIS IS A BAD LINE\nmain 1\n", true},
        {"# austin: 3.3.0\n# mode: wall\n", true},
        {"{\"shared\": {\"frames\": []}}", false},
        {"[\n  {\"a\": 1}\n]", false},
        {"[1, 2]", false},
        {"just some text\nwith words\nand 1 number\n", false},
        {"\xff\xd8\xff\xe0 JFIF", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(pv_folded_sniff((const unsigned char *)cases[i].text,
                                      strlen(cases[i].text)) == cases[i].folded,
                      "\"%s\"", cases[i].text);
    /* One line longer than the window: a deep stack, not a verdict. */
    size_t n = 10000;
    char *deep = malloc(n + 8);
    for (size_t i = 0; i < n; i += 2)
        memcpy(deep + i, "f;", 2);
    strcpy(deep + n, "f 1\n");
    ck_assert(pv_folded_sniff((const unsigned char *)deep, strlen(deep)));
    free(deep);
}
END_TEST

Suite *pv_folded_suite(void)
{
    Suite *s = suite_create("folded");
    collect();
    if (pv_test_skipped())
        return s;
    TCase *tc = tcase_create("oracle");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, folded_fixtures_match_their_oracles, 0, (int)n_files);
    suite_add_tcase(s, tc);
    if (shared)
        return s;
    tc = tcase_create("rules");
    tcase_add_loop_test(tc, lines_split_into_stack_and_counts_as_the_oracle_does, 0,
                        (int)(sizeof line_cases / sizeof *line_cases));
    tcase_add_test(tc, frames_split_on_every_semicolon_and_keep_empty_ones);
    tcase_add_test(tc, counts_are_exact_to_2_to_the_64);
    tcase_add_test(tc, repeated_stacks_merge_however_far_apart);
    tcase_add_test(tc, weights_past_2_to_the_53_stay_exact);
    tcase_add_test(tc, zero_and_fractional_counts);
    tcase_add_test(tc, austin_header_gives_the_unit);
    tcase_add_test(tc, crlf_bom_and_utf16_read_as_the_same_text);
    tcase_add_test(tc, utf16_outside_the_basic_plane_reads_as_utf8);
    tcase_add_test(tc, bad_text_is_refused_with_its_line_and_byte);
    tcase_add_test(tc, lines_that_only_look_differential_are_named);
    tcase_add_test(tc, ignored_lines_are_counted_and_the_first_ten_named);
    tcase_add_test(tc, choices_other_formats_have_are_usage_errors);
    tcase_add_test(tc, sniff_claims_stacks_and_leaves_json_and_binary);
    suite_add_tcase(s, tc);
    return s;
}
