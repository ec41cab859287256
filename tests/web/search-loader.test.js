// state/search-loader.js: the search's share of time from the functions
// API and the chart, for the current query only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/js/state/store.js';
import { createSearchLoader } from '../../web/js/state/search-loader.js';
import { searchTree } from '../../web/js/model/search.js';
import { treeFromView } from '../../web/js/model/tree.js';
import { box, wholeView } from './support.js';

// A profile of 10 s: markup (ct 4.24 s) called from two places, and
// mark_two (ct 1 s).
const TREE = treeFromView(wholeView({
  ...box(null, 10, [box(1, 6, [box(2, 0.5, [], { name: 'markup', exact: false })]), box(3, 2, [box(2, 0.36, [], { name: 'markup' })])]),
  name: '(all)', file: '',
}));
const ROWS = { markup: { id: 2, file: 'pydoc.py', line: 679, name: 'markup', nc: 38, cc: 38, tt: 0.1, ct: 4.24 },
  mark_two: { id: 5, file: 'x.py', line: 1, name: 'mark_two', nc: 1, cc: 1, tt: 0.1, ct: 1 } };

function fakeApi() {
  const calls = [];
  const pending = [];
  return {
    calls,
    pending,
    functions(profile, params, signal) {
      calls.push(params);
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        const q = params.q.toLowerCase();
        const rows = Object.values(ROWS).filter((r) => r.name.includes(q)).sort((a, b) => b.ct - a.ct);
        pending.push(() => resolve({ total: rows.length, offset: 0, limit: params.limit, sort: 'cumtime', order: 'desc', rows }));
      });
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(search) {
  const store = createStore({ profile: 1, tree: TREE, search, searchResult: searchTree(TREE, search), searchShare: null, notice: '' });
  // As main.js does: the chart's matches follow the query.
  store.subscribe((state, prev) => {
    if (state.search !== prev.search) store.set({ searchResult: searchTree(state.tree, state.search) });
  });
  const api = fakeApi();
  createSearchLoader(store, api).start();
  return { store, api };
}

test('one matching function: its cumtime share, asked once, sorted by cumtime', async () => {
  const { store, api } = setup('markup');
  assert.equal(store.get().searchShare, null, 'nothing until the answer');
  api.pending.shift()();
  await settle();
  assert.deepEqual(store.get().searchShare, { kind: 'exact', share: 4.24 / 10, name: 'markup', id: 2 });
  assert.deepEqual(api.calls, [{ q: 'markup', sort: 'cumtime', order: 'desc', limit: 1000 }]);
});

test('several: the chart\'s share within the bounds; a new query drops the old answer', async () => {
  const { store, api } = setup('mark');
  store.set({ search: 'nothing' });
  api.pending.shift()();  // the answer for "mark", too late
  await settle();
  assert.equal(store.get().searchShare, null, 'an answer for another query is not shown');
  api.pending.shift()();
  await settle();
  assert.deepEqual(store.get().searchShare, { kind: 'none' });
  store.set({ search: 'mark' });
  api.pending.shift()();
  await settle();
  // The chart's top-most matches hold 0.86 s (8.6%), under the largest ct.
  assert.deepEqual(store.get().searchShare, { kind: 'estimate', share: 4.24 / 10, lo: 4.24 / 10, hi: 5.24 / 10, count: 2 });
  store.set({ search: '' });
  await settle();
  assert.equal(store.get().searchShare, null);
  assert.equal(api.calls.length, 3, 'no request for an empty query');
});

test('state/search-results.js: the chart\'s matches follow the tree and the query', async () => {
  const { followSearch } = await import('../../web/js/state/search-results.js');
  const store = createStore({ tree: null, search: '', matches: null, searchResult: null });
  const stop = followSearch(store);
  store.set({ search: 'markup' });
  assert.equal(store.get().matches, null, 'no tree, nothing to match');
  store.set({ tree: TREE });
  const marked = (s) => [...s.matches.keys()].filter((i) => s.matches[i]).map((i) => TREE.name(i));
  assert.deepEqual(marked(store.get()), ['markup', 'markup']);
  assert.deepEqual(store.get().searchResult, searchTree(TREE, 'markup'));
  store.set({ search: '' });
  assert.deepEqual(marked(store.get()), []);
  stop();
  store.set({ search: 'markup' });
  assert.deepEqual(marked(store.get()), [], 'nothing after stop');
});
