// render/legend.js and layout/notes.js's exactNote: the packages of the
// view with their hues, and how much of the time drawn is exact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT, treeFromView } from '../../web/js/model/tree.js';
import { PALETTE_SIZE, viewColors } from '../../web/js/layout/packages.js';
import { layoutIcicle } from '../../web/js/layout/icicle.js';
import { exactNote } from '../../web/js/layout/notes.js';
import { exactTime, legendEntries } from '../../web/js/render/legend.js';
import { box, fixtureJson, randomView, rng, wholeView } from './support.js';

test('the legend lists the view\'s packages with their hues, largest first, then "other"', () => {
  const random = rng(80);
  const named = ['recursion-full.json', 'compileall-top.json', 'hostile-tree.json', 'edge-tree.json', 'recursion-top.json']
    .map((name) => [name, treeFromView(fixtureJson(name))]);
  const made = Array.from({ length: 20 }, (_, k) => [`seed 80 #${k}`, treeFromView(randomView(random))]);
  for (const [label, tree] of [...named, ...made]) {
    for (let trial = 0; trial < 10; trial++) {
      const root = trial === 0 ? 0 : random.int(tree.size);
      const colors = viewColors(tree, root, 1 + random.int(10));
      const entries = legendEntries(colors.packages);
      const hued = colors.packages.filter((p) => p.index >= 0);
      assert.deepEqual(entries.filter((e) => e.index >= 0), hued.map(({ label: l, index }) => ({ label: l === '' ? '(no file)' : l, index })), label);
      const other = entries.find((e) => e.index < 0);
      if (hued.length === colors.packages.length) assert.equal(other, undefined, `${label}: no "other" when every package has a hue`);
      else assert.deepEqual(other, { label: 'other', index: -1, packages: colors.packages.length - hued.length });
      assert.ok(entries.length <= PALETTE_SIZE + 1);
    }
  }
});

test('the legend of a real profile names its packages; zoomed in, only those under the zoom', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const entries = legendEntries(viewColors(tree, 0, 20).packages);
  assert.deepEqual(entries.map((e) => e.label).sort(), ['/tmp/profviz-corpus-work', '_lsprof', 'builtins'], 'no "other"');
  const main = tree.findPath([9]);
  const zoomed = legendEntries(viewColors(tree, main, 20).packages);
  assert.ok(!zoomed.some((e) => e.label === '_lsprof'), 'the profiler\'s own call is outside main()');
  // Many packages: the ones past the palette are "other".
  const kids = Array.from({ length: 15 }, (_, k) => box(k + 1, 20 - k, [], { file: `/p${k}/m.py` }));
  const wide = treeFromView(wholeView({ ...box(null, 200, kids), name: '(all)', file: '' }));
  const list = legendEntries(viewColors(wide, 0, 1).packages);
  assert.equal(list.length, PALETTE_SIZE + 1);
  assert.deepEqual(list.at(-1), { label: 'other', index: -1, packages: 15 - PALETTE_SIZE });
});

test('the exact share is the time of the exact boxes drawn over that of all of them', () => {
  // (all) 10 exact, f1 6 exact, f2 3 estimated under it, f3 4 estimated.
  const tree = treeFromView(wholeView({
    ...box(null, 10, [box(1, 6, [box(2, 3, [], { exact: false })]), box(3, 4, [], { exact: false })]), name: '(all)', file: '',
  }));
  const all = Array.from({ length: tree.size }, (_, i) => i);
  assert.deepEqual(exactTime(tree, all), { exact: 16, total: 23 });
  assert.equal(exactNote(exactTime(tree, all)), 'exact: 69% of the time drawn');
  // Over the boxes drawn only: a layout one level deep leaves f2 out.
  const rects = layoutIcicle(tree, 0, { maxDepth: 1 });
  assert.deepEqual(exactTime(tree, rects.node), { exact: 16, total: 20 });
  // Real data: the same sum, the slow way.
  const real = treeFromView(fixtureJson('recursion-full.json'));
  const nodes = layoutIcicle(real, 0, { minWidth: 1 / 1000 }).node;
  let exact = 0;
  let total = 0;
  for (const n of nodes) {
    total += real.time[n];
    if (real.has(n, EXACT)) exact += real.time[n];
  }
  const got = exactTime(real, nodes);
  assert.ok(Math.abs(got.exact - exact) < 1e-12 && Math.abs(got.total - total) < 1e-12);
  assert.ok(got.exact < got.total, 'the fixture has estimates');
});

test('the exact note rounds down, never says 100% with an estimate, and says nothing of nothing', () => {
  assert.equal(exactNote({ exact: 1, total: 1 }), 'exact: 100% of the time drawn');
  assert.equal(exactNote({ exact: 0.9999, total: 1 }), 'exact: 99% of the time drawn');
  assert.equal(exactNote({ exact: 0, total: 1 }), 'exact: 0% of the time drawn');
  assert.equal(exactNote({ exact: 0.001, total: 1 }), 'exact: < 1% of the time drawn');
  assert.equal(exactNote({ exact: 0, total: 0 }), '');
  assert.equal(exactNote({ exact: 1, total: Infinity }), '');
  // Damaged times count as nothing.
  const odd = treeFromView(wholeView(box(null, 3, [box(1, 'nan'), box(2, 'inf'), box(3, -1), box(4, 2, [], { exact: false })])));
  assert.deepEqual(exactTime(odd, Array.from({ length: odd.size }, (_, i) => i)), { exact: 3, total: 5 });
});

test('frames with no file (folded stacks) are listed as "(no file)"', () => {
  assert.deepEqual(legendEntries([{ label: '', index: 3, time: 5 }, { label: 'pkg', index: 1, time: 2 }]),
    [{ label: '(no file)', index: 3 }, { label: 'pkg', index: 1 }]);
});
