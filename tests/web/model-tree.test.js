// model/tree.js: the API's nested tree as flat arrays, paths, grafting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALLS_EXACT, EXACT, MORE, SMALLER, graftView, treeFromView } from '../../web/js/model/tree.js';
import { apiNumber } from '../../web/js/model/number.js';
import { box, fixtureJson, wholeView } from './support.js';

// The boxes of a view in preorder, with their parent's position.
function preorder(rootBox) {
  const out = [];
  const walk = (b, parent, depth) => {
    const i = out.length;
    out.push({ box: b, parent, depth });
    for (const c of b.children ?? []) walk(c, i, depth + 1);
  };
  walk(rootBox, -1, 0);
  return out;
}

// Every node of `tree` holds exactly what its box of `rootBox` says.
function assertMirrors(tree, rootBox) {
  const boxes = preorder(rootBox);
  assert.equal(tree.size, boxes.length);
  boxes.forEach(({ box: b, parent, depth }, i) => {
    assert.equal(tree.parent[i], parent, `parent of ${i}`);
    assert.equal(tree.depth[i], depth);
    assert.equal(tree.fid[i], b.id === null ? -1 : b.id);
    assert.equal(tree.name(i), b.name);
    assert.equal(tree.file(i), b.file);
    assert.equal(tree.line[i], b.line);
    for (const [col, key] of [['time', 'time'], ['self', 'self'], ['lo', 'lo'], ['hi', 'hi'], ['calls', 'calls']]) {
      assert.equal(tree[col][i], apiNumber(b[key]), `${col} of ${i}`);
    }
    assert.equal(tree.nMerged[i], b.n_merged);
    assert.equal(tree.has(i, EXACT), b.exact);
    assert.equal(tree.has(i, CALLS_EXACT), b.calls_exact);
    assert.equal(tree.has(i, MORE), b.more);
    assert.equal(tree.has(i, SMALLER), b.n_merged > 0);
    assert.deepEqual(tree.children(i).map((c) => tree.fid[c]), b.children.map((c) => (c.id === null ? -1 : c.id)));
  });
}

function byPath(tree) {
  return new Map(Array.from({ length: tree.size }, (_, i) => [JSON.stringify(tree.pathTo(i)), i]));
}

test('a real tree becomes flat arrays that mirror every box', () => {
  for (const name of ['recursion-full.json', 'recursion-top.json', 'compileall-top.json', 'edge-tree.json', 'hostile-tree.json']) {
    const view = fixtureJson(name);
    assertMirrors(treeFromView(view), view.root);
  }
});

test('subtrees are contiguous: node i owns [i, end[i])', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  for (let i = 0; i < tree.size; i++) {
    assert.ok(tree.end[i] > i && tree.end[i] <= tree.size);
    for (let j = i + 1; j < tree.end[i]; j++) {
      let a = j;
      while (a > i) a = tree.parent[a];
      assert.equal(a, i, `${j} lies under ${i}`);
    }
  }
  assert.equal(tree.end[0], tree.size);
});

test('pathTo gives function ids from the top, and findPath finds them again', () => {
  const view = fixtureJson('recursion-full.json');
  const tree = treeFromView(view);
  assert.deepEqual(tree.pathTo(0), []);
  const fib = tree.findPath([9, 2, 0]);  // main -> <listcomp> -> fib
  assert.equal(tree.name(fib), 'fib');
  assert.deepEqual(tree.pathTo(fib), [9, 2, 0]);
  for (let i = 0; i < tree.size; i++) assert.equal(tree.findPath(tree.pathTo(i)), i);
  assert.equal(tree.findPath([9, 12345]), -1);
  assert.equal(tree.findPath([0]), -1, 'fib is not at the top level');
});

