// The icicle on screen: which rectangles of a layout (layout/icicle.js) a
// viewport puts on the canvas, where, and how they look; paintIcicle()
// draws them, and the SVG export (svg.js) writes the same list.
//
// Only what is on the canvas costs anything: rows above and below it are
// skipped, each row on it is cut to the boxes under it by binary search
// (a row is sorted by x), and boxes under MIN_PX are dropped before any
// colour or label is worked out.  A zoom frame deep into a 100k-box
// layout touches the few boxes it shows.
//
//   box k in pixels:  vp.x + x0[k] * vp.width .. vp.x + x1[k] * vp.width
//                     vp.y + row[k] * vp.rowHeight, vp.rowHeight high
//   then clipped to the canvas [0, width] x [0, height]; a box more than
//   2 * GAP wide or high gives GAP at its right and bottom to the line
//   between it and its neighbours:
//
//   +--------------+ +-------+ +   <- GAP px of background
//   | label...     | |       | |
//   +--------------+ +-------+ +
//   +------+ +--+ +--+ ...

import { GAP, LABEL_PAD, MIN_PX, boxDrawer } from './boxes.js';
import { paintBoxes } from './canvas.js';
import { fontPx, linesThatFit } from './labels.js';
import { visibleSpans } from '../layout/spans.js';

// scene: { tree, rects (layoutIcicle), viewport { x, y, width, rowHeight },
// width, height (the canvas, CSS pixels), colors (layout/packages.js's viewColors),
// theme ('light' | 'dark'), marks (marks.js: Uint8Array of tree.size, or
// null), searching (boolean), font (CSS, in px: '12px system-ui'), shared
// (optional: labels.js's sharedStarts of the names on screen), units
// (optional: model/units.js, what the boxes' figures measure) }.  Returns
// the number of boxes (and bands) drawn.  flip (optional): upside-down, row
// 0 at the bottom of the canvas (the sandwich's callers), labels upright.
export function paintIcicle(ctx, scene) {
  return paintBoxes(ctx, scene, icicleBoxes);
}

// The drawings (boxes.js) of the boxes on the canvas, row by row, left to
// right.  measure(text) gives a label's width in pixels in scene.font.
export function icicleBoxes(scene, measure) {
  const { rects, viewport: vp, width, height } = scene;
  const draw = boxDrawer(scene, measure);
  const em = fontPx(scene.font);
  // Where the label of a box (or band) of w x h pixels at (left, top) goes.
  const slotIn = (left, top, w, h) => {
    const lines = linesThatFit(h, em);
    return lines > 0 ? { x: left + LABEL_PAD, y: top + h / 2, angle: 0, align: 'left', maxWidth: w - 2 * LABEL_PAD, lines } : null;
  };
  const out = [];
  if (!(vp.width > 0 && vp.rowHeight > 0)) return out;
  const first = Math.max(0, Math.floor(-vp.y / vp.rowHeight));
  const last = Math.min(rects.rowStart.length - 1, Math.ceil((height - vp.y) / vp.rowHeight));
  // The canvas's left and right edges in unit space.
  const u0 = -vp.x / vp.width;
  const u1 = (width - vp.x) / vp.width;
  for (let r = first; r < last; r++) {
    const top = Math.max(0, vp.y + r * vp.rowHeight);
    const bottom = Math.min(height, vp.y + (r + 1) * vp.rowHeight);
    if (!(bottom - top >= MIN_PX)) continue;
    const h = withGap(bottom - top);
    const { from, to } = visibleSpans(rects.rowStart, rects.x0, rects.x1, r, u0, u1);
    for (let k = from; k < to; k++) {
      const left = Math.max(0, vp.x + rects.x0[k] * vp.width);
      const right = Math.min(width, vp.x + rects.x1[k] * vp.width);
      if (!(right - left >= MIN_PX)) continue;
      const w = withGap(right - left);
      out.push(draw.box(rects.node[k], { kind: 'rect', x: left, y: top, w, h }, slotIn(left, top, w, h)));
    }
  }
  const { runs } = rects;
  for (let i = 0; i < runs.count; i++) {
    const top = Math.max(0, vp.y + runs.row[i] * vp.rowHeight);
    const bottom = Math.min(height, vp.y + (runs.row[i] + 1) * vp.rowHeight);
    const left = Math.max(0, vp.x + runs.x0[i] * vp.width);
    const right = Math.min(width, vp.x + runs.x1[i] * vp.width);
    if (!(bottom - top >= MIN_PX && right - left >= MIN_PX)) continue;
    const w = withGap(right - left);
    const h = withGap(bottom - top);
    out.push(draw.band(runs.kind[i], { kind: 'rect', x: left, y: top, w, h }, slotIn(left, top, w, h)));
  }
  return scene.flip ? out.map((d) => mirrored(d, height)) : out;
}

// Drawing d mirrored top to bottom on a canvas `height` high: the box moves,
// its label stays upright and centred in it.
function mirrored(d, height) {
  const { shape, label } = d;
  return {
    ...d,
    shape: { ...shape, y: height - shape.y - shape.h },
    label: label === null ? null : { ...label, y: height - label.y },
  };
}

// A box's extent less the gap, when it is large enough to spare one: a run
// of boxes a pixel or two wide stays a solid band rather than vanishing
// into gaps.
function withGap(size) {
  return size > 2 * GAP ? size - GAP : size;
}
