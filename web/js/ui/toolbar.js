// The controls above the chart: chart style, depth, cutoff, search and the
// downloads.  Each control writes one key of the store and shows what the
// store holds, so a URL, Back/Forward or a key press moves them too.

import { searchNote, searchTitle } from '../layout/notes.js';
import { CUTOFFS, CUTOFF_LABELS, DEPTHS } from '../state/url-state.js';
import { shortcutScope } from './keys.js';

// Typing in the search box redraws the chart: wait for a pause first.
const SEARCH_DELAY_MS = 120;

export function createToolbar(el, { store, onExport }) {
  const icicle = el.querySelector('#view-icicle');
  const sunburst = el.querySelector('#view-sunburst');
  const depth = el.querySelector('#depth');
  const cutoff = el.querySelector('#cutoff');
  const search = el.querySelector('#search');
  const share = el.querySelector('#search-share');

  depth.replaceChildren(...DEPTHS.map((d) => new Option(String(d), String(d))));
  cutoff.replaceChildren(...CUTOFFS.map((c) => new Option(CUTOFF_LABELS.get(c), String(c))));

  icicle.addEventListener('click', () => store.set({ view: 'icicle' }));
  sunburst.addEventListener('click', () => store.set({ view: 'sunburst' }));
  depth.addEventListener('change', () => store.set({ depth: Number(depth.value) }));
  cutoff.addEventListener('change', () => store.set({ cutoff: Number(cutoff.value) }));
  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => store.set({ search: search.value }), SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      search.value = '';
      clearTimeout(timer);
      store.set({ search: '' });
      search.blur();
    }
  });
  for (const kind of ['svg', 'png', 'csv']) {
    el.querySelector(`#export-${kind}`).addEventListener('click', () => onExport(kind));
  }

  // "/" focuses the search from anywhere but a text field, as on GitHub.
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && shortcutScope(e, null) !== 'none') {
      e.preventDefault();
      search.focus();
      search.select();
    }
  });

  function render(state) {
    icicle.setAttribute('aria-pressed', String(state.view === 'icicle'));
    sunburst.setAttribute('aria-pressed', String(state.view === 'sunburst'));
    depth.value = String(state.depth);
    cutoff.value = String(state.cutoff);
    if (document.activeElement !== search) search.value = state.search;
    share.textContent = state.search === '' ? '' : searchNote(state.searchShare, state.units);
    share.title = state.search === '' ? '' : searchTitle(state.searchShare, state.units);
  }
  store.subscribe(render);
  render(store.get());
}
