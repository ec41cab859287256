// Sunburst layout: the icicle bent into a circle.  The zoom root is the centre
// disc (ring 0), its children the first ring around it, and so on; an arc's
// sweep is its share of the zoom root's time.
//
// Why reuse the icicle: a sunburst is an icicle in polar coordinates (x in
// [0, 1] becomes the angle x * 2π, the row becomes the ring).  Sharing the
// layout means one set of rules (order, scaling children that exceed their
// parent, culling) and one set of tests for both charts.
//
//                 angle 0 (12 o'clock)
//                       |   angles grow clockwise, as on a clock face
//                .-~~~~~+~~~~~-.
//              /   ring 2        \        ring r spans radii
//             /   .-~~~~~~~~-.    \         [r * vp.ringWidth, (r + 1) * vp.ringWidth]
//            |   /  ring 1    \    |      (ring 0, the zoom root, is the disc
//            |  |  ( ring 0 )  |   |       of radius vp.ringWidth)
//            |   \  centre    /    |
//             \   '-~~~~~~~~-'    /       pixel of (angle a, radius r):
//              \                 /          x = vp.cx + r * sin(a)
//                '-~~~~~~~~~~~~-'           y = vp.cy - r * cos(a)
//
// Canvas measures angles from 3 o'clock: draw with canvasAngle(a).

import { layoutIcicle } from './icicle.js';
import { findSpan } from './spans.js';

export const TAU = 2 * Math.PI;

// arcs: { count, node, a0, a1, ring, ringStart, runs } — node[k] is the
// tree node of arc k; 0 <= a0[k] < a1[k] <= 2π; ring[k] its depth below the
// zoom root; ringStart[r] .. ringStart[r + 1] is ring r sorted by angle;
// runs the bands of layout/icicle.js in angles: { count, kind, a0, a1,
// ring, parent, boxes, time, ringStart }.
//
// options.maxDepth: rings shown around the centre (default: all).
// options.minAngle: an arc thinner than this many radians is culled with
// everything outside it (1 / outer radius in pixels culls arcs under a pixel
// at the rim).
export function layoutSunburst(tree, root, { maxDepth = Infinity, minAngle = 0 } = {}) {
  const rects = layoutIcicle(tree, root, { maxDepth, minWidth: minAngle / TAU });
  return {
    count: rects.count,
    node: rects.node,
    a0: rects.x0.map((x) => x * TAU),
    a1: rects.x1.map((x) => x * TAU),
    ring: rects.row,
    ringStart: rects.rowStart,
    runs: polarRuns(rects.runs),
  };
}

function polarRuns({ x0, x1, row, rowStart, ...rest }) {
  return { ...rest, a0: x0.map((x) => x * TAU), a1: x1.map((x) => x * TAU), ring: row, ringStart: rowStart };
}

// viewport: { cx, cy, ringWidth } in pixels: the centre and the width of
// one ring.
export function ringRadii(ring, viewport) {
  return { inner: ring * viewport.ringWidth, outer: (ring + 1) * viewport.ringWidth };
}

export function polarToPixel(angle, radius, viewport) {
  return { x: viewport.cx + radius * Math.sin(angle), y: viewport.cy - radius * Math.cos(angle) };
}

// The inverse of polarToPixel: angle in [0, 2π) and radius of a pixel.
export function pixelToPolar(px, py, viewport) {
  const dx = px - viewport.cx;
  const dy = py - viewport.cy;
  let angle = Math.atan2(dx, -dy);
  if (angle < 0) angle += TAU;
  // A hair left of 12 o'clock rounds to exactly 2π: that is angle 0.
  if (angle >= TAU) angle = 0;
  return { angle, radius: Math.hypot(dx, dy) };
}

// For CanvasRenderingContext2D.arc, whose angle 0 points to 3 o'clock.
export function canvasAngle(angle) {
  return angle - Math.PI / 2;
}

// The index of the band (arcs.runs) under pixel (px, py), or -1.
export function hitBand(arcs, px, py, viewport) {
  const { angle, radius } = pixelToPolar(px, py, viewport);
  return findSpan(arcs.runs.ringStart, arcs.runs.a0, arcs.runs.a1, Math.floor(radius / viewport.ringWidth), angle);
}

// The index of the arc under pixel (px, py), or -1.  Arcs are half-open in
// angle, [a0, a1), and in radius, so a pixel on a shared edge belongs to
// exactly one of them.
export function hitTest(arcs, px, py, viewport) {
  const { angle, radius } = pixelToPolar(px, py, viewport);
  return findSpan(arcs.ringStart, arcs.a0, arcs.a1, Math.floor(radius / viewport.ringWidth), angle);
}
