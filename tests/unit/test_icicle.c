/* test_icicle.c — the layout the SVG and PNG exports draw
 * (export/icicle_layout.c) and what it takes from the page: colours
 * (palette.c), names and packages (names.c), figures (figures.c), labels
 * cut to fit.  Expected colours, hues, shades and names are what the
 * page's own modules (render/palette.js, layout/packages.js,
 * layout/names.js) give for the same input, run once under node.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "figures.h"
#include "icicle_layout.h"
#include "icicle_text.h"
#include "names.h"
#include "palette.h"

Suite *pv_icicle_suite(void);

static pv_icicle lay(int64_t id, const uint32_t *path, size_t path_len, unsigned depth,
                     unsigned width)
{
    pv_export_job job = {.ctx = ctx, .id = id, .name = "x", .path = path,
                         .path_len = path_len, .depth = depth, .width = width};
    pv_icicle ic;
    pv_err err;
    int rc = pv_icicle_layout(&job, &ic, &err);
    ck_assert_msg(rc == PV_OK, "%s", err.msg);
    return ic;
}

/* Every legend key, swatch and label, lies within the image. */
static void check_keys(const pv_icicle *ic)
{
    for (size_t k = 0; k < ic->n_keys; k++) {
        const pv_icicle_key *key = &ic->keys[k];
        ck_assert_double_le(key->x + PV_ICICLE_SWATCH_PX + 4 +
                                pv_icicle_chars(key->label) * PV_ICICLE_CHAR_PX,
                            ic->width);
        ck_assert_double_le(key->y + PV_ICICLE_SWATCH_PX, ic->height);
    }
}

/* Every box lies under one of the row above (its parent), inside it. */
static void check_nesting(const pv_icicle *ic)
{
    for (size_t i = 0; i < ic->n_boxes; i++) {
        const pv_icicle_box *b = &ic->boxes[i];
        ck_assert_double_ge(b->x, 0);
        ck_assert_double_le(b->x + b->w, ic->width + 1e-6);
        ck_assert_double_eq(b->y, PV_ICICLE_HEADER_PX + b->row * PV_ICICLE_ROW_PX);
        if (i > 0 && ic->boxes[i - 1].row == b->row)
            ck_assert_double_ge(b->x, ic->boxes[i - 1].x + ic->boxes[i - 1].w - 1e-6);
        if (b->row == 0)
            continue;
        int inside = 0;
        for (size_t k = 0; k < ic->n_boxes && !inside; k++) {
            const pv_icicle_box *p = &ic->boxes[k];
            inside = p->row + 1 == b->row && b->x >= p->x - 1e-6 &&
                     b->x + b->w <= p->x + p->w + 1 + 1e-6;
        }
        ck_assert_msg(inside, "box %zu (%s) is under no box of the row above", i, b->title);
    }
}

START_TEST(whole_profile_fills_the_width_and_rows_nest)
{
    int64_t id = load("real_pydoc.prof");
    pv_icicle ic = lay(id, NULL, 0, 0, 0);
    ck_assert_uint_eq(ic.width, PV_ICICLE_WIDTH);
    ck_assert_uint_gt(ic.n_boxes, 20);
    /* The root "(all)" across the whole width, less the gap. */
    ck_assert_uint_eq(ic.boxes[0].row, 0);
    ck_assert_double_eq(ic.boxes[0].x, 0);
    ck_assert_double_eq(ic.boxes[0].w, PV_ICICLE_WIDTH - 1);
    ck_assert(strncmp(ic.boxes[0].title, "(all)\n", 6) == 0);
    ck_assert(strncmp(ic.boxes[0].label, "(all) ", 6) == 0);
    /* The default depth is the page's: 10 levels below the root. */
    unsigned rows = 0;
    for (size_t i = 0; i < ic.n_boxes; i++)
        rows = ic.boxes[i].row > rows ? ic.boxes[i].row : rows;
    ck_assert_uint_eq(rows, PV_ICICLE_DEPTH);
    check_nesting(&ic);
    /* Row 1 holds all of the root's time: its boxes and gaps add up to
     * the width but for the culled slivers. */
    double sum = 0;
    for (size_t i = 0; i < ic.n_boxes; i++)
        if (ic.boxes[i].row == 1)
            sum += ic.boxes[i].w + (ic.boxes[i].w > 1 ? 1 : 0);
    ck_assert_double_le(sum, PV_ICICLE_WIDTH + 1e-6);
    ck_assert_double_ge(sum, PV_ICICLE_WIDTH * 0.98);
    ck_assert_uint_gt(ic.n_keys, 1);
    ck_assert_uint_gt(ic.height, PV_ICICLE_HEADER_PX + (rows + 1) * PV_ICICLE_ROW_PX);
    ck_assert(strstr(ic.header, "total") && strstr(ic.header, "unit: seconds"));
    pv_icicle_release(&ic);
}
END_TEST

