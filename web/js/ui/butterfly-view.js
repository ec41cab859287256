// The butterfly of the selected function: its own figures, who calls it and
// whom it calls, each edge with the calls and times along it.
//
// Store keys: reads profile, units and selected (a function id or null); writes
// selected = null (the close button, Escape).  A click on an edge calls
// onNavigate(fid): moving the selection is the caller's decision; the
// Sandwich button calls onSandwich(fid) (null: no such button, a report).
//
// An edge's figures are always the callee's during the calls along that
// edge (docs/api.md): in the callers table that is this function when called
// from each caller, in the callees table each callee when called from here.
// The captions say so, because "tottime 0.4 s" next to a caller's name reads
// as the caller's time otherwise.

import { formatCalls, functionLabel, tableColumns, tableRow } from '../layout/table.js';
import { isAbort } from '../model/api.js';
import { readFunction } from '../model/functions.js';
import { PSTATS_UNITS, headerUnit } from '../model/units.js';
import { element } from './dom.js';
import { visibleText } from '../layout/text.js';

// Edges shown per table, largest first.  A built-in like len() can be called
// from thousands of places; the rest are summed up in one line.
const MAX_EDGES = 500;

// The edge tables' headers, named as the statistics table names its columns
// for the profile's units ("ncalls", "tottime"; "samples", "self"), but
// without the unit, for which the narrow panel has no room: the figures
// above them name it ("self (samples)"), and so do the titles.
// The statistics table's header of each column key, for `units`.
const columnLabels = (units) => Object.fromEntries(tableColumns(units).map((c) => [c.key, c.label]));

export function edgeHeaders(units) {
  const labels = columnLabels(units);
  const label = (key) => labels[key];
  const calls = units.callsUnit === 'samples' ? 'Samples along the edge' : 'Calls along the edge: all / primitive (not recursive)';
  const time = units.kind === 'time';
  const unit = headerUnit(units);
  const what = time ? 'time' : `figure${unit === '' ? '' : ` (${unit})`}`;
  return [
    { label: 'function', title: 'The function at the other end of the edge' },
    { label: label('ncalls'), title: calls, num: true },
    { label: time ? label('tottime') : 'self', title: `The callee's own ${what} during these calls`, num: true },
    { label: time ? label('cumtime') : 'total', title: `The callee's ${what} including what it called, during these calls`, num: true },
  ];
}
const EDGE_COLUMNS = 4;

const COUNT_ONLY_TITLE = 'The profile holds only a call count for this edge (the pure-Python profile module): its times are the function\'s times shared out by calls, an estimate';

