// state/url-sync.js: zooms push history entries, other changes replace the
// current one, and Back/Forward put the URL's state back into the store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/js/state/store.js';
import { parseUrlState } from '../../web/js/state/url-state.js';
import { syncUrl } from '../../web/js/state/url-sync.js';

// A window with a history of URLs; back() fires popstate as browsers do.
function fakeWindow(start) {
  const entries = [start];
  let at = 0;
  const listeners = new Set();
  const location = {};
  const setLoc = () => {
    const u = new URL(entries[at], 'http://x');
    location.pathname = u.pathname;
    location.search = u.search;
    location.hash = u.hash;
  };
  // A URL of a fragment alone changes the fragment only.
  const resolve = (url) => (url.startsWith('#') ? entries[at].split('#')[0] + url : url);
  setLoc();
  return {
    location,
    entries: () => entries.slice(0, at + 1),
    history: {
      pushState(_s, _t, url) {
        entries.splice(at + 1, Infinity, resolve(url));
        at++;
        setLoc();
      },
      replaceState(_s, _t, url) {
        entries[at] = resolve(url);
        setLoc();
      },
    },
    back() {
      at--;
      setLoc();
      for (const l of listeners) l();
    },
    addEventListener: (type, l) => type === 'popstate' && listeners.add(l),
    removeEventListener: (type, l) => listeners.delete(l),
  };
}

function setup(url) {
  const win = fakeWindow(url);
  const u = new URL(url, 'http://x');
  const store = createStore({ ...parseUrlState(u.search, u.pathname), tree: null });
  return { win, store, sync: syncUrl(store, win) };
}

test('a zoom pushes an entry and Back returns to the previous zoom', () => {
  const { win, store, sync } = setup('/p/3?v=1');
  sync.zoom([4, 7]);
  assert.deepEqual(win.entries(), ['/p/3?v=1', '/p/3?v=1&root=4,7']);
  sync.zoom([4, 7, 9]);
  assert.equal(win.entries().length, 3);
  win.back();
  assert.deepEqual(store.get().root, [4, 7]);
  win.back();
  assert.deepEqual(store.get().root, []);
});

test('sort, search and view changes replace the entry', () => {
  const { win, store } = setup('/p/3?v=1');
  store.set({ sort: 'tottime' });
  store.set({ search: 'parse' });
  store.set({ view: 'sunburst' });
  assert.deepEqual(win.entries(), ['/p/3?v=1&view=sunburst&q=parse&sort=tottime']);
});

test('state outside the URL does not touch the history', () => {
  const { win, store } = setup('/p/3?v=1&depth=5');
  store.set({ tree: {} });
  assert.deepEqual(win.entries(), ['/p/3?v=1&depth=5']);
});

test('Back to an unchanged zoom keeps the same root array', () => {
  const { win, store, sync } = setup('/p/3?v=1&root=1');
  const root = store.get().root;
  store.set({ sort: 'name' });
  sync.zoom([1, 2]);
  win.back();
  assert.deepEqual(store.get().root, [1]);
  assert.notEqual(store.get().root, root, 'a new zoom root after Back');
  const again = store.get().root;
  store.set({ depth: 20 });
  assert.equal(store.get().root, again);
});

test('a report keeps the state in the fragment, and Back undoes a zoom there', () => {
  const win = fakeWindow('/tmp/out/report.html#v=1&view=sunburst');
  const store = createStore({ ...parseUrlState(win.location.hash.slice(1), '/p/2'), tree: null });
  const sync = syncUrl(store, win, { inHash: true });
  assert.equal(store.get().view, 'sunburst');
  sync.zoom([4, 7]);
  store.set({ sort: 'name', order: 'asc' });
  assert.deepEqual(win.entries(), ['/tmp/out/report.html#v=1&view=sunburst',
    '/tmp/out/report.html#v=1&view=sunburst&root=4,7&sort=name']);
  win.back();
  assert.deepEqual(store.get().root, []);
  assert.equal(store.get().profile, 2, 'the profile is the report\'s, whatever the path');
  assert.equal(store.get().sort, 'cumtime');
});
