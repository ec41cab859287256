// Box labels: what a box says and how much of it fits.
//
// Fitting is a binary search over the text's length, so a label costs
// O(log n) measurements, not one per character: long names ("<method
// 'disable' of '_lsprof.Profiler' objects>") in a hundred boxes a frame
// would otherwise be thousands of measureText calls.  Measurement is the caller's, a function of a string
// giving its width in pixels, so the same fitting serves the canvas (its
// measureText) and the SVG export (the same measure, so both show the same
// labels) and the tests (a fake).  measurer() keeps one canvas's widths,
// since the same names come back frame after frame.

import { visibleText } from '../layout/text.js';

export const ELLIPSIS = '…';

// A label that keeps fewer characters of a cut name than this says
// nothing: the box is left blank instead of showing "f…".
export const MIN_LABEL_CHARS = 3;

// The text a box shows: its function name; a "(N smaller)" box and the
// "(all)" root carry their own name too.  Names are returned as they are:
// fillText draws text, never markup, and svg.js escapes what it writes.
export function boxLabel(tree, i) {
  return visibleText(tree.name(i));
}

// The longest prefix of text, followed by an ellipsis when it is cut, whose
// measured width is at most maxWidth; '' when not even one character and
// the ellipsis fit.  A cut never splits a surrogate pair, which would leave
// half a character to draw.
export function fitLabel(text, maxWidth, measure) {
  if (text === '' || !(maxWidth > 0)) return '';
  if (measure(text) <= maxWidth) return text;
  // The largest cut in [1, length - 1] whose prefix and ellipsis fit.  A cut
  // moved back off a pair is never larger than the cut after it, so the
  // test stays monotone and the search stays a search.
  let lo = 1;
  let hi = text.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const cut = wholeChars(text, mid);
    if (measure(text.slice(0, cut) + ELLIPSIS) <= maxWidth) {
      best = cut;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best > 0 ? text.slice(0, best) + ELLIPSIS : '';
}

// fitLabel, or '' when the cut would keep fewer than MIN_LABEL_CHARS
// characters: what the painters draw.
export function boxText(text, maxWidth, measure) {
  const label = fitLabel(text, maxWidth, measure);
  if (label === text) return label;
  // Characters, not code units, and the ellipsis is one of them.
  return [...label].length > MIN_LABEL_CHARS ? label : '';
}

// A cut at `at` code units, moved back by one when it falls between the
// halves of a surrogate pair.
function wholeChars(text, at) {
  const high = text.charCodeAt(at - 1);
  const low = text.charCodeAt(at);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? at - 1 : at;
}

// The size of a CSS font ("12px system-ui", "bold 11.5px sans-serif") in
// pixels: the height a label needs.  The painters are given pixel fonts, as
// ctx.font reports them.
export function fontPx(font) {
  const m = /(?:^|\s)(\d*\.?\d+)px/.exec(font);
  if (m === null) throw new TypeError(`font size not in pixels: ${font}`);
  return Number(m[1]);
}

// A measure function for a 2D context at its current font, remembering
// widths per string.  The cache is per context and font (a new font starts
// a new one) and is emptied when it grows past MAX_CACHED strings, so that
// browsing many profiles in one tab cannot grow it without bound.
const MAX_CACHED = 20000;
const caches = new WeakMap();

export function measurer(ctx) {
  let cache = caches.get(ctx);
  if (cache === undefined || cache.font !== ctx.font) {
    cache = { font: ctx.font, widths: new Map() };
    caches.set(ctx, cache);
  }
  const { widths } = cache;
  return (text) => {
    let w = widths.get(text);
    if (w === undefined) {
      if (widths.size >= MAX_CACHED) widths.clear();
      w = ctx.measureText(text).width;
      widths.set(text, w);
    }
    return w;
  };
}
