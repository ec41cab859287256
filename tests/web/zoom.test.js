// layout/zoom.js: the zoom animation's windows onto one layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeFromView } from '../../web/js/model/tree.js';
import { layoutIcicle, rectToPixels } from '../../web/js/layout/icicle.js';
import { TAU, layoutSunburst } from '../../web/js/layout/sunburst.js';
import {
  IDENTITY, commonAncestor, ease, icicleViewport, lerpWindow, sunburstTransform, windowOf,
} from '../../web/js/layout/zoom.js';
import { randomView, rng } from './support.js';

test('the common ancestor is an ancestor of both and the deepest such', () => {
  const random = rng(7);
  const tree = treeFromView(randomView(random, { maxDepth: 6 }));
  const ancestors = (n) => {
    const out = [];
    for (; n >= 0; n = tree.parent[n]) out.push(n);
    return out;
  };
  for (let k = 0; k < 200; k++) {
    const x = random.int(tree.size);
    const y = random.int(tree.size);
    const c = commonAncestor(tree, x, y);
    const ax = ancestors(x);
    const ay = ancestors(y);
    assert.ok(ax.includes(c) && ay.includes(c));
    assert.equal(c, ax.find((n) => ay.includes(n)));
  }
});

test("a box's window blows it up to the full canvas width, one row at the top", () => {
  const tree = treeFromView(randomView(rng(11), { maxDepth: 5 }));
  const rects = layoutIcicle(tree, 0);
  for (let k = 1; k < rects.count; k += 3) {
    const w = windowOf(rects, rects.node[k]);
    const px = rectToPixels(rects, k, icicleViewport(w, 800, 20));
    assert.ok(Math.abs(px.x) < 1e-6 && Math.abs(px.width - 800) < 1e-6, `box ${k}: ${px.x} ${px.width}`);
    assert.ok(Math.abs(px.y) < 1e-9);
  }
  assert.equal(windowOf(rects, -5), null);
  assert.deepEqual(icicleViewport(IDENTITY, 800, 20), { x: -0, y: -0, width: 800, rowHeight: 20 });
});

test('sunburst windows are the same fractions of the circle', () => {
  const tree = treeFromView(randomView(rng(3), { maxDepth: 4 }));
  const rects = layoutIcicle(tree, 0);
  const arcs = layoutSunburst(tree, 0);
  for (let k = 0; k < arcs.count; k++) {
    const a = windowOf(arcs, arcs.node[k]);
    const r = windowOf(rects, arcs.node[k]);
    assert.ok(Math.abs(a.a - r.a) < 1e-12 && Math.abs(a.b - r.b) < 1e-12 && a.row === r.row);
    const t = sunburstTransform(a);
    assert.ok(Math.abs(t.a0 - arcs.a0[k]) < 1e-12 && Math.abs(t.a1 - arcs.a1[k]) < 1e-12 && t.ring0 === arcs.ring[k]);
  }
  assert.deepEqual(sunburstTransform(IDENTITY), { a0: 0, a1: TAU, ring0: 0 });
});

test('the animation starts and ends exactly on its windows, easing monotonically', () => {
  const w0 = { a: 0, b: 1, row: 0 };
  const w1 = { a: 0.25, b: 0.5, row: 3 };
  assert.deepEqual(lerpWindow(w0, w1, ease(0)), w0);
  assert.deepEqual(lerpWindow(w0, w1, ease(1)), w1);
  let last = -1;
  for (let t = -0.5; t <= 1.5; t += 0.01) {
    const e = ease(t);
    assert.ok(e >= last && e >= 0 && e <= 1);
    last = e;
  }
  assert.equal(ease(0.5), 0.5);
});
