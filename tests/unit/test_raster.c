/* test_raster.c — the PNG export's canvas (export/raster.c), its bitmap
 * font (raster_font.c) and its encoder (png_encode.c): shapes land on the
 * pixels they say, text draws the font's glyphs (and the replacement box
 * for what the font lacks), and an encoded image inflates with zlib back
 * to its pixels, each chunk's CRC right.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "icicle_layout.h"
#include "png_encode.h"
#include "raster.h"

Suite *pv_raster_suite(void);

static const pv_rgb white = {255, 255, 255}, red = {200, 10, 20}, ink = {0x1b, 0x1b, 0x1b};

static pv_rgb at(const pv_raster *r, int x, int y)
{
    const uint8_t *p = r->rgb + 3 * ((size_t)y * (size_t)r->w + (size_t)x);
    return (pv_rgb){p[0], p[1], p[2]};
}

static int same(pv_rgb a, pv_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

START_TEST(fill_frame_and_hatch_stay_in_their_rectangles)
{
    pv_raster r;
    pv_raster_new(&r, 40, 30, white);
    pv_raster_fill(&r, 5, 5, 15, 10, red);
    ck_assert(same(at(&r, 5, 5), red) && same(at(&r, 14, 9), red));
    ck_assert(same(at(&r, 15, 9), white) && same(at(&r, 14, 10), white) && same(at(&r, 4, 5), white));
    /* Clipped, not written past the edges. */
    pv_raster_fill(&r, -10, 25, 100, 100, red);
    ck_assert(same(at(&r, 0, 29), red) && same(at(&r, 39, 25), red) && same(at(&r, 39, 24), white));
    pv_raster_frame(&r, 20, 2, 30, 12, ink);
    ck_assert(same(at(&r, 20, 2), ink) && same(at(&r, 29, 11), ink) && same(at(&r, 25, 2), ink));
    ck_assert(same(at(&r, 25, 6), white));
    /* Stripes every 6 px along x + y, 16 % darker, nowhere else. */
    pv_raster_hatch(&r, 0, 12, 12, 18);
    int dark = 0;
    for (int y = 12; y < 18; y++)
        for (int x = 0; x < 12; x++) {
            pv_rgb p = at(&r, x, y);
            if ((x + y + 1) % 6 == 0) {
                ck_assert_int_eq(p.r, 214);
                dark++;
            } else {
                ck_assert(same(p, white));
            }
        }
    ck_assert_int_eq(dark, 12);
    pv_raster_free(&r);
}
END_TEST

/* The pixels of the 6-wide cell at x0 as 5 column bytes, as the font stores them. */
static void read_cell(const pv_raster *r, int x0, int y0, uint8_t cols[5])
{
    for (int c = 0; c < 5; c++) {
        cols[c] = 0;
        for (int row = 0; row < 8; row++)
            if (same(at(r, x0 + c, y0 + 1 + row), ink))
                cols[c] |= (uint8_t)(1u << row);
    }
}

START_TEST(text_draws_the_fonts_glyphs)
{
    pv_raster r;
    pv_raster_new(&r, 60, 12, white);
    /* "A", "é" (not in the font: the replacement box), "…", a stray byte. */
    pv_raster_text(&r, 0, 0, 60, "A\xc3\xa9\xe2\x80\xa6\xff", ink);
    uint8_t cols[5];
    read_cell(&r, 0, 0, cols);
    ck_assert_mem_eq(cols, pv_font_glyph('A'), 5);
    ck_assert_mem_ne(cols, pv_font_glyph(0xFFFD), 5);
    read_cell(&r, 6, 0, cols);
    ck_assert_mem_eq(cols, pv_font_glyph(0xFFFD), 5);
    read_cell(&r, 12, 0, cols);
    ck_assert_mem_eq(cols, pv_font_glyph(0x2026), 5);
    read_cell(&r, 18, 0, cols);
    ck_assert_mem_eq(cols, pv_font_glyph(0xFFFD), 5);
    /* Every printable ASCII character has a glyph of its own, and all but
     * the space draw something. */
    for (uint32_t c = 0x21; c < 0x7F; c++) {
        const uint8_t *g = pv_font_glyph(c);
        ck_assert(g != pv_font_glyph(0xFFFD));
        ck_assert(g[0] | g[1] | g[2] | g[3] | g[4]);
    }
    /* Text stops at x_end rather than drawing half a character. */
    pv_raster_free(&r);
    pv_raster_new(&r, 60, 12, white);
    pv_raster_text(&r, 0, 0, 10, "MM", ink);
    for (int y = 0; y < 12; y++)
        for (int x = 6; x < 60; x++)
            ck_assert(same(at(&r, x, y), white));
    pv_raster_free(&r);
}
END_TEST

