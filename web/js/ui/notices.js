// The lines above the chart that say what is going on: the server's cap on
// the view shown and, at the top, top-level boxes that overlap
// (layout/notes.js's capNotice and overlapNotice), and one message for
// loading, an error or a notice (the store's `notice`, which a zoom
// elsewhere clears).
//
// Store keys: reads tree, units, treeState, treeError, treeCapped, root, depth, notice;
// writes notice ('' once the zoom moved on from the one it was about).

import { capNotice, overlapNotice } from '../layout/notes.js';

// message: showMessage(kind, text) of the page (main.js's, shared with the
// index page).
export function createNotices(capped, { store, message }) {
  store.subscribe((state) => {
    const c = state.treeCapped;
    const ready = state.treeState === 'ready';
    const cap = c !== null && ready && c.root === state.root.join(',') && c.depth === state.depth
      ? capNotice(c.cap, state.depth) : '';
    const overlap = ready && state.root.length === 0 ? overlapNotice(state.tree, state.units) : '';
    const text = [cap, overlap].filter((t) => t !== '').join(' ');
    if (capped.textContent === text) return;
    capped.textContent = text;
    capped.hidden = text === '';
  });

  const say = (state) => {
    if (state.treeState === 'error') message('error', `Could not load the chart: ${state.treeError}`);
    else if (state.treeState === 'loading') message('loading', 'Loading the call tree…');
    else message(state.notice ? 'notice' : '', state.notice);
  };
  store.subscribe((state, prev) => {
    if (state.root !== prev.root && state.notice && prev.notice === state.notice) store.set({ notice: '' });
    say(state);
  });
  say(store.get());
}
