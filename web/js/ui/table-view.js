// The statistics table: a filter box, a "rows a–b of N" line and a virtual
// table of every function, sorted and filtered by the server.
//
// Store keys: reads profile, units, sort, order, filter, selected; writes sort and
// order (header clicks) and filter (the filter box).  A row click calls
// onRowClick(fid): selecting is the caller's decision.
//
// How it stays smooth at 100k rows (state/pager.js has the arithmetic): the
// DOM holds only the rows in view plus a margin, between two spacer rows.
// Scrolling is handled once per animation frame; rows that leave at one end
// are moved to the other and refilled, and a row whose content did not change
// is not touched.  Which query is shown, which pages are held and which
// requests to abort is state/table-query.js's: this view asks it for the
// pages of the rows in view and draws what it holds.
//
// container.dataset.state says 'loading' while a new query's rows are on
// their way (the old ones stay on screen), 'ready' when they are in,
// 'error' when they could not be had (the message is in #table-info).

import { headerChars, rowsToCsv, tableColumns, tableRow } from '../layout/table.js';
import { allFunctionRows, readFunctionsPage } from '../model/functions.js';
import { PSTATS_UNITS } from '../model/units.js';
import { PAGE_SIZE, pagesFor, rowWindow, rowsInfo, scrollToShow, spacerHeights } from '../state/pager.js';
import { createTableQuery, tableQuery } from '../state/table-query.js';
import { defaultOrder } from '../state/url-state.js';
import { element } from './dom.js';
import { download } from './download.js';

// Rows kept in the DOM beyond each edge of the view.
const MARGIN_ROWS = 20;
const FILTER_DELAY_MS = 150;
// Until a row can be measured (CSS sets the real height).
const GUESSED_ROW_HEIGHT = 22;
// The one row that aria-activedescendant points at.
const CURSOR_ID = 'stats-cursor';

const isNumeric = (column) => column.key !== 'location';