START_TEST(depth_and_width_are_the_jobs)
{
    int64_t id = load("real_pydoc.prof");
    pv_icicle ic = lay(id, NULL, 0, 3, 500);
    ck_assert_uint_eq(ic.width, 500);
    for (size_t i = 0; i < ic.n_boxes; i++) {
        ck_assert_uint_le(ic.boxes[i].row, 3);
        ck_assert_double_le(ic.boxes[i].x + ic.boxes[i].w, 500);
    }
    ck_assert_uint_eq(ic.boxes[ic.n_boxes - 1].row, 3);
    check_nesting(&ic);
    check_keys(&ic);
    pv_icicle_release(&ic);
    /* The narrowest image --width allows keeps its legend inside. */
    ic = lay(id, NULL, 0, 0, 100);
    check_keys(&ic);
    pv_icicle_release(&ic);
}
END_TEST

START_TEST(cutoff_merges_small_children)
{
    int64_t id = load("wide.prof");
    pv_icicle ic = lay(id, NULL, 0, 0, 0);
    int merged = 0;
    for (size_t i = 0; i < ic.n_boxes; i++)
        merged |= strstr(ic.boxes[i].title, " smaller)\n") != NULL;
    ck_assert_msg(merged, "no \"(N smaller)\" box under the page's cutoff");
    check_nesting(&ic);
    pv_icicle_release(&ic);
}
END_TEST

START_TEST(thin_boxes_become_bands)
{
    int64_t id = load("real_pydoc.prof");
    pv_icicle ic = lay(id, NULL, 0, 0, 200);
    size_t bands = 0;
    for (size_t i = 0; i < ic.n_boxes; i++) {
        const pv_icicle_box *b = &ic.boxes[i];
        if (!strstr(b->title, " boxes, each too thin to draw\n"))
            continue;
        bands++;
        pv_rgb grey = pv_neutral();
        ck_assert(b->fill.r == grey.r && b->fill.g == grey.g && b->fill.b == grey.b);
        ck_assert_str_eq(b->label, "");
        ck_assert_int_ge(atoi(b->title), 2);
    }
    ck_assert_uint_gt(bands, 0);
    /* Bands stand in for their boxes: each row still covers its parents. */
    check_nesting(&ic);
    double sum = 0;
    for (size_t i = 0; i < ic.n_boxes; i++)
        if (ic.boxes[i].row == 1)
            sum += ic.boxes[i].w + (ic.boxes[i].w > 2 ? 1 : 0);
    ck_assert_double_ge(sum, 200 * 0.99);
    pv_icicle_release(&ic);
}
END_TEST

START_TEST(a_path_roots_the_view_and_the_header_names_it)
{
    int64_t id = load("real_pydoc.prof");
    pv_icicle whole = lay(id, NULL, 0, 1, 0);
    pv_icicle_release(&whole);
    /* The first top-level function, found through the API's tree. */
    reply *r = get_ok("/api/profiles/1/tree?depth=1", 200);
    const cJSON *kid = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "root"),
                                                              "children"), 0);
    uint32_t path[1] = {(uint32_t)num(kid, "id")};
    pv_icicle ic = lay(id, path, 1, 2, 0);
    ck_assert_double_eq(ic.boxes[0].w, PV_ICICLE_WIDTH - 1);
    ck_assert(strncmp(ic.boxes[0].title, str(kid, "name"), strlen(str(kid, "name"))) == 0);
    ck_assert_msg(strstr(ic.header, "view: (all) > ") != NULL, "%s", ic.header);
    pv_icicle_release(&ic);
    reply_free(r);

    uint32_t bad[1] = {999999};
    pv_export_job job = {.ctx = ctx, .id = id, .name = "x", .path = bad, .path_len = 1};
    pv_err err;
    ck_assert_int_eq(pv_icicle_layout(&job, &ic, &err), PV_E_NOTFOUND);
    ck_assert_msg(strncmp(err.msg, "--path: ", 8) == 0, "%s", err.msg);
}
END_TEST

