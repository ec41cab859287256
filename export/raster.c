/* raster.c — the PNG export's canvas (raster.h).
 * SPDX-License-Identifier: MIT
 */
#include "raster.h"

#include <stdlib.h>
#include <string.h>

#include "icicle_layout.h"
#include "utf8.h"
#include "xalloc.h"

void pv_raster_new(pv_raster *r, int w, int h, pv_rgb background)
{
    r->w = w;
    r->h = h;
    r->rgb = pv_xmalloc((size_t)w * (size_t)h * 3);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        r->rgb[3 * i] = background.r;
        r->rgb[3 * i + 1] = background.g;
        r->rgb[3 * i + 2] = background.b;
    }
}

void pv_raster_free(pv_raster *r)
{
    free(r->rgb);
    r->rgb = NULL;
}

static void clip(const pv_raster *r, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = *x0 < 0 ? 0 : *x0;
    *y0 = *y0 < 0 ? 0 : *y0;
    *x1 = *x1 > r->w ? r->w : *x1;
    *y1 = *y1 > r->h ? r->h : *y1;
}

static void set(pv_raster *r, int x, int y, pv_rgb c)
{
    if (x < 0 || y < 0 || x >= r->w || y >= r->h)
        return;
    uint8_t *p = r->rgb + 3 * ((size_t)y * (size_t)r->w + (size_t)x);
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

void pv_raster_fill(pv_raster *r, int x0, int y0, int x1, int y1, pv_rgb c)
{
    clip(r, &x0, &y0, &x1, &y1);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            set(r, x, y, c);
}

void pv_raster_frame(pv_raster *r, int x0, int y0, int x1, int y1, pv_rgb c)
{
    pv_raster_fill(r, x0, y0, x1, y0 + 1, c);
    pv_raster_fill(r, x0, y1 - 1, x1, y1, c);
    pv_raster_fill(r, x0, y0, x0 + 1, y1, c);
    pv_raster_fill(r, x1 - 1, y0, x1, y1, c);
}

void pv_raster_hatch(pv_raster *r, int x0, int y0, int x1, int y1)
{
    clip(r, &x0, &y0, &x1, &y1);
    /* The tile's stripe runs from (0, 6) to (6, 0), 1.5 px wide: the
     * pixels whose centres lie on x + y + 1 = 0 mod 6 in canvas
     * coordinates, so neighbouring boxes' stripes join up as the page's. */
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            if ((x + y + 1) % 6 != 0)
                continue;
            uint8_t *p = r->rgb + 3 * ((size_t)y * (size_t)r->w + (size_t)x);
            for (int k = 0; k < 3; k++)
                p[k] = (uint8_t)(p[k] * (1 - PV_HATCH_ALPHA) + 0.5);
        }
}

void pv_raster_text(pv_raster *r, int x, int y, int x_end, const char *s, pv_rgb c)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    while (len > 0 && x + PV_ICICLE_CHAR_PX - 1 <= x_end) {
        uint32_t cp;
        size_t n = pv_utf8_decode(p, len, &cp);
        if (n == 0) {
            /* A surrogate or stray byte: one replacement for the sequence. */
            n = pv_wtf8_decode(p, len, &cp);
            n = n ? n : 1;
            cp = 0xFFFD;
        }
        const uint8_t *g = pv_font_glyph(cp);
        for (int col = 0; col < 5; col++)
            for (int row = 0; row < 8; row++)
                if (g[col] >> row & 1)
                    set(r, x + col, y + 1 + row, c);
        x += PV_ICICLE_CHAR_PX;
        p += n;
        len -= n;
    }
}
