// render/canvas.js, render/icicle-paint.js, render/sunburst-paint.js: what
// lands on a (recording) canvas.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT, treeFromView } from '../../web/js/model/tree.js';
import { layoutIcicle, rectToPixels } from '../../web/js/layout/icicle.js';
import { TAU, layoutSunburst } from '../../web/js/layout/sunburst.js';
import { viewColors } from '../../web/js/layout/packages.js';
import { THEMES, boxStyle } from '../../web/js/render/palette.js';
import { FADED_ALPHA, GAP, LABEL_PAD, UNLOADED_LABEL, background } from '../../web/js/render/boxes.js';
import { frameScheduler, hatchPattern, sizeCanvas } from '../../web/js/render/canvas.js';
import { icicleBoxes, paintIcicle } from '../../web/js/render/icicle-paint.js';
import { FOCUS, HOVER_SAME, MATCH } from '../../web/js/render/marks.js';
import { paintSunburst, sunburstBoxes } from '../../web/js/render/sunburst-paint.js';
import { ELLIPSIS, LINE_SPACING, boxLabel, boxTime } from '../../web/js/render/labels.js';
import { fakeCanvas, fakeContext, measureText } from './fake-canvas.js';
import { box, fixtureJson, randomView, rng, wholeView } from './support.js';

const FONT = '12px test';

function trees(seed, count) {
  const random = rng(seed);
  const real = ['recursion-full.json', 'compileall-top.json', 'hostile-tree.json', 'edge-tree.json']
    .map((name) => [name, treeFromView(fixtureJson(name))]);
  const made = Array.from({ length: count }, (_, k) => [`seed ${seed} #${k}`, treeFromView(randomView(random, { maxDepth: 7 }))]);
  return [...real, ...made];
}

function icicleScene(tree, extra = {}) {
  return {
    tree, rects: layoutIcicle(tree, 0), viewport: { x: 0, y: 0, width: 1000, rowHeight: 20 }, width: 1000, height: 300,
    colors: viewColors(tree, 0, 1000), theme: 'light', marks: null, searching: false, font: FONT, ...extra,
  };
}

function paint(painter, scene) {
  const ctx = fakeContext(scene.width, scene.height);
  ctx.drawn = painter(ctx, scene);
  return ctx;
}

// The boxes a scene must show, by brute force over every rectangle: its
// pixel box clipped to the canvas, when at least half a pixel of it is left.
function expectedRects(scene) {
  const out = new Map();
  for (let k = 0; k < scene.rects.count; k++) {
    const b = rectToPixels(scene.rects, k, scene.viewport);
    const left = Math.max(0, b.x);
    const top = Math.max(0, b.y);
    const right = Math.min(scene.width, b.x + b.width);
    const bottom = Math.min(scene.height, b.y + b.height);
    if (right - left >= 0.5 && bottom - top >= 0.5) out.set(`${left} ${top}`, { node: scene.rects.node[k], left, top, right, bottom });
  }
  return out;
}

// The bands a scene must show (the layout's runs), the same way, keyed
// alike, with node -1 and their kind.
function expectedBands(scene) {
  const out = new Map();
  const { runs } = scene.rects;
  for (let i = 0; i < runs.count; i++) {
    const vp = scene.viewport;
    const left = Math.max(0, vp.x + runs.x0[i] * vp.width);
    const top = Math.max(0, vp.y + runs.row[i] * vp.rowHeight);
    const right = Math.min(scene.width, vp.x + runs.x1[i] * vp.width);
    const bottom = Math.min(scene.height, vp.y + (runs.row[i] + 1) * vp.rowHeight);
    if (right - left >= 0.5 && bottom - top >= 0.5) out.set(`${left} ${top}`, { node: -1, kind: runs.kind[i], left, top, right, bottom });
  }
  return out;
}

// What a label line may say in box `node`: its name whole or cut at
// either end (labels.js), its time, or both on one line.
function labelOf(tree, node, text) {
  if (node < 0) return text === UNLOADED_LABEL || (text.endsWith(ELLIPSIS) && UNLOADED_LABEL.startsWith(text.slice(0, -1)));
  const name = boxLabel(tree, node);
  const time = boxTime(tree, node);
  return text === name || text === time || text === `${name} ${time}`
    || (text.endsWith(ELLIPSIS) && name.startsWith(text.slice(0, -1)))
    || (text.startsWith(ELLIPSIS) && name.endsWith(text.slice(1)));
}

