// The panel beside the pointer (or the keyboard's focus box) that says
// what a box is: the function, where it lives, its figure on this path (in
// the profile's units: times, samples, bytes, events) and shares, its calls, and whether those figures are in the
// profile or estimated (with the bounds that hold the true time).  Over a
// band that stands for boxes not drawn one by one (store's hoverBand), it
// says what they are and how to see them.

import { EXACT, CALLS_EXACT, MORE, SMALLER } from '../model/tree.js';
import { PSTATS_UNITS } from '../model/units.js';
import { finerCutoff } from '../state/url-state.js';
import { formatWithUnit } from '../layout/format.js';
import { bandNote, directionNote, percent } from '../layout/notes.js';
import { treeQuery } from '../state/tree-query.js';
import { diffNotes } from '../layout/diff.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

export function createHoverPanel(panel, { store, canvas }) {
  panel.hidden = true;
  panel.setAttribute('role', 'status');

  const line = (label, value, className = '') =>
    element('div', { className }, label ? [element('span', { className: 'label', textContent: label }), ' ', value] : [value]);

  function describe(tree, n, units) {
    const value = (v) => formatWithUnit(v, units);
    const rows = [element('div', { className: 'name', textContent: visibleText(tree.name(n)) })];
    const total = tree.time[0];
    const parent = tree.parent[n];
    if (tree.has(n, SMALLER)) {
      rows.push(line('', `${tree.nMerged[n]} boxes, each under the cutoff` + (finerCutoff(store.get().cutoff) !== null ? ': click to lower the cutoff and see them.' : '.')));
    } else if (n > 0) {
      const file = visibleText(tree.file(n));
      const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
      // A frame of a stack format may have no place at all.
      if (file !== '' || tree.line[n] !== 0) rows.push(line('', `${file}:${tree.line[n]}`, 'where'));
      if (cut > 0) rows.push(line('directory', file.slice(0, cut)));
    }
    const direction = directionNote(treeQuery(store.get()).view, tree, n, (i) => visibleText(tree.name(i)));
    if (direction !== '') rows.push(line('', direction, 'direction'));
    rows.push(line(units.kind === 'time' ? 'time' : 'total', `${value(tree.time[n])} · ${percent(tree.time[n] / total)} of total`
      + (parent >= 0 ? ` · ${percent(tree.time[n] / tree.time[parent])} of parent` : '')));
    // Below a box whose callees were not fetched (the view's depth, or the
    // server's cap), what its shown children leave is an upper bound on
    // its own time, not its own time.
    rows.push(line('self', tree.has(n, MORE) && !tree.has(n, SMALLER)
      ? `at most ${value(tree.self[n])} (the calls below it are not loaded: zoom in for them)`
      : value(tree.self[n])));
    if (n > 0 && !tree.has(n, SMALLER)) {
      const calls = tree.calls[n];
      const text = tree.has(n, CALLS_EXACT) ? String(calls) : `≈ ${Number.isInteger(calls) ? calls : calls.toFixed(1)}`;
      rows.push(line(units.callsUnit, text));
    }
    rows.push(tree.has(n, EXACT)
      ? line('', 'exact: these figures are in the profile', 'exact')
      : line('', `estimate: the true ${units.kind === 'time' ? 'time' : 'figure'} lies between ${value(tree.lo[n])} and ${value(tree.hi[n])}`, 'estimate'));
    // Compared with another profile: its figure for this path and the change.
    const state = store.get();
    if (state.base !== null) {
      for (const [label, text] of diffNotes(tree, n, state.compare, value)) rows.push(line(label, text, `diff-${label}`));
    }
    return rows;
  }

  function describeBand(tree, band) {
    const { title, detail } = bandNote(band, visibleText(tree.name(band.parent)), band.zoomable, store.get().units);
    return [element('div', { className: 'name', textContent: title }), line('', detail)];
  }

  function place(state) {
    const tree = state.tree;
    // The focus box has a panel only while the keyboard moves it: after a
    // click the pointer's own hover says enough.
    const n = state.hover ?? (canvas.matches(':focus-visible') ? state.focus : null);
    const band = state.hoverBand ?? null;
    if (!tree || (band === null && (n === null || n >= tree.size)) || (band !== null && band.parent >= tree.size)) {
      panel.hidden = true;
      return;
    }
    panel.replaceChildren(...(band !== null ? describeBand(tree, band) : describe(tree, n, state.units ?? PSTATS_UNITS)));
    panel.hidden = false;
    // Beside the pointer, flipped to stay inside the window; for the
    // keyboard, below the chart's top-left corner.
    const r = canvas.getBoundingClientRect();
    const p = state.pointer ?? { x: r.left + 16, y: r.top + 16 };
    const w = panel.offsetWidth;
    const h = panel.offsetHeight;
    const x = p.x + 16 + w > window.innerWidth ? p.x - 16 - w : p.x + 16;
    const y = p.y + 16 + h > window.innerHeight ? p.y - 16 - h : p.y + 16;
    panel.style.left = `${Math.max(0, x) + window.scrollX}px`;
    panel.style.top = `${Math.max(0, y) + window.scrollY}px`;
  }

  store.subscribe((state, prev) => {
    if (state.hover !== prev.hover || state.hoverBand !== prev.hoverBand || state.pointer !== prev.pointer
      || state.focus !== prev.focus || state.tree !== prev.tree) place(state);
  });
  canvas.addEventListener('blur', () => place(store.get()));
}
