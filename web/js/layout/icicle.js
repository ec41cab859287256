// Icicle layout: a tree (model/tree.js) and a zoom root become rectangles in
// unit space, and a pixel becomes the rectangle under it (hitTest).
//
// Why unit space: the layout does not depend on the canvas size, the device
// pixel ratio or an animation frame.  The renderer maps it to pixels with a
// viewport it is given, so a resize or a zoom animation only changes the
// viewport, and hit-testing uses the same explicit transform backwards
// instead of a second copy of the geometry.
//
//   unit space (what layoutIcicle returns)         pixels (viewport)
//
//   x = 0                                x = 1      px = vp.x + x * vp.width
//   +------------------------------------+          py = vp.y + row * vp.rowHeight
//   |           zoom root                |  row 0
//   +----------------------+-------+-+---+
//   |   child A            |   B   |c|      row 1   width of a child =
//   +-------------+--+-----+--+----+ +              its time / zoom root time
//   |   A.1       |  |   B.1  |             row 2   (gaps: self time; boxes
//   +-------------+  +--------+                     too thin to draw and what
//                                                   was not fetched: bands)
//   |<- vp.x ->|<------- vp.width -------->|
//
// Children sit left to right in the model's order (largest first, the
// "(N smaller)" box last) from their parent's left edge.  The API lets exact
// figures of children exceed their parent slightly (a root function whose
// cumulative time is more than the profile's total): then the children are
// scaled down together to fit, so a box never pokes out of its parent and
// rows never overlap, which is what makes a hit unambiguous.
//
// Rectangles come out in breadth-first order: by row, and left to right within
// a row (each parent's children lie inside it, parents are in order).  So
// rowStart[r] .. rowStart[r + 1] is row r sorted by x, and hitTest is a binary
// search: cheap enough for every mouse move on 100k boxes.
//
// To zoom with an animation, keep the old layout and move the viewport: to
// blow up the box [a, b] of row d to the full width W, use
// width = W / (b - a), x = -a * width, y = -d * rowHeight.

import { MORE, SMALLER } from '../model/tree.js';
import { findSpan } from './spans.js';

// rects: { count, node, x0, x1, row, rowStart, runs } — node[k] is the
// tree node of rectangle k; x0[k] < x1[k] within [0, 1]; row[k] its depth
// below the zoom root; rowStart has one entry per row plus the end; runs
// holds the bands that stand for boxes not drawn one by one (see below).
//
// options.maxDepth: rows shown below the zoom root (default: all).
// options.minWidth: a box narrower than this, in unit space, is culled with
// everything under it (1 / canvas width in pixels culls boxes under a pixel).
export function layoutIcicle(tree, root, { maxDepth = Infinity, minWidth = 0 } = {}) {
  if (!(Number.isInteger(root) && root >= 0 && root < tree.size)) throw new RangeError(`no node ${root} in the tree`);
  const cap = tree.end[root] - root;
  const node = new Int32Array(cap);
  const x0 = new Float64Array(cap);
  const x1 = new Float64Array(cap);
  const row = new Int32Array(cap);
  node[0] = root;
  x1[0] = 1;
  let count = 1;
  const runs = [];  // kind, x0, x1, row, parent, boxes, time of each band

  // The output doubles as the breadth-first queue.
  for (let k = 0; k < count; k++) {
    if (row[k] >= maxDepth) continue;
    const n = node[k];
    let sum = 0;
    for (let c = n + 1; c < tree.end[n]; c = tree.end[c]) sum += usable(tree.time[c]);
    const scale = (x1[k] - x0[k]) / Math.max(usable(tree.time[n]), sum);
    if (!(scale < Infinity)) continue;  // no time to share out (0 / 0)
    let x = x0[k];
    let run = null;  // the run of culled siblings before x: { x0, boxes, time }
    const endRun = (at) => {
      if (run !== null) runs.push(RUN_THIN, run.x0, at, row[k] + 1, n, run.boxes, run.time);
      run = null;
    };
    let covered = 0;
    for (let c = n + 1; c < tree.end[n]; c = tree.end[c]) {
      const t = usable(tree.time[c]);
      const w = t * scale;
      covered += t;
      const a = x;
      // min(): rounding must not carry the last child past its parent.
      x = Math.min(x + w, x1[k]);
      if (!(x > a)) continue;
      if (w < minWidth) {
        run ??= { x0: a, boxes: 0, time: 0 };
        run.boxes += tree.has(c, SMALLER) ? tree.nMerged[c] : 1;
        run.time += t;
        continue;
      }
      endRun(a);
      node[count] = c;
      x0[count] = a;
      x1[count] = x;
      row[count] = row[k] + 1;
      count++;
    }
    endRun(x);
    // What the fetched levels left out of a box (MORE) is unknown, not its
    // self time: the rest of its width below it is a band that says so.
    const rest = usable(tree.time[n]) - covered;
    if (tree.has(n, MORE) && !tree.has(n, SMALLER) && x1[k] - x >= minWidth && x1[k] > x && rest > 0) {
      runs.push(RUN_UNLOADED, x, x1[k], row[k] + 1, n, 0, rest);
    }
  }

  const rows = row[count - 1] + 1;
  const rowStart = new Int32Array(rows + 1);
  for (let k = 0, r = 0; r <= rows; r++) {
    while (k < count && row[k] < r) k++;
    rowStart[r] = k;
  }
  return {
    count,
    node: node.subarray(0, count),
    x0: x0.subarray(0, count),
    x1: x1.subarray(0, count),
    row: row.subarray(0, count),
    rowStart,
    runs: bands(runs, rows + 1),
  };
}

