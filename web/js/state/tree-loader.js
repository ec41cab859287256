// Keeps the call tree the chart needs: whenever the profile, zoom root,
// depth or cutoff in the store changes, it works out whether the tree it
// holds already covers the view and, when not, asks the API for just that
// view and grafts it in (model/tree.js).  The result goes back into the
// store as `tree` (a Tree), `treeState` ('loading' | 'ready' | 'error') and
// `treeError` (a message or ''), and, for the view last fetched, whether
// the server stopped expanding it short of the depth asked for: `treeCapped`,
// { root, depth, cap } (root the zoom path joined by commas, depth the
// levels asked for, cap model/tree.js's readCapped) or null.
//
// Why "only what the view shows": the server cuts a 100k-function profile
// to the boxes above the cutoff and the depth asked for, so a view is a few
// hundred boxes and a zoom is one small request.  Zooming back out, or into
// a box seen before at the same depth, needs no request at all.
//
// A newer view supersedes an older one still on its way: the older request
// is aborted, and its answer, if it comes anyway, is dropped.

import { ApiError, isAbort } from '../model/api.js';
import { graftView, readCapped, treeFromView } from '../model/tree.js';
import { apiPath, echoMismatch, queryKey, relativeView, treeQuery } from './tree-query.js';

export function createTreeLoader(store, api) {
  let controller = null;
  let heldFor = null;  // profile, cutoff and comparison the held tree was fetched with

  async function update(state) {
    const { profile, root, depth, cutoff, base, compare } = state;
    if (profile === null) return;
    const q = treeQuery(state);
    const key = `${profile}/${cutoff}/${base}/${compare}/${queryKey(q)}`;
    let tree = heldFor === key ? state.tree : null;
    const at = tree ? tree.findPath(root) : -1;
    if (at >= 0 && !tree.needsFetch(at, depth)) {
      if (state.treeState !== 'ready' || tree !== state.tree) store.set({ tree, treeState: 'ready', treeError: '' });
      return;
    }
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    store.set({ treeState: 'loading', treeError: '' });
    try {
      const ask = (path, d) => api.tree(profile, {
        path: apiPath(q, path), depth: d, cutoff, base, compare, view: q.view, fn: q.fn, t: q.t,
      }, mine.signal).then((v) => {
        const why = echoMismatch(q, v);
        if (why !== '') throw new ApiError(400, why);
        return relativeView(q, v);
      });
      const rooted = ask(root, depth);
      // A rooted view is grafted onto a tree of the whole profile; without
      // one (first load, or another cutoff) fetch its top levels too.
      const whole = tree === null && root.length > 0 ? ask([], Math.min(depth, 3)) : null;
      const [view, top] = await Promise.all([rooted, whole]);
      if (controller !== mine) return;
      if (top !== null) tree = treeFromView(top);
      tree = tree === null ? treeFromView(view) : graftView(tree, view);
      heldFor = key;
      controller = null;
      const cap = readCapped(view);
      store.set({
        tree, treeState: 'ready', treeError: '', treeCapped: cap === null ? null : { root: root.join(','), depth, cap },
      });
    } catch (e) {
      if (isAbort(e) || controller !== mine) return;
      controller = null;
      if (base !== null && (e?.status === 400 || (e?.status === 404 && / to compare with$/.test(e.message)))) {
        // A comparison the server refuses (the base profile was deleted,
        // or measures another unit): show this profile alone and say why.
        store.set({ base: null, notice: `Not compared with profile ${base}: ${e.message}.` });
        return;
      }
      if (e?.status === 400 && (q.view !== 'top' || q.t.length > 0)) {
        // A view or transform this server does not offer (an older one), or
        // a link naming a function it refuses: the top-down tree, and why.
        store.set({
          inverted: false, sandwich: null, transforms: [], root: [],
          notice: `The server refused the ${viewName(q)} (${e.message}): showing the top-down tree.`,
        });
        return;
      }
      if (e?.status === 404 && root.length > 0) {
        // A shared link whose zoom path this profile does not have (edited,
        // or made for another profile): show the whole profile and say why.
        store.set({ root: [], notice: `The link's zoom path is not in this profile (${e.message}): showing the whole profile.` });
        return;
      }
      store.set({ treeState: 'error', treeError: e?.message ?? String(e) });
    }
  }

  const unsubscribe = store.subscribe((state, prev) => {
    if (state.profile !== prev.profile || state.root !== prev.root || state.depth !== prev.depth
      || state.cutoff !== prev.cutoff || state.base !== prev.base || state.compare !== prev.compare
      || queryKey(treeQuery(state)) !== queryKey(treeQuery(prev))) {
      update(state);
    }
  });
  return {
    // Loads the view of the store's current state (called once at start).
    start: () => update(store.get()),
    stop: () => {
      unsubscribe();
      controller?.abort();
    },
  };
}

// What a person calls the tree query q asked for.
function viewName(q) {
  if (q.view === 'inverted') return 'inverted chart';
  if (q.view === 'callers' || q.view === 'callees') return `sandwich of function ${q.fn}`;
  return `transforms ${q.t.join(', ')}`;
}
