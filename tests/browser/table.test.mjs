// The statistics table: header sorting agrees with the API's order, the filter
// narrows the rows, and a row re-roots the chart on its function and opens
// the butterfly view of its callers and callees.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import {
  api, headerSorts, isShown, openProfile, rowFids, text, until, waitChart, waitTable,
} from './pages.mjs';

const h = setupBrowserTests(import.meta.url, { files: [fixture('recursion.prof'), fixture('wide.prof')] });
const T = { timeout: TEST_TIMEOUT };
// Rows compared with the API's order.
const FIRST = 10;

// In the page: the first n rows' fids.
function firstRows(n) {
  return [...document.querySelectorAll('#stats tbody tr[data-fid]')].slice(0, n).map((r) => r.dataset.fid);
}

test('every sortable column has its header', T, (t) => h.withPage(t, async (page) => {
  await openProfile(page, h.url('recursion.prof'));
  const sorts = Object.keys(await headerSorts(page)).sort();
  assert.deepEqual(sorts, ['calls', 'cpercall', 'cumtime', 'file', 'tottime', 'tpercall']);
  // All 11 functions of recursion.prof, as the API lists them by default.
  const rows = (await api(page, `/api/profiles/${h.id('recursion.prof')}/functions`)).rows.map((r) => String(r.id));
  assert.deepEqual(await rowFids(page), rows);
  assert.ok((await text(page, '#table-info')).trim().length > 0, '#table-info is empty');
}));

test('a header click sorts as the API does; a second click turns the order round', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('wide.prof');
    await openProfile(page, h.url('wide.prof'));
    let last = null;
    for (const click of ['first', 'second']) {
      await page.click('#stats th[data-sort="tottime"]');
      const aria = await until(page, `aria-sort on the tottime header after the ${click} click`,
        () => document.querySelector('#stats th[data-sort="tottime"]')?.getAttribute('aria-sort') ?? null,
        (v) => (v === 'ascending' || v === 'descending') && v !== last);
      last = aria;
      const order = aria === 'ascending' ? 'asc' : 'desc';
      const want = (await api(page, `/api/profiles/${id}/functions?sort=tottime&order=${order}&limit=${FIRST}`))
        .rows.map((r) => String(r.id));
      assert.equal(want.length, FIRST);
      await waitTable(page);
      const got = await until(page, `the first ${FIRST} rows in the API's tottime ${order} order ${JSON.stringify(want)}`,
        firstRows, (rows) => JSON.stringify(rows) === JSON.stringify(want), { arg: FIRST });
      assert.deepEqual(got, want);
      const others = Object.entries(await headerSorts(page)).filter(([k, v]) => k !== 'tottime' && v && v !== 'none');
      assert.deepEqual(others, [], 'another header still says it sorts');
      assert.equal(new URL(page.url()).searchParams.get('sort'), 'tottime');
      await shot(`tottime ${order}`);
    }
  }));

test('the filter box narrows the rows to the matching functions', T, (t) => h.withPage(t, async (page, { shot }) => {
  const id = h.id('wide.prof');
  await openProfile(page, h.url('wide.prof'));
  const infoBefore = await text(page, '#table-info');
  const want = (await api(page, `/api/profiles/${id}/functions?q=w0787&limit=1000`)).rows.map((r) => String(r.id)).sort();
  assert.equal(want.length, 1);
  await page.type('#table-filter', 'w0787');
  await until(page, `only the rows matching "w0787" (${want})`, () =>
    [...document.querySelectorAll('#stats tbody tr[data-fid]')].map((r) => r.dataset.fid).sort(),
  (rows) => JSON.stringify(rows) === JSON.stringify(want));
  await waitTable(page);
  assert.notEqual(await text(page, '#table-info'), infoBefore, '#table-info did not change');
  await shot('filtered');
}));

test('a row click re-roots the chart on its function and shows its callers and callees', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('recursion.prof');
    await openProfile(page, h.url('recursion.prof'));
    // is_even: called by main and is_odd, calls is_odd.
    const even = (await api(page, `/api/profiles/${id}/functions?q=is_even`)).rows[0];
    const fn = await api(page, `/api/profiles/${id}/functions/${even.id}`);
    await page.click(`#stats tbody tr[data-fid="${even.id}"]`);
    const c = await until(page, `data-root ending in ${even.id}`, () => {
      const el = document.getElementById('chart-canvas');
      return el ? { state: el.dataset.state, root: el.dataset.root } : null;
    }, (v) => v && v.state === 'ready' && v.root.split(',').at(-1) === String(even.id));
    assert.equal(new URL(page.url()).searchParams.get('root'), c.root);
    await until(page, '#butterfly shown', () => {
      const el = document.getElementById('butterfly');
      return !!el && !el.hidden && !el.closest('[hidden]') && getComputedStyle(el).display !== 'none';
    }, (v) => v === true);
    assert.ok(await isShown(page, '#butterfly'));
    const ids = (list) => [...new Set(list.map((e) => String(e.id)))].sort();
    const callers = await until(page, `#butterfly .callers rows ${ids(fn.callers)}`,
      () => [...document.querySelectorAll('#butterfly .callers tr[data-fid]')].map((r) => r.dataset.fid).sort(),
      (v) => JSON.stringify(v) === JSON.stringify(ids(fn.callers)));
    const callees = await rowFids(page, '#butterfly .callees tr[data-fid]');
    assert.deepEqual(callers, ids(fn.callers));
    assert.deepEqual(callees.sort(), ids(fn.callees));
    await waitChart(page);
    await shot('re-rooted on is_even');
  }));