START_TEST(labels_are_cut_with_an_ellipsis)
{
    char *s = pv_icicle_fit("build_report", 20);
    ck_assert_str_eq(s, "build_report");
    free(s);
    s = pv_icicle_fit("build_report", 6);
    ck_assert_str_eq(s, "build\xe2\x80\xa6");
    free(s);
    /* Fewer than 3 characters of the name would be left: nothing. */
    s = pv_icicle_fit("build_report", 3);
    ck_assert_str_eq(s, "");
    free(s);
    /* Characters, not bytes: "é" is one cell. */
    s = pv_icicle_fit("\xc3\xa9t\xc3\xa9_long_name", 5);
    ck_assert_str_eq(s, "\xc3\xa9t\xc3\xa9_\xe2\x80\xa6");
    free(s);
    ck_assert_uint_eq(pv_icicle_chars("\xc3\xa9t\xc3\xa9"), 3);

    /* Every label of a real chart fits its box. */
    int64_t id = load("real_pydoc.prof");
    pv_icicle ic = lay(id, NULL, 0, 0, 700);
    int cut = 0;
    for (size_t i = 0; i < ic.n_boxes; i++) {
        const pv_icicle_box *b = &ic.boxes[i];
        if (!*b->label)
            continue;
        ck_assert_double_le(pv_icicle_chars(b->label) * PV_ICICLE_CHAR_PX,
                            b->w - 2 * PV_ICICLE_LABEL_PAD);
        cut |= strstr(b->label, "\xe2\x80\xa6") != NULL;
    }
    ck_assert(cut);
    pv_icicle_release(&ic);

    /* Names that start alike keep their ends, from a word on, as the
     * page's labels do: "…unlocked", never "…d_unlocked". */
    ic = lay(id, NULL, 0, 0, 0);
    int ends = 0;
    for (size_t i = 0; i < ic.n_boxes; i++) {
        const char *l = ic.boxes[i].label;
        if (strncmp(l, "\xe2\x80\xa6", 3) != 0)
            continue;
        ends++;
        ck_assert_msg(l[3] != '_' || strlen(l + 4) < 3, "%s", l);
    }
    ck_assert_int_gt(ends, 0);
    pv_icicle_release(&ic);
}
END_TEST

START_TEST(estimates_are_marked)
{
    int64_t id = load("real_pydoc.prof");
    pv_icicle ic = lay(id, NULL, 0, 0, 3000);
    size_t hatched = 0;
    for (size_t i = 0; i < ic.n_boxes; i++) {
        const pv_icicle_box *b = &ic.boxes[i];
        ck_assert_int_eq(b->estimated, strstr(b->title, "(estimated)") != NULL);
        hatched += b->estimated;
        /* A figure shown for an estimate says so. */
        if (b->estimated && strchr(b->label, ' ') && strstr(b->label, " ms"))
            ck_assert_msg(strstr(b->label, "\xe2\x89\x88 ") != NULL, "%s", b->label);
    }
    ck_assert_uint_gt(hatched, 0);
    ck_assert(ic.any_estimated);
    ck_assert(ic.keys[ic.n_keys - 1].hatched);
    /* The share of exact time, rounded down as the page's legend. */
    const char *share = strstr(ic.keys[ic.n_keys - 1].label, "exact: ");
    ck_assert_ptr_nonnull(share);
    int pct = atoi(share + 7);
    ck_assert_int_gt(pct, 0);
    ck_assert_int_lt(pct, 100);
    ck_assert_ptr_nonnull(strstr(share, "% of the time drawn"));
    pv_icicle_release(&ic);
}
END_TEST

static void hex(pv_rgb c, char *out)
{
    snprintf(out, 8, "#%02x%02x%02x", c.r, c.g, c.b);
}

