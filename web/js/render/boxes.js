// What each box of a chart looks like, whatever draws it.  The chart modules
// (icicle-paint.js, sunburst-paint.js) turn a layout into a list of
// drawings, one per box on screen; the canvas (canvas.js) and the SVG
// writer (svg.js) both draw that list.  So an exported SVG is the picture
// on screen, and colour, hatching, fading, outlines and label text are
// decided here once rather than in each backend.
//
// A drawing is { node, band, shape, fill, text, hatch, faded, outline, label }:
//   node     the tree node, or -1 for a band (layout/icicle.js's runs)
//   band     for a band, its kind (RUN_THIN, RUN_UNLOADED), else -1
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
//   label    { lines, x, y, angle, align, lineHeight } or null: one or two
//            lines of text (labels.js: the name, and the time when there
//            is room), as a block vertically centred on (x, y), lineHeight
//            pixels from one line's middle to the next; turned by `angle`
//            radians about (x, y) (clockwise, as canvas rotate() turns),
//            each line starting at x or centred on it (align 'left' or
//            'center')

import { THEMES, boxStyle } from './palette.js';
import { diffBoxStyle } from './diff-palette.js';
import { RUN_UNLOADED } from '../layout/icicle.js';
import { TAU } from '../layout/sunburst.js';
import { LINE_SPACING, boxText, fontPx, labelLines } from './labels.js';
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

// What a band below a box whose children were not fetched says.
export const UNLOADED_LABEL = 'not loaded';

// The drawers of one scene: box(node, shape, slot) and band(kind, shape,
// slot) -> drawing.  slot is where a label could go, { x, y, angle, align,
// maxWidth, lines }, or null when there is no room for text; a box's label
// is labels.js's labelLines, at most `lines` of them, each fitted to
// maxWidth.  A band of thin boxes is the neutral colour with no label, no
// node to name; a band of what was not fetched says so.  Bands are faded
// while a search is on, since no one box of them can be said to match.
// A compared view (scene.compare: 'seconds' or 'share', else null) is
// coloured by change (diff-palette.js) instead of by package, and a box
// whose base had calls that are gone gets that palette's frame, unless
// the focus or hover frame is on it.
export function boxDrawer(scene, measure) {
  const { tree, colors, theme, marks, searching } = scene;
  const compare = scene.compare ?? null;
  const t = THEMES[theme];
  const outlines = OUTLINES[theme];
  // A slot narrower than an em holds no more than a name of a character
  // or two, and no cut one (MIN_LABEL_CHARS and an ellipsis): it gets no
  // label, and costs no measuring.
  const em = fontPx(scene.font);
  const lineHeight = em * LINE_SPACING;
  const roomy = (slot) => slot !== null && slot.maxWidth >= em;
  const labelAt = (slot, lines) => (lines.length === 0 ? null
    : { lines, x: slot.x, y: slot.y, angle: slot.angle, align: slot.align, lineHeight });
  const box = (node, shape, slot) => {
    const style = compare === null ? boxStyle(tree, colors, node, theme) : diffBoxStyle(tree, node, theme, compare);
    const mark = marks === null ? 0 : marks[node];
    const lines = roomy(slot) ? labelLines(tree, node, slot.maxWidth, slot.lines, measure, scene.shared ?? null, scene.units) : [];
    return {
      node,
      band: -1,
      shape,
      fill: style.fill,
      text: style.text,
      hatch: style.hatch ? t.hatch : null,
      faded: searching && (mark & MATCH) === 0,
      outline: (mark & FOCUS) !== 0 ? outlines[FOCUS] : (mark & HOVER_SAME) !== 0 ? outlines[HOVER_SAME]
        : style.removed ? { color: style.removed, width: 2 } : null,
      label: labelAt(slot, lines),
    };
  };
  const band = (kind, shape, slot) => {
    const text = kind === RUN_UNLOADED && roomy(slot) ? boxText(UNLOADED_LABEL, slot.maxWidth, measure, 'start') : '';
    return {
      node: -1, band: kind, shape, fill: t.neutral, text: t.text, hatch: null, faded: searching, outline: null,
      label: labelAt(slot, text === '' ? [] : [text]),
    };
  };
  return { box, band };
}

// Where line j of a label sits, in pixels below the label's (x, y) in its
// own turned frame: the lines as a block centred there.
export function lineOffset(label, j) {
  return (j - (label.lines.length - 1) / 2) * label.lineHeight;
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
