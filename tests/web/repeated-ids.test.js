// Paths that hold a function more than once (recursion, exec under exec:
// root=3,7,3,9): nothing in the page may take the ids on a path for unique.
// The tree, grafting, the breadcrumb, the keyboard, the outlines of "the
// same function" and the URL all work on positions and node indices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graftView, treeFromView } from '../../web/js/model/tree.js';
import { nextBox, zoomSteps } from '../../web/js/layout/navigate.js';
import { HOVER_SAME, FOCUS, MATCH, markBoxes } from '../../web/js/render/marks.js';
import { searchTree } from '../../web/js/model/search.js';
import { formatUrlState, parseUrlState } from '../../web/js/state/url-state.js';
import { createStore } from '../../web/js/state/store.js';
import { createTreeLoader } from '../../web/js/state/tree-loader.js';
import { box, repeatedView } from './support.js';

const PATH = [3, 7, 3, 9];

test('each step of a repeated path is its own box, found and named by position', () => {
  const tree = treeFromView(repeatedView());
  const outer = tree.findPath([3]);
  const inner = tree.findPath([3, 7, 3]);
  const main = tree.findPath(PATH);
  const innermost = tree.findPath([...PATH, 3]);
  assert.ok(outer > 0 && inner > outer && main > inner && innermost > main);
  assert.deepEqual([outer, inner, innermost].map((n) => tree.name(n)), ['exec', 'exec', 'exec']);
  assert.equal(tree.time[outer], 8);
  assert.equal(tree.time[inner], 5);
  assert.deepEqual(tree.pathTo(main), PATH);
  assert.deepEqual(tree.pathTo(innermost), [...PATH, 3]);
  for (let i = 0; i < tree.size; i++) if (tree.pathTo(i) !== null) assert.equal(tree.findPath(tree.pathTo(i)), i);
  assert.equal(tree.findPath([3, 3]), -1, 'exec is not exec\'s own child here');
});

test('a view rooted at a repeated path grafts onto the step it names, not the first box of that id', () => {
  const tree = treeFromView(repeatedView());
  // GET .../tree?path=3,7,3,9 answered with main's subtree two levels deep.
  const deeper = box(3, 1, [box(11, 0.75, [], { name: 'inner' })], { name: 'exec' });
  const view = {
    path: PATH.map((id) => ({ ...box(id, 1), children: undefined })),
    root: box(9, 4, [deeper], { name: 'main' }),
  };
  const grafted = graftView(tree, view);
  const at = grafted.findPath([...PATH, 3, 11]);
  assert.ok(at >= 0);
  assert.equal(grafted.name(at), 'inner');
  assert.equal(grafted.findPath([3, 11]), -1, 'the outer exec got nothing');
  assert.equal(grafted.time[grafted.findPath([3])], 8);
  // A path the tree did not reach yet: the missing steps are added in place.
  const shallow = treeFromView({ path: [], root: { ...box(null, 10, [box(3, 8, [], { more: true, name: 'exec' })]), name: '(all)', file: '' } });
  const added = graftView(shallow, view);
  assert.ok(added.findPath([...PATH, 3, 11]) >= 0);
  assert.deepEqual(added.pathTo(added.findPath(PATH)), PATH);
});

test('the breadcrumb has a step per level, each zooming to its own prefix', () => {
  const tree = treeFromView(repeatedView());
  const steps = zoomSteps(tree, tree.findPath(PATH), PATH);
  assert.deepEqual(steps.map((s) => s.path), [[], [3], [3, 7], [3, 7, 3], PATH]);
  assert.deepEqual(steps.map((s) => tree.name(s.node)), ['(all)', 'exec', '<module>', 'exec', 'main']);
  assert.equal(new Set(steps.map((s) => s.node)).size, steps.length, 'two exec steps, two boxes');
  assert.deepEqual(zoomSteps(tree, 0, []), [{ node: 0, path: [] }]);
});

