/* icicle_colours.h — the page's colours for the exported icicle
 * (layout/packages.js's viewColors, with palette.h's colours and
 * names.h's packages): the packages of the view ranked by the time their
 * boxes take over the levels shown, each taking a hue in turn; every box
 * its package's hue in its function's shade; synthetic boxes grey.
 * Ownership: the legend's keys are malloc'd into the pv_icicle
 * (pv_icicle_release frees them).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ICICLE_COLOURS_H
#define PV_ICICLE_COLOURS_H

#include "icicle_layout.h"
#include "tree.h"

/* Fills fill[i] for every node of t and sets ic->keys to the legend's
 * package keys, largest first, then "other" for those past the palette
 * (labels and colours; place_keys in icicle_layout.c places them).
 * ic->keys has room for two more keys. */
void pv_icicle_colours(const pv_graph *g, const pv_tree *t, pv_rgb *fill, pv_icicle *ic);

#endif
