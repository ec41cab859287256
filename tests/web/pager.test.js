// state/pager.js: the virtual table's window, pages, spacers and LRU.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PAGE_SIZE, createLru, pageKey, pagesFor, rowWindow, rowsInfo, scrollToShow, spacerHeights,
} from '../../web/js/state/pager.js';
import { rng } from './support.js';

test('the window is the rows in view, plus the margin, within the table', () => {
  const view = { scrollTop: 0, viewHeight: 308, rowHeight: 22, total: 50010 };
  assert.deepEqual(rowWindow(view), { first: 0, last: 14 });
  assert.deepEqual(rowWindow({ ...view, margin: 20 }), { first: 0, last: 34 });
  // Half a row scrolled: row 0 is still partly in view, row 14 now too.
  assert.deepEqual(rowWindow({ ...view, scrollTop: 11 }), { first: 0, last: 15 });
  assert.deepEqual(rowWindow({ ...view, scrollTop: 2200, margin: 20 }), { first: 80, last: 134 });
  // At the very end the window stops at the last row.
  assert.deepEqual(rowWindow({ ...view, scrollTop: 50010 * 22 - 308, margin: 20 }), { first: 49976, last: 50010 });
  assert.deepEqual(rowWindow({ ...view, total: 5, margin: 20 }), { first: 0, last: 5 });
});

test('no rows, no height or a hidden table: an empty or margin-only window', () => {
  const view = { scrollTop: 0, viewHeight: 308, rowHeight: 22 };
  assert.deepEqual(rowWindow({ ...view, total: 0, margin: 20 }), { first: 0, last: 0 });
  assert.deepEqual(rowWindow({ ...view, total: 100, rowHeight: 0 }), { first: 0, last: 0 });
  assert.deepEqual(rowWindow({ ...view, total: 100, rowHeight: NaN }), { first: 0, last: 0 });
  // display: none gives a zero (or, less the header, negative) height.
  assert.deepEqual(rowWindow({ ...view, total: 100, viewHeight: -30 }), { first: 0, last: 0 });
  assert.deepEqual(rowWindow({ ...view, total: 100, viewHeight: -30, margin: 3 }), { first: 0, last: 3 });
  // Overscroll (rubber-banding) reads as the top.
  assert.deepEqual(rowWindow({ ...view, total: 100, scrollTop: -40 }), { first: 0, last: 14 });
});

test('pages hold exactly the window\'s rows', () => {
  assert.deepEqual(pagesFor(0, 0), []);
  assert.deepEqual(pagesFor(5, 5), []);
  assert.deepEqual(pagesFor(0, 1), [0]);
  assert.deepEqual(pagesFor(0, PAGE_SIZE), [0]);
  assert.deepEqual(pagesFor(0, PAGE_SIZE + 1), [0, 1]);
  assert.deepEqual(pagesFor(PAGE_SIZE - 1, PAGE_SIZE + 1), [0, 1]);
  assert.deepEqual(pagesFor(950, 1020, 100), [9, 10]);
  assert.deepEqual(pagesFor(1000, 1100, 100), [10]);
});

test('spacers, rows and scroll positions agree (seed 11)', () => {
  const random = rng(11);
  for (let n = 0; n < 2000; n++) {
    const total = random.int(200000);
    const rowHeight = 16 + random() * 16;
    const viewHeight = random.int(1200);
    const scrollTop = random() * Math.max(0, total * rowHeight - viewHeight);
    const margin = random.int(40);
    const win = rowWindow({ scrollTop, viewHeight, rowHeight, total, margin });
    const seen = rowWindow({ scrollTop, viewHeight, rowHeight, total });
    const at = `total ${total} top ${scrollTop} height ${viewHeight}`;
    assert.ok(win.first <= seen.first && seen.last <= win.last, `the margin widens the window: ${at}`);
    assert.ok(0 <= win.first && win.first <= win.last && win.last <= total, at);
    // Every pixel of the band in view lies on a row of the window.
    if (total > 0 && viewHeight > 0) {
      assert.ok(seen.first * rowHeight <= scrollTop, at);
      assert.ok(seen.last === total || seen.last * rowHeight >= scrollTop + viewHeight, at);
    }
    // The scrollbar is as long as the whole table.
    const { above, below } = spacerHeights(win.first, win.last, total, rowHeight);
    assert.ok(Math.abs(above + (win.last - win.first) * rowHeight + below - total * rowHeight) < 1e-6 * (1 + total), at);
    // The pages hold every row of the window and none too many.
    const pages = pagesFor(win.first, win.last);
    for (let i = win.first; i < win.last; i++) assert.ok(pages.includes(Math.floor(i / PAGE_SIZE)), `row ${i}: ${at}`);
    for (const p of pages) assert.ok(p * PAGE_SIZE < win.last && (p + 1) * PAGE_SIZE > win.first, `page ${p}: ${at}`);
  }
});

