// The page's drawing of the new views: the sandwich's upside-down half,
// the colouring by package and its legend shares, what a box's menu
// offers, what the hover says of an inverted box, the packages answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeFromView } from '../../web/js/model/tree.js';
import { layoutIcicle } from '../../web/js/layout/icicle.js';
import { PACKAGE_SHADE, packageOf, viewColors } from '../../web/js/layout/packages.js';
import { directionNote } from '../../web/js/layout/notes.js';
import { icicleBoxes } from '../../web/js/render/icicle-paint.js';
import { THEMES, boxStyle } from '../../web/js/render/palette.js';
import { readPackages, shareByPackage } from '../../web/js/model/packages.js';
import { boxActions, toggleMyCode, transformIds, transformLabel } from '../../web/js/state/box-actions.js';
import { DEFAULT_STATE } from '../../web/js/state/url-state.js';
import { measureText } from './fake-canvas.js';
import { box, fixtureJson } from './support.js';

const FONT = '12px test';
// The callers of function 4: 1 and 2 call it, 0 calls 1.
const CALLERS = { path: [], root: box(4, 6, [box(1, 5, [box(0, 5)]), box(2, 1)]) };

function scene(tree, flip) {
  const rowHeight = 20;
  const rects = layoutIcicle(tree, 0);
  const height = rects.rowStart.length * rowHeight - rowHeight;
  return {
    tree, rects, viewport: { x: 0, y: 0, width: 1000, rowHeight }, width: 1000, height, flip,
    colors: viewColors(tree, 0, 10), theme: 'light', marks: null, searching: false, font: FONT,
  };
}

test('the sandwich\'s callers half is the same boxes upside-down: the function at the bottom, labels upright in their boxes', () => {
  const tree = treeFromView(CALLERS);
  const up = scene(tree, false);
  const down = scene(tree, true);
  assert.equal(up.height, 60, 'three rows');
  const a = icicleBoxes(up, measureText);
  const b = icicleBoxes(down, measureText);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.equal(b[i].node, a[i].node);
    assert.equal(b[i].shape.x, a[i].shape.x);
    assert.equal(b[i].shape.w, a[i].shape.w);
    assert.equal(b[i].shape.h, a[i].shape.h);
    assert.equal(b[i].shape.y, 60 - a[i].shape.y - a[i].shape.h);
    if (a[i].label) {
      assert.equal(b[i].label.y, 60 - a[i].label.y);
      assert.ok(b[i].label.y > b[i].shape.y && b[i].label.y < b[i].shape.y + b[i].shape.h, 'the label is inside its box');
      assert.deepEqual(b[i].label.lines, a[i].label.lines);
    }
  }
  const root = b.find((d) => d.node === 0);
  assert.equal(root.shape.y + root.shape.h > 58, true, 'the function is the bottom row');
  const top = b.find((d) => tree.fid[d.node] === 0);
  assert.ok(top.shape.y <= 1, 'its callers\' callers are at the top (the gap between rows above them)');
});

test('by package: every function of a package takes its one colour, and the legend has its share', () => {
  const tree = treeFromView(fixtureJson('compileall-top.json'));
  const byFunction = viewColors(tree, 0, 10);
  const byPackage = viewColors(tree, 0, 10, { byPackage: true });
  assert.deepEqual([...byPackage.hue], [...byFunction.hue], 'the same hues');
  assert.deepEqual(byPackage.packages, byFunction.packages);
  const fill = new Map();
  let shades = 0;
  for (let i = 1; i < tree.size; i++) {
    if (tree.fid[i] < 0 || byPackage.hue[i] < 0) continue;
    assert.equal(byPackage.shade[i], PACKAGE_SHADE);
    const pkg = packageOf(tree.file(i), tree.name(i));
    const f = boxStyle(tree, byPackage, i, 'light').fill;
    assert.equal(fill.get(pkg) ?? f, f, `one colour for ${pkg}`);
    fill.set(pkg, f);
    if (byFunction.shade[i] !== PACKAGE_SHADE) shades++;
  }
  assert.ok(fill.size >= 2 && shades > 0, 'the fixture has several packages and functions of other shades');
  assert.equal(THEMES.light.shades[byPackage.hue[1]][PACKAGE_SHADE], boxStyle(tree, byPackage, 1, 'light').fill);

  const packages = readPackages({
    total: 4, rows: [{ package: 'json', functions: 3, calls: 10, tt: 3, share: 0.75 }, { package: '', functions: 1, calls: 1, tt: 1, share: 0.25 }],
  });
  assert.deepEqual(packages.rows[1], { package: '', functions: 1, calls: 1, tt: 1, share: 0.25 });
  assert.equal(shareByPackage(packages).get('json'), 0.75);
  for (const bad of [null, {}, { total: 1, rows: [{ package: 3 }] }, { total: 1, rows: [{ package: 'a', functions: -1, calls: 0, tt: 0, share: 0 }] }]) {
    assert.throws(() => readPackages(bad), /not a list of packages/);
  }
});

