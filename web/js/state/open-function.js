// A function picked by name (a table row, a butterfly entry): selects it
// and zooms the chart to where the most time reaches it (the API's `path`
// of the function).  A function named only as a caller has no box in the
// tree, and the notice says so.
//
// Store keys: writes selected, and notice when there is nothing to zoom to
// or the API failed.

import { isAbort } from '../model/api.js';

// In the sandwich, a function picked becomes the sandwich's (go: url-sync's);
// in the inverted chart, its box is at the top level, named by its id.
//
// Returns open(fid).  zoom(path): url-sync's, so that Back un-zooms.
export function createOpenFunction({ api, store, profile, zoom, go }) {
  return async function open(fid) {
    store.set({ selected: fid });
    const state = store.get();
    if (state.sandwich !== null && state.base === null) {
      go({ sandwich: fid, root: [] });
      return;
    }
    if (state.inverted && state.base === null) {
      zoom([fid]);
      return;
    }
    try {
      const f = await api.func(profile, fid);
      if (Array.isArray(f.path) && f.path.every(Number.isInteger)) zoom(f.path);
      else store.set({ notice: 'This function is not in the call tree (it appears only as a caller).' });
    } catch (e) {
      if (!isAbort(e)) store.set({ notice: e.message });
    }
  };
}
