/* raster.h — a small RGB canvas for the PNG export: filled rectangles,
 * 1-px frames, the hatching of estimates and text in the bitmap font of
 * raster_font.c (PV_ICICLE_CHAR_PX wide cells, PV_ICICLE_TEXT_PX high).
 * Everything is clipped to the canvas; coordinates are whole pixels.
 * Ownership: pv_raster_new mallocs the pixels; pv_raster_free frees them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_RASTER_H
#define PV_RASTER_H

#include <stdint.h>

#include "palette.h"

typedef struct pv_raster {
    int w, h;
    uint8_t *rgb;   /* w * h pixels, 3 bytes each, rows top to bottom */
} pv_raster;

void pv_raster_new(pv_raster *r, int w, int h, pv_rgb background);
void pv_raster_free(pv_raster *r);

/* The rectangle [x0, x1) x [y0, y1) in c. */
void pv_raster_fill(pv_raster *r, int x0, int y0, int x1, int y1, pv_rgb c);

/* Its outline, one pixel wide, inside it. */
void pv_raster_frame(pv_raster *r, int x0, int y0, int x1, int y1, pv_rgb c);

/* Diagonal stripes over it, black at PV_HATCH_ALPHA, 6 px apart as the
 * page's hatching tile (render/boxes.js's HATCH). */
void pv_raster_hatch(pv_raster *r, int x0, int y0, int x1, int y1);

/* UTF-8 text with its cells' top left at (x, y), in c, no further right
 * than x_end; a character the font lacks is drawn as a hollow box. */
void pv_raster_text(pv_raster *r, int x, int y, int x_end, const char *s, pv_rgb c);

/* The font (raster_font.c): the 5 columns of code point cp's glyph, bit 0
 * the top row of 8; the replacement box for one it does not have. */
const uint8_t *pv_font_glyph(uint32_t cp);

#endif
