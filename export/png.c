/* png.c — the icicle chart as a PNG image: the layout of
 * icicle_layout.h (the SVG's too) drawn on a raster (raster.h) and
 * encoded by png_encode.h.  Boxes are snapped to whole pixels: each edge
 * rounds to the nearest one, so neighbours meet with the same one-pixel
 * gap the page draws.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "export.h"
#include "icicle_layout.h"
#include "png_encode.h"
#include "raster.h"

int pv_export_png(const pv_export_job *job, FILE *out, pv_err *err)
{
    pv_icicle ic;
    int rc = pv_icicle_layout(job, &ic, err);
    if (rc != PV_OK)
        return rc;
    pv_raster r;
    pv_raster_new(&r, (int)ic.width, (int)ic.height, PV_RGB_BACKGROUND);
    pv_raster_text(&r, PV_ICICLE_PAD, PV_ICICLE_PAD + 2, (int)ic.width, ic.header, PV_RGB_TEXT);
    for (size_t i = 0; i < ic.n_boxes; i++) {
        const pv_icicle_box *b = &ic.boxes[i];
        int x0 = (int)lround(b->x), x1 = (int)lround(b->x + b->w);
        int y0 = (int)lround(b->y), y1 = (int)lround(b->y + b->h);
        if (x1 == x0)
            x1 = x0 + 1;  /* a box of half a pixel or more shows as one */
        pv_raster_fill(&r, x0, y0, x1, y1, b->fill);
        if (b->estimated)
            pv_raster_hatch(&r, x0, y0, x1, y1);
        int text_y = y0 + (y1 - y0 - PV_ICICLE_TEXT_PX) / 2;
        pv_raster_text(&r, x0 + PV_ICICLE_LABEL_PAD, text_y, x1 - PV_ICICLE_LABEL_PAD, b->label,
                       PV_RGB_TEXT);
    }
    for (size_t k = 0; k < ic.n_keys; k++) {
        const pv_icicle_key *key = &ic.keys[k];
        int x0 = (int)lround(key->x), y0 = (int)lround(key->y);
        int x1 = x0 + PV_ICICLE_SWATCH_PX, y1 = y0 + PV_ICICLE_SWATCH_PX;
        pv_raster_fill(&r, x0, y0, x1, y1, key->fill);
        if (key->hatched) {
            pv_raster_hatch(&r, x0, y0, x1, y1);
            pv_raster_frame(&r, x0, y0, x1, y1, PV_RGB_TEXT);
        }
        pv_raster_text(&r, x1 + 4, y0 + (PV_ICICLE_SWATCH_PX - PV_ICICLE_TEXT_PX) / 2,
                       (int)ic.width, key->label, PV_RGB_TEXT);
    }
    rc = pv_png_write(out, r.rgb, ic.width, ic.height, err);
    pv_raster_free(&r);
    pv_icicle_release(&ic);
    return rc;
}