START_TEST(png_inflates_back_to_its_pixels)
{
    enum { W = 70, H = 9 };
    uint8_t rgb[W * H * 3];
    for (size_t i = 0; i < sizeof rgb; i++)
        rgb[i] = (uint8_t)(i * 7 + i / 13);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pv_err err;
    ck_assert_int_eq(pv_png_write(f, rgb, W, H, &err), PV_OK);
    fclose(f);
    const uint8_t *p = (const uint8_t *)buf;
    ck_assert_mem_eq(p, "\x89PNG\r\n\x1a\n", 8);
    size_t pos = 8;
    uint8_t *z = malloc(len);
    size_t zlen = 0;
    int chunks = 0, ended = 0;
    while (pos + 12 <= len) {
        uint32_t n = (uint32_t)p[pos] << 24 | (uint32_t)p[pos + 1] << 16 |
                     (uint32_t)p[pos + 2] << 8 | p[pos + 3];
        const uint8_t *type = p + pos + 4, *crc = p + pos + 8 + n;
        uint32_t want = (uint32_t)crc[0] << 24 | (uint32_t)crc[1] << 16 |
                        (uint32_t)crc[2] << 8 | crc[3];
        ck_assert_uint_eq(crc32(0, type, 4 + n), want);
        if (chunks == 0) {
            ck_assert_mem_eq(type, "IHDR", 4);
            ck_assert_mem_eq(type + 4, "\0\0\0\x46\0\0\0\x09\x08\x02\0\0\0", 13);
        }
        if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zlen, type + 4, n);
            zlen += n;
        }
        ended = memcmp(type, "IEND", 4) == 0;
        chunks++;
        pos += 12 + n;
    }
    ck_assert(ended);
    ck_assert_uint_eq(pos, len);
    uLongf raw_len = H * (W * 3 + 1);
    uint8_t *raw = malloc(raw_len);
    ck_assert_int_eq(uncompress(raw, &raw_len, z, zlen), Z_OK);
    ck_assert_uint_eq(raw_len, H * (W * 3 + 1));
    /* Undo each row's filter ("Sub": each byte plus the one 3 before). */
    for (int y = 0; y < H; y++) {
        uint8_t *row = raw + y * (W * 3 + 1);
        ck_assert_uint_eq(row[0], 1);
        for (int i = 3; i < W * 3; i++)
            row[1 + i] = (uint8_t)(row[1 + i] + row[1 + i - 3]);
        ck_assert_mem_eq(row + 1, rgb + y * W * 3, W * 3);
    }
    free(raw);
    free(z);
    free(buf);
}
END_TEST

Suite *pv_raster_suite(void)
{
    Suite *s = suite_create("raster");
    TCase *tc = tcase_create("raster");
    tcase_add_test(tc, fill_frame_and_hatch_stay_in_their_rectangles);
    tcase_add_test(tc, text_draws_the_fonts_glyphs);
    tcase_add_test(tc, png_inflates_back_to_its_pixels);
    suite_add_tcase(s, tc);
    return s;
}
