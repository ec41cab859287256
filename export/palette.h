/* palette.h — the colours of the page's icicle (web/js/render/palette.js
 * and layout/packages.js), in C for the images `profviz export` writes:
 * a hue per package of the view, a shade per function, the neutral grey
 * of synthetic boxes, all in the page's light theme.
 *
 * The same rules as the page so that an exported chart looks like the one
 * on screen: OKLCH colours of one lightness (so every fill keeps its
 * contrast under the dark text), packages ranked by the area they take,
 * each taking the free hue nearest the one its name hashes to.  The
 * hashes run over UTF-16 code units as JavaScript's strings do, so a
 * package gets the same hue in both.
 * Ownership: strings written into caller buffers; no allocation here
 * except pv_hues' map (pv_hues_release).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PALETTE_H
#define PV_PALETTE_H

#include <stddef.h>
#include <stdint.h>

#define PV_PALETTE_SIZE 11  /* hues: red, orange, ..., pink (palette.js's HUES) */
#define PV_SHADE_COUNT 5    /* shades of each hue (palette.js's SHADES) */

typedef struct pv_rgb {
    uint8_t r, g, b;
} pv_rgb;

/* The page's light theme. */
#define PV_RGB_BACKGROUND ((pv_rgb){0xff, 0xff, 0xff})
#define PV_RGB_TEXT ((pv_rgb){0x1b, 0x1b, 0x1b})
/* Stripes over an estimate: black at this opacity over the fill. */
#define PV_HATCH_ALPHA 0.16

/* OKLCH (lightness 0..1, chroma, hue in degrees) as sRGB, chroma lowered
 * until the colour fits, as palette.js's oklchHex does. */
pv_rgb pv_oklch(double l, double c, double hue_deg);

/* The fill of hue `hue` (0 .. PV_PALETTE_SIZE-1, or -1: the neutral
 * greys) in shade `shade`; pv_neutral() is the plain grey of "(all)" and
 * "(N smaller)". */
pv_rgb pv_palette_fill(int hue, unsigned shade);
pv_rgb pv_neutral(void);

/* packages.js's hash: FNV-1a over the UTF-16 code units of WTF-8 `s`
 * (len bytes), then murmur3's finaliser. */
uint32_t pv_palette_hash(const char *s, size_t len);

/* The shade of a function, by its file, line and name. */
unsigned pv_shade_index(const char *file, int64_t line, const char *name);

/* Hues for packages ranked largest first (packages.js's assignHues):
 * hue[i] is the palette index of names[i], -1 past the palette. */
void pv_assign_hues(const char *const *names, size_t n, int *hue);

#endif