test('the keyboard walks boxes, not ids: down and up through exec under exec', () => {
  const tree = treeFromView(repeatedView());
  const shown = () => true;
  const path = [];
  for (let at = 0; at !== null; at = nextBox(tree, 0, at, 'ArrowDown', shown)) path.push(at);
  assert.deepEqual(path.map((n) => tree.fid[n]), [-1, 3, 7, 3, 9, 3], 'down to the innermost exec');
  const innermost = path.at(-1);
  const up = [];
  for (let at = innermost; at !== null; at = nextBox(tree, 0, at, 'ArrowUp', shown)) up.push(at);
  assert.deepEqual(up, [...path].reverse(), 'and back up the same boxes');
  // The zoom root stops Up; siblings by position.
  const inner = tree.findPath([3, 7, 3]);
  assert.equal(nextBox(tree, inner, inner, 'ArrowUp', shown), null);
  const outerExec = tree.findPath([3]);
  assert.equal(nextBox(tree, 0, outerExec, 'ArrowRight', shown), tree.findPath([7]));
  assert.equal(nextBox(tree, 0, tree.findPath([7]), 'ArrowLeft', shown), outerExec);
  assert.equal(nextBox(tree, 0, outerExec, 'ArrowDown', (n) => n !== outerExec + 1), null, 'only boxes drawn');
});

test('hovering one exec outlines every exec, wherever it repeats; focus and search mark their own boxes', () => {
  const tree = treeFromView(repeatedView());
  const inner = tree.findPath([3, 7, 3]);
  const execs = Array.from({ length: tree.size }, (_, i) => i).filter((i) => tree.fid[i] === 3);
  assert.equal(execs.length, 3);
  const marks = markBoxes(tree, { hover: inner, focus: tree.findPath(PATH), matches: searchTree(tree, 'exec').matches });
  for (let i = 0; i < tree.size; i++) {
    assert.equal((marks[i] & HOVER_SAME) !== 0, tree.fid[i] === 3, `node ${i}`);
    assert.equal((marks[i] & MATCH) !== 0, tree.fid[i] === 3);
    assert.equal((marks[i] & FOCUS) !== 0, i === tree.findPath(PATH));
  }
  assert.deepEqual(markBoxes(tree, { hover: null, focus: null, matches: null }), new Uint8Array(tree.size));
  // A search counts nested matches once: the outer exec holds the others.
  assert.equal(searchTree(tree, 'exec').time, 8);
});

test('a repeated zoom path survives the URL both ways', () => {
  const s = parseUrlState(`?root=${PATH.join(',')}`, '/p/4');
  assert.deepEqual(s.root, PATH);
  assert.equal(formatUrlState(s), '/p/4?v=1&root=3,7,3,9');
});

test('the tree loader fetches and holds a view at a repeated path', async () => {
  const full = repeatedView().root;
  const calls = [];
  const api = {
    tree(profile, { path, depth }) {
      calls.push(path.join(','));
      let b = full;
      const boxes = [];
      for (const id of path) {
        b = b.children.find((c) => c.id === id);
        boxes.push({ ...b, children: undefined });
      }
      const cut = (x, d) => ({ ...x, more: d === 0 && x.children.length > 0, children: d === 0 ? [] : x.children.map((c) => cut(c, d - 1)) });
      return Promise.resolve({ path: boxes, root: cut(b, depth) });
    },
  };
  const store = createStore({ profile: 1, root: [], depth: 1, cutoff: 0.001, tree: null, treeState: 'loading', treeError: '', notice: '' });
  createTreeLoader(store, api).start();
  await new Promise((r) => setTimeout(r, 0));
  store.set({ root: PATH });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls, ['', '3,7,3,9']);
  const { tree } = store.get();
  assert.equal(store.get().treeState, 'ready');
  assert.deepEqual(tree.pathTo(tree.findPath([...PATH, 3])), [...PATH, 3]);
  // Out to the top and back in: the view at 3,7,3,9 is still held, no
  // request.
  store.set({ root: [] });
  store.set({ root: PATH });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(calls.length, 2);
  assert.equal(store.get().treeState, 'ready');
  assert.equal(store.get().tree.name(store.get().tree.findPath(PATH)), 'main');
});