const isPattern = (style) => typeof style === 'object';

// The fill() calls of one pass: the boxes, their hatching, or the outline
// frames (filled even-odd: a shape less the shape inset).
const PASSES = {
  box: (o) => o.rule === 'nonzero' && !isPattern(o.style),
  hatch: (o) => isPattern(o.style),
  outline: (o) => o.rule === 'evenodd',
};

// Every sub-path of one pass's fills, with the style it got.
function pathRects(ctx, pass) {
  return ctx.ops.filter((o) => o.op === 'fill' && PASSES[pass](o))
    .flatMap((o) => o.path.map((p) => ({ ...p, style: o.style, alpha: o.alpha })));
}

// Random viewports: at rest, zoomed into some box, panned part off-screen,
// rows cut at the top.
function viewports(scene, random) {
  const out = [scene.viewport];
  for (let i = 0; i < 6; i++) {
    const k = random.int(scene.rects.count);
    const a = scene.rects.x0[k];
    const b = scene.rects.x1[k];
    const width = (scene.width / (b - a)) * (0.5 + random());
    const x = -a * width + (random() - 0.5) * 300;
    const y = -scene.rects.row[k] * 20 + (random() - 0.3) * 50;
    out.push({ x, y, width, rowHeight: 12 + random() * 20 });
  }
  return out;
}

function inside(r, b, eps = 1e-9) {
  return r.x >= b.left - eps && r.y >= b.top - eps && r.x + r.w <= b.right + eps && r.y + r.h <= b.bottom + eps;
}

test('icicle: every box on the canvas is filled once, in its colour, and nothing else', () => {
  const random = rng(50);
  for (const [label, tree] of trees(51, 15)) {
    for (const theme of ['light', 'dark']) {
      const base = icicleScene(tree, { theme });
      for (const viewport of viewports(base, random)) {
        const scene = { ...base, viewport };
        const ctx = paint(paintIcicle, scene);
        const expected = expectedRects(scene);
        const bands = expectedBands(scene);
        const seen = new Set();
        for (const r of pathRects(ctx, 'box')) {
          const key = `${r.x} ${r.y}`;
          if (bands.has(key) && !expected.has(key)) {
            assert.equal(r.style, THEMES[theme].neutral, `${label}: a band is neutral`);
            assert.ok(inside(r, bands.get(key)));
            seen.add(key);
            continue;
          }
          const b = expected.get(key);
          assert.ok(b !== undefined, `${label}: a fill at (${r.x}, ${r.y}) that is no visible box`);
          assert.ok(!seen.has(key), `${label}: box ${b.node} filled twice`);
          seen.add(key);
          assert.equal(r.style, boxStyle(tree, scene.colors, b.node, theme).fill);
          assert.ok(inside(r, b), `${label}: fill of ${b.node} inside its box`);
          // The gap to the next box, when the box can spare it.
          const spare = (size) => (size > 2 * GAP ? size - GAP : size);
          assert.ok(Math.abs(r.w - spare(b.right - b.left)) < 1e-9 && Math.abs(r.h - spare(b.bottom - b.top)) < 1e-9, `${label}: gap`);
        }
        assert.equal(seen.size, expected.size + bands.size, `${label}: every visible box and band is filled`);
        assert.equal(ctx.drawn, expected.size + bands.size, `${label}: and counted`);
        const bg = ctx.ops.filter((o) => o.op === 'fillRect');
        assert.deepEqual(bg.map((o) => [o.style, o.x, o.y, o.w, o.h]), [[background(theme), 0, 0, scene.width, scene.height]]);
      }
    }
  }
});

