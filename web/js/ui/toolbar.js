// The controls above the chart: chart style, the tree shown (inverted, my
// code only) and its colouring (by package), depth, cutoff, search and the
// downloads.  Each control writes one key of the store and shows what the
// store holds, so a URL, Back/Forward or a key press moves them too.

import { searchNote, searchTitle } from '../layout/notes.js';
import { CUTOFFS, CUTOFF_LABELS, DEPTHS } from '../state/url-state.js';
import { toggleMyCode } from '../state/box-actions.js';
import { visibleText } from '../layout/text.js';
import { shortcutScope } from './keys.js';

// Typing in the search box redraws the chart: wait for a pause first.
const SEARCH_DELAY_MS = 120;

// go(patch): url-sync's, for the changes Back should undo (the tree shown);
// null in a report, which has no server to compute other trees.
export function createToolbar(el, { store, onExport, go }) {
  const icicle = el.querySelector('#view-icicle');
  const sunburst = el.querySelector('#view-sunburst');
  const depth = el.querySelector('#depth');
  const cutoff = el.querySelector('#cutoff');
  const search = el.querySelector('#search');
  const share = el.querySelector('#search-share');
  const inverted = el.querySelector('#view-inverted');
  const mycode = el.querySelector('#mycode');
  const byPackage = el.querySelector('#group-package');
  // One function found: its sandwich is a click away (null in a report).
  const searchSandwich = go === null ? null : el.querySelector('#search-sandwich');
  const titles = new Map([inverted, mycode].map((b) => [b, b.title]));

  depth.replaceChildren(...DEPTHS.map((d) => new Option(String(d), String(d))));
  cutoff.replaceChildren(...CUTOFFS.map((c) => new Option(CUTOFF_LABELS.get(c), String(c))));

  icicle.addEventListener('click', () => store.set({ view: 'icicle' }));
  sunburst.addEventListener('click', () => store.set({ view: 'sunburst' }));
  inverted.addEventListener('click', () => go({ inverted: !store.get().inverted, sandwich: null, root: [] }));
  // My code only is a transform of the top-down tree: turning it on shows that tree.
  mycode.addEventListener('click', () => go({
    transforms: toggleMyCode(store.get().transforms), inverted: false, sandwich: null, root: [],
  }));
  searchSandwich?.addEventListener('click', () => {
    const found = store.get().searchShare;
    if (found?.kind === 'exact' && found.id !== null) go({ sandwich: found.id, root: [] });
  });
  byPackage.addEventListener('click', () => store.set({ group: store.get().group === 'package' ? 'function' : 'package' }));
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
    // The server compares the top-down tree alone.
    const comparing = state.base !== null;
    for (const [b, title] of titles) {
      b.disabled = comparing;
      b.title = comparing ? 'A comparison is of the top-down call tree: stop comparing to use this' : title;
    }
    inverted.setAttribute('aria-pressed', String(state.inverted && state.sandwich === null && !comparing));
    mycode.setAttribute('aria-pressed', String(state.transforms.includes('mycode') && !state.inverted && state.sandwich === null && !comparing));
    byPackage.setAttribute('aria-pressed', String(state.group === 'package'));
    depth.value = String(state.depth);
    cutoff.value = String(state.cutoff);
    if (document.activeElement !== search) search.value = state.search;
    if (searchSandwich) {
      const found = state.search !== '' && state.base === null && state.searchShare?.kind === 'exact' ? state.searchShare : null;
      searchSandwich.hidden = found === null || found.id === null || state.sandwich === found.id;
      searchSandwich.title = found ? `Sandwich around ${visibleText(found.name)}: its callers above it, its callees below` : '';
    }
    share.textContent = state.search === '' ? '' : searchNote(state.searchShare, state.units);
    share.title = state.search === '' ? '' : searchTitle(state.searchShare, state.units);
  }
  store.subscribe(render);
  render(store.get());
}
