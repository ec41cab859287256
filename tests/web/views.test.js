// The page's side of the inverted chart, the sandwich and the transforms:
// the URL round-trips them, the API calls carry them, the tree loader asks
// for the right tree and falls back, with a notice, when the server refuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATE, formatUrlState, formatUrlQuery, parseUrlState, parseTransform } from '../../web/js/state/url-state.js';
import { apiPath, relativeView, treeQuery } from '../../web/js/state/tree-query.js';
import { createApi, ApiError } from '../../web/js/model/api.js';
import { createStore } from '../../web/js/state/store.js';
import { createTreeLoader } from '../../web/js/state/tree-loader.js';
import { box } from './support.js';

const state = (changes) => ({ ...DEFAULT_STATE, root: [], profile: 3, ...changes });

function roundTrip(s) {
  const url = new URL(formatUrlState(s), 'http://127.0.0.1:8080/');
  return parseUrlState(url.search, url.pathname);
}

test('every view and every transform kind round-trips through the URL, in order', () => {
  const cases = [
    state({ inverted: true }),
    state({ inverted: true, root: [4, 2, 2], view: 'sunburst' }),
    state({ sandwich: 0 }),
    state({ sandwich: 17, root: [3, 9] }),
    state({ transforms: ['focus:12'] }),
    state({ transforms: ['merge:0'] }),
    state({ transforms: ['collapse:json'] }),
    state({ transforms: ['collapse:<my pkg> & "x"=1?t=drop:1#'] }),
    state({ transforms: ['collapse:caf\u00e9/\u05d0\u05d1'] }),
    state({ transforms: ['drop:0,4,4,9'] }),
    state({ transforms: ['mycode'] }),
    state({ transforms: ['mycode', 'focus:5', 'merge:7', 'collapse:importlib', 'drop:5,2', 'merge:7'], root: [5] }),
    state({ group: 'package' }),
    state({ group: 'package', inverted: true, transforms: ['mycode'], search: 'json' }),
  ];
  for (const s of cases) {
    const back = roundTrip(s);
    assert.deepEqual(back, s, formatUrlState(s));
    assert.equal(formatUrlState(back), formatUrlState(s));
  }
  assert.equal(formatUrlQuery(state({ transforms: ['mycode', 'drop:1,2'], inverted: true, sandwich: 4, group: 'package' })),
    'v=1&inverted=1&fn=4&t=mycode&t=drop%3A1%2C2&group=package');
  assert.equal(formatUrlState(state({})), '/p/3?v=1', 'the defaults stay out of the URL');
});

test('a damaged transform drops the whole stack; other keys fall back alone', () => {
  assert.deepEqual(parseUrlState('?t=mycode&t=focus:x&inverted=1', '/p/1').transforms, []);
  assert.equal(parseUrlState('?t=mycode&t=focus:x&inverted=1', '/p/1').inverted, true);
  for (const bad of ['focus:', 'focus:-1', 'focus:1.5', 'merge:1e3', 'drop:', 'drop:1,,2', 'drop:a', 'collapse:',
    'collapse:a\u0001b', `collapse:${'p'.repeat(257)}`, 'mycode:1', 'unknown:3', 'Focus:1', '']) {
    assert.equal(parseTransform(bad), null, bad);
    assert.deepEqual(parseUrlState(`?t=${encodeURIComponent(bad)}`, '/p/1').transforms, [], bad);
  }
  assert.deepEqual(parseUrlState(`?${Array(33).fill('t=mycode').join('&')}`, '/p/1').transforms, [], 'past 32: no stack a person built');
  assert.equal(parseUrlState('?inverted=yes', '/p/1').inverted, false);
  assert.equal(parseUrlState('?fn=-2', '/p/1').sandwich, null);
  assert.equal(parseUrlState('?fn=0', '/p/1').sandwich, 0, 'function 0 is a function');
  assert.equal(parseUrlState('?group=module', '/p/1').group, 'function');
});