test('icicle: nothing is drawn outside the canvas, and labels stay in their boxes', () => {
  const random = rng(52);
  for (const [label, tree] of trees(53, 15)) {
    const base = icicleScene(tree);
    for (const viewport of viewports(base, random)) {
      const scene = { ...base, viewport, marks: new Uint8Array(tree.size).fill(FOCUS) };
      const ctx = paint(paintIcicle, scene);
      const canvasBox = { left: 0, top: 0, right: scene.width, bottom: scene.height };
      assert.ok(!ctx.ops.some((o) => o.op === 'stroke'), 'outlines are filled inside their boxes, not stroked over the edge');
      for (const r of ctx.ops.filter((o) => o.op === 'fill').flatMap((o) => o.path)) {
        assert.equal(r.kind, 'rect');
        assert.ok(inside(r, canvasBox), `${label}: ${r.x}, ${r.y}, ${r.w}, ${r.h}`);
      }
      const expected = [...expectedRects(scene).values(), ...expectedBands(scene).values()];
      for (const t of ctx.ops.filter((o) => o.op === 'fillText')) {
        assert.equal(t.align, 'left');
        const b = expected.find((e) => t.x > e.left && t.x < e.right && t.y > e.top && t.y < e.bottom);
        assert.ok(b !== undefined, `${label}: label ${JSON.stringify(t.text)} in no box`);
        assert.ok(t.x + measureText(t.text) <= b.right - LABEL_PAD, `${label}: ${JSON.stringify(t.text)} wider than its box`);
        assert.ok(labelOf(tree, b.node, t.text), `${label}: ${JSON.stringify(t.text)} in box ${b.node}`);
      }
    }
  }
});

test('icicle: names reach fillText as they are, hostile ones too', () => {
  const tree = treeFromView(fixtureJson('hostile-tree.json'));
  const ctx = paint(paintIcicle, icicleScene(tree, { width: 100000, viewport: { x: 0, y: 0, width: 100000, rowHeight: 20 } }));
  const texts = ctx.ops.filter((o) => o.op === 'fillText').map((o) => o.text);
  const names = ['</script><img src=x onerror=alert(1)>', 'name\nwith\tcontrol', '-2+3 \udcff', 'constructor', '(all)', '(3 smaller)'];
  for (const name of names) {
    assert.ok(texts.some((t) => t === name || t.startsWith(`${name} `)), JSON.stringify(name));
  }
  // One line a box: its whole name, and its time where that fits too.
  const lines = texts.filter((t) => t !== UNLOADED_LABEL);
  assert.equal(lines.length, tree.size, 'at this width every box has a label');
  for (let i = 0; i < tree.size; i++) {
    const name = boxLabel(tree, i);
    assert.ok(lines.includes(`${name} ${boxTime(tree, i)}`) || lines.includes(name), `box ${i}: its whole name`);
  }
  assert.ok(ctx.ops.filter((o) => o.op === 'fillText').every((o) => o.font === FONT && o.style === THEMES.light.text));
});

test('icicle: estimated boxes, and only they, are hatched', () => {
  for (const [label, tree] of trees(54, 10)) {
    const scene = icicleScene(tree);
    const ctx = paint(paintIcicle, scene);
    const expected = expectedRects(scene);
    const hatched = pathRects(ctx, 'hatch').map((r) => expected.get(`${r.x} ${r.y}`).node);
    const estimated = [...expected.values()].map((b) => b.node).filter((n) => !tree.has(n, EXACT));
    assert.deepEqual(hatched.sort((a, b) => a - b), estimated.sort((a, b) => a - b), label);
  }
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const ctx = paint(paintIcicle, icicleScene(tree));
  assert.ok(pathRects(ctx, 'hatch').length > 0, 'the fixture has estimates to hatch');
});

test('icicle: marked boxes are outlined, focus more heavily than hover', () => {
  const random = rng(55);
  for (const [label, tree] of trees(56, 10)) {
    for (const theme of ['light', 'dark']) {
      const marks = new Uint8Array(tree.size);
      for (let i = 0; i < tree.size; i++) marks[i] = random.pick([0, 0, 0, HOVER_SAME, FOCUS, HOVER_SAME | FOCUS, MATCH]);
      const scene = icicleScene(tree, { theme, marks });
      const ctx = paint(paintIcicle, scene);
      const expected = expectedRects(scene);
      // A frame is the box's own fill rectangle and that rectangle inset by
      // the outline's width, or to its middle when thinner.
      const frames = pathRects(ctx, 'outline');
      assert.equal(frames.length % 2, 0);
      for (let j = 0; j < frames.length; j += 2) {
        const [outer, inner] = [frames[j], frames[j + 1]];
        const b = expected.get(`${outer.x} ${outer.y}`);
        assert.ok(b !== undefined, `${label}: an outline on no box`);
        assert.ok(marks[b.node] & (FOCUS | HOVER_SAME));
        assert.equal(outer.style, THEMES[theme].text);
        const width = marks[b.node] & FOCUS ? 2 : 1;
        const dx = Math.min(width, outer.w / 2);
        const dy = Math.min(width, outer.h / 2);
        assert.deepEqual([inner.x, inner.y, inner.w, inner.h], [outer.x + dx, outer.y + dy, outer.w - 2 * dx, outer.h - 2 * dy]);
        assert.ok(inside(outer, b));
      }
      assert.equal(frames.length / 2, [...expected.values()].filter((b) => marks[b.node] & (FOCUS | HOVER_SAME)).length, label);
      assert.equal(pathRects(paint(paintIcicle, { ...scene, marks: null }), 'outline').length, 0);
    }
  }
});

