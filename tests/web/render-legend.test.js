// render/legend.js: packages under the zoom root by self time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMALLER, treeFromView } from '../../web/js/model/tree.js';
import { colorIndex, packageOf, treeColors } from '../../web/js/colors.js';
import { legendEntries } from '../../web/js/render/legend.js';
import { box, fixtureJson, randomView, rng, wholeView } from './support.js';

// The self time of every package in the subtree of root, the slow way.
function bruteForce(tree, root) {
  const byPackage = new Map();
  let merged = 0;
  for (let i = root; i < tree.end[root]; i++) {
    const self = Number.isFinite(tree.self[i]) && tree.self[i] > 0 ? tree.self[i] : 0;
    if (tree.has(i, SMALLER)) merged += self;
    if (tree.fid[i] < 0) continue;
    const pkg = packageOf(tree.file(i), tree.name(i));
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + self);
  }
  return { byPackage, merged };
}

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

test('packages under the zoom root, largest self time first, the rest as "other"', () => {
  const random = rng(80);
  const named = ['recursion-full.json', 'compileall-top.json', 'hostile-tree.json', 'edge-tree.json', 'recursion-top.json']
    .map((name) => [name, treeFromView(fixtureJson(name))]);
  const made = Array.from({ length: 20 }, (_, k) => [`seed 80 #${k}`, treeFromView(randomView(random))]);
  for (const [label, tree] of [...named, ...made]) {
    const colors = treeColors(tree);
    for (let trial = 0; trial < 10; trial++) {
      const root = trial === 0 ? 0 : random.int(tree.size);
      const limit = random.int(6);
      const list = legendEntries(tree, colors, root, limit);
      const entries = list.filter((e) => e.index >= 0);
      const other = list.find((e) => e.index < 0) ?? null;
      assert.equal(list[list.length - 1], other ?? list[list.length - 1], '"other" comes last');
      const { byPackage, merged } = bruteForce(tree, root);
      assert.ok(entries.length === Math.min(limit, byPackage.size), `${label} root ${root}: ${limit} at most`);
      for (const [j, e] of entries.entries()) {
        assert.ok(close(e.self, byPackage.get(e.label)), `${label}: ${e.label}`);
        assert.equal(e.index, colorIndex(e.label));
        assert.equal(e.packages, 1);
        if (j > 0) assert.ok(entries[j - 1].self >= e.self, 'largest first');
      }
      // Nothing left out is larger than what is shown.
      const shown = new Set(entries.map((e) => e.label));
      const rest = [...byPackage].filter(([pkg]) => !shown.has(pkg));
      if (entries.length > 0) for (const [, self] of rest) assert.ok(self <= entries[entries.length - 1].self);
      if (rest.length === 0 && merged === 0) {
        assert.equal(other, null);
      } else {
        assert.equal(other.label, 'other');
        assert.equal(other.packages, rest.length);
        assert.ok(close(other.self, rest.reduce((s, [, self]) => s + self, merged)), `${label}: other`);
      }
    }
  }
});

test('the legend of a real profile names its packages', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const entries = legendEntries(tree, treeColors(tree), 0, 10);
  assert.deepEqual(entries.map((e) => e.label).sort(), ['/tmp/profviz-corpus-work', '_lsprof', 'builtins'], 'no "other"');
  const total = entries.reduce((s, e) => s + e.self, 0);
  const self = Array.from(tree.self).reduce((s, t) => s + t, 0);
  assert.ok(close(total, self), 'every box\'s self time is in one package');
  // Zoomed into main(): only what main calls.
  const main = tree.findPath([9]);
  const zoomed = legendEntries(tree, treeColors(tree), main, 10);
  assert.ok(zoomed.every((e) => e.self <= entries.find((x) => x.label === e.label).self));
  assert.ok(!zoomed.some((e) => e.label === '_lsprof'), 'the profiler\'s own call is outside main()');
});

test('"(N smaller)" boxes count under "other", and damaged times as nothing', () => {
  const top = treeFromView(fixtureJson('compileall-top.json'));
  const other = legendEntries(top, treeColors(top), 0, 100).at(-1);
  assert.equal(other.index, -1);
  assert.equal(other.packages, 0);
  assert.ok(other.self > 0, 'the merged boxes have time of their own');
  const odd = treeFromView(wholeView(box(null, 3, [
    box(1, 1, [], { self: 'nan' }), box(2, 1, [], { self: 'inf', file: 'b/x.py' }), box(3, 1, [], { self: -1, file: 'c/x.py' }),
  ])));
  const entries = legendEntries(odd, treeColors(odd), 0, 5);
  assert.deepEqual(entries.map((e) => [e.label, e.self]), [['b', 0], ['c', 0], ['pkg1', 0]], 'ties by name');
  assert.deepEqual(legendEntries(odd, treeColors(odd), 0, 0), [{ label: 'other', index: -1, self: 0, packages: 3 }]);
});