export function createButterflyView(container, { api, store, onNavigate, onSandwich = null }) {
  const name = element('h2', { className: 'butterfly-name', tabIndex: -1 });
  const close = element('button', { className: 'butterfly-close', textContent: '×', title: 'Close (Esc)' });
  close.type = 'button';
  close.setAttribute('aria-label', 'Close the callers and callees');
  const location = element('p', { className: 'butterfly-location' });
  const figures = element('dl', { className: 'butterfly-figures' });
  const status = element('p', { className: 'butterfly-status' });
  const callers = edgeTable('callers', 'Callers: this function\'s calls and times when called from each of them');
  const callees = edgeTable('callees', 'Callees: each one\'s calls and times when called from this function');
  const sandwich = element('button', {
    type: 'button', className: 'butterfly-sandwich', textContent: 'Sandwich', hidden: onSandwich === null,
    title: 'Chart its callers above it and its callees below, over every place it is called (w on a box)',
  });
  sandwich.addEventListener('click', () => {
    const fid = store.get().selected;
    if (Number.isSafeInteger(fid) && fid >= 0) onSandwich(fid);
  });
  container.replaceChildren(
    element('header', { className: 'butterfly-head' }, [name, sandwich, close]),
    location, figures, status, callers.table, callees.table,
  );
  container.hidden = true;

  let shownKey = null;   // "profile:fid:unit:calls unit" of what the panel shows or is loading
  let controller = null;

  function update(state) {
    const profile = state.profile ?? null;
    const fid = Number.isSafeInteger(state.selected) && state.selected >= 0 ? state.selected : null;
    if (profile === null || fid === null) {
      controller?.abort();
      shownKey = null;
      container.hidden = true;
      delete container.dataset.state;
      return;
    }
    // The units take part: a shared link can select a function before the
    // profile's summary has said what its figures measure.
    const key = `${profile}:${fid}:${state.units?.unit}:${state.units?.callsUnit}`;
    if (key === shownKey) return;
    shownKey = key;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    container.hidden = false;
    container.dataset.state = 'loading';
    status.textContent = 'loading…';
    api.func(profile, fid, mine.signal)
      .then((json) => {
        if (controller !== mine) return;
        show(readFunction(json));
        status.textContent = '';
        container.dataset.state = 'ready';
      })
      .catch((error) => {
        if (isAbort(error) || controller !== mine) return;
        clear();
        status.textContent = error instanceof Error ? error.message : String(error);
        container.dataset.state = 'error';
      });
  }

  function show(fn) {
    // An edge's button that had the focus is about to go: the focus moves to
    // the new function's name instead of falling back to the page.
    const focusHere = container.contains(document.activeElement) && document.activeElement !== close;
    const units = store.get().units ?? PSTATS_UNITS;
    const label = functionLabel(fn.file, fn.line, fn.name);
    name.textContent = visibleText(fn.name);
    name.title = label;
    location.textContent = fn.caller_only
      ? `${label}: named only as a caller in the profile, with no figures of its own`
      : label;
    const headers = columnLabels(units);
    const cells = tableRow(fn, units);
    figures.replaceChildren(
      ...figure(headers.ncalls, formatCalls(fn.nc, fn.cc)),
      ...figure(headers.tottime, cells.tottime),
      ...figure(headers.cumtime, cells.cumtime),
    );
    callers.fill(fn.callers, 'no callers: called from the top level', units);
    callees.fill(fn.callees, 'no callees', units);
    if (focusHere) name.focus();
  }

  function clear() {
    name.textContent = '';
    name.removeAttribute('title');
    location.textContent = '';
    figures.replaceChildren();
    callers.fill([], '', null);
    callees.fill([], '', null);
  }

  const closePanel = () => store.set({ selected: null });
  close.addEventListener('click', closePanel);
  container.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closePanel();
  });
  for (const { table } of [callers, callees]) {
    table.tBodies[0].addEventListener('click', (event) => {
      const tr = event.target.closest('tr[data-fid]');
      if (tr) onNavigate(Number(tr.dataset.fid));
    });
  }

  store.subscribe(update);
  update(store.get());
}

function figure(term, value) {
  return [element('dt', { textContent: term }), element('dd', { textContent: value })];
}

// A table of edges (class `className`) and the function that refills it.
function edgeTable(className, caption) {
  const head = element('tr');
  const body = element('tbody');
  const table = element('table', { className }, [
    element('caption', { textContent: caption }),
    element('thead', {}, [head]),
    body,
  ]);

  // units: the profile's, for the headers and figures (null: keep them).
  function fill(edges, emptyText, units) {
    if (units !== null) {
      head.replaceChildren(...edgeHeaders(units).map((h) => {
        const th = element('th', { textContent: h.label, title: h.title, className: h.num ? 'num' : '' });
        th.scope = 'col';
        return th;
      }));
    }
    const trs = edges.slice(0, MAX_EDGES).map((edge) => edgeRow(edge, units));
    if (edges.length > MAX_EDGES) trs.push(noteRow(`and ${edges.length - MAX_EDGES} more, smaller`));
    if (edges.length === 0 && emptyText !== '') trs.push(noteRow(emptyText));
    body.replaceChildren(...trs);
  }
  return { table, fill };
}

// One edge: a button to go to the function at its other end (its name:
// the panel is narrow, and the full place is in the tooltip), then its
// figures.
function edgeRow(edge, units) {
  const cells = tableRow(edge, units);
  const go = element('button', { className: 'link', textContent: visibleText(edge.name), title: cells.location });
  go.type = 'button';
  const tr = element('tr', {}, [
    element('td', { className: 'location' }, [go]),
    element('td', { className: 'num', textContent: cells.ncalls }),
  ]);
  tr.dataset.fid = String(edge.id);
  if (edge.is_count) {
    tr.className = 'count-only';
    tr.title = COUNT_ONLY_TITLE;
  }
  const approx = edge.is_count ? '≈ ' : '';
  tr.append(element('td', { className: 'num', textContent: approx + cells.tottime }), element('td', { className: 'num', textContent: approx + cells.cumtime }));
  return tr;
}

function noteRow(text) {
  return element('tr', { className: 'note' }, [element('td', { textContent: text, colSpan: EDGE_COLUMNS })]);
}