test('icicle: while searching, boxes that do not match are faded', () => {
  const random = rng(57);
  for (const [label, tree] of trees(58, 10)) {
    const marks = new Uint8Array(tree.size);
    for (let i = 0; i < tree.size; i++) marks[i] = random() < 0.3 ? MATCH : 0;
    const scene = icicleScene(tree, { marks, searching: true, width: 4000, viewport: { x: 0, y: 0, width: 4000, rowHeight: 20 } });
    const ctx = paint(paintIcicle, scene);
    const expected = new Map([...expectedBands(scene), ...expectedRects(scene)]);
    const matching = (node) => node >= 0 && (marks[node] & MATCH) !== 0;
    let faded = 0;
    for (const r of [...pathRects(ctx, 'box'), ...pathRects(ctx, 'hatch')]) {
      const b = expected.get(`${r.x} ${r.y}`);
      assert.equal(r.alpha, matching(b.node) ? 1 : FADED_ALPHA, `${label}: box ${b.node}`);
      if (r.alpha < 1) faded++;
    }
    for (const t of ctx.ops.filter((o) => o.op === 'fillText')) {
      const node = [...expected.values()].find((e) => t.x > e.left && t.x < e.right && t.y > e.top && t.y < e.bottom).node;
      assert.equal(t.alpha, matching(node) ? 1 : FADED_ALPHA);
    }
    assert.ok(faded > 0 || [...expected.values()].every((b) => matching(b.node)));
    const quiet = paint(paintIcicle, { ...scene, searching: false });
    assert.ok(quiet.ops.every((o) => o.alpha === 1), 'no search, no fading, whatever the marks');
  }
});

// 100 000 boxes, most of them far under a pixel: only the visible ones cost.
function bigTree() {
  const leaves = (id, n) => Array.from({ length: n }, (_, k) => box(id + 1 + k, 1 + (k % 7), [], { exact: k % 3 !== 0 }));
  const kids = Array.from({ length: 50 }, (_, j) => {
    const ls = leaves(1000 + j * 2001, 1999);
    return box(j + 1, ls.reduce((s, l) => s + l.time, 0), ls, { exact: j % 2 === 0 });
  });
  return treeFromView(wholeView(box(null, kids.reduce((s, k) => s + k.time, 0), kids)));
}

test('icicle: a 100k-box tree is painted in a few batches, measuring only what has room', () => {
  const tree = bigTree();
  assert.ok(tree.size > 100000);
  const scene = icicleScene(tree, { width: 1200, viewport: { x: 0, y: 0, width: 1200, rowHeight: 20 } });
  const ctx = paint(paintIcicle, scene);
  const fills = ctx.ops.filter((o) => o.op === 'fill');
  const drawn = icicleBoxes(scene, measureText);
  const styles = new Set(drawn.map((b) => b.fill));
  assert.equal(fills.length, styles.size + 1, 'one path per colour, and one for the hatching');
  assert.equal(ctx.saves, 0, 'no save/restore per box');
  assert.equal(ctx.fontSets, 1, 'the font is set once');
  // The leaves are 0.0002 of the width here: none is drawn or measured.
  assert.ok(drawn.length <= 51 + 1200 / 0.5, `${drawn.length} boxes drawn`);
  const roomy = drawn.filter((b) => b.shape.w - 2 * LABEL_PAD >= 12).length;
  assert.ok(ctx.measured.length <= roomy * 8, `${ctx.measured.length} strings measured for ${roomy} roomy boxes`);
  // A second frame measures nothing new.
  const before = ctx.measured.length;
  paintIcicle(ctx, scene);
  assert.equal(ctx.measured.length, before);
});

