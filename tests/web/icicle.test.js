// layout/icicle.js: geometry of the rectangles, culling, fitting, hit-testing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MORE, SMALLER, treeFromView } from '../../web/js/model/tree.js';
import {
  RUN_THIN, RUN_UNLOADED, hitBand, hitTest, layoutIcicle, pixelToUnit, rectToPixels,
} from '../../web/js/layout/icicle.js';
import { box, fixtureJson, randomView, rng, wholeView } from './support.js';

const EPS = 1e-12;

function realTrees() {
  return ['recursion-full.json', 'compileall-top.json', 'hostile-tree.json', 'edge-tree.json']
    .map((name) => [name, treeFromView(fixtureJson(name))]);
}

function randomTrees(seed, count, options) {
  const random = rng(seed);
  return Array.from({ length: count }, (_, k) => [`seed ${seed} #${k}`, treeFromView(randomView(random, options))]);
}

// rect index of every laid-out node
function rectOf(rects) {
  return new Map(Array.from(rects.node, (n, k) => [n, k]));
}

// Every node under the zoom root, which becomes a zoom root in its turn.
function roots(tree) {
  return Array.from({ length: tree.size }, (_, i) => i);
}

function assertWellFormed(label, tree, root, rects) {
  const where = rectOf(rects);
  assert.equal(rects.node[0], root, label);
  assert.deepEqual([rects.x0[0], rects.x1[0], rects.row[0]], [0, 1, 0], `${label}: the zoom root spans [0, 1]`);
  for (let k = 1; k < rects.count; k++) {
    const n = rects.node[k];
    const p = where.get(tree.parent[n]);
    assert.ok(p !== undefined, `${label}: the parent of a shown box is shown`);
    assert.equal(rects.row[k], rects.row[p] + 1);
    assert.equal(rects.row[k], tree.depth[n] - tree.depth[root]);
    assert.ok(rects.x0[p] <= rects.x0[k] && rects.x0[k] < rects.x1[k] && rects.x1[k] <= rects.x1[p],
      `${label}: box ${n} [${rects.x0[k]}, ${rects.x1[k]}) within its parent [${rects.x0[p]}, ${rects.x1[p]})`);
  }
  // Rows are in order, left to right, and never overlap.
  for (let r = 0; r < rects.rowStart.length - 1; r++) {
    for (let k = rects.rowStart[r]; k < rects.rowStart[r + 1]; k++) {
      assert.equal(rects.row[k], r);
      if (k > rects.rowStart[r]) assert.ok(rects.x1[k - 1] <= rects.x0[k], `${label}: row ${r} overlaps at ${k}`);
    }
  }
  assert.equal(rects.rowStart[rects.rowStart.length - 1], rects.count);
}

test('boxes lie within their parents and the zoom root spans [0, 1]', () => {
  for (const [label, tree] of [...realTrees(), ...randomTrees(1, 40)]) {
    for (const root of roots(tree)) assertWellFormed(`${label} root ${root}`, tree, root, layoutIcicle(tree, root));
  }
});

test('a child is as wide as its time over the zoom root time, in the given order', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  for (const root of roots(tree)) {
    const rects = layoutIcicle(tree, root);
    const where = rectOf(rects);
    for (let k = 1; k < rects.count; k++) {
      const n = rects.node[k];
      const expected = tree.time[n] / tree.time[root];
      assert.ok(Math.abs(rects.x1[k] - rects.x0[k] - expected) <= EPS, `${tree.name(n)} under root ${root}`);
    }
    // Siblings left to right in the model's order, from the parent's left edge.
    for (const k of where.values()) {
      const kids = tree.children(rects.node[k]).filter((c) => where.has(c)).map((c) => where.get(c));
      if (kids.length === 0) continue;
      assert.equal(rects.x0[kids[0]], rects.x0[k]);
      for (let j = 1; j < kids.length; j++) assert.equal(rects.x0[kids[j]], rects.x1[kids[j - 1]]);
    }
  }
});

test('widths add up to the parent when the children add up to it', () => {
  for (const [label, tree] of randomTrees(2, 40, { exact: true })) {
    const rects = layoutIcicle(tree, 0);
    const where = rectOf(rects);
    assert.equal(rects.count, tree.size, 'nothing culled');
    for (const [n, k] of where) {
      const kids = tree.children(n).map((c) => where.get(c));
      if (kids.length === 0) continue;
      const sum = kids.reduce((s, c) => s + (rects.x1[c] - rects.x0[c]), 0);
      assert.ok(Math.abs(sum - (rects.x1[k] - rects.x0[k])) <= 1e-9, `${label}: node ${n}`);
      assert.ok(Math.abs(rects.x1[kids[kids.length - 1]] - rects.x1[k]) <= 1e-9);
    }
  }
});