function fakeFetch() {
  const seen = [];
  const f = async (url) => {
    seen.push(url);
    return { status: 200, ok: true, json: async () => ({}) };
  };
  f.seen = seen;
  return f;
}

test('the tree call carries view, fn and the transforms (repeated, in order); top is left out', async () => {
  const fetchImpl = fakeFetch();
  const api = createApi({ fetchImpl, storage: null });
  await api.tree(3, { path: [], depth: 10, cutoff: 0.001, view: 'inverted' });
  await api.tree(3, { path: [7, 2], depth: 5, cutoff: 0, view: 'callers', fn: 7 });
  await api.tree(3, { path: [], depth: 10, cutoff: 0.001, view: 'top', t: ['mycode', 'collapse:a&b', 'drop:1,2'] });
  await api.tree(3, { path: [], depth: 10, cutoff: 0.001 });
  await api.packages(3);
  assert.deepEqual(fetchImpl.seen, [
    '/api/profiles/3/tree?depth=10&cutoff=0.001&view=inverted',
    '/api/profiles/3/tree?path=7%2C2&depth=5&cutoff=0&view=callers&fn=7',
    '/api/profiles/3/tree?depth=10&cutoff=0.001&t=mycode&t=collapse%3Aa%26b&t=drop%3A1%2C2',
    '/api/profiles/3/tree?depth=10&cutoff=0.001',
    '/api/profiles/3/packages',
  ]);
});

test('which tree a state asks for', () => {
  const t = ['mycode'];
  assert.deepEqual(treeQuery(state({ transforms: t })), { view: 'top', fn: null, t });
  assert.deepEqual(treeQuery(state({ inverted: true, transforms: t })), { view: 'inverted', fn: null, t: [] }, 'transforms apply to top only');
  assert.deepEqual(treeQuery(state({ sandwich: 4, inverted: true })), { view: 'callees', fn: 4, t: [] });
  assert.deepEqual(treeQuery({ ...state({ sandwich: 4 }), half: 'callers' }), { view: 'callers', fn: 4, t: [] });
  assert.deepEqual(treeQuery(state({ base: 2, sandwich: 4, inverted: true, transforms: t })), { view: 'top', fn: null, t: [] },
    'a comparison is of the top-down tree');
  assert.deepEqual(apiPath({ fn: 4 }, []), [4], 'F first, even at the root');
  assert.deepEqual(apiPath({ fn: 4 }, [9, 4]), [4, 9, 4]);
  assert.deepEqual(apiPath({ fn: null }, [9]), [9]);
  const v = { path: [{ id: 4 }, { id: 9 }], root: { id: 9 } };
  assert.deepEqual(relativeView({ fn: 4 }, v).path, [{ id: 9 }]);
  assert.equal(relativeView({ fn: null }, v), v);
});

// The callees of function 4 as view=callees answers them (docs/api.md's
// box JSON; the root is F, every activation merged), and the callers.
const CALLEES = { ...box(4, 6, [box(5, 4, [box(6, 1)]), box(7, 1)]) };
const CALLERS = { ...box(4, 6, [box(1, 5, [box(0, 5)]), box(2, 1)]) };
const INVERTED = { ...box(null, 10, [box(6, 4, [box(5, 4)]), box(7, 3)]), name: '(all)', file: '' };

