// The composition root: reads the URL, builds the store and the views, and
// wires them together.  No logic of its own beyond that wiring: each view
// reads the store and sets what its user changed (state/store.js).

import { capNotice } from './layout/notes.js';
import { summaryLine } from './layout/summary.js';
import { visibleText } from './layout/text.js';
import { createApi } from './model/api.js';
import { readLabels } from './model/labels.js';
import { readSummary } from './model/profiles.js';
import { PSTATS_UNITS } from './model/units.js';
import { searchTree } from './model/search.js';
import { parseIndexQuery } from './state/index-query.js';
import { createStore } from './state/store.js';
import { parseUrlState } from './state/url-state.js';
import { syncUrl } from './state/url-sync.js';
import { createSearchLoader } from './state/search-loader.js';
import { createTreeLoader } from './state/tree-loader.js';
import { createBreadcrumb } from './ui/breadcrumb.js';
import { createButterflyView } from './ui/butterfly-view.js';
import { createChartView } from './ui/chart-view.js';
import { download, safeFileName } from './ui/download.js';
import { createHoverPanel } from './ui/hover-panel.js';
import { createIndexView } from './ui/index-view.js';
import { createLegendView } from './ui/legend-view.js';
import { showProfileLabels } from './ui/profile-labels.js';
import { createTableView, downloadTableCsv } from './ui/table-view.js';
import { createToolbar } from './ui/toolbar.js';
import { icicleSvg, sunburstSvg } from './render/svg.js';
import { measurer } from './render/labels.js';

const $ = (id) => document.getElementById(id);
const api = createApi();

function showMessage(kind, text) {
  const m = $('message');
  m.dataset.kind = kind;
  m.textContent = text;
  m.hidden = text === '';
  m.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

function startIndex() {
  document.body.dataset.page = 'index';
  document.title = 'profviz';
  $('index').hidden = false;
  showMessage('', '');
  createIndexView($('index'), {
    api, onOpen: (url) => window.location.assign(url), initialQuery: parseIndexQuery(window.location.search),
  });
}

function startProfile(initial) {
  document.body.dataset.page = 'profile';
  $('profile').hidden = false;
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const store = createStore({
    ...initial,
    theme: dark.matches ? 'dark' : 'light',
    tree: null, treeState: 'loading', treeError: '', treeCapped: null, notice: '',
    hover: null, hoverBand: null, pointer: null, focus: null, drawn: null,
    matches: null, searchResult: null, searchShare: null,
    filter: '', selected: null, units: PSTATS_UNITS, paths: 'inferred',
  });
  dark.addEventListener('change', () => store.set({ theme: dark.matches ? 'dark' : 'light' }));
  const urls = syncUrl(store);
  const profile = initial.profile;
  let name = `profile ${profile}`;

  api.profile(profile).then((json) => {
    const p = readSummary(json);
    name = p.name || name;
    document.title = `${visibleText(name)} · profviz`;
    $('title').textContent = visibleText(name);
    $('summary').textContent = summaryLine(p);
    const raw = $('raw');
    raw.href = `/api/profiles/${profile}/raw`;
    raw.hidden = false;
    store.set({ units: p.units, paths: p.paths });
    showProfileLabels($('labels'), { api, id: profile, labels: readLabels(json.labels), open: (url) => window.location.assign(url) });
  }, (e) => {
    if (e?.name !== 'AbortError') store.set({ treeState: 'error', treeError: e.message });
  });

  // A function picked by name (table row, butterfly entry): select it and
  // open the chart where the most time reaches it.
  const openFunction = async (fid) => {
    store.set({ selected: fid });
    try {
      const f = await api.func(profile, fid);
      if (Array.isArray(f.path) && f.path.every(Number.isInteger)) urls.zoom(f.path);
      else store.set({ notice: 'This function is not in the call tree (it appears only as a caller).' });
    } catch (e) {
      if (e?.name !== 'AbortError') store.set({ notice: e.message });
    }
  };

  const chart = createChartView($('chart-canvas'), { store, zoom: urls.zoom });
  createBreadcrumb($('breadcrumb'), { store, zoom: urls.zoom });
  createHoverPanel($('hover'), { store, canvas: $('chart-canvas') });
  createLegendView($('legend'), { store });
  createTableView($('table'), { api, store, onRowClick: openFunction });
  createButterflyView($('butterfly'), { api, store, onNavigate: openFunction });
  createToolbar($('toolbar'), {
    store,
    onExport(kind) {
      const state = store.get();
      const stem = safeFileName(name, `-${state.view}`);
      if (kind === 'csv') {
        downloadTableCsv(api, profile, { sort: state.sort, order: state.order, q: state.filter || undefined }, state.units, safeFileName(name, '.csv'))
          .catch((e) => store.set({ notice: `CSV download failed: ${e.message}` }));
      } else if (kind === 'png') {
        $('chart-canvas').toBlob((blob) => blob && download(blob, `${stem}.png`), 'image/png');
      } else {
        const scene = chart.scene();
        if (!scene) return;
        // The chart canvas's own measurer: labels are cut where the screen
        // cuts them, from widths it has already measured.
        const measure = measurer($('chart-canvas').getContext('2d'));
        const svg = scene.kind === 'icicle' ? icicleSvg(scene, measure) : sunburstSvg(scene, measure);
        download(new Blob([svg], { type: 'image/svg+xml' }), `${stem}.svg`);
      }
    },
  });

  // Search results follow the tree and the query.
  store.subscribe((state, prev) => {
    if (state.tree && (state.tree !== prev.tree || state.search !== prev.search)) {
      const result = searchTree(state.tree, state.search);
      store.set({ matches: result.matches, searchResult: result });
    }
  });

  // A view the server cut short says so above the chart, for as long as it
  // is shown.
  const capped = $('cap-notice');
  store.subscribe((state) => {
    const c = state.treeCapped;
    const text = c !== null && state.treeState === 'ready' && c.root === state.root.join(',') && c.depth === state.depth
      ? capNotice(c.cap, state.depth) : '';
    if (capped.textContent === text) return;
    capped.textContent = text;
    capped.hidden = text === '';
  });

  // One line says what is going on: loading, an error, or a notice.
  const say = (state) => {
    if (state.treeState === 'error') showMessage('error', `Could not load the chart: ${state.treeError}`);
    else if (state.treeState === 'loading') showMessage('loading', 'Loading the call tree…');
    else showMessage(state.notice ? 'notice' : '', state.notice);
  };
  store.subscribe((state, prev) => {
    if (state.root !== prev.root && state.notice && prev.notice === state.notice) store.set({ notice: '' });
    say(state);
  });
  say(store.get());
  createTreeLoader(store, api).start();
  createSearchLoader(store, api).start();
}

const initial = parseUrlState(window.location.search, window.location.pathname);
if (initial.profile === null) startIndex();
else startProfile(initial);