const state = (changes) => ({ ...DEFAULT_STATE, root: [], profile: 1, ...changes });

test('a box\'s menu: sandwich, focus, merge, collapse its package, drop its path; transforms only on the top-down tree', () => {
  const tree = treeFromView({ path: [], root: { ...box(null, 10, [box(1, 7, [box(2, 5)]), box(4, 3)]), name: '(all)', file: '' } });
  const n = tree.findPath([1, 2]);
  const acts = boxActions(state({ tree, transforms: ['mycode'], root: [1] }), n);
  assert.deepEqual(acts.map((a) => a.key), ['w', 'f', 'm', 'c', 'd']);
  assert.deepEqual(acts.map((a) => a.patch), [
    { sandwich: 2, root: [] },
    { transforms: ['mycode', 'focus:2'], root: [] },
    { transforms: ['mycode', 'merge:2'], root: [] },
    { transforms: ['mycode', 'collapse:pkg2'], root: [] },
    { transforms: ['mycode', 'drop:1,2'], root: [1] },
  ]);
  // Dropping the zoom root's own path zooms out of it.
  assert.deepEqual(boxActions(state({ tree, root: [1, 2] }), n).at(-1).patch, { transforms: ['drop:1,2'], root: [1] });
  for (const other of [state({ tree, inverted: true }), state({ tree, sandwich: 7 })]) {
    const a = boxActions(other, n);
    assert.equal(a[0].disabled, false, 'the sandwich is offered everywhere');
    assert.ok(a.slice(1).every((x) => x.disabled && x.patch === null && /top-down call tree/.test(x.title)));
  }
  const compared = boxActions(state({ tree, base: 3 }), n);
  assert.ok(compared.every((x) => x.disabled && /compar/.test(x.title)));
  assert.deepEqual(boxActions(state({ tree }), 0), [], 'the (all) box names no function');
  assert.equal(boxActions(state({ tree, transforms: Array(32).fill('mycode') }), n)[1].disabled, true);

  assert.deepEqual(toggleMyCode(['focus:1']), ['focus:1', 'mycode']);
  assert.deepEqual(toggleMyCode(['mycode', 'focus:1']), ['focus:1']);
  const names = new Map([[1, 'main'], [2, 'parse']]);
  const label = (t) => transformLabel(t, (id) => names.get(id) ?? null);
  assert.deepEqual(['focus:2', 'merge:9', 'collapse:json', 'drop:1,2', 'mycode'].map(label),
    ['Focus: parse', 'Merged: function 9', 'Collapsed: json', 'Dropped: main › parse', 'My code only']);
  assert.deepEqual(transformIds('drop:1,2,1'), [1, 2, 1]);
  assert.deepEqual(transformIds('collapse:1'), []);
});

test('the hover says what an inverted or callers box is; the top-down tree needs no such note', () => {
  const tree = treeFromView({ path: [], root: { ...box(null, 10, [box(6, 4, [box(5, 4, [box(1, 4)])])]), name: '(all)', file: '' } });
  const name = (i) => tree.name(i);
  const f = tree.findPath([6]);
  const caller = tree.findPath([6, 5]);
  const deeper = tree.findPath([6, 5, 1]);
  assert.match(directionNote('inverted', tree, f, name), /its own time, wherever it was called from/);
  assert.equal(directionNote('inverted', tree, caller, name), 'called from here: the part of f6\'s box spent in calls from f5');
  assert.match(directionNote('inverted', tree, deeper, name), /estimate with bounds/);
  assert.equal(directionNote('top', tree, caller, name), '');
  assert.match(directionNote('callers', tree, 0, name), /every call of it/);
  assert.match(directionNote('callees', tree, 0, name), /merged/);
});