function viewsApi({ refuse = false } = {}) {
  const calls = [];
  const find = (root, path) => {
    let b = root;
    const boxes = [];
    for (const id of path) {
      b = b.children.find((c) => c.id === id);
      boxes.push(b);
    }
    return { b, boxes };
  };
  return {
    calls,
    async tree(profile, { path, depth, view = 'top', fn = null, t = [] }) {
      calls.push({ path: path.join(','), depth, view, fn, t: t.join(' ') });
      if (refuse && (view !== 'top' || t.length > 0)) throw new ApiError(400, `unknown view "${view}"`);
      if (view === 'callees' || view === 'callers') {
        const root = view === 'callees' ? CALLEES : CALLERS;
        assert.equal(path.length === 0 || path[0] === fn, true, 'a sandwich path starts at its function');
        const { b, boxes } = find(root, path.slice(1));
        return { path: path.length ? [root, ...boxes] : [], root: b, view };
      }
      if (view === 'inverted') return { path: [], root: INVERTED, view };
      return { path: [], root: { ...box(null, 10, [box(1, 10)]), name: '(all)', file: '' }, view, transforms: t };
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function loaderStore(patch) {
  return createStore({
    profile: 1, root: [], depth: 5, cutoff: 0.001, base: null, compare: 'seconds', tree: null, treeState: 'loading', treeError: '',
    notice: '', inverted: false, sandwich: null, transforms: [], ...patch,
  });
}

test('the loader asks for the sandwich half rooted at its function, and zooms below it', async () => {
  const api = viewsApi();
  const store = loaderStore({ sandwich: 4 });
  createTreeLoader(store, api).start();
  await settle();
  assert.deepEqual(api.calls, [{ path: '4', depth: 5, view: 'callees', fn: 4, t: '' }]);
  assert.equal(store.get().tree.fid[0], 4, 'the function is the root box');
  store.set({ root: [5] });
  await settle();
  assert.equal(store.get().treeState, 'ready');
  assert.ok(store.get().tree.findPath([5, 6]) >= 0, 'the zoom is below the function');
  // Already held: no request for it.
  assert.equal(api.calls.length, 1);
  const half = createStore({ ...loaderStore({ sandwich: 4 }).get(), half: 'callers' });
  createTreeLoader(half, api).start();
  await settle();
  assert.deepEqual(api.calls.at(-1), { path: '4', depth: 5, view: 'callers', fn: 4, t: '' });
  assert.equal(half.get().tree.findPath([1, 0]), 2);
});

test('switching view or transforms fetches afresh; a refusing server leaves the top-down tree and says why', async () => {
  const api = viewsApi();
  const store = loaderStore({});
  createTreeLoader(store, api).start();
  await settle();
  store.set({ inverted: true });
  await settle();
  assert.equal(api.calls.at(-1).view, 'inverted');
  assert.equal(store.get().tree.fid[1], 6);
  store.set({ inverted: false, transforms: ['mycode', 'merge:3'] });
  await settle();
  assert.deepEqual(api.calls.at(-1), { path: '', depth: 5, view: 'top', fn: null, t: 'mycode merge:3' });

  const old = viewsApi({ refuse: true });
  const s2 = loaderStore({ inverted: true, transforms: ['mycode'], root: [6] });
  createTreeLoader(s2, old).start();
  await settle();
  await settle();
  const after = s2.get();
  assert.equal(after.inverted, false);
  assert.deepEqual(after.transforms, []);
  assert.deepEqual(after.root, []);
  assert.match(after.notice, /refused the inverted chart \(unknown view "inverted"\): showing the top-down tree/);
  assert.equal(after.treeState, 'ready', 'never a blank page');
  assert.equal(old.calls.at(-1).view, 'top');
});

test('a server that ignores view= and t= (answers the top-down tree, no echo) is not drawn as the view asked for', async () => {
  const top = { path: [], root: { ...box(null, 10, [box(1, 10)]), name: '(all)', file: '' } };
  for (const patch of [{ inverted: true }, { transforms: ['mycode'] }, { sandwich: 1 }]) {
    const store = loaderStore(patch);
    createTreeLoader(store, { tree: async () => top }).start();
    await settle();
    await settle();
    const s = store.get();
    assert.equal(s.inverted || s.sandwich !== null || s.transforms.length > 0, false, JSON.stringify(patch));
    assert.match(s.notice, /this server does not offer (view=|transforms)/);
    assert.equal(s.treeState, 'ready');
  }
  // An answer that echoes another stack than asked is refused too.
  const store = loaderStore({ transforms: ['mycode', 'merge:1'] });
  createTreeLoader(store, { tree: async () => ({ ...top, view: 'top', transforms: ['mycode'] }) }).start();
  await settle();
  await settle();
  assert.deepEqual(store.get().transforms, []);
});