// The sub-paths of one pass's fills of a sunburst painting, as sectors:
// { style, alpha, r0, r1, start, end, full } (angles as given to arc()).
function sectors(ctx, pass) {
  const out = [];
  for (const o of ctx.ops.filter((x) => x.op === 'fill' && PASSES[pass](x))) {
    let cur = null;
    for (const p of o.path) {
      // An outer arc starts a sector; the inner one (or a ring's hole)
      // turns back.
      if (p.kind === 'arc' && !p.ccw) {
        const full = p.a1 - p.a0 >= TAU - 1e-9;
        cur = { style: o.style, alpha: o.alpha, r1: p.r, r0: 0, start: p.a0, end: p.a1, full, cx: p.cx, cy: p.cy };
        out.push(cur);
      } else if (p.kind === 'arc') {
        cur.r0 = p.r;
      }
    }
  }
  return out;
}

function sunburstScene(tree, extra = {}) {
  return {
    tree, arcs: layoutSunburst(tree, 0), viewport: { cx: 400, cy: 300, ringWidth: 40 }, width: 800, height: 600,
    colors: viewColors(tree, 0, 1000), theme: 'light', marks: null, searching: false, font: FONT, ...extra,
  };
}

// The arc a painted sector is, found by its ring and start angle.
function arcOfSector(scene, s, arcs = scene.arcs) {
  const { viewport: vp } = scene;
  const ring = s.full ? Math.round((s.r1 + GAP) / vp.ringWidth) - 1 : Math.round(s.r0 / vp.ringWidth);
  const a0 = s.full ? 0 : s.start + Math.PI / 2;
  for (let k = arcs.ringStart[ring]; k < arcs.ringStart[ring + 1]; k++) {
    if (Math.abs(arcs.a0[k] - a0) < 1e-9) return k;
  }
  return -1;
}

// The band (the layout's runs) a painted sector is, or -1.
function bandOfSector(scene, s) {
  return arcOfSector(scene, s, scene.arcs.runs);
}

test('sunburst: every arc longer than a pixel is filled once, in its colour; thinner ones are left out', () => {
  for (const [label, tree] of trees(60, 15)) {
    for (const theme of ['light', 'dark']) {
      const scene = sunburstScene(tree, { theme });
      const ctx = paint(paintSunburst, scene);
      const seen = new Set();
      let bands = 0;
      for (const s of sectors(ctx, 'box')) {
        const k = arcOfSector(scene, s);
        if (k < 0 && bandOfSector(scene, s) >= 0) {
          assert.equal(s.style, THEMES[theme].neutral, `${label}: a band is neutral`);
          bands++;
          continue;
        }
        assert.ok(k >= 0, `${label}: a sector that is no arc`);
        assert.ok(!seen.has(k), `${label}: arc ${k} filled twice`);
        seen.add(k);
        assert.equal(s.style, boxStyle(tree, scene.colors, scene.arcs.node[k], theme).fill);
        assert.deepEqual([s.cx, s.cy], [400, 300]);
        assert.equal(s.full, k === 0 || scene.arcs.a1[k] - scene.arcs.a0[k] >= TAU - 1e-9);
        if (k === 0) assert.equal(s.r0, 0, 'the zoom root is the centre disc');
      }
      const { arcs } = scene;
      for (let k = 0; k < arcs.count; k++) {
        const length = (arcs.a1[k] - arcs.a0[k]) * ((arcs.ring[k] + 1) * 40 - GAP);
        if (length >= 1) assert.ok(seen.has(k), `${label}: arc ${k}, ${length} px long, is drawn`);
        if (length < 0.4) assert.ok(!seen.has(k), `${label}: arc ${k}, ${length} px long, is not`);
      }
      assert.equal(ctx.drawn, seen.size + bands, `${label}: arcs and bands counted`);
      const hatched = sectors(ctx, 'hatch').map((s) => arcs.node[arcOfSector(scene, s)]);
      const estimated = [...seen].map((k) => arcs.node[k]).filter((n) => !tree.has(n, EXACT));
      assert.deepEqual(hatched.sort((a, b) => a - b), estimated.sort((a, b) => a - b), `${label}: hatching`);
    }
  }
});

