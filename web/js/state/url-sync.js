// The only code that touches window.history: keeps the URL equal to the
// shareable part of the store's state (state/url-state.js) and the store
// equal to the URL when the user walks the history.
//
// A zoom is a place one can go back from, so it pushes a history entry, as
// do a transform, the sandwich and the inverted chart (go()); everything else (sort, search, depth, a corrected link) replaces the
// current one, so that Back leaves the page's zooms rather than replaying
// every keystroke typed into the search box.

import { formatIndexQuery, parseIndexQuery } from './index-query.js';
import { formatUrlQuery, formatUrlState, parseUrlState } from './url-state.js';

const SHARED_KEYS = ['profile', 'view', 'root', 'depth', 'cutoff', 'search', 'sort', 'order', 'base', 'compare',
  'inverted', 'sandwich', 'transforms', 'group'];
// The keys that hold arrays, which a parse makes afresh.
const LISTS = new Set(['root', 'transforms']);

// win: the window (injectable for tests).  inHash: keep the state in the
// URL's fragment ("#v=1&root=9,6"), for a report opened from disk, whose
// path is the file's and whose one profile is the store's.  Returns
// { zoom(root), go(patch), stop() }: zoom() is how the UI changes the zoom
// root, go() the tree shown (view, sandwich, transforms), so that Back
// undoes it.
export function syncUrl(store, win = globalThis.window, { inHash = false } = {}) {
  let push = false;
  const urlOf = (state) => (inHash ? `#${formatUrlQuery(state)}` : formatUrlState(state));
  const here = () => (inHash ? win.location.hash : win.location.pathname + win.location.search);
  const read = () => (inHash ? parseUrlState(win.location.hash.slice(1), `/p/${store.get().profile}`)
    : parseUrlState(win.location.search, win.location.pathname));

  const unsubscribe = store.subscribe((state, prev) => {
    if (!SHARED_KEYS.some((k) => state[k] !== prev[k])) return;
    const url = urlOf(state);
    if (url === here()) return;
    if (push) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
    push = false;
  });

  const onPop = () => {
    const next = read();
    const state = store.get();
    const patch = {};
    for (const k of SHARED_KEYS) {
      // A path is a fresh array each parse: compare its ids, so that an
      // unchanged zoom keeps its identity and triggers nothing.
      const same = LISTS.has(k) ? next[k].join('\u0000') === state[k].join('\u0000') : next[k] === state[k];
      if (!same) patch[k] = next[k];
    }
    store.set(patch);
  };
  win.addEventListener('popstate', onPop);

  return {
    zoom(root) {
      push = true;
      store.set({ root });
      push = false;
    },
    go(patch) {
      push = true;
      store.set(patch);
      push = false;
    },
    stop() {
      unsubscribe();
      win.removeEventListener('popstate', onPop);
    },
  };
}

// The index page's query (state/index-query.js) in its URL, the same way:
// go(query) is how the UI changes what is listed.  A filter or a page is a
// place to go back from (push); the search box's text, as it is typed,
// replaces.  onChange(query) is told of every change, the user's walks
// through the history included.  Returns { go(query, { replace }), stop() }.
export function syncIndexUrl(initial, onChange, win = globalThis.window) {
  let query = initial;
  const canonical = formatIndexQuery(query);
  if (canonical !== win.location.pathname + win.location.search) win.history.replaceState(null, '', canonical);

  const onPop = () => {
    query = parseIndexQuery(win.location.search);
    onChange(query);
  };
  win.addEventListener('popstate', onPop);

  return {
    go(next, { replace = false } = {}) {
      const url = formatIndexQuery(next);
      query = next;
      if (url !== win.location.pathname + win.location.search) {
        if (replace) win.history.replaceState(null, '', url);
        else win.history.pushState(null, '', url);
      }
      onChange(query);
    },
    stop() {
      win.removeEventListener('popstate', onPop);
    },
  };
}
