// The sunburst on screen: which arcs of a layout (layout/sunburst.js) are on
// the canvas, where, and how they look; paintSunburst() draws them, and the
// SVG export (svg.js) writes the same list.
//
// A zoom is animated by a transform instead of a new layout: draw as if
// the angles [t.a0, t.a1] were the whole circle and ring t.ring0 (possibly
// fractional, mid-animation) were the centre.  Angles map linearly onto
// [0, 2π] and are clipped to it; rings move in by ring0 and lose what falls
// inside the centre.  The identity is { a0: 0, a1: 2π, ring0: 0 }
// (layout/zoom.js's sunburstTransform() makes the others).
//
//   arc j:  angles (a0[j] - t.a0) * 2π / (t.a1 - t.a0) .. same for a1[j]
//           radii  (ring[j] - t.ring0) * vp.ringWidth .. + vp.ringWidth
//
// Labels are straight and radial: they run from the inner edge of an arc
// to the outer one, along the ray through its middle, turned on the left
// half so that they never read upside down.  Why radial and not along the
// arc: straight text along an arc leaves the ring as the arc bends away
// from it (canvas has no text on a curve), while a radial line stays inside
// its arc; and every ring is equally wide, so every label gets the same
// room, the ring width, whatever its depth.  The arc only has to be as
// thick as the text is high, at the label's inner end.  The centre disc
// holds its label straight across.

import { TAU, canvasAngle, polarToPixel } from '../layout/sunburst.js';
import { GAP, LABEL_PAD, MIN_PX, boxDrawer, isFullCircle } from './boxes.js';
import { paintBoxes } from './canvas.js';
import { visibleSpans } from '../layout/spans.js';
import { LINE_SPACING, fontPx, linesThatFit } from './labels.js';

const IDENTITY = Object.freeze({ a0: 0, a1: TAU, ring0: 0 });

// scene: { tree, arcs (layoutSunburst), viewport { cx, cy, ringWidth },
// transform ({ a0, a1, ring0 }, optional), width, height (the canvas, CSS
// pixels), colors (layout/packages.js's viewColors), theme ('light' | 'dark'),
// marks (marks.js: Uint8Array of tree.size, or null), searching (boolean),
// font (CSS, in px), shared and units (optional, as for the icicle) }.  Returns the
// number of arcs (and bands) drawn.
export function paintSunburst(ctx, scene) {
  return paintBoxes(ctx, scene, sunburstBoxes);
}

// The drawings (boxes.js) of the arcs on the canvas, ring by ring from the
// centre, clockwise from 12 o'clock.
export function sunburstBoxes(scene, measure) {
  const { arcs, viewport: vp, transform = IDENTITY, width, height } = scene;
  const draw = boxDrawer(scene, measure);
  const em = fontPx(scene.font);
  const out = [];
  const scale = TAU / (transform.a1 - transform.a0);
  if (!(vp.ringWidth > 0 && scale > 0 && scale < Infinity)) return out;
  // No ring that starts beyond the canvas corner farthest from the centre
  // shows.
  const reach = Math.hypot(Math.max(vp.cx, width - vp.cx), Math.max(vp.cy, height - vp.cy));
  // The sector of angles [a0, a1] (layout's) in ring r, or null when it is
  // under MIN_PX at its rim.
  const sector = (r, a0Layout, a1Layout) => {
    const inner = Math.max(0, (r - transform.ring0) * vp.ringWidth);
    const outer = (r - transform.ring0 + 1) * vp.ringWidth;
    const r1 = outer - inner > 2 * GAP ? outer - GAP : outer;
    const a0 = Math.max(0, (a0Layout - transform.a0) * scale);
    const a1 = Math.min(TAU, (a1Layout - transform.a0) * scale);
    if (!((a1 - a0) * r1 >= MIN_PX)) return null;
    const shape = { kind: 'sector', cx: vp.cx, cy: vp.cy, r0: inner, r1, a0, a1 };
    // GAP pixels at the middle radius, off arcs that can spare them.
    const middle = (inner + r1) / 2;
    if (!isFullCircle(shape) && (a1 - a0) * middle > 2 * GAP) shape.a1 -= GAP / middle;
    return shape;
  };
  const first = Math.max(0, Math.floor(transform.ring0));
  const beyond = (r) => (r - transform.ring0) * vp.ringWidth > reach;
  for (let r = first; r < arcs.ringStart.length - 1 && !beyond(r); r++) {
    const { from, to } = visibleSpans(arcs.ringStart, arcs.a0, arcs.a1, r, transform.a0, transform.a1);
    for (let j = from; j < to; j++) {
      const shape = sector(r, arcs.a0[j], arcs.a1[j]);
      if (shape !== null) out.push(draw.box(arcs.node[j], shape, labelSlot(shape, vp, em)));
    }
  }
  const { runs } = arcs;
  for (let i = 0; i < runs.count; i++) {
    if (runs.ring[i] < first || beyond(runs.ring[i]) || !(runs.a1[i] > transform.a0 && runs.a0[i] < transform.a1)) continue;
    const shape = sector(runs.ring[i], runs.a0[i], runs.a1[i]);
    if (shape !== null) out.push(draw.band(runs.kind[i], shape, labelSlot(shape, vp, em)));
  }
  return out;
}

// Where a sector's label goes (see the top of the file), or null when the
// arc is thinner than the text is high.
function labelSlot(shape, vp, em) {
  const { r0, r1, a0, a1 } = shape;
  if (r0 === 0 && isFullCircle(shape)) {
    // Across the disc: the chord at the top (and bottom) edge of the text,
    // half an em from the middle for one line, about a line's height for
    // two.
    const lineHeight = em * LINE_SPACING;
    const lines = r1 >= 2 * lineHeight ? 2 : 1;
    const edge = lines === 2 ? lineHeight : em / 2;
    const chord = 2 * Math.sqrt(Math.max(0, r1 * r1 - edge * edge));
    return { x: vp.cx, y: vp.cy, angle: 0, align: 'center', maxWidth: chord - 2 * LABEL_PAD, lines };
  }
  // The arc is as thick as the text block is high where the text starts.
  const lines = linesThatFit((a1 - a0) * (r0 + LABEL_PAD), em);
  if (lines === 0) return null;
  const mid = (a0 + a1) / 2;
  const { x, y } = polarToPixel(mid, (r0 + r1) / 2, vp);
  // The ray's direction, outwards; on the left half (beyond ±90°) it would
  // read upside down, so the text turns round and reads inwards.
  const ray = canvasAngle(mid);
  return { x, y, angle: ray > Math.PI / 2 ? ray - Math.PI : ray, align: 'center', maxWidth: r1 - r0 - 2 * LABEL_PAD, lines };
}