test('a "(N smaller)" box has no path, and neither has anything under it', () => {
  const tree = treeFromView(fixtureJson('recursion-top.json'));
  const smaller = [...Array(tree.size).keys()].filter((i) => tree.has(i, SMALLER));
  assert.deepEqual(smaller.map((i) => [tree.name(i), tree.nMerged[i]]), [['(4 smaller)', 4], ['(6 smaller)', 6]]);
  for (const i of smaller) assert.equal(tree.pathTo(i), null);
  const under = treeFromView(wholeView(box(null, 1, [box(null, 1, [box(3, 1)], { name: '(2 smaller)', n_merged: 2 })])));
  assert.equal(under.pathTo(2), null);
});

test('grafting a zoomed view replaces the subtree at its path', () => {
  const top = treeFromView(fixtureJson('recursion-top.json'));
  const zoom = fixtureJson('recursion-zoom-is-even.json');
  const at = top.findPath([9, 6]);
  assert.ok(top.has(at, MORE), 'is_even was cut by the depth');
  assert.equal(top.children(at).length, 0);

  const tree = graftView(top, zoom);
  const node = tree.findPath([9, 6]);
  assertMirrors(subtree(tree, node), zoom.root);
  assert.equal(tree.has(node, MORE), false, 'the view holds all of it');
  assert.equal(tree.size, top.size + preorder(zoom.root).length - 1);
  // Everything else is as it was.
  const before = byPath(top);
  for (const [path, i] of byPath(tree)) {
    if (path === 'null' || path.startsWith('[9,6')) continue;
    const j = before.get(path);
    assert.equal(tree.time[i], top.time[j]);
    assert.equal(tree.name(i), top.name(j));
  }
  assert.equal(top.children(at).length, 0, 'the old tree is not changed');
});

// The subtree of node i as a tree of its own, to compare with a view.
function subtree(tree, i) {
  const toBox = (n) => ({
    id: tree.fid[n] < 0 ? null : tree.fid[n], name: tree.name(n), file: tree.file(n), line: tree.line[n],
    time: tree.time[n], self: tree.self[n], lo: tree.lo[n], hi: tree.hi[n], calls: tree.calls[n],
    exact: tree.has(n, EXACT), calls_exact: tree.has(n, CALLS_EXACT), more: tree.has(n, MORE),
    n_merged: tree.nMerged[n], children: tree.children(n).map(toBox),
  });
  return treeFromView(wholeView(toBox(i)));
}

// Children plus self add up to the parent's time (the API's promise).
function assertAddsUp(tree, i) {
  const sum = tree.children(i).reduce((s, c) => s + tree.time[c], tree.self[i]);
  assert.ok(Math.abs(sum - tree.time[i]) <= 1e-12 * tree.time[i], `${tree.name(i)}: ${sum} vs ${tree.time[i]}`);
}

test('grafting a path through a "(N smaller)" box takes the step out of it', () => {
  const top = treeFromView(fixtureJson('recursion-top.json'));
  const zoom = fixtureJson('recursion-zoom-cyc-a.json');
  const main = top.findPath([9]);
  assert.equal(top.findPath([9, 3]), -1, 'cyc_a was merged');
  assertAddsUp(top, main);

  const tree = graftView(top, zoom);
  const main2 = tree.findPath([9]);
  assert.deepEqual(tree.children(main2).map((c) => tree.name(c)), ['fib', 'is_even', '<listcomp>', 'cyc_a', '(3 smaller)']);
  const [smallerBefore] = top.children(main).filter((c) => top.has(c, SMALLER));
  const [smallerAfter] = tree.children(main2).filter((c) => tree.has(c, SMALLER));
  assert.equal(tree.nMerged[smallerAfter], 3);
  assert.ok(Math.abs(tree.time[smallerAfter] - (top.time[smallerBefore] - zoom.root.time)) < 1e-15);
  assertAddsUp(tree, main2);
  assertMirrors(subtree(tree, tree.findPath([9, 3])), zoom.root);
});