// The arc (or band, of arcs.runs) under a pixel, by its angle and radius.
function arcAt(scene, x, y, arcs = scene.arcs) {
  const { viewport: vp } = scene;
  let angle = Math.atan2(x - vp.cx, vp.cy - y);
  if (angle < 0) angle += TAU;
  const ring = Math.floor(Math.hypot(x - vp.cx, y - vp.cy) / vp.ringWidth);
  for (let k = arcs.ringStart[ring]; k < arcs.ringStart[ring + 1]; k++) if (arcs.a0[k] <= angle && angle < arcs.a1[k]) return k;
  return -1;
}

test('sunburst: labels read upright, fit their ring and sit in their arc', () => {
  let turned = 0;
  for (const [label, tree] of trees(61, 15)) {
    const scene = sunburstScene(tree, { viewport: { cx: 400, cy: 300, ringWidth: 90 } });
    const ctx = paint(paintSunburst, scene);
    const texts = ctx.ops.filter((o) => o.op === 'fillText');
    // A label's lines are written about one point, the middle of the block:
    // the turned frame's origin, or on the disc the canvas point itself.
    const lines = new Map();
    for (const t of texts) {
      const [, , , , e, f] = t.transform;
      const key = e === 0 && f === 0 ? 'disc' : `${e} ${f}`;
      lines.set(key, (lines.get(key) ?? 0) + 1);
    }
    for (const t of texts) {
      assert.equal(t.align, 'center');
      const [a, b, , , e, f] = t.transform;
      const angle = Math.atan2(b, a);
      assert.ok(Math.abs(angle) <= Math.PI / 2 + 1e-9, `${label}: ${JSON.stringify(t.text)} turned ${angle}`);
      assert.ok(lines.get(e === 0 && f === 0 ? 'disc' : `${e} ${f}`) <= 2, 'two lines at most');
      if (e === 0 && f === 0) {
        assert.equal(t.x, 400);
        assert.ok(Math.abs(t.y - 300) <= 12 * LINE_SPACING / 2 + 1e-9, 'across the disc, about its middle');
        assert.ok(measureText(t.text) <= 2 * 90 - 2 * LABEL_PAD, 'across the disc');
        continue;
      }
      turned++;
      assert.equal(t.x, 0);
      assert.ok(measureText(t.text) <= 90 - GAP - 2 * LABEL_PAD, `${label}: ${JSON.stringify(t.text)} longer than the ring`);
      // The arc is as thick as the text block is high where the text starts.
      const arcs = t.text === UNLOADED_LABEL ? scene.arcs.runs : scene.arcs;
      const k = arcAt(scene, e, f, arcs);
      const inner = arcs.ring[k] * 90;
      const thickness = (arcs.a1[k] - arcs.a0[k]) * (inner + LABEL_PAD);
      const n = lines.get(`${e} ${f}`);
      assert.ok(thickness >= (n === 2 ? 2 * 12 * LINE_SPACING : 12), `${label}: ${JSON.stringify(t.text)} higher than its arc is thick`);
      assert.ok(Math.abs(t.y) <= (n === 2 ? 12 * LINE_SPACING / 2 : 0) + 1e-9, 'lines about the middle');
      // Radial: the block runs along the ray through its middle.
      const ray = Math.atan2(f - 300, e - 400);
      const off = Math.abs(((angle - ray) % Math.PI) + Math.PI) % Math.PI;
      assert.ok(off < 1e-9 || Math.abs(off - Math.PI) < 1e-9, `${label}: along the ray`);
      const radius = Math.hypot(e - 400, f - 300);
      assert.ok(Math.abs(((radius + GAP / 2) % 90) - 45) < 1e-6, `${label}: in the middle of its ring`);
    }
    assert.ok([...lines.values()].some((n) => n === 2) || texts.length === 0 || label.startsWith('seed'), `${label}: some labels have two lines`);
  }
  assert.ok(turned > 20, 'radial labels were drawn');
});

