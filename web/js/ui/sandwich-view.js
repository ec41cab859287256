// The sandwich around one function (the store's `sandwich`, a function id):
// its callers drawn upside-down above it, so that the function sits in the
// middle as in speedscope, its own figures (the statistics table's row)
// between the halves, and its callees below, in the page's chart (which
// asks for view=callees while a sandwich is on: state/tree-query.js).
//
// The callers' half has a store of its own (tree, zoom, hover, focus)
// that follows the page's for what both show (profile, depth, cutoff,
// search, theme, units, colouring) and its own chart and hover panel;
// its zoom is not in the URL (the sandwich is: `fn`).  "Back" leaves the
// sandwich, as the browser's Back does.

import { formatCalls, functionLabel } from '../layout/table.js';
import { formatWithUnit } from '../layout/format.js';
import { visibleText } from '../layout/text.js';
import { isAbort } from '../model/api.js';
import { readFunction } from '../model/functions.js';
import { createStore } from '../state/store.js';
import { followSearch } from '../state/search-results.js';
import { createTreeLoader } from '../state/tree-loader.js';
import { createChartView } from './chart-view.js';
import { createHoverPanel } from './hover-panel.js';
import { element } from './dom.js';

// The page's keys the callers' half shows too.
const FOLLOWED = ['profile', 'depth', 'cutoff', 'search', 'theme', 'units', 'paths', 'sandwich', 'group'];

// el: the section holding the callers' canvas, hover panel and middle
// strip.  leave(): how the page ends the sandwich (url-sync's go, so that
// Back returns).  Returns the callers' store (for tests and exports).
export function createSandwichView(el, { api, store, leave }) {
  const canvas = el.querySelector('#callers-canvas');
  const name = element('strong', { className: 'sandwich-name' });
  const figures = element('span', { className: 'sandwich-figures' });
  const back = element('button', { type: 'button', textContent: 'Back to the call tree', title: 'Leave the sandwich (Esc on the callers)' });
  el.querySelector('#sandwich-middle').replaceChildren(name, ' ', figures, ' ', back);
  back.addEventListener('click', () => leave());

  const pick = (state) => Object.fromEntries(FOLLOWED.map((k) => [k, state[k]]));
  const callers = createStore({
    ...pick(store.get()), half: 'callers', view: 'icicle', root: [], base: null, compare: 'seconds',
    inverted: false, transforms: [],
    tree: null, treeState: 'loading', treeError: '', treeCapped: null, notice: '',
    hover: null, hoverBand: null, pointer: null, focus: null, drawn: null, matches: null, searchResult: null,
  });
  const zoom = (root) => callers.set({ root });
  createChartView(canvas, { store: callers, zoom, flip: true, heightShare: 0.5, ownKeys: true });
  createHoverPanel(el.querySelector('#callers-hover'), { store: callers, canvas });
  followSearch(callers);
  // What the callers' half has to say (a refused view, a failed request)
  // is said where the page says everything else.
  callers.subscribe((state, prev) => {
    if (state.notice !== prev.notice && state.notice !== '') store.set({ notice: state.notice });
    if (state.treeError !== prev.treeError && state.treeError !== '') store.set({ notice: `The callers could not be shown: ${state.treeError}` });
  });
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && callers.get().root.length === 0) leave();
  });

  let controller = null;
  function showFunction(state) {
    controller?.abort();
    name.textContent = '';
    figures.textContent = '';
    const mine = new AbortController();
    controller = mine;
    api.func(state.profile, state.sandwich, mine.signal).then((json) => {
      const f = readFunction(json);
      name.textContent = visibleText(f.name);
      name.title = visibleText(functionLabel(f.file, f.line, f.name));
      figures.textContent = sandwichFigures(f, state.units);
    }, (e) => {
      if (!isAbort(e)) figures.textContent = e.message;
    });
  }

  // Made on the first sandwich: before one, the callers' store would ask
  // for a tree nobody looks at.
  let loader = null;
  function follow(state, prev) {
    el.hidden = state.sandwich === null;
    if (state.sandwich === null) return;
    callers.set(state.sandwich !== prev?.sandwich ? { ...pick(state), root: [] } : pick(state));
    if (state.sandwich !== prev?.sandwich) showFunction(state);
    if (loader === null) {
      loader = createTreeLoader(callers, api);
      loader.start();
    }
  }
  store.subscribe(follow);
  follow(store.get(), null);
  return callers;
}

// The middle strip's figures: the function's row of the statistics table
// (every call of it, wherever it is called from).
export function sandwichFigures(f, units) {
  const value = (v) => formatWithUnit(v, units);
  const time = units.kind === 'time';
  return `${units.callsUnit} ${formatCalls(f.nc, f.cc)} · ${time ? 'own time' : 'self'} ${value(f.tt)} · `
    + `${time ? 'cumulative' : 'total'} ${value(f.ct)}`;
}
