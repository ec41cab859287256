// Box labels: what a box says and how much of it fits.
//
// A box says its function's name and, when there is room, its time: on two
// lines in a box tall enough for them ("build_report" over "526 ms", as
// snakeviz writes them), else on one ("build_report 526 ms"), else the name
// alone.  Built-ins are named by what tells them apart (layout/names.js:
// "math.sin", not "<built-in method math.sin>"), and a name that still has
// to be cut loses what it repeats of the others on screen: one that starts
// as another one does keeps its end ("…unlocked" and "…and_load" tell
// _find_and_load_unlocked and _find_and_load apart where "_find_and_lo…"
// twice would not; "…sin", "…cos", "…sqrt"), while a name like no other
// keeps its start, which reads better ("build_r…").  A box's own words
// ("(all)", "(5000 smaller)") keep their start, where the count is.
//
// Fitting is a binary search over the text's length, so a label costs
// O(log n) measurements, not one per character: long names in a hundred
// boxes a frame would otherwise be thousands of measureText calls.
// Measurement is the caller's, a function of a string giving its width in
// pixels, so the same fitting serves the canvas (its measureText), the SVG
// export (the same measure, so both show the same labels) and the tests (a
// fake).  measurer() keeps one canvas's widths, since the same names come
// back frame after frame.

import { formatValue } from '../layout/format.js';
import { shortName } from '../layout/names.js';
import { visibleText } from '../layout/text.js';
import { EXACT } from '../model/tree.js';

export const ELLIPSIS = '…';

// A label that keeps fewer characters of a cut name than this says
// nothing: the box is left blank instead of showing "f…".
export const MIN_LABEL_CHARS = 3;

// Line spacing of two-line labels, in ems of the font.
export const LINE_SPACING = 1.25;

// How many lines of text (0, 1 or 2) a box `height` pixels high holds in a
// font of `em` pixels: two when both fit with a pixel of air above and
// below.
export function linesThatFit(height, em) {
  if (height >= 2 * em * LINE_SPACING + 2) return 2;
  return height >= em ? 1 : 0;
}

// The name a box shows: its function's short name (layout/names.js); a
// "(N smaller)" box and the "(all)" root carry their own.  Names are
// returned as they are: fillText draws text, never markup, and svg.js
// escapes what it writes.
export function boxLabel(tree, i) {
  return visibleText(tree.fid[i] < 0 ? tree.name(i) : shortName(tree.file(i), tree.name(i)));
}

// The figure a box shows, in the profile's units (model/units.js: "526 ms",
// "1,234" samples): "≈ " before an estimate, as the hatching says.
export function boxTime(tree, i, units) {
  return `${tree.has(i, EXACT) ? '' : '≈ '}${formatValue(tree.time[i], units)}`;
}

// Names that start as another one does, by at least this many characters,
// are cut at their start: they share more than a common word.
export const SHARED_PREFIX = 4;

// The labels among `labels` that share a start of SHARED_PREFIX characters
// or more with another one of them: a Set, one sort and a comparison of
// neighbours (the longest shared start of a label is with one next to it
// in sorted order).
export function sharedStarts(labels) {
  const sorted = [...new Set(labels)].sort();
  const out = new Set();
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1];
    const b = sorted[k];
    let n = 0;
    while (n < a.length && n < b.length && a.charCodeAt(n) === b.charCodeAt(n)) n++;
    if (n >= SHARED_PREFIX) {
      out.add(a);
      out.add(b);
    }
  }
  return out;
}

// sharedStarts of the function boxes among tree nodes `nodes` (a picture's).
export function sharedStartsOf(tree, nodes) {
  const byFunction = new Map();
  for (const n of nodes) if (tree.fid[n] >= 0 && !byFunction.has(tree.fid[n])) byFunction.set(tree.fid[n], boxLabel(tree, n));
  return sharedStarts(byFunction.values());
}

// The lines of a box's label in `maxWidth` pixels, at most `lines` of them
// (1 or 2): [name, time], [name time], [name] or [] (no room for the name).
// shared: the labels on screen that start alike (sharedStarts); units: the
// profile's (model/units.js; pstats' seconds when not given).
export function labelLines(tree, i, maxWidth, lines, measure, shared = null, units = undefined) {
  const whole = boxLabel(tree, i);
  const keep = tree.fid[i] >= 0 && shared !== null && shared.has(whole) ? 'end' : 'start';
  const name = boxText(whole, maxWidth, measure, keep);
  if (name === '') return [];
  const time = boxTime(tree, i, units);
  if (lines >= 2) return measure(time) <= maxWidth ? [name, time] : [name];
  const both = `${name} ${time}`;
  return name === whole && measure(both) <= maxWidth ? [both] : [name];
}

// The longest part of text, with an ellipsis where it is cut, whose
// measured width is at most maxWidth: its start (keep 'start') or its end
// (keep 'end', the ellipsis first); '' when not even one character and the
// ellipsis fit.  An end starts at a word: "…unlocked", not "…d_unlocked";
// "…sin", not "…h.sin"; "…_17", not "…ld_17".  A cut never splits a surrogate
// pair, which would leave half a character to draw.
export function fitLabel(text, maxWidth, measure, keep = 'start') {
  if (text === '' || !(maxWidth > 0)) return '';
  if (measure(text) <= maxWidth) return text;
  const piece = keep === 'start'
    ? (n) => text.slice(0, wholeChars(text, n)) + ELLIPSIS
    : (n) => ELLIPSIS + text.slice(text.length - n + straddles(text, text.length - n));
  // The most code units n in [1, length - 1] whose piece fits.  A piece
  // moved off a pair is never longer than the piece of n + 1, so the test
  // stays monotone and the search stays a search.
  let lo = 1;
  let hi = text.length - 1;
  let best = '';
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const p = piece(mid);
    if (measure(p) <= maxWidth) {
      // A piece of one character moved off a pair is the ellipsis alone.
      if (p.length > ELLIPSIS.length) best = p;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return keep === 'start' ? best : fromWord(best);
}

// A cut end starts at a word, not in one: the piece of a word before the
// first separator goes ("…d_unlocked" -> "…unlocked"), and the separator
// too when a few characters are left after it ("…ld_17" -> "…_17").
function fromWord(piece) {
  const m = /^…([^._]*)([._])/.exec(piece);
  if (m === null) return piece;
  const rest = piece.slice(m[0].length);
  return ELLIPSIS + ([...rest].length >= 3 ? rest : m[2] + rest);
}

// fitLabel, or '' when the cut would keep fewer than MIN_LABEL_CHARS
// characters: what the painters draw.
export function boxText(text, maxWidth, measure, keep = 'start') {
  const label = fitLabel(text, maxWidth, measure, keep);
  if (label === text) return label;
  // Characters, not code units, and the ellipsis is one of them.
  return [...label].length > MIN_LABEL_CHARS ? label : '';
}

// A cut at `at` code units, moved back by one when it falls between the
// halves of a surrogate pair.
function wholeChars(text, at) {
  return at - straddles(text, at);
}

// 1 when code unit `at` is the second half of a surrogate pair (a cut there
// would split it), else 0.
function straddles(text, at) {
  const high = text.charCodeAt(at - 1);
  const low = text.charCodeAt(at);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? 1 : 0;
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
