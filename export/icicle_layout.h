/* icicle_layout.h — the icicle chart of a view as boxes in pixels, the
 * one layout the SVG (svg.c) and PNG (png.c) exporters both draw.
 *
 * It looks like the page's icicle (web/js/render/icicle-paint.js): the
 * view root on top across the whole width, each child under its parent
 * from the parent's left edge, as wide as its share of the root's time
 * (children whose figures add up to more than their parent are scaled
 * down together), boxes under a pixel merged into grey bands of their
 * neighbours, a pixel of background between neighbours, the page's
 * colours (palette.h: a hue per package, a shade per function),
 * estimates hatched and their figures marked "≈", and labels cut to the
 * box with an ellipsis.  Text is measured in cells of PV_ICICLE_CHAR_PX:
 * the PNG's bitmap font and the SVG's 10 px monospace font both advance
 * that much per character, so a label fits in both.
 *
 *   header   name · total · unit · view path        (PV_ICICLE_HEADER_PX)
 *   row 0    the view root                          (PV_ICICLE_ROW_PX each)
 *   row 1..  depth levels below it
 *   legend   a swatch and a name per package; "estimated" when any is
 *
 * icicle_colours.h colours the boxes and lists the packages,
 * icicle_text.h words and cuts the labels; this file places everything.
 * Ownership: pv_icicle_layout fills a caller-provided pv_icicle whose
 * arrays and strings are malloc'd; pv_icicle_release frees them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ICICLE_LAYOUT_H
#define PV_ICICLE_LAYOUT_H

#include <math.h>
#include <stddef.h>

#include "export.h"
#include "palette.h"

#define PV_ICICLE_WIDTH 1200     /* default width, px */
#define PV_ICICLE_DEPTH 10       /* default levels below the view root: the page's */
#define PV_ICICLE_CUTOFF 0.001   /* boxes under this share of the root merge: the page's */
#define PV_ICICLE_CHAR_PX 6      /* advance of one character */
#define PV_ICICLE_TEXT_PX 10     /* height of a line of text */
#define PV_ICICLE_ROW_PX 16      /* one level of the chart */
#define PV_ICICLE_HEADER_PX 22   /* the header line and the air under it */
#define PV_ICICLE_PAD 4          /* left margin of the header and legend */
#define PV_ICICLE_LABEL_PAD 3    /* between a label and its box's edges (boxes.js) */
#define PV_ICICLE_THIN_PX 1      /* a box thinner than this is culled, with what is under it,
                                    into a band of its thin neighbours (layout/icicle.js) */
#define PV_ICICLE_MIN_PX 0.5     /* a band thinner than this is not drawn (boxes.js's MIN_PX) */
#define PV_ICICLE_SWATCH_PX 10   /* a legend swatch */

typedef struct pv_icicle_box {
    double x, y, w, h;      /* the rectangle drawn, px, the gap to its neighbours taken off */
    unsigned row;           /* levels below the view root */
    pv_rgb fill;
    unsigned char estimated;/* hatched: the box's time is an estimate */
    char *label;            /* fitted to the box ("" when nothing fits); UTF-8 */
    char *title;            /* name, file:line and time: the hover text; UTF-8 */
} pv_icicle_box;

typedef struct pv_icicle_key {
    double x, y;            /* the swatch's top left, px; its label follows it */
    pv_rgb fill;
    unsigned char hatched;  /* the "estimated" key */
    char *label;            /* UTF-8 */
} pv_icicle_key;

typedef struct pv_icicle {
    unsigned width, height; /* the image, px */
    char *header;           /* fitted to the width; drawn at (PV_ICICLE_PAD, PV_ICICLE_PAD) */
    pv_icicle_box *boxes;   /* by row, left to right within a row */
    size_t n_boxes;
    pv_icicle_key *keys;    /* the legend, in order */
    size_t n_keys;
    unsigned any_estimated; /* some box drawn is hatched */
} pv_icicle;

/* Lays out the view the job asks for (path, depth, width; 0 for the
 * defaults above).  PV_OK, or PV_E_NOTFOUND when the path is not in the
 * profile (a message naming the step), or the store's error. */
int pv_icicle_layout(const pv_export_job *job, pv_icicle *out, pv_err *err);

void pv_icicle_release(pv_icicle *ic);

/* A time that takes up width: NaN, negative and infinite times (damaged
 * profiles) take none. */
static inline double pv_finite_time(double t)
{
    return t > 0 && t < INFINITY ? t : 0;
}

#endif
