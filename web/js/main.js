// The composition root: reads the URL, builds the store and the views, and
// wires them together.  No logic of its own beyond that wiring: each view
// reads the store and sets what its user changed (state/store.js).

import { summaryLine } from './layout/summary.js';
import { visibleText } from './layout/text.js';
import { createApi, isAbort } from './model/api.js';
import { readLabels } from './model/labels.js';
import { createOfflineApi, decodeReportData } from './model/offline-api.js';
import { readSummary } from './model/profiles.js';
import { PSTATS_UNITS } from './model/units.js';
import { parseIndexQuery } from './state/index-query.js';
import { createStore } from './state/store.js';
import { parseUrlState } from './state/url-state.js';
import { syncUrl } from './state/url-sync.js';
import { createSearchLoader } from './state/search-loader.js';
import { followSearch } from './state/search-results.js';
import { createOpenFunction } from './state/open-function.js';
import { createTreeLoader } from './state/tree-loader.js';
import { createBreadcrumb } from './ui/breadcrumb.js';
import { createButterflyView } from './ui/butterfly-view.js';
import { createCompareView } from './ui/compare-view.js';
import { createDiffTableView } from './ui/diff-table-view.js';
import { createChartView } from './ui/chart-view.js';
import { createExporter } from './ui/exports.js';
import { createHoverPanel } from './ui/hover-panel.js';
import { createIndexView } from './ui/index-view.js';
import { createLegendView } from './ui/legend-view.js';
import { createNotices } from './ui/notices.js';
import { showProfileLabels } from './ui/profile-labels.js';
import { createTableView } from './ui/table-view.js';
import { createToolbar } from './ui/toolbar.js';
import { createBoxMenu } from './ui/box-menu.js';
import { createSandwichView } from './ui/sandwich-view.js';
import { createTransformStack } from './ui/transform-stack.js';
import { createPackagesView } from './ui/packages-view.js';

const $ = (id) => document.getElementById(id);
// A report (`profviz export --html`) carries its one profile in this
// element and has no server: the offline API answers from it.
const report = $('report-data');
const api = report ? createOfflineApi(() => decodeReportData(report.textContent)) : createApi();

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
    filter: '', selected: null, units: PSTATS_UNITS, paths: 'inferred', packageShares: null,
  });
  dark.addEventListener('change', () => store.set({ theme: dark.matches ? 'dark' : 'light' }));
  const urls = syncUrl(store, window, { inHash: report !== null });
  const profile = initial.profile;
  let name = `profile ${profile}`;

  api.profile(profile).then((json) => {
    const p = readSummary(json);
    name = p.name || name;
    document.title = `${visibleText(name)} · profviz`;
    $('title').textContent = visibleText(name);
    $('summary').textContent = summaryLine(p);
    store.set({ units: p.units, paths: p.paths });
    // A report has no server to download from, list by label or edit on.
    if (report) return;
    const raw = $('raw');
    raw.href = `/api/profiles/${profile}/raw`;
    raw.hidden = false;
    showProfileLabels($('labels'), { api, id: profile, labels: readLabels(json.labels), open: (url) => window.location.assign(url) });
  }, (e) => {
    if (!isAbort(e)) store.set({ treeState: 'error', treeError: e.message });
  });

  const openFunction = createOpenFunction({ api, store, profile, zoom: urls.zoom, go: urls.go });

  const chart = createChartView($('chart-canvas'), { store, zoom: urls.zoom });
  createBreadcrumb($('breadcrumb'), { store, zoom: urls.zoom });
  // A report has no server to compute other trees or the packages: their
  // controls are left out rather than left dead.
  if (report) {
    $('tree-views').hidden = true;
  } else {
    const callers = createSandwichView($('sandwich'), { api, store, leave: () => urls.go({ sandwich: null, root: [] }) });
    createTransformStack($('transforms'), { api, store, go: urls.go });
    createBoxMenu($('box-menu'), {
      store, go: urls.go,
      charts: [{ canvas: $('chart-canvas'), store }, { canvas: $('callers-canvas'), store: callers }],
    });
    createPackagesView($('packages'), { api, store });
  }
  createHoverPanel($('hover'), { store, canvas: $('chart-canvas') });
  createLegendView($('legend'), { store });
  createTableView($('table'), { api, store, onRowClick: openFunction });
  createDiffTableView($('diff-table'), { api, store, onRowClick: openFunction });
  // A report holds one profile and no server: nothing to compare with.
  if (report) $('compare').hidden = true;
  else createCompareView($('compare'), { api, store, statsTable: $('table') });
  createButterflyView($('butterfly'), {
    api, store, onNavigate: openFunction,
    onSandwich: report ? null : (fid) => (store.get().base === null ? urls.go({ sandwich: fid, root: [] })
      : store.set({ notice: 'A comparison is of the top-down call tree: stop comparing to see the sandwich.' })),
  });
  const exportAs = createExporter({ api, store, profile, profileName: () => name, chart, canvas: $('chart-canvas') });
  createToolbar($('toolbar'), { store, onExport: exportAs, go: report ? null : urls.go });
  followSearch(store);
  createNotices($('cap-notice'), { store, message: showMessage });
  createTreeLoader(store, api).start();
  createSearchLoader(store, api).start();
  if (report) {
    api.reportNote().then((text) => {
      $('report-note').textContent = text;
      $('report-note').hidden = false;
    }, () => {});  // data that cannot be read is said by the chart's loader
  }
}

const initial = report ? {
  ...parseUrlState(window.location.hash.slice(1), `/p/${report.dataset.profile}`),
  base: null, compare: 'seconds', inverted: false, sandwich: null, transforms: [], group: 'function',
}
  : parseUrlState(window.location.search, window.location.pathname);
if (initial.profile === null) startIndex();
else startProfile(initial);