START_TEST(colours_are_the_pages)
{
    static const char *const light[PV_PALETTE_SIZE] = {
        "#ffbab3", "#fac092", "#e0ce89", "#c0d998", "#a4dfaf", "#85e1d5",
        "#85ddf3", "#a8d2ff", "#c3c9ff", "#e0befa", "#f9b6db"};
    char got[8];
    for (int k = 0; k < PV_PALETTE_SIZE; k++) {
        hex(pv_palette_fill(k, 0), got);
        ck_assert_str_eq(got, light[k]);
    }
    hex(pv_neutral(), got);
    ck_assert_str_eq(got, "#cecece");
    hex(pv_palette_fill(3, 4), got);
    ck_assert_str_eq(got, "#c3e28b");
    hex(pv_palette_fill(-1, 1), got);
    ck_assert_str_eq(got, "#bebebe");
    const char *pkgs[] = {"/usr/lib/python3.11/json", "builtins", "importlib", "/x/\xc3\xa9"};
    int hue[4];
    pv_assign_hues(pkgs, 4, hue);
    ck_assert_int_eq(hue[0], 10);
    ck_assert_int_eq(hue[1], 7);
    ck_assert_int_eq(hue[2], 1);
    ck_assert_int_eq(hue[3], 5);
    ck_assert_uint_eq(pv_shade_index("/usr/lib/python3.11/json/decoder.py", 42, "decode"), 1);
    ck_assert_uint_eq(pv_shade_index("~", 0, "<built-in method builtins.exec>"), 2);
}
END_TEST

START_TEST(names_and_packages_are_the_pages)
{
    static const char *const cases[][4] = {
        {"~", "<built-in method math.sin>", "math.sin", "math"},
        {"~", "<method 'append' of 'list' objects>", "list.append", "builtins"},
        {"~", "<built-in method __new__ of type object at 0x7f00>", "type.__new__", "builtins"},
        {"~", "<built-in method builtins.exec>", "exec", "builtins"},
        {"/x/pkg/__init__.py", "<module>", "pkg <module>", "/x/pkg"},
        {"/x/compileall.py", "<module>", "compileall <module>", "/x"},
        {"<frozen importlib._bootstrap>", "_find_and_load", "_find_and_load", "importlib"},
        {"", "work (app/jobs.py:12)", "work", "app"},
        {"", "<frozen importlib._bootstrap>:_find_and_load:1007", "_find_and_load", "importlib"},
        {"", "tcp_sendmsg_[k]", "tcp_sendmsg_[k]", "[kernel]"},
        {"", "main", "main", ""},
    };
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pv_short_name(cases[i][0], cases[i][1], got, sizeof got);
        ck_assert_str_eq(got, cases[i][2]);
        pv_package_of(cases[i][0], cases[i][1], got, sizeof got);
        ck_assert_str_eq(got, cases[i][3]);
    }
}
END_TEST

START_TEST(figures_read_as_the_page_writes_them)
{
    static const struct { double v; const char *unit, *want; } cases[] = {
        {0.526, "seconds", "526 ms"}, {0.08, "seconds", "80.0 ms"}, {1.17, "seconds", "1.17 s"},
        {0.0009996, "seconds", "1.00 ms"}, {0, "seconds", "0 s"}, {1234.4, "seconds", "1234 s"},
        {16.4, "microseconds", "16.4 \xc2\xb5s"}, {1234567, "samples", "1,234,567 samples"},
        {1331.2, "bytes", "1.3 KiB"}, {5000000, "Ir", "5,000,000 Ir"}, {NAN, "seconds", "nan"},
    };
    ck_assert_str_eq(pv_unit_noun("microseconds"), "time");
    ck_assert_str_eq(pv_unit_noun("samples"), "samples");
    ck_assert_str_eq(pv_unit_noun("Ir"), "Ir");
    ck_assert_str_eq(pv_unit_noun("none"), "weight");
    char got[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pv_format_with_unit(cases[i].v, cases[i].unit, got, sizeof got);
        ck_assert_str_eq(got, cases[i].want);
    }
}
END_TEST

Suite *pv_icicle_suite(void)
{
    Suite *s = suite_create("icicle");
    TCase *tc = tcase_create("layout");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, whole_profile_fills_the_width_and_rows_nest);
    tcase_add_test(tc, depth_and_width_are_the_jobs);
    tcase_add_test(tc, cutoff_merges_small_children);
    tcase_add_test(tc, thin_boxes_become_bands);
    tcase_add_test(tc, a_path_roots_the_view_and_the_header_names_it);
    tcase_add_test(tc, labels_are_cut_with_an_ellipsis);
    tcase_add_test(tc, estimates_are_marked);
    tcase_add_test(tc, colours_are_the_pages);
    tcase_add_test(tc, names_and_packages_are_the_pages);
    tcase_add_test(tc, figures_read_as_the_page_writes_them);
    suite_add_tcase(s, tc);
    return s;
}