test('grafting a path several steps past the tree adds the missing steps', () => {
  const top = treeFromView(fixtureJson('recursion-top.json'));
  const zoom = fixtureJson('recursion-zoom-cyc-b.json');
  const tree = graftView(top, zoom);
  const cycA = tree.findPath([9, 3]);
  const cycB = tree.findPath([9, 3, 8]);
  assert.equal(tree.parent[cycB], cycA);
  assert.deepEqual(tree.children(cycA), [cycB]);
  assert.ok(tree.has(cycA, MORE), 'cyc_a may have children the view did not send');
  assert.equal(tree.time[cycA], zoom.path[1].time);
  assert.deepEqual(tree.pathTo(cycB), [9, 3, 8]);
  assertMirrors(subtree(tree, cycB), zoom.root);
  assertAddsUp(tree, tree.findPath([9]));
});

test('a "(1 smaller)" box that stood for the grafted step goes', () => {
  const top = treeFromView(wholeView(box(null, 10, [
    box(1, 6), box(null, 4, [], { name: '(1 smaller)', n_merged: 1, more: true }),
  ])));
  const tree = graftView(top, { path: [box(2, 4)], root: box(2, 4, [box(3, 1)]) });
  assert.deepEqual(tree.children(0).map((c) => tree.name(c)), ['f1', 'f2']);
  assert.deepEqual(tree.children(tree.findPath([2])).map((c) => tree.name(c)), ['f3']);
});

test('grafting the whole profile (empty path) is a fresh tree', () => {
  const top = treeFromView(fixtureJson('recursion-top.json'));
  const full = fixtureJson('recursion-full.json');
  assertMirrors(graftView(top, full), full.root);
});

test('needsFetch: a zoom that shows boxes whose children were left out', () => {
  const top = treeFromView(fixtureJson('recursion-top.json'));  // fetched with depth 2
  assert.equal(top.needsFetch(0, 2), false, 'as fetched: the cut is at the bottom level');
  assert.equal(top.needsFetch(0, 3), true, 'one level more reaches below is_even');
  const main = top.findPath([9]);
  assert.equal(top.needsFetch(main, 2), true);
  assert.equal(top.needsFetch(main, 1), false);
  const isEven = top.findPath([9, 6]);
  assert.equal(top.needsFetch(isEven, 0), false);
  assert.equal(top.needsFetch(isEven, 1), true);
  // Fetched rooted at is_even with depth 5: nothing missing any more.
  const tree = graftView(top, fixtureJson('recursion-zoom-is-even.json'));
  assert.equal(tree.needsFetch(tree.findPath([9, 6]), 5), false);
  // "(N smaller)" boxes have `more` set but no fetch shows their children.
  const smaller = [...Array(top.size).keys()].find((i) => top.has(i, SMALLER) && top.has(i, MORE));
  assert.equal(top.needsFetch(smaller, 10), false);
  assert.equal(treeFromView(fixtureJson('recursion-full.json')).needsFetch(0, 20), false);
});

test('views that cannot be trees are refused', () => {
  const top = treeFromView(fixtureJson('recursion-top.json'));
  const zoom = fixtureJson('recursion-zoom-is-even.json');
  assert.throws(() => treeFromView(zoom), TypeError, 'a rooted view alone');
  assert.throws(() => graftView(top, { ...zoom, root: { ...zoom.root, id: 7 } }), TypeError);
  for (const bad of [null, 7, 'tree', {}, { path: 'x', root: {} }, { path: [{ id: '9' }], root: {} }, { path: [null], root: {} },
    { path: [{ id: -1 }], root: {} }, { path: [], root: null }, { path: [], root: 5 }]) {
    assert.throws(() => treeFromView(bad), TypeError, JSON.stringify(bad));
    assert.throws(() => graftView(top, bad), TypeError, JSON.stringify(bad));
  }
});