test('children that exceed their parent are scaled to fit it, in proportion', () => {
  // As in real dumps: a root function's exact time above the profile total.
  const tree = treeFromView(wholeView(box(null, 1, [box(1, 0.7, [box(3, 0.5), box(4, 0.4)]), box(2, 0.6)])));
  const rects = layoutIcicle(tree, 0);
  const k = (fid) => rectOf(rects).get(tree.fid.indexOf(fid));
  const w = (fid) => rects.x1[k(fid)] - rects.x0[k(fid)];
  assert.ok(Math.abs(w(1) + w(2) - 1) <= EPS);
  assert.ok(Math.abs(w(1) / w(2) - 0.7 / 0.6) <= EPS);
  assert.equal(rects.x1[k(2)], 1, 'the last child ends at the parent edge, not past it');
  assert.ok(Math.abs(w(3) + w(4) - w(1)) <= EPS, 'grandchildren fit the scaled child');
  assertWellFormed('synthetic', tree, 0, rects);

  // The real case: the hostile profile's main (1 s) under "(all)" (0.746 s).
  const hostile = treeFromView(fixtureJson('hostile-tree.json'));
  const r = layoutIcicle(hostile, 0);
  const top = hostile.children(0).map((c) => rectOf(r).get(c));
  assert.ok(Math.abs(top.reduce((s, k) => s + r.x1[k] - r.x0[k], 0) - 1) <= EPS);
  assertWellFormed('hostile', hostile, 0, r);
});

test('boxes narrower than the minimum are culled with everything under them', () => {
  for (const [label, tree] of [...realTrees(), ...randomTrees(3, 40)]) {
    for (const minWidth of [0.5, 0.1, 0.01, 1 / 1920, 1e-6]) {
      const all = layoutIcicle(tree, 0);
      const culled = layoutIcicle(tree, 0, { minWidth });
      const whereAll = rectOf(all);
      const shown = rectOf(culled);
      // What must be shown: every box at least minWidth wide whose parent is shown.
      for (let k = 0; k < all.count; k++) {
        const n = all.node[k];
        const wide = all.x1[k] - all.x0[k] >= minWidth;
        const parentShown = n === 0 || shown.has(tree.parent[n]);
        assert.equal(shown.has(n), n === 0 || (wide && parentShown), `${label} min ${minWidth}: node ${n}`);
        if (shown.has(n)) {
          assert.equal(culled.x0[shown.get(n)], all.x0[whereAll.get(n)], 'culling moves nothing');
          assert.equal(culled.x1[shown.get(n)], all.x1[whereAll.get(n)]);
        }
      }
      assertWellFormed(label, tree, 0, culled);
    }
  }
});

test('maxDepth limits the rows below the zoom root', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const main = tree.findPath([9]);
  for (const maxDepth of [0, 1, 2, 3]) {
    const rects = layoutIcicle(tree, main, { maxDepth });
    assert.ok(Math.max(...rects.row) <= maxDepth);
    assert.equal(rects.rowStart.length - 1, Math.min(maxDepth, 3) + 1);
  }
});

test('no time, or times that are not numbers, lay out nothing below the root', () => {
  const zero = treeFromView(wholeView(box(null, 0, [box(1, 0), box(2, 0)])));
  const odd = treeFromView(wholeView(box(null, 1, [box(1, 'nan'), box(2, 'inf'), box(3, -1), box(4, 0.5)])));
  const z = layoutIcicle(zero, 0);
  assert.equal(z.count, 1);
  const o = layoutIcicle(odd, 0);
  assert.deepEqual(Array.from(o.node), [0, 4]);
  assert.deepEqual([o.x0[1], o.x1[1]], [0, 0.5]);
  assert.throws(() => layoutIcicle(zero, 3), RangeError);
  assert.throws(() => layoutIcicle(zero, -1), RangeError);
});

function randomViewport(random) {
  return { x: (random() - 0.5) * 400, y: (random() - 0.5) * 200, width: 200 + random() * 3000, rowHeight: 8 + random() * 24 };
}

// Brute force: the rectangle whose pixel box holds the point.
function bruteHit(rects, px, py, vp) {
  for (let k = 0; k < rects.count; k++) {
    const b = rectToPixels(rects, k, vp);
    if (px >= b.x && px < b.x + b.width && py >= b.y && py < b.y + b.height) return k;
  }
  return -1;
}