// Two kinds of band stand for boxes that are not drawn one by one:
// - RUN_THIN: neighbouring boxes each too thin to draw, which can still add
//   up to a visible width (5000 calls of a few microseconds each); the run is
//   one band, so the time shows where it is rather than reading as the
//   parent's self time;
// - RUN_UNLOADED: below a box whose children the fetched view left out
//   (MORE: the levels asked for, or the server's cap, stopped there), the
//   width its loaded children do not cover; blank, it would read as the
//   box's self time, which it may not be.
// runs: { count, kind, x0, x1, row, parent, boxes, time, rowStart }: band i
// lies on row[i] in [x0[i], x1[i]), under tree node parent[i], and stands
// for boxes[i] boxes (a "(N smaller)" box counts N; 0 for RUN_UNLOADED)
// worth time[i] (in the profile's unit).  Bands of a row are sorted by x
// and disjoint, as rectangles are (each parent's bands lie inside it, after
// its drawn children or between them), and rowStart[r] .. rowStart[r + 1]
// are row r's, so layout/spans.js's findSpan hit-tests them too.
export const RUN_THIN = 0;
export const RUN_UNLOADED = 1;

function bands(flat, rows) {
  const count = flat.length / 7;
  const out = {
    count, kind: new Uint8Array(count), x0: new Float64Array(count), x1: new Float64Array(count), row: new Int32Array(count),
    parent: new Int32Array(count), boxes: new Float64Array(count), time: new Float64Array(count), rowStart: new Int32Array(rows + 1),
  };
  for (let i = 0; i < count; i++) {
    out.kind[i] = flat[7 * i];
    out.x0[i] = flat[7 * i + 1];
    out.x1[i] = flat[7 * i + 2];
    out.row[i] = flat[7 * i + 3];
    out.parent[i] = flat[7 * i + 4];
    out.boxes[i] = flat[7 * i + 5];
    out.time[i] = flat[7 * i + 6];
  }
  for (let i = 0, r = 0; r <= rows; r++) {
    while (i < count && out.row[i] < r) i++;
    out.rowStart[r] = i;
  }
  return out;
}

// A time that can take up width: NaN, negative and infinite times (damaged
// profiles; the API sends them as they are) take none.
function usable(t) {
  return t > 0 && t < Infinity ? t : 0;
}

// viewport: { x, y, width, rowHeight } in pixels, where the unit-space origin
// (x = 0, row 0) lands and how large one unit and one row are.
export function rectToPixels(rects, k, viewport) {
  const left = viewport.x + rects.x0[k] * viewport.width;
  return {
    x: left,
    y: viewport.y + rects.row[k] * viewport.rowHeight,
    width: viewport.x + rects.x1[k] * viewport.width - left,
    height: viewport.rowHeight,
  };
}

// The inverse of the viewport transform: a pixel in unit space.
export function pixelToUnit(px, py, viewport) {
  return {
    x: (px - viewport.x) / viewport.width,
    row: Math.floor((py - viewport.y) / viewport.rowHeight),
  };
}

// The index of the band (rects.runs) under pixel (px, py), or -1.
export function hitBand(rects, px, py, viewport) {
  const { x, row } = pixelToUnit(px, py, viewport);
  return findSpan(rects.runs.rowStart, rects.runs.x0, rects.runs.x1, row, x);
}

// The index of the rectangle under pixel (px, py), or -1.  Rectangles are
// half-open, [x0, x1) by [row, row + 1), so a pixel on a shared edge belongs
// to exactly one of them.
export function hitTest(rects, px, py, viewport) {
  const { x, row } = pixelToUnit(px, py, viewport);
  return findSpan(rects.rowStart, rects.x0, rects.x1, row, x);
}