test('sunburst: the zoom transform onto an arc draws what a layout rooted there draws', () => {
  const random = rng(62);
  for (const [label, tree] of trees(63, 10)) {
    const scene = sunburstScene(tree);
    const { arcs } = scene;
    for (let trial = 0; trial < 5; trial++) {
      const k = random.int(arcs.count);
      // A transform onto an arc too thin for doubles to scale back up
      // (edge-tree's 2.5e-9 s out of 1e300) is no test of the geometry.
      if (arcs.a1[k] - arcs.a0[k] < 1e-6) continue;
      const zoomed = sunburstBoxes({ ...scene, transform: { a0: arcs.a0[k], a1: arcs.a1[k], ring0: arcs.ring[k] } }, measureText);
      const rooted = sunburstBoxes({ ...scene, arcs: layoutSunburst(tree, arcs.node[k]) }, measureText);
      assert.equal(zoomed.length, rooted.length, `${label}: zoom onto arc ${k}`);
      zoomed.forEach((z, j) => {
        const r = rooted[j];
        assert.equal(z.node, r.node);
        for (const key of ['r0', 'r1', 'a0', 'a1']) assert.ok(Math.abs(z.shape[key] - r.shape[key]) < 1e-6, `${label}: ${key}`);
        assert.equal(z.label?.text, r.label?.text);
      });
      assert.equal(zoomed[0].node, arcs.node[k]);
      assert.equal(zoomed[0].shape.r0, 0);
    }
  }
  // Mid-zoom (a window of [1, 2] radians, the centre half a ring out):
  // angles stay within the circle, radii outside the centre, and only arcs
  // reaching into the window are drawn.
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const scene = sunburstScene(tree);
  const drawn = sunburstBoxes({ ...scene, transform: { a0: 1, a1: 2, ring0: 0.5 } }, measureText);
  assert.ok(drawn.every((b) => b.shape.a0 >= 0 && b.shape.a1 <= TAU && b.shape.r0 >= 0));
  const k = (node) => scene.arcs.node.indexOf(node);
  assert.ok(drawn.length > 0);
  assert.ok(drawn.every((b) => scene.arcs.a1[k(b.node)] > 1 && scene.arcs.a0[k(b.node)] < 2));
});

test('sunburst: marks outline their arcs, searching fades the rest', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const marks = new Uint8Array(tree.size);
  marks[3] = FOCUS;
  marks[5] = HOVER_SAME | MATCH;
  marks[7] = MATCH;
  const scene = sunburstScene(tree, { marks, searching: true, theme: 'dark' });
  const ctx = paint(paintSunburst, scene);
  // Frames: each box's sector, then the sector inset by the width.
  const frames = sectors(ctx, 'outline');
  const outlined = [];
  for (let j = 0; j < frames.length; j += 2) {
    const [outer, inner] = [frames[j], frames[j + 1]];
    outlined.push([scene.arcs.node[arcOfSector(scene, outer)], Math.round(inner.r0 - outer.r0), outer.style]);
  }
  assert.deepEqual(outlined.sort(), [[3, 2, THEMES.dark.text], [5, 1, THEMES.dark.text]]);
  for (const s of [...sectors(ctx, 'box'), ...sectors(ctx, 'hatch')]) {
    const node = scene.arcs.node[arcOfSector(scene, s)];
    assert.equal(s.alpha, node === 5 || node === 7 ? 1 : FADED_ALPHA, `node ${node}`);
  }
});

test('sizeCanvas gives one bitmap pixel per device pixel and draws in CSS pixels', () => {
  const canvas = fakeCanvas();
  const ctx = sizeCanvas(canvas, 400.5, 200, 2);
  assert.deepEqual([canvas.width, canvas.height, canvas.style.width, canvas.style.height], [801, 400, '400.5px', '200px']);
  assert.deepEqual(ctx.transform, [2, 0, 0, 2, 0, 0]);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  let writes = 0;
  const watched = { ...canvas, getContext: () => ctx };
  Object.defineProperty(watched, 'width', { get: () => 801, set: () => writes++ });
  sizeCanvas(watched, 400.5, 200, 2);
  assert.equal(writes, 0, 'the same size is not set again (that would clear the bitmap)');
  assert.deepEqual(ctx.transform, [2, 0, 0, 2, 0, 0], 'but the scale is');
  sizeCanvas(canvas, 10, 10, 1.5);
  assert.deepEqual([canvas.width, canvas.height, ctx.transform[0]], [15, 15, 1.5]);
});