test('hit-testing inverts the layout: a point inside a box hits that box', () => {
  const random = rng(4);
  for (const [label, tree] of [...realTrees(), ...randomTrees(5, 30)]) {
    const rects = layoutIcicle(tree, 0, { minWidth: 1e-4 });
    for (let trial = 0; trial < 200; trial++) {
      const vp = randomViewport(random);
      const k = random.int(rects.count);
      const b = rectToPixels(rects, k, vp);
      const px = b.x + (0.001 + 0.998 * random()) * b.width;
      const py = b.y + random() * b.height;
      assert.equal(hitTest(rects, px, py, vp), k, `${label}: box ${k} at (${px}, ${py})`);
      const u = pixelToUnit(px, py, vp);
      assert.ok(u.x >= rects.x0[k] && u.x < rects.x1[k] && u.row === rects.row[k]);
    }
  }
});

test('hit-testing agrees with a brute-force search everywhere, misses give -1', () => {
  const random = rng(6);
  for (const [label, tree] of [...realTrees(), ...randomTrees(7, 20)]) {
    const rects = layoutIcicle(tree, 0, { minWidth: 1e-3 });
    const vp = randomViewport(random);
    const rows = rects.rowStart.length - 1;
    let misses = 0;
    for (let trial = 0; trial < 2000; trial++) {
      // Cover the chart and a margin around it on every side.
      const px = vp.x + (random() * 1.4 - 0.2) * vp.width;
      const py = vp.y + (random() * (rows + 2) - 1) * vp.rowHeight;
      const hit = hitTest(rects, px, py, vp);
      assert.equal(hit, bruteHit(rects, px, py, vp), `${label} at (${px}, ${py})`);
      if (hit < 0) misses++;
    }
    assert.ok(misses > 0, 'the margin is outside every box');
  }
  const rects = layoutIcicle(treeFromView(fixtureJson('recursion-full.json')), 0);
  const vp = { x: 10, y: 20, width: 1000, rowHeight: 16 };
  for (const [px, py] of [[9.99, 25], [1010, 25], [500, 19.9], [500, 20 + 16 * 99], [NaN, 25], [500, NaN], [Infinity, 25]]) {
    assert.equal(hitTest(rects, px, py, vp), -1, `(${px}, ${py})`);
  }
});

test('adjacent boxes share their pixel edge: no gaps, no overlaps', () => {
  const tree = treeFromView(fixtureJson('compileall-top.json'));
  const rects = layoutIcicle(tree, 0);
  const vp = { x: 3.5, y: 0, width: 1337, rowHeight: 18 };
  for (let k = 1; k < rects.count; k++) {
    if (rects.row[k] !== rects.row[k - 1] || rects.x0[k] !== rects.x1[k - 1]) continue;
    const a = rectToPixels(rects, k - 1, vp);
    const b = rectToPixels(rects, k, vp);
    assert.equal(a.x + a.width, b.x);
  }
});

const usable = (t) => (t > 0 && t < Infinity ? t : 0);

test('runs of culled siblings become bands covering exactly their width, clear of the boxes', () => {
  for (const [label, tree] of [...realTrees(), ...randomTrees(5, 40)]) {
    for (const minWidth of [0.1, 0.01, 1 / 1920]) {
      const all = layoutIcicle(tree, 0);
      const culled = layoutIcicle(tree, 0, { minWidth });
      const shown = rectOf(culled);
      // The children culled for their own width (not for a culled parent),
      // by parent: their width, how many boxes they stand for, their time.
      const expected = new Map();
      for (let k = 0; k < all.count; k++) {
        const n = all.node[k];
        if (n === 0 || shown.has(n) || !shown.has(tree.parent[n])) continue;
        const e = expected.get(tree.parent[n]) ?? { width: 0, boxes: 0, time: 0 };
        e.width += all.x1[k] - all.x0[k];
        e.boxes += tree.has(n, SMALLER) ? tree.nMerged[n] : 1;
        e.time += usable(tree.time[n]);
        expected.set(tree.parent[n], e);
      }
      const got = new Map();
      const { runs } = culled;
      for (let i = 0; i < runs.count; i++) {
        assert.ok(runs.x1[i] > runs.x0[i], `${label}: band ${i} has width`);
        const r = runs.row[i];
        for (let k = culled.rowStart[r]; k < culled.rowStart[r + 1]; k++) {
          assert.ok(runs.x1[i] <= culled.x0[k] || runs.x0[i] >= culled.x1[k], `${label}: band ${i} overlaps box ${culled.node[k]}`);
        }
        // Under its parent, one row down.
        const p = shown.get(runs.parent[i]);
        assert.ok(p !== undefined && culled.row[p] === r - 1, `${label}: band ${i} lies under its parent`);
        assert.ok(runs.x0[i] >= culled.x0[p] - EPS && runs.x1[i] <= culled.x1[p] + EPS);
        if (runs.kind[i] !== RUN_THIN) continue;
        const g = got.get(runs.parent[i]) ?? { width: 0, boxes: 0, time: 0 };
        g.width += runs.x1[i] - runs.x0[i];
        g.boxes += runs.boxes[i];
        g.time += runs.time[i];
        got.set(runs.parent[i], g);
      }
      for (const [parent, e] of expected) {
        const g = got.get(parent) ?? { width: 0, boxes: 0, time: 0 };
        assert.ok(Math.abs(g.width - e.width) < 1e-9, `${label} min ${minWidth}: bands ${g.width}, culled ${e.width}`);
        assert.equal(g.boxes, e.boxes, `${label}: the boxes a band stands for`);
        assert.ok(Math.abs(g.time - e.time) <= 1e-9 * Math.max(1, e.time), `${label}: their time`);
      }
      assert.equal([...got.keys()].filter((p) => !expected.has(p)).length, 0, `${label}: no band without culled boxes`);
      // Bands of a row are sorted and disjoint, so the binary search finds them.
      for (let r = 0; r + 1 < runs.rowStart.length; r++) {
        for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) {
          assert.equal(runs.row[i], r);
          if (i > runs.rowStart[r]) assert.ok(runs.x0[i] >= runs.x1[i - 1] - EPS, `${label}: row ${r} sorted`);
        }
      }
    }
  }
});

