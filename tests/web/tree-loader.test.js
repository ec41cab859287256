// state/tree-loader.js: fetches only the views the tree lacks, grafts them,
// drops superseded answers and recovers from a link to a missing path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/js/state/store.js';
import { createTreeLoader } from '../../web/js/state/tree-loader.js';
import { ApiError } from '../../web/js/model/api.js';
import { box } from './support.js';

// A profile: (all) -> 1 -> 2 -> 3, and (all) -> 4.  A view of depth d
// rooted at a path shows d levels and flags `more` below.
const FULL = { ...box(null, 10, [box(1, 7, [box(2, 5, [box(3, 2)])]), box(4, 3)]), name: '(all)', file: '' };

function fakeApi() {
  const calls = [];
  const pending = [];
  const cut = (b, d) => ({ ...b, more: d === 0 && b.children.length > 0, children: d === 0 ? [] : b.children.map((c) => cut(c, d - 1)) });
  const find = (path) => {
    let b = FULL;
    const boxes = [];
    for (const id of path) {
      b = b.children.find((c) => c.id === id);
      if (!b) return null;
      boxes.push(b);
    }
    return { b, boxes };
  };
  return {
    calls,
    pending,
    tree(profile, { path, depth }, signal) {
      calls.push({ path: path.join(','), depth });
      return new Promise((resolve, reject) => {
        const answer = () => {
          const hit = find(path);
          if (!hit) reject(new ApiError(404, `path step 0: function ${path[0]} is not at the top level`));
          else resolve({ path: hit.boxes.map((b) => ({ ...b, children: undefined })), root: cut(hit.b, depth) });
        };
        signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        pending.push(answer);
      });
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
async function flush(api) {
  while (api.pending.length) {
    api.pending.shift()();
    await settle();
  }
}

function setup(patch = {}) {
  const store = createStore({ profile: 1, root: [], depth: 1, cutoff: 0.001, tree: null, treeState: 'loading', treeError: '', notice: '', ...patch });
  const api = fakeApi();
  const loader = createTreeLoader(store, api);
  return { store, api, loader };
}

test('the first view is fetched once and a shallower depth needs no fetch', async () => {
  const { store, api, loader } = setup({ depth: 2 });
  loader.start();
  assert.equal(store.get().treeState, 'loading');
  await flush(api);
  assert.equal(store.get().treeState, 'ready');
  assert.deepEqual(api.calls, [{ path: '', depth: 2 }]);
  store.set({ depth: 1 });
  await flush(api);
  assert.equal(api.calls.length, 1);
});

test('zooming into a box with hidden children fetches and grafts that view only', async () => {
  const { store, api, loader } = setup();
  loader.start();
  await flush(api);
  const before = store.get().tree;
  assert.equal(before.findPath([1, 2]), -1);
  store.set({ root: [1] });
  await flush(api);
  assert.deepEqual(api.calls.at(-1), { path: '1', depth: 1 });
  const tree = store.get().tree;
  assert.ok(tree.findPath([1, 2]) >= 0);
  assert.ok(tree.findPath([4]) >= 0, 'the rest of the tree is kept');
  // Back out and in again: all there, no request.
  const n = api.calls.length;
  store.set({ root: [] });
  store.set({ root: [1] });
  await flush(api);
  assert.equal(api.calls.length, n);
  assert.equal(store.get().treeState, 'ready');
});

test('a newer view supersedes an answer still on its way', async () => {
  const { store, api, loader } = setup();
  loader.start();
  await flush(api);
  store.set({ root: [1] });
  store.set({ root: [1, 2] });
  await flush(api);
  assert.deepEqual(store.get().root, [1, 2]);
  assert.ok(store.get().tree.findPath([1, 2, 3]) >= 0);
  assert.equal(store.get().treeState, 'ready');
});

test('a deep link loads the top of the profile too, and another cutoff starts afresh', async () => {
  const { store, api, loader } = setup({ root: [1, 2], depth: 1 });
  loader.start();
  await flush(api);
  assert.deepEqual(api.calls.map((c) => c.path).sort(), ['', '1,2']);
  const tree = store.get().tree;
  assert.ok(tree.findPath([1, 2, 3]) >= 0 && tree.findPath([4]) >= 0);
  store.set({ cutoff: 0.01 });
  await flush(api);
  assert.deepEqual(api.calls.slice(2).map((c) => c.path).sort(), ['', '1,2']);
});

test('a link to a path the profile lacks falls back to the whole profile with a notice', async () => {
  const { store, api, loader } = setup({ root: [99] });
  loader.start();
  await flush(api);
  await flush(api);
  const s = store.get();
  assert.deepEqual(s.root, []);
  assert.match(s.notice, /not in this profile/);
  assert.equal(s.treeState, 'ready');
});

test('a server error becomes the error state with its message', async () => {
  const store = createStore({ profile: 5, root: [], depth: 1, cutoff: 0.001, tree: null, treeState: 'loading', treeError: '' });
  const api = { tree: () => Promise.reject(new ApiError(404, 'no profile 5')) };
  createTreeLoader(store, api).start();
  await settle();
  assert.equal(store.get().treeState, 'error');
  assert.equal(store.get().treeError, 'no profile 5');
});

test('a view the server capped is said so, for that view only; boxes cut there are flagged to fetch', async () => {
  // The server stops at depth 1 under the root: f1 has `more`.
  const capped = (path) => ({
    path: path.map((id) => ({ ...box(id, 7), children: undefined })),
    root: path.length === 0 ? { ...box(null, 10, [box(1, 7, [], { more: true }), box(4, 3)]), name: '(all)', file: '' } : box(1, 7, [box(2, 5)]),
    capped: path.length === 0 ? { reason: 'boxes', limit: 100000, boxes: 5, depth: 1 } : false,
  });
  const calls = [];
  const api = { tree: (profile, { path }) => { calls.push(path.join(',')); return Promise.resolve(capped(path)); } };
  const store = createStore({ profile: 1, root: [], depth: 10, cutoff: 0.001, tree: null, treeState: 'loading', treeError: '', notice: '' });
  createTreeLoader(store, api).start();
  await settle();
  assert.deepEqual(store.get().treeCapped, { root: '', depth: 10, cap: { reason: 'boxes', limit: 100000, boxes: 5, depth: 1 } });
  const { tree } = store.get();
  assert.ok(tree.needsFetch(tree.findPath([1]), 1), 'the box at the cap is fetched when zoomed into');
  store.set({ root: [1] });
  await settle();
  assert.deepEqual(calls, ['', '1']);
  assert.equal(store.get().treeCapped, null, 'that view was not capped');
});