test('frameScheduler draws once per frame however often it is asked', () => {
  const frames = [];
  const raf = (callback) => frames.push(callback);
  const draws = [];
  let again = false;
  const request = frameScheduler((time) => {
    draws.push(time);
    if (again) request();
  }, raf);
  request();
  request();
  request();
  assert.equal(frames.length, 1);
  assert.deepEqual(draws, []);
  frames.shift()(16);
  assert.deepEqual(draws, [16]);
  request();
  assert.equal(frames.length, 1, 'a request after the frame gets the next one');
  again = true;
  frames.shift()(32);
  assert.equal(frames.length, 1, 'a request while drawing gets the next frame');
  again = false;
  frames.shift()(48);
  assert.deepEqual(draws, [16, 32, 48]);
  assert.equal(frames.length, 0);
});

test('hatch patterns are made once per context, colour and scale, sharp at the device scale', () => {
  const ctx = fakeContext();
  ctx.setTransform(2, 0, 0, 2, 0, 0);
  const a = hatchPattern(ctx, 'red');
  assert.equal(hatchPattern(ctx, 'red'), a);
  assert.notEqual(hatchPattern(ctx, 'blue'), a);
  assert.notEqual(hatchPattern(fakeContext(), 'red'), a);
  assert.equal(a.repetition, 'repeat');
  const tile = a.image;
  assert.equal(tile.width, tile.height);
  assert.equal(tile.width % 2, 0, 'the tile is drawn in device pixels');
  assert.deepEqual(a.matrix, { a: 0.5, d: 0.5 });
  const strokes = tile.ctx.ops.filter((o) => o.op === 'stroke');
  assert.equal(strokes.length, 1);
  assert.equal(strokes[0].style, 'red');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  assert.notEqual(hatchPattern(ctx, 'red'), a, 'another scale, another tile');
});

test('an empty or degenerate viewport paints only the background', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const viewports = [
    { x: 0, y: 0, width: 0, rowHeight: 20 }, { x: NaN, y: 0, width: 100, rowHeight: 20 }, { x: 0, y: 0, width: 100, rowHeight: 0 },
    { x: 0, y: 10000, width: 100, rowHeight: 20 }, { x: 5000, y: 0, width: 100, rowHeight: 20 },
  ];
  for (const viewport of viewports) {
    const ctx = paint(paintIcicle, icicleScene(tree, { viewport }));
    assert.deepEqual(ctx.ops.map((o) => o.op), ['fillRect'], JSON.stringify(viewport));
  }
  for (const transform of [{ a0: 1, a1: 1, ring0: 0 }, { a0: 0, a1: TAU, ring0: 100 }]) {
    const ctx = paint(paintSunburst, sunburstScene(tree, { transform }));
    assert.deepEqual(ctx.ops.map((o) => o.op), ['fillRect'], JSON.stringify(transform));
  }
});

test('a band of thin boxes is filled in the neutral colour, faded while searching', () => {
  const tiny = Array.from({ length: 400 }, (_, i) => box(i + 3, 0.0005));
  const tree = treeFromView(wholeView({ ...box(null, 1, [box(1, 1, [box(2, 0.5), ...tiny])]), name: '(all)', file: '' }));
  const rects = layoutIcicle(tree, 0, { minWidth: 1 / 1000 });
  assert.equal(rects.runs.count, 1);
  for (const searching of [false, true]) {
    const ctx = paint(paintIcicle, icicleScene(tree, { rects, searching }));
    const bands = pathRects(ctx, 'box').filter((r) => r.y === 40 && r.x >= 499);
    assert.equal(bands.length, 1, 'one fill for the 400 boxes');
    assert.equal(bands[0].style, THEMES.light.neutral);
    assert.ok(Math.abs(bands[0].x - 500) < 1e-9 && Math.abs(bands[0].w - (200 - GAP)) < 1e-9);
    assert.equal(bands[0].alpha, searching ? FADED_ALPHA : 1);
  }
  const arcs = layoutSunburst(tree, 0, { minAngle: TAU / 1000 });
  assert.equal(arcs.runs.count, 1);
  const sun = sunburstBoxes({ ...icicleScene(tree), arcs, viewport: { cx: 150, cy: 150, ringWidth: 40 }, width: 300, height: 300 }, measureText);
  const band = sun.filter((b) => b.node === -1);
  assert.equal(band.length, 1);
  assert.ok(Math.abs(band[0].shape.a0 - Math.PI) < 1e-9, 'the band starts half way round, after the 0.5 child');
});