test('below a box whose children were not fetched, a band says so instead of blank self time', () => {
  // f1 (10 s) was fetched with one child, f2 (4 s), and `more`: 6 s of it
  // are unknown.  f3 (5 s) has all its children; f4 (2 s) none, at the
  // bottom of what is drawn.
  const f1 = box(1, 10, [box(2, 4)], { more: true });
  const f3 = box(3, 5, [box(5, 3)]);
  const f4 = box(4, 2, [], { more: true });
  const tree = treeFromView(wholeView({ ...box(null, 17, [f1, f3, f4]), name: '(all)', file: '' }));
  const rects = layoutIcicle(tree, 0, { maxDepth: 2 });
  const { runs } = rects;
  const unloaded = Array.from({ length: runs.count }, (_, i) => i).filter((i) => runs.kind[i] === RUN_UNLOADED);
  // f1's and f4's rest, row 2; none for f3, which has its children (its
  // 2 s uncovered are self time); none below row 2, the last.
  assert.deepEqual(unloaded.map((i) => tree.name(runs.parent[i])), ['f1', 'f4']);
  const [a, b] = unloaded;
  assert.equal(runs.row[a], 2);
  assert.ok(Math.abs(runs.x0[a] - 4 / 17) < EPS && Math.abs(runs.x1[a] - 10 / 17) < EPS);
  assert.equal(runs.time[a], 6);
  assert.ok(Math.abs(runs.x0[b] - 15 / 17) < EPS && Math.abs(runs.x1[b] - 1) < EPS);
  assert.equal(runs.time[b], 2);
  assert.ok(tree.has(runs.parent[b], MORE));
  assert.equal(layoutIcicle(tree, 0, { maxDepth: 1 }).runs.count, 0, 'nothing below the last row drawn');
  // Hit-testing finds them, and only them.
  const vp = { x: 0, y: 0, width: 1700, rowHeight: 20 };
  assert.equal(hitBand(rects, 500, 50, vp), a);
  assert.equal(hitTest(rects, 500, 50, vp), -1);
  assert.equal(hitBand(rects, 1600, 50, vp), b);
  assert.equal(hitBand(rects, 100, 50, vp), -1, 'f2 is a box');
  assert.equal(hitBand(rects, 1200, 50, vp), -1, 'f3 has no band, its self time is blank');
});

test('5000 calls too thin to draw one by one are one band of their whole width', () => {
  const tiny = Array.from({ length: 5000 }, (_, i) => box(i + 2, 0.0001));
  const view = wholeView({ ...box(null, 1, [box(1, 1, tiny)]), name: '(all)', file: '' });
  const rects = layoutIcicle(treeFromView(view), 0, { minWidth: 1 / 1000 });
  assert.equal(rects.count, 2);
  assert.equal(rects.runs.count, 1);
  assert.equal(rects.runs.kind[0], RUN_THIN);
  assert.equal(rects.runs.row[0], 2);
  assert.ok(Math.abs(rects.runs.x1[0] - rects.runs.x0[0] - 0.5) < 1e-9);
  assert.equal(rects.runs.boxes[0], 5000);
  assert.ok(Math.abs(rects.runs.time[0] - 0.5) < 1e-9);
  // The band is hit where the boxes are, a pixel it covers says which.
  const vp = { x: 0, y: 0, width: 1000, rowHeight: 20 };
  assert.equal(hitBand(rects, 250, 45, vp), 0);
  assert.equal(hitBand(rects, 750, 45, vp), -1, 'f1\'s self time');
});
