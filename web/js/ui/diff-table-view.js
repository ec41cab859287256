// The comparison table, shown instead of the statistics table while the
// page compares with another profile: every function of either profile
// with both sides' figures and the changes, sorted by the server by
// |Δ tottime|, |Δ cumtime| or Δ calls, a page at a time.
//
// Store keys: reads profile, base, compare, units, sort, order, filter;
// writes sort and order (header clicks) and filter (the filter box).  The
// sort keys are the statistics table's: a sort the comparison does not
// have (name, per-call...) reads as tottime here.  A row of a function this
// profile has calls onRowClick(fid).
//
// container.dataset.state is 'loading', 'ready' or 'error' (the message in
// the info line), as the statistics table's.

import { DIFF_COLUMNS, diffTableRow, matchNote } from '../layout/diff-table.js';
import { readDiffPage } from '../model/diff.js';
import { isAbort } from '../model/api.js';
import { PSTATS_UNITS } from '../model/units.js';
import { DIFF_SORTS } from '../state/url-state.js';
import { element } from './dom.js';

const PAGE = 100;
const FILTER_DELAY_MS = 150;

// The comparison's sort for the store's: its own when it has it.
function diffSortOf(sort) {
  return DIFF_SORTS.includes(sort) ? sort : 'tottime';
}

export function createDiffTableView(container, { api, store, onRowClick }) {
  const filterBox = element('input', { id: 'diff-filter', type: 'search', placeholder: 'Filter functions', maxLength: 1024, autocomplete: 'off' });
  filterBox.setAttribute('aria-label', 'Filter compared functions by file or name');
  const info = element('span', { id: 'diff-info' });
  const prev = element('button', { type: 'button', textContent: '← previous' });
  const next = element('button', { type: 'button', textContent: 'next →' });
  const caption = element('p', { className: 'diff-match' });
  const head = element('tr');
  const body = element('tbody');
  const table = element('table', { id: 'diff-stats' }, [element('thead', {}, [head]), body]);
  container.replaceChildren(element('div', { className: 'table-bar' }, [filterBox, info, prev, next]), caption,
    element('div', { className: 'table-scroll' }, [table]));

  let offset = 0;
  let controller = null;
  let timer = null;

  filterBox.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => store.set({ filter: filterBox.value }), FILTER_DELAY_MS);
  });
  prev.addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(store.get()); });
  next.addEventListener('click', () => { offset += PAGE; load(store.get()); });

  function header(state) {
    const sort = diffSortOf(state.sort);
    head.replaceChildren(...DIFF_COLUMNS.map((c) => {
      const th = element('th', { scope: 'col', title: c.title, className: c.key === 'location' ? 'location' : 'num' });
      if (c.sort === null) {
        th.textContent = c.label;
        return th;
      }
      const active = c.sort === sort;
      th.setAttribute('aria-sort', active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none');
      const button = element('button', { type: 'button', textContent: `${c.label}${active ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''}` });
      button.dataset.sort = c.sort;
      button.addEventListener('click', () => {
        offset = 0;
        store.set(active ? { order: state.order === 'asc' ? 'desc' : 'asc' } : { sort: c.sort, order: 'desc' });
      });
      th.append(button);
      return th;
    }));
  }

  function draw(state, page) {
    const units = state.units ?? PSTATS_UNITS;
    body.replaceChildren(...page.rows.map((row) => {
      const cells = diffTableRow(row, state.compare, units);
      const tr = element('tr', {}, DIFF_COLUMNS.map((c) => element('td', {
        className: c.key === 'location' ? 'location' : 'num', textContent: cells[c.key],
      })));
      if (row.lacks) tr.dataset.lacks = row.lacks;
      const d = Number(row.d_tt);
      if (d !== 0 && Number.isFinite(d)) tr.dataset.change = d > 0 ? 'up' : 'down';
      if (row.id !== null) {
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRowClick(row.id));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') onRowClick(row.id); });
      }
      return tr;
    }));
    const last = Math.min(page.total, offset + page.rows.length);
    info.textContent = page.total === 0 ? 'no functions' : `rows ${offset + 1}–${last} of ${page.total}`;
    caption.textContent = matchNote(page.match);
    prev.disabled = offset === 0;
    next.disabled = last >= page.total;
    container.dataset.state = 'ready';
  }

  async function load(state) {
    if (state.base === null || state.profile === null) return;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    container.dataset.state = 'loading';
    const query = {
      base: state.base, compare: state.compare, sort: diffSortOf(state.sort), order: state.order,
      q: state.filter === '' ? undefined : state.filter, offset, limit: PAGE,
    };
    try {
      const page = readDiffPage(await api.diff(state.profile, query, mine.signal));
      if (controller !== mine) return;
      draw(state, page);
    } catch (e) {
      if (isAbort(e) || controller !== mine) return;
      container.dataset.state = 'error';
      info.textContent = e?.message ?? String(e);
    }
  }

  const QUERY_KEYS = ['profile', 'base', 'compare', 'sort', 'order', 'filter'];
  function render(state, prevState) {
    if (prevState && ![...QUERY_KEYS, 'units'].some((k) => state[k] !== prevState[k])) return;
    container.hidden = state.base === null;
    if (state.base === null) return;
    if (document.activeElement !== filterBox) filterBox.value = state.filter;
    if (prevState && QUERY_KEYS.some((k) => state[k] !== prevState[k])) offset = 0;
    header(state);
    load(state);
  }
  store.subscribe(render);
  render(store.get(), null);
}