test('scrolling to a row moves only as far as needed', () => {
  const view = { scrollTop: 220, viewHeight: 220, rowHeight: 22 };  // rows 10..19 in view
  assert.equal(scrollToShow(10, view), 220, 'first row in view: stays');
  assert.equal(scrollToShow(19, view), 220, 'last row in view: stays');
  assert.equal(scrollToShow(9, view), 198, 'the row above: comes to the top');
  assert.equal(scrollToShow(20, view), 242, 'the row below: comes to the bottom');
  assert.equal(scrollToShow(0, view), 0);
  assert.equal(scrollToShow(1000, view), 1000 * 22 + 22 - 220);
  // A view shorter than a row shows its top.
  assert.equal(scrollToShow(3, { scrollTop: 0, viewHeight: 10, rowHeight: 22 }), 66);
  assert.equal(scrollToShow(0, { scrollTop: 0, viewHeight: 10, rowHeight: 22 }), 0);
});

test('the info line counts from 1 with grouped digits', () => {
  assert.equal(rowsInfo(0, 40, 50010), 'rows 1–40 of 50,010');
  assert.equal(rowsInfo(49970, 50040, 50010), 'rows 49,971–50,010 of 50,010', 'never past the last row');
  assert.equal(rowsInfo(0, 14, 11, 'fib'), 'rows 1–11 of 11');
  assert.equal(rowsInfo(0, 0, 11), '11 rows', 'a table with no height');
  assert.equal(rowsInfo(0, 0, 1), '1 row');
  assert.equal(rowsInfo(0, 0, 0), 'no functions');
  assert.equal(rowsInfo(0, 0, 0, 'x'), 'no function matches ‘x’');
  assert.equal(rowsInfo(0, 0, 0, 'a'.repeat(100)), `no function matches ‘${'a'.repeat(39)}…’`);
  assert.equal(rowsInfo(0, 0, 0, '😀'.repeat(41)), `no function matches ‘${'😀'.repeat(39)}…’`, 'cut between characters');
});

test('page keys tell every query and page apart', () => {
  const base = { profile: 3, sort: 'cumtime', order: 'desc', q: '' };
  const keys = [
    pageKey(base, 0), pageKey(base, 1), pageKey({ ...base, profile: 4 }, 0), pageKey({ ...base, sort: 'tottime' }, 0),
    pageKey({ ...base, order: 'asc' }, 0), pageKey({ ...base, q: 'fib' }, 0), pageKey({ ...base, q: '","' }, 0),
    pageKey({ ...base, q: '0' }, 0), pageKey({ ...base, q: 'fib' }, 1),
  ];
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(pageKey({ ...base, key: 'x', total: 5 }, 0), pageKey(base, 0), 'other fields of the query do not count');
});

test('the LRU keeps the most recently used pages', () => {
  const lru = createLru(3);
  lru.set('a', 1);
  lru.set('b', 2);
  lru.set('c', 3);
  assert.equal(lru.get('a'), 1, 'a is now the most recent');
  lru.set('d', 4);
  assert.equal(lru.has('b'), false, 'b, used longest ago, is gone');
  assert.deepEqual(['a', 'c', 'd'].map((k) => lru.get(k)), [1, 3, 4]);
  lru.set('c', 30);
  lru.set('e', 5);
  assert.equal(lru.has('a'), false);
  assert.equal(lru.get('c'), 30, 'a set replaces and refreshes');
  assert.equal(lru.get('missing'), undefined);
  assert.equal(lru.has('missing'), false, 'a miss adds nothing');
  lru.set('f', undefined);
  assert.equal(lru.has('f'), true);
});