export function createTableView(container, { api, store, onRowClick }) {
  const filterBox = element('input', { id: 'table-filter' });
  filterBox.type = 'search';
  filterBox.placeholder = 'Filter functions';
  filterBox.setAttribute('aria-label', 'Filter functions by file or name');
  filterBox.maxLength = 1024;  // the API's limit on q (in bytes; close enough)
  filterBox.autocomplete = 'off';
  filterBox.spellcheck = false;
  const info = element('span', { id: 'table-info' });
  const bar = element('div', { className: 'table-bar' }, [filterBox, info]);

  const colgroup = element('colgroup');
  const headRow = element('tr');
  const spacerAbove = spacerRow();
  const spacerBelow = spacerRow();
  const body = element('tbody', {}, [spacerAbove, spacerBelow]);
  const table = element('table', { id: 'stats' }, [colgroup, element('thead', {}, [headRow]), body]);
  // A grid holds the keyboard focus itself and points at the current row
  // with aria-activedescendant: row elements are recycled while scrolling,
  // so focus on one of them would silently move to another function.
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-readonly', 'true');
  table.tabIndex = 0;
  const scroller = element('div', { className: 'table-scroll' }, [table]);
  container.replaceChildren(bar, scroller);

  let units = null;              // the profile's units (model/units.js), which the columns follow
  let columns = [];             // layout/table.js's tableColumns(units)
  let headers = [];             // their th elements
  let rows = [];                // row elements, for rows first .. first + rows.length - 1
  let first = 0;
  const spare = [];             // row elements out of the DOM, for reuse
  const drawn = new WeakMap();  // row element → the API row it shows (null: a blank, pending row)
  let rowHeight = GUESSED_ROW_HEIGHT;
  let measure = true;
  let cursor = -1;              // row index of the keyboard's current row
  let frame = 0;
  let filterTimer = 0;
  let pausing = false;          // the filter box changed and its pause is not over

  const query = createTableQuery({
    load: (q, page, signal) => api.functions(q.profile, {
      sort: q.sort, order: q.order, q: q.q || undefined, offset: page * PAGE_SIZE, limit: PAGE_SIZE,
    }, signal).then(readFunctionsPage),
    onChange(what) {
      if (what === 'swap') {
        cursor = -1;
        measure = true;
        scroller.scrollTop = 0;
        render();
      } else if (what === 'rows') {
        schedule();
      } else if (query.shown() === null) {
        clearRows();
      }
      showState();
    },
  });

  // container.dataset.state, and #table-info when it says no rows: nothing
  // for no profile, the error, or 'loading…' before any rows were shown.
  function showState() {
    const status = pausing ? 'loading' : query.status();
    if (status === 'none') {
      delete container.dataset.state;
      setInfo('');
      return;
    }
    container.dataset.state = status;
    if (status === 'error') setInfo(query.error());
    else if (query.shown() === null) setInfo('loading…');
  }

  // --- drawing -------------------------------------------------------------

  function schedule() {
    if (frame === 0) frame = requestAnimationFrame(render);
  }

  function geometry() {
    const head = table.tHead.offsetHeight;
    return { scrollTop: scroller.scrollTop, viewHeight: scroller.clientHeight - head, rowHeight };
  }

  function render() {
    cancelAnimationFrame(frame);
    frame = 0;
    const shown = query.shown();
    if (shown === null) return;
    const view = { ...geometry(), total: shown.total };
    const win = rowWindow({ ...view, margin: MARGIN_ROWS });
    const spacers = spacerHeights(win.first, win.last, shown.total, rowHeight);
    setSpacer(spacerAbove, spacers.above);
    setSpacer(spacerBelow, spacers.below);
    place(win.first, win.last);
    const seen = rowWindow(view);
    if (query.error() === '') setInfo(rowsInfo(seen.first, seen.last, shown.total, shown.q));
    table.setAttribute('aria-rowcount', String(shown.total + 1));
    query.need(pagesFor(win.first, win.last));

    // Rows are as tall as CSS makes them: measured once there is one, and
    // again after a resize (the font size may have changed with it).
    if (measure && rows.length > 0) {
      measure = false;
      const height = rows[0].getBoundingClientRect().height;
      if (height > 0 && Math.abs(height - rowHeight) > 0.01) {
        rowHeight = height;
        schedule();
      }
    }
  }

  // Makes the DOM hold rows [from, to), moving the elements of rows that
  // left the window to the end where rows came in.
  function place(from, to) {
    let start = first;
    let end = first + rows.length;
    if (from >= end || to <= start) {
      spare.push(...rows);
      rows = [];
      start = end = from;
    }
    while (start < from) { spare.push(rows.shift()); start++; }
    while (end > to) { spare.push(rows.pop()); end--; }
    const fresh = [];
    for (let i = from; i < start; i++) fresh.push(spare.pop() ?? newRow());
    body.insertBefore(fragmentOf(fresh), rows[0] ?? spacerBelow);
    rows = fresh.concat(rows);
    const added = [];
    for (let i = end; i < to; i++) added.push(spare.pop() ?? newRow());
    body.insertBefore(fragmentOf(added), spacerBelow);
    rows = rows.concat(added);
    for (const tr of spare) tr.remove();
    first = from;
    rows.forEach((tr, k) => fill(tr, from + k));
    updateCursor();
  }

  function clearRows() {
    for (const tr of rows) tr.remove();
    spare.push(...rows);
    rows = [];
    setSpacer(spacerAbove, 0);
    setSpacer(spacerBelow, 0);
    table.removeAttribute('aria-activedescendant');
  }

  function fill(tr, index) {
    const row = query.rowAt(index);
    const rowIndex = String(index + 2);  // the header is row 1
    if (tr.getAttribute('aria-rowindex') !== rowIndex) tr.setAttribute('aria-rowindex', rowIndex);
    if (drawn.get(tr) === row) return;
    drawn.set(tr, row);
    tr.classList.toggle('pending', row === null);
    const cells = row === null ? null : tableRow(row, units);
    columns.forEach((column, k) => {
      tr.cells[k].textContent = cells === null ? '' : cells[column.key];
    });
    const where = tr.cells[columns.length - 1];
    if (row === null) {
      delete tr.dataset.fid;
      where.removeAttribute('title');
    } else {
      tr.dataset.fid = String(row.id);
      where.title = cells.location;
    }
    markSelected(tr, store.get().selected);
  }

  function newRow() {
    return element('tr', {}, columns.map((column) => element('td', { className: isNumeric(column) ? 'num' : 'location' })));
  }

  function markSelected(tr, selected) {
    if (tr.dataset.fid !== undefined && tr.dataset.fid === String(selected)) tr.setAttribute('aria-selected', 'true');
    else tr.removeAttribute('aria-selected');
  }

  function setInfo(text) {
    if (info.textContent !== text) info.textContent = text;
  }

  // --- header, keyboard, mouse ---------------------------------------------

  function showSort(state) {
    for (const th of headers) {
      if (th.dataset.sort === state.sort) th.setAttribute('aria-sort', state.order === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  function header(column) {
    const button = element('button', { textContent: column.label });
    button.type = 'button';
    const th = element('th', { className: isNumeric(column) ? 'num' : '', title: column.title }, [button]);
    th.scope = 'col';
    th.dataset.sort = column.sort;
    button.addEventListener('click', () => {
      const { sort, order } = store.get();
      if (column.sort === sort) store.set({ order: order === 'asc' ? 'desc' : 'asc' });
      else store.set({ sort: column.sort, order: defaultOrder(column.sort) });
    });
    return th;
  }

  // The headers and cells say what the profile's figures measure (a sampled
  // profile has no per-call columns): new units make new columns, and the
  // rows, whose cells no longer match them, are made again.
  function setUnits(next, state) {
    units = next;
    columns = tableColumns(units);
    headers = columns.map(header);
    headRow.replaceChildren(...headers);
    colgroup.replaceChildren(...columns.map((column) => {
      const col = element('col', { className: `col-${column.key}` });
      const chars = isNumeric(column) ? headerChars(column.label) : null;
      if (chars !== null) col.style.width = `calc(${chars}ch + 1em)`;
      return col;
    }));
    for (const spacer of [spacerAbove, spacerBelow]) spacer.firstChild.colSpan = columns.length;
    clearRows();
    spare.length = 0;
    showSort(state);
    schedule();
  }

  filterBox.addEventListener('input', () => store.set({ filter: filterBox.value }));

  scroller.addEventListener('scroll', schedule, { passive: true });
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      measure = true;
      schedule();
    }).observe(scroller);
  }

  body.addEventListener('click', (event) => {
    const tr = event.target.closest('tr[data-fid]');
    if (!tr || !rows.includes(tr)) return;
    cursor = first + rows.indexOf(tr);
    updateCursor();
    onRowClick(Number(tr.dataset.fid));
  });

  // The current row has an id for aria-activedescendant and a class for CSS.
  function updateCursor() {
    let current = null;
    rows.forEach((tr, k) => {
      const on = first + k === cursor;
      tr.classList.toggle('cursor', on);
      if (on) {
        tr.id = CURSOR_ID;
        current = tr;
      } else if (tr.id) {
        tr.removeAttribute('id');
      }
    });
    if (current) table.setAttribute('aria-activedescendant', CURSOR_ID);
    else table.removeAttribute('aria-activedescendant');
  }

  function moveCursor(index) {
    const shown = query.shown();
    if (shown === null || shown.total === 0) return;
    cursor = Math.min(shown.total - 1, Math.max(0, index));
    const view = geometry();
    scroller.scrollTop = scrollToShow(cursor, view);
    render();
  }

  // Focus (a click on a row focuses the grid too) marks the first row fully
  // in view, without scrolling: a scroll between mousedown and mouseup would
  // move another row under the pointer.
  table.addEventListener('focus', () => {
    const shown = query.shown();
    if (cursor >= 0 || shown === null || shown.total === 0) return;
    cursor = Math.min(shown.total - 1, Math.ceil(scroller.scrollTop / rowHeight));
    updateCursor();
  });

  table.addEventListener('keydown', (event) => {
    const shown = query.shown();
    if (event.target !== table || shown === null) return;
    const page = Math.max(1, Math.floor(geometry().viewHeight / rowHeight) - 1);
    const moves = {
      ArrowDown: cursor + 1, ArrowUp: cursor - 1, PageDown: cursor + page, PageUp: cursor - page,
      Home: 0, End: shown.total - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      moveCursor(moves[event.key]);
    } else if (event.key === 'Enter' || event.key === ' ') {
      const row = cursor >= 0 ? query.rowAt(cursor) : null;
      if (row === null) return;
      event.preventDefault();
      onRowClick(row.id);
    }
  });

  // --- the store -----------------------------------------------------------

  function update(state, prev) {
    if (filterBox.value !== (state.filter ?? '')) filterBox.value = state.filter ?? '';
    if (prev === null || state.units !== prev.units) setUnits(state.units ?? PSTATS_UNITS, state);
    if (prev === null || state.sort !== prev.sort || state.order !== prev.order) showSort(state);
    if (prev !== null && state.selected !== prev.selected) for (const tr of rows) markSelected(tr, state.selected);

    const next = tableQuery(state);
    const onlyFilter = prev !== null && state.profile === prev.profile && state.sort === prev.sort
      && state.order === prev.order;
    const wanted = query.wanted();
    clearTimeout(filterTimer);
    // Typing waits for a pause (already 'loading': what is shown no longer
    // matches the filter box); a click on a header does not.
    if (onlyFilter && wanted !== null && next.key !== wanted.key && next.profile !== null) {
      pausing = true;
      showState();
      filterTimer = setTimeout(() => ask(next), FILTER_DELAY_MS);
    } else {
      ask(next);
    }
  }

  function ask(next) {
    pausing = false;
    query.want(next);
    showState();
  }

  store.subscribe(update);
  update(store.get(), null);
}

// Every row of a query as a CSV file the browser downloads, its figures in
// `units` (the profile's).  Rejects with the
// API's error (the caller says it).
export async function downloadTableCsv(api, profileId, { sort, order, q }, units, fileName) {
  const rows = await allFunctionRows(api, profileId, { sort, order, q });
  download(new Blob([rowsToCsv(rows, units)], { type: 'text/csv;charset=utf-8' }), fileName);
}

function spacerRow() {
  const td = element('td');
  const tr = element('tr', { className: 'spacer' }, [td]);
  tr.setAttribute('aria-hidden', 'true');
  return tr;
}

function setSpacer(tr, height) {
  tr.hidden = height === 0;
  tr.firstChild.style.height = `${height}px`;
}

function fragmentOf(nodes) {
  const fragment = document.createDocumentFragment();
  fragment.append(...nodes);
  return fragment;
}
