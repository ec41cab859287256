// What each box of a chart looks like, whatever draws it.  The chart modules
// (icicle-paint.js, sunburst-paint.js) turn a layout into a list of
// drawings, one per box on screen; the canvas (canvas.js) and the SVG
// writer (svg.js) both draw that list.  So an exported SVG is the picture
// on screen, and colour, hatching, fading, outlines and label text are
// decided here once rather than in each backend.
//
// A drawing is { node, shape, fill, text, hatch, faded, outline, label }:
//   node     the tree node
//   shape    { kind: 'rect', x, y, w, h }, or
//            { kind: 'sector', cx, cy, r0, r1, a0, a1 } with angles as in
//            layout/sunburst.js (0 at 12 o'clock, clockwise); in CSS
//            pixels, clipped, the gap to the neighbours already taken off
//   fill     CSS colour of the box; text: of its label
//   hatch    CSS colour of stripes over the fill (the time is an
//            estimate), or null
//   faded    drawn at FADED_ALPHA: a search is on and the box does not match
//   outline  { color, width } or null: a frame of that width just inside
//            the shape
//   label    { text, x, y, angle, align } or null: text vertically centred
//            on (x, y), turned by `angle` radians about it (clockwise, as
//            canvas rotate() turns), starting at x or centred on it
//            (align 'left' or 'center')

import { THEMES, boxStyle } from '../colors.js';
import { TAU } from '../layout/sunburst.js';
import { boxLabel, boxText, fontPx } from './labels.js';
import { FOCUS, HOVER_SAME, MATCH } from './marks.js';

// The chart background, also what shows through the gaps between boxes.
const BACKGROUNDS = Object.freeze({ light: '#ffffff', dark: '#1a1a1a' });

export function background(theme) {
  return BACKGROUNDS[theme];
}

// Pixels between neighbouring boxes: the background line that tells two
// boxes of one colour apart.
export const GAP = 1;

// A box under half a pixel is not drawn: it would only smear its
// neighbours' edges.  (A layout made with minWidth or minAngle culls boxes
// under a pixel at rest; this catches the ones a zoom frame shrinks.)
export const MIN_PX = 0.5;

// Pixels between a label and the edges of its box.
export const LABEL_PAD = 3;

// Faded, a box still shows where it is but no longer competes with the
// matches of a search.
export const FADED_ALPHA = 0.3;

// Outlines are drawn in the theme's text colour, which the colour tests
// hold to a contrast of 4.5 against every fill, so an outline shows on any
// box in either theme.  Focus is heavier than hover: it is where the
// keyboard is, hover only says "this function again".
const OUTLINES = Object.freeze(Object.fromEntries(Object.entries(THEMES).map(([name, t]) => [name, Object.freeze({
  [FOCUS]: Object.freeze({ color: t.text, width: 2 }),
  [HOVER_SAME]: Object.freeze({ color: t.text, width: 1 }),
})])));

// The hatching tile, in CSS pixels: one diagonal stripe across a square,
// with the two corner pieces that join it to the tiles around, so repeated
// tiles make unbroken stripes.
export const HATCH = Object.freeze({
  size: 6,
  width: 1.5,
  lines: Object.freeze([[0, 6, 6, 0], [-1, 1, 1, -1], [5, 7, 7, 5]].map(Object.freeze)),
});

// A function (node, shape, slot) -> drawing for one scene.  slot is where a
// label could go, { x, y, angle, align, maxWidth }, or null when the box
// has no room for text; the label is the box's name fitted to maxWidth.
export function boxDrawer(scene, measure) {
  const { tree, colors, theme, marks, searching } = scene;
  const hatch = THEMES[theme].hatch;
  const outlines = OUTLINES[theme];
  // A slot narrower than an em holds no more than a name of a character
  // or two, and no cut one (MIN_LABEL_CHARS and an ellipsis): it gets no
  // label, and costs no measuring.
  const em = fontPx(scene.font);
  return (node, shape, slot) => {
    const style = boxStyle(tree, colors, node, theme);
    const mark = marks === null ? 0 : marks[node];
    const text = slot === null || !(slot.maxWidth >= em) ? '' : boxText(boxLabel(tree, node), slot.maxWidth, measure);
    return {
      node,
      shape,
      fill: style.fill,
      text: style.text,
      hatch: style.hatch ? hatch : null,
      faded: searching && (mark & MATCH) === 0,
      outline: (mark & FOCUS) !== 0 ? outlines[FOCUS] : (mark & HOVER_SAME) !== 0 ? outlines[HOVER_SAME] : null,
      label: text === '' ? null : { text, x: slot.x, y: slot.y, angle: slot.angle, align: slot.align },
    };
  };
}

// A band of neighbouring boxes each too thin to draw (the layouts' thin
// runs): the neutral colour, no label, no node to name; faded while a
// search is on, since no one box of it can be said to match.
export function bandDrawing(scene, shape) {
  const t = THEMES[scene.theme];
  return { node: -1, shape, fill: t.neutral, text: t.text, hatch: null, faded: scene.searching, outline: null, label: null };
}

// A shape moved inwards by d pixels on every side, or to its middle when
// it is thinner than 2d: the inner edge of an outline frame d wide.
export function insetShape(shape, d) {
  if (shape.kind === 'rect') {
    const dx = Math.min(d, shape.w / 2);
    const dy = Math.min(d, shape.h / 2);
    return { ...shape, x: shape.x + dx, y: shape.y + dy, w: shape.w - 2 * dx, h: shape.h - 2 * dy };
  }
  const dr = Math.min(d, (shape.r1 - shape.r0) / 2);
  const r0 = shape.r0 > 0 ? shape.r0 + dr : 0;
  const r1 = shape.r1 - dr;
  if (isFullCircle(shape)) return { ...shape, r0, r1 };
  // d pixels of arc at the middle radius.
  const da = Math.min(d / ((r0 + r1) / 2), (shape.a1 - shape.a0) / 2);
  return { ...shape, r0, r1, a0: shape.a0 + da, a1: shape.a1 - da };
}

// A sector that goes all the way round (the centre disc, or a ring whose
// box is its parent's only child): drawn as circles, with no radial edge.
export function isFullCircle(shape) {
  return shape.a1 - shape.a0 >= TAU - 1e-9;
}
