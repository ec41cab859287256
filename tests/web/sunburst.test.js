// layout/sunburst.js: angles, rings, culling, polar hit-testing, bands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeFromView } from '../../web/js/model/tree.js';
import { layoutIcicle } from '../../web/js/layout/icicle.js';
import {
  TAU, canvasAngle, hitBand, hitTest, layoutSunburst, pixelToPolar, polarToPixel, ringRadii,
} from '../../web/js/layout/sunburst.js';
import { box, fixtureJson, randomView, rng, wholeView } from './support.js';

function trees(seed, count, options) {
  const random = rng(seed);
  const real = ['recursion-full.json', 'compileall-top.json', 'hostile-tree.json', 'edge-tree.json']
    .map((name) => [name, treeFromView(fixtureJson(name))]);
  return [...real, ...Array.from({ length: count }, (_, k) => [`seed ${seed} #${k}`, treeFromView(randomView(random, options))])];
}

function arcOf(arcs) {
  return new Map(Array.from(arcs.node, (n, k) => [n, k]));
}

test('arcs lie within their parent and the zoom root is the whole centre disc', () => {
  for (const [label, tree] of trees(10, 30)) {
    for (let root = 0; root < tree.size; root++) {
      const arcs = layoutSunburst(tree, root);
      const where = arcOf(arcs);
      assert.deepEqual([arcs.node[0], arcs.a0[0], arcs.a1[0], arcs.ring[0]], [root, 0, TAU, 0], label);
      for (let k = 1; k < arcs.count; k++) {
        const p = where.get(tree.parent[arcs.node[k]]);
        assert.equal(arcs.ring[k], arcs.ring[p] + 1);
        assert.ok(arcs.a0[k] >= 0 && arcs.a0[k] < TAU && arcs.a1[k] <= TAU, `${label}: angles in [0, 2π]`);
        assert.ok(arcs.a0[p] <= arcs.a0[k] && arcs.a0[k] < arcs.a1[k] && arcs.a1[k] <= arcs.a1[p], `${label}: arc ${k} in its parent`);
      }
    }
  }
});

test('sweeps add up to the parent sweep when times add up to the parent time', () => {
  for (const [label, tree] of trees(11, 30, { exact: true }).slice(4)) {
    const arcs = layoutSunburst(tree, 0);
    const where = arcOf(arcs);
    for (const [n, k] of where) {
      const kids = tree.children(n).map((c) => where.get(c));
      if (kids.length === 0) continue;
      const sweep = kids.reduce((s, c) => s + arcs.a1[c] - arcs.a0[c], 0);
      assert.ok(Math.abs(sweep - (arcs.a1[k] - arcs.a0[k])) <= 1e-9, `${label}: node ${n}`);
    }
  }
  // And each arc's sweep is its share of the zoom root's time.
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const arcs = layoutSunburst(tree, 0);
  for (let k = 1; k < arcs.count; k++) {
    assert.ok(Math.abs(arcs.a1[k] - arcs.a0[k] - (TAU * tree.time[arcs.node[k]]) / tree.time[0]) <= 1e-12);
  }
});

test('the sunburst is the icicle bent round: same boxes, same order', () => {
  for (const [, tree] of trees(12, 10)) {
    const arcs = layoutSunburst(tree, 0, { minAngle: 0.01, maxDepth: 4 });
    const rects = layoutIcicle(tree, 0, { minWidth: 0.01 / TAU, maxDepth: 4 });
    assert.deepEqual(Array.from(arcs.node), Array.from(rects.node));
    assert.deepEqual(Array.from(arcs.ring), Array.from(rects.row));
  }
});

test('arcs thinner than the minimum angle are culled with everything outside them', () => {
  for (const [label, tree] of trees(13, 30)) {
    for (const minAngle of [1, 0.1, 1 / 400]) {
      const all = layoutSunburst(tree, 0);
      const shown = arcOf(layoutSunburst(tree, 0, { minAngle }));
      for (let k = 1; k < all.count; k++) {
        const n = all.node[k];
        const sweep = all.a1[k] - all.a0[k];
        // The cut is made in unit space (minAngle / 2π): a sweep within
        // rounding of the minimum may go either way.
        if (Math.abs(sweep - minAngle) <= 1e-12) continue;
        assert.equal(shown.has(n), sweep >= minAngle && shown.has(tree.parent[n]), `${label} min ${minAngle}: node ${n}`);
      }
    }
  }
  const tree = treeFromView(wholeView(box(null, 1, [box(1, 0.999, [box(3, 0.5)]), box(2, 0.001, [box(4, 0.001)])])));
  assert.deepEqual(Array.from(layoutSunburst(tree, 0, { minAngle: 0.01 }).node), [0, 1, 2]);
});