test('hostile names stay plain strings, whatever they look like', () => {
  const view = fixtureJson('hostile-tree.json');
  const tree = treeFromView(view);
  const names = new Set(Array.from({ length: tree.size }, (_, i) => tree.name(i)));
  const files = new Set(Array.from({ length: tree.size }, (_, i) => tree.file(i)));
  for (const s of ['</script><img src=x onerror=alert(1)>', 'constructor', '+SUM(1)', 'name\nwith\tcontrol', '-2+3 \udcff']) {
    assert.ok(names.has(s), JSON.stringify(s));
  }
  for (const s of ['<script>alert("f")</script>.py', '__proto__', "=cmd|'/C calc'!A0", 'dir/x\u202e.py', 'caf\udce9/\u6f22.py']) {
    assert.ok(files.has(s), JSON.stringify(s));
  }
  // Real functions named like synthetic boxes are real functions.
  for (const name of ['(all)', '(3 smaller)']) {
    const i = [...Array(tree.size).keys()].find((n) => tree.name(n) === name && n > 0);
    assert.ok(tree.fid[i] >= 0 && !tree.has(i, SMALLER));
    assert.equal(tree.findPath(tree.pathTo(i)), i);
  }
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  assert.equal(({}).constructor, Object);
});

test('odd figures are kept as the API gives them', () => {
  const tree = treeFromView(fixtureJson('edge-tree.json'));
  assert.equal(tree.time[0], 1e300);
  const calls = new Set(tree.calls);
  assert.ok(calls.has(2147483648) && calls.has(-1));
  assert.ok([...Array(tree.size).keys()].some((i) => tree.fid[i] >= 0 && tree.name(i) === '' && tree.file(i) === ''));
  // The hostile profile's main (time 1) is larger than the total (0.746):
  // the model keeps the data; the layouts fit it.
  const hostile = treeFromView(fixtureJson('hostile-tree.json'));
  assert.ok(hostile.time[hostile.findPath([0])] > hostile.time[0]);
});

test('API numbers: "nan", "inf", "-inf" strings, and garbage reads as NaN', () => {
  assert.equal(apiNumber(0.5), 0.5);
  assert.equal(apiNumber('inf'), Infinity);
  assert.equal(apiNumber('-inf'), -Infinity);
  for (const v of ['nan', null, undefined, '1', {}, [], true]) assert.ok(Number.isNaN(apiNumber(v)), String(v));
  const tree = treeFromView(wholeView(box(null, 1, [box(1, 'inf'), box(2, 'nan', [], { lo: '-inf', calls: 'x' })])));
  assert.equal(tree.time[1], Infinity);
  assert.ok(Number.isNaN(tree.time[2]) && Number.isNaN(tree.calls[2]));
  assert.equal(tree.lo[2], -Infinity);
});

test('garbage box fields read as empty, not as anything else', () => {
  const odd = { id: '3', name: { toString: () => 'x' }, file: 42, line: 'nine', children: 'no', exact: 'yes', more: 1, n_merged: 5 };
  const tree = treeFromView(wholeView({ ...box(null, 1), children: [odd, null, 7, box(4, 0.5, [], { id: 2 ** 31 })] }));
  assert.equal(tree.size, 3, 'null and 7 are not boxes');
  assert.deepEqual([tree.fid[1], tree.name(1), tree.file(1), tree.line[1]], [-1, '', '', 0]);
  assert.equal(tree.flags[1] & (EXACT | MORE), 0);
  assert.ok(tree.has(1, SMALLER), 'an id-less box with n_merged is a merged box');
  assert.equal(tree.fid[2], -1, 'ids that do not fit the column are not ids');
});

test('a very deep tree builds without running out of stack', () => {
  let b = box(50000, 1);
  for (let id = 49999; id >= 0; id--) b = box(id, 1, [b]);
  const tree = treeFromView(wholeView(box(null, 1, [b])));
  assert.equal(tree.size, 50002);
  assert.equal(tree.depth[tree.size - 1], 50001);
  assert.equal(tree.pathTo(tree.size - 1).length, 50001);
});
