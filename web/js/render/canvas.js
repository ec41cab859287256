// The canvas backend: sizing for the device pixel ratio, batching redraws
// into animation frames, the hatching pattern, and drawing a chart's list
// of box drawings (boxes.js) onto a 2D context.
//
// Painters work in CSS pixels: sizeCanvas() gives the bitmap one pixel per
// device pixel (sharp on a HiDPI screen) and scales the context by the
// ratio, so nothing else needs to know it.  Apart from the canvas the UI
// hands sizeCanvas() and the tiles hatchPattern() makes, this module
// touches nothing but the contexts it is given; the UI decides when to
// draw.

import { TAU, canvasAngle } from '../layout/sunburst.js';
import { FADED_ALPHA, HATCH, background, insetShape, isFullCircle, lineOffset } from './boxes.js';
import { measurer } from './labels.js';

// Sizes the canvas to cssWidth x cssHeight CSS pixels at `dpr` device
// pixels each, and returns its 2D context drawing in CSS pixels.
export function sizeCanvas(canvas, cssWidth, cssHeight, dpr) {
  const width = Math.max(0, Math.round(cssWidth * dpr));
  const height = Math.max(0, Math.round(cssHeight * dpr));
  // Setting a size, even the same one, reallocates and clears the bitmap:
  // only when it changed.
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

// Returns request(): however often it is called before the next animation
// frame, draw(time) runs once in that frame.  Hover, search typing and a
// resize can each ask for a redraw many times a frame.  A request made
// while draw runs (an animation asking for its next frame) gets that frame.
export function frameScheduler(draw, raf = (callback) => requestAnimationFrame(callback)) {
  let pending = false;
  return function request() {
    if (pending) return;
    pending = true;
    raf((time) => {
      pending = false;
      draw(time);
    });
  };
}

// The diagonal stripes over an estimated box, as a pattern of `color`.
// Patterns are made once per context, colour and scale: building the tile
// is a canvas allocation, and a frame hatches many boxes.  The tile is drawn
// at the context's scale (its device pixels) and the pattern scaled back,
// so the stripes are sharp on a HiDPI screen and HATCH.size CSS pixels
// apart on any, as in the SVG export.
const patterns = new WeakMap();

export function hatchPattern(ctx, color) {
  const scale = ctx.getTransform().a;
  const key = `${scale} ${color}`;
  let byKey = patterns.get(ctx);
  if (byKey === undefined) patterns.set(ctx, (byKey = new Map()));
  let pattern = byKey.get(key);
  if (pattern === undefined) {
    const side = Math.max(1, Math.round(HATCH.size * scale));
    const tile = ctx.canvas.ownerDocument?.createElement('canvas') ?? new OffscreenCanvas(side, side);
    tile.width = side;
    tile.height = side;
    const t = tile.getContext('2d');
    t.scale(side / HATCH.size, side / HATCH.size);
    t.strokeStyle = color;
    t.lineWidth = HATCH.width;
    t.beginPath();
    for (const [x0, y0, x1, y1] of HATCH.lines) {
      t.moveTo(x0, y0);
      t.lineTo(x1, y1);
    }
    t.stroke();
    pattern = ctx.createPattern(tile, 'repeat');
    pattern.setTransform({ a: HATCH.size / side, d: HATCH.size / side });
    byKey.set(key, pattern);
  }
  return pattern;
}

// Paints a chart, boxesOf(scene, measure) giving its drawings (boxes.js),
// and returns how many it drew (boxes and bands).  Fills go first, then
// hatching over them, labels (one or two lines each), and outlines on top.
// Each pass draws one path per style (colour and fading) rather than one
// per box, and the font is set once: a frame costs a few dozen fill()
// calls, not one per box.
export function paintBoxes(ctx, scene, boxesOf) {
  ctx.font = scene.font;
  const boxes = boxesOf(scene, measurer(ctx));
  ctx.globalAlpha = 1;
  ctx.fillStyle = background(scene.theme);
  ctx.fillRect(0, 0, scene.width, scene.height);

  for (const [fill, faded, group] of byStyle(boxes, (b) => b.fill)) {
    ctx.globalAlpha = faded ? FADED_ALPHA : 1;
    ctx.fillStyle = fill;
    ctx.beginPath();
    for (const b of group) tracePath(ctx, b.shape);
    ctx.fill();
  }

  for (const [hatch, faded, group] of byStyle(boxes, (b) => b.hatch)) {
    ctx.globalAlpha = faded ? FADED_ALPHA : 1;
    ctx.fillStyle = hatchPattern(ctx, hatch);
    ctx.beginPath();
    for (const b of group) tracePath(ctx, b.shape);
    ctx.fill();
  }

  ctx.textBaseline = 'middle';
  for (const [text, faded, group] of byStyle(boxes, (b) => (b.label === null ? null : b.text))) {
    ctx.globalAlpha = faded ? FADED_ALPHA : 1;
    ctx.fillStyle = text;
    for (const { label } of group) {
      ctx.textAlign = label.align;
      if (label.angle === 0) {
        label.lines.forEach((line, j) => ctx.fillText(line, label.x, label.y + lineOffset(label, j)));
      } else {
        ctx.save();
        ctx.translate(label.x, label.y);
        ctx.rotate(label.angle);
        label.lines.forEach((line, j) => ctx.fillText(line, 0, lineOffset(label, j)));
        ctx.restore();
      }
    }
  }

  // An outline is a frame filled just inside its box (the shape less the
  // shape inset by the width), not a stroke along the edge: a stroke would
  // spill out of a box thinner than the line onto its neighbours, while a
  // thin box's frame simply fills it.  It marks a box however faded.
  ctx.globalAlpha = 1;
  for (const [outline, , group] of byStyle(boxes, (b) => b.outline)) {
    ctx.fillStyle = outline.color;
    ctx.beginPath();
    for (const b of group) {
      tracePath(ctx, b.shape);
      tracePath(ctx, insetShape(b.shape, outline.width));
    }
    ctx.fill('evenodd');
  }
  return boxes.length;
}

// [style, faded, boxes] for every style styleOf gives (null: none) and
// fading, in the order first met.
function byStyle(boxes, styleOf) {
  const groups = new Map();
  for (const b of boxes) {
    const style = styleOf(b);
    if (style === null) continue;
    let pair = groups.get(style);
    if (pair === undefined) groups.set(style, (pair = [[], []]));
    pair[b.faded ? 1 : 0].push(b);
  }
  const out = [];
  for (const [style, [plain, faded]] of groups) {
    if (plain.length > 0) out.push([style, false, plain]);
    if (faded.length > 0) out.push([style, true, faded]);
  }
  return out;
}

// Adds a shape to the current path as a closed sub-path of its own.
function tracePath(ctx, shape) {
  if (shape.kind === 'rect') {
    ctx.rect(shape.x, shape.y, shape.w, shape.h);
    return;
  }
  const { cx, cy, r0, r1 } = shape;
  if (isFullCircle(shape)) {
    // Two circles of opposite direction: the inner one is a hole under the
    // non-zero rule, and there is no seam to show in an outline.
    ctx.moveTo(cx + r1, cy);
    ctx.arc(cx, cy, r1, 0, TAU);
    if (r0 > 0) {
      ctx.moveTo(cx + r0, cy);
      ctx.arc(cx, cy, r0, TAU, 0, true);
    }
    return;
  }
  const a0 = canvasAngle(shape.a0);
  const a1 = canvasAngle(shape.a1);
  ctx.moveTo(cx + r1 * Math.cos(a0), cy + r1 * Math.sin(a0));
  ctx.arc(cx, cy, r1, a0, a1);
  ctx.arc(cx, cy, r0, a1, a0, true);
  ctx.closePath();
}
