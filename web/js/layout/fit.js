// How large the chart is drawn: the icicle's row height and the sunburst's
// disc, from the room the window leaves and the number of levels shown.
//
// Why not a fixed row height: rows of 20 px leave a 6-level profile a strip
// at the top of a 900 px window with names cut short and no room for a
// time, while 20 levels of 40 px would push most of the chart below the
// window.  Rows share the height the window leaves below the chart's top
// (less room for the legend under it), within ROW_MIN..ROW_MAX: at 40 px a
// box holds its name and its time on two lines, as snakeviz's do; under 20
// px a label would not fit at all, and the page scrolls instead.  The
// sunburst's disc is as large as the width and that height allow, so that
// all of it is on screen at once.

export const ROW_MIN = 20;
export const ROW_MAX = 40;
// Below this a sunburst's rings are too thin to read: a small window
// scrolls rather than shrinking it further.
export const DISC_MIN = 320;
// Rings wider than this only spread a few levels over a wall of colour.
export const RING_MAX = 140;
// Room kept under the chart for the legend and the keyboard hint, so they
// are in the window with it.
export const BELOW_CHART = 96;

// The height the chart may take: the window's height less the chart's top
// (in the page, unscrolled) and the room kept below it.
export function availableHeight(windowHeight, chartTop) {
  return Math.max(0, windowHeight - chartTop - BELOW_CHART);
}

// The icicle's rows for `levels` levels below the zoom root (levels + 1
// rows, the root's included) in `available` pixels: whole pixels, so that
// box edges stay sharp.
export function rowHeight(available, levels) {
  const fit = Math.floor(available / (levels + 1));
  return Math.min(ROW_MAX, Math.max(ROW_MIN, Number.isFinite(fit) ? fit : ROW_MIN));
}

// The chart's size in CSS pixels for a canvas `width` wide:
// { width, height, rowHeight } for the icicle, { width, height, ringWidth }
// for the sunburst (the canvas as high as the disc, which is centred in it).
export function chartSize(view, width, available, levels) {
  if (view === 'sunburst') {
    const disc = Math.max(Math.min(DISC_MIN, width), Math.min(width, available, 2 * (levels + 1) * RING_MAX));
    return { width, height: disc, ringWidth: disc / 2 / (levels + 1) };
  }
  const row = rowHeight(available, levels);
  return { width, height: (levels + 1) * row, rowHeight: row };
}
