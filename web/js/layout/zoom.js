// The zoom animation as geometry: which layout to animate on and the
// window of it to show at each moment.
//
// Why one layout and a moving window: a zoom from box A to box B is drawn on
// the layout of their nearest common ancestor C, deep enough to hold both
// views.  Both A's view and B's view are then windows onto that one layout
// (A's box blown up to the full width, or B's), so every frame in between is
// the same picture seen through a window that moves from one to the other,
// and the last frame is exactly B's own view.  The window is in the layout's
// unit space: [a, b] of the width and the row (ring) shown at the top (the
// centre), which serves the icicle and the sunburst alike.

import { TAU } from './sunburst.js';

export const IDENTITY = Object.freeze({ a: 0, b: 1, row: 0 });

// How long a zoom takes, ms: long enough to see where one went, short
// enough not to wait for it.
export const ZOOM_MS = 300;

// The nearest common ancestor of nodes x and y of a tree (model/tree.js).
export function commonAncestor(tree, x, y) {
  while (x !== y) {
    if (tree.depth[x] >= tree.depth[y]) x = tree.parent[x];
    else y = tree.parent[y];
  }
  return x;
}

// The window that shows node n's box at the full width, or null when the
// layout (icicle rects or sunburst arcs) culled it.
export function windowOf(layout, n) {
  const k = layout.node.indexOf(n);
  if (k < 0) return null;
  return layout.x0
    ? { a: layout.x0[k], b: layout.x1[k], row: layout.row[k] }
    : { a: layout.a0[k] / TAU, b: layout.a1[k] / TAU, row: layout.ring[k] };
}

// The window at fraction t in [0, 1] of the way from w0 to w1.
export function lerpWindow(w0, w1, t) {
  return { a: w0.a + (w1.a - w0.a) * t, b: w0.b + (w1.b - w0.b) * t, row: w0.row + (w1.row - w0.row) * t };
}

// Slow at both ends, so the eye can follow where the box goes.
export function ease(t) {
  const u = Math.min(1, Math.max(0, t));
  return u < 0.5 ? 4 * u * u * u : 1 - (-2 * u + 2) ** 3 / 2;
}

// The icicle viewport (layout/icicle.js) that shows window w on a canvas
// `width` pixels wide with rows `rowHeight` high.
export function icicleViewport(w, width, rowHeight) {
  const scale = width / (w.b - w.a);
  return { x: -w.a * scale, y: -w.row * rowHeight, width: scale, rowHeight };
}

// The sunburst transform (render/sunburst-paint.js) that shows window w.
export function sunburstTransform(w) {
  return { a0: w.a * TAU, a1: w.b * TAU, ring0: w.row };
}