test('angle 0 is 12 o\'clock and angles grow clockwise', () => {
  const vp = { cx: 100, cy: 100, ringWidth: 10 };
  const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  const at = (a) => polarToPixel(a, 10, vp);
  close(at(0).x, 100); close(at(0).y, 90);
  close(at(Math.PI / 2).x, 110); close(at(Math.PI / 2).y, 100);
  close(at(Math.PI).y, 110);
  close(at(1.5 * Math.PI).x, 90);
  close(pixelToPolar(90, 100, vp).angle, 1.5 * Math.PI);
  close(canvasAngle(0), -Math.PI / 2);
  assert.deepEqual(ringRadii(0, vp), { inner: 0, outer: 10 });
  assert.deepEqual(ringRadii(3, vp), { inner: 30, outer: 40 });
  // Just left of 12 o'clock is the end of the circle, never 2π itself.
  const p = pixelToPolar(100 - 1e-14, 50, vp);
  assert.ok(Math.atan2(100 - 1e-14 - 100, 50) + TAU === TAU, 'the case this checks');
  assert.ok(p.angle >= 0 && p.angle < TAU);
  const random = rng(14);
  for (let i = 0; i < 1000; i++) {
    const a = random() * TAU;
    const r = 0.5 + random() * 300;
    const q = polarToPixel(a, r, vp);
    const back = pixelToPolar(q.x, q.y, vp);
    assert.ok(Math.abs(back.radius - r) < 1e-9);
    assert.ok(Math.abs(back.angle - a) < 1e-9 || Math.abs(Math.abs(back.angle - a) - TAU) < 1e-9);
  }
});

test('hit-testing inverts the layout: a point inside an arc hits that arc', () => {
  const random = rng(15);
  for (const [label, tree] of trees(16, 30)) {
    const arcs = layoutSunburst(tree, 0, { minAngle: 1e-3 });
    for (let trial = 0; trial < 200; trial++) {
      const vp = { cx: random() * 800, cy: random() * 600, ringWidth: 5 + random() * 40 };
      const k = random.int(arcs.count);
      const { inner, outer } = ringRadii(arcs.ring[k], vp);
      const angle = arcs.a0[k] + (0.001 + 0.998 * random()) * (arcs.a1[k] - arcs.a0[k]);
      const radius = inner + (0.001 + 0.998 * random()) * (outer - inner);
      const q = polarToPixel(angle, radius, vp);
      assert.equal(hitTest(arcs, q.x, q.y, vp), k, `${label}: arc ${k}`);
    }
  }
});

test('hit-testing agrees with a brute-force polar search, misses give -1', () => {
  const random = rng(17);
  for (const [label, tree] of trees(18, 20)) {
    const arcs = layoutSunburst(tree, 0, { minAngle: 1e-2 });
    const vp = { cx: 300, cy: 300, ringWidth: 20 };
    const rings = arcs.ringStart.length - 1;
    let misses = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const angle = random() * TAU;
      const radius = random() * (rings + 1) * vp.ringWidth;
      const q = polarToPixel(angle, radius, vp);
      const p = pixelToPolar(q.x, q.y, vp);
      let expected = -1;
      for (let k = 0; k < arcs.count; k++) {
        const { inner, outer } = ringRadii(arcs.ring[k], vp);
        if (p.radius >= inner && p.radius < outer && p.angle >= arcs.a0[k] && p.angle < arcs.a1[k]) expected = k;
      }
      const hit = hitTest(arcs, q.x, q.y, vp);
      assert.equal(hit, expected, `${label} at angle ${angle} radius ${radius}`);
      if (hit < 0) misses++;
    }
    assert.ok(misses > 0, 'beyond the last ring is outside every arc');
    assert.equal(hitTest(arcs, vp.cx, vp.cy, vp), 0, 'the centre is the zoom root');
    assert.equal(hitTest(arcs, NaN, 0, vp), -1);
  }
});

test('bands are the icicle\'s, in angles, and hit where they lie', () => {
  // hub (all of it) has a 0.5 child and 400 tiny ones after it.
  const tiny = Array.from({ length: 400 }, (_, i) => box(i + 3, 0.00125));
  const tree = treeFromView(wholeView({ ...box(null, 1, [box(1, 1, [box(2, 0.5), ...tiny])]), name: '(all)', file: '' }));
  const arcs = layoutSunburst(tree, 0, { minAngle: TAU / 500 });
  const rects = layoutIcicle(tree, 0, { minWidth: 1 / 500 });
  assert.equal(arcs.runs.count, 1);
  for (const key of ['kind', 'parent', 'boxes', 'time']) assert.deepEqual(arcs.runs[key], rects.runs[key], key);
  assert.deepEqual(arcs.runs.ring, rects.runs.row);
  assert.ok(Math.abs(arcs.runs.a0[0] - Math.PI) < 1e-9 && Math.abs(arcs.runs.a1[0] - TAU) < 1e-9);
  assert.equal(arcs.runs.boxes[0], 400);
  const vp = { cx: 100, cy: 100, ringWidth: 20 };
  // Ring 2 at 9 o'clock (three quarters round): the band; at 3 o'clock: the 0.5 child.
  assert.equal(hitBand(arcs, 100 - 50, 100, vp), 0);
  assert.equal(hitTest(arcs, 100 - 50, 100, vp), -1);
  assert.equal(hitBand(arcs, 100 + 50, 100, vp), -1);
  assert.equal(arcs.node[hitTest(arcs, 100 + 50, 100, vp)], 2);
});
