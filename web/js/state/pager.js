// The arithmetic of the virtual statistics table (ui/table-view.js): which
// rows a scroll position shows, which pages of GET .../functions hold them,
// how tall the spacers are, the "rows a–b of N" line, and a small LRU of the
// pages already fetched.
//
// Why virtual: a profile may hold 100k functions.  Only the rows in view
// (plus a margin, so a short scroll never shows blanks) exist in the DOM,
// between two spacer rows as tall as the rows they stand for, so the
// scrollbar is as long as the whole table.  Rows come from the server a
// page at a time, since it sorts and filters them.
//
//   scrollTop ──┬─────────────┐
//               │ spacer above│ first * rowHeight
//               ├─────────────┤ ← row `first`   (margin rows, out of view)
//   viewHeight  │ rows in view│
//               ├─────────────┤ ← row `last` (excluded)
//               │ spacer below│ (total - last) * rowHeight
//               └─────────────┘
//
// Pure: no DOM; the view measures and passes pixels in.

import { formatCount } from '../layout/format.js';

// Rows per request: a page covers several screens, so scrolling asks the
// server rarely, and the answer (~30 kB) stays quick to parse.
export const PAGE_SIZE = 200;

// The rows [first, last) to have in the DOM: those that the band
// [scrollTop, scrollTop + viewHeight) of the row area touches, plus `margin`
// rows on each side, within 0 .. total.
export function rowWindow({ scrollTop, viewHeight, rowHeight, total, margin = 0 }) {
  if (!(rowHeight > 0) || !(total > 0)) return { first: 0, last: 0 };
  const top = Math.max(0, scrollTop);
  const clamp = (i) => Math.min(total, Math.max(0, i));
  return {
    first: clamp(Math.floor(top / rowHeight) - margin),
    last: clamp(Math.ceil((top + Math.max(0, viewHeight)) / rowHeight) + margin),
  };
}

// The pages (numbers, from 0) that hold rows first .. last - 1.
export function pagesFor(first, last, pageSize = PAGE_SIZE) {
  const pages = [];
  if (last <= first) return pages;
  for (let p = Math.floor(first / pageSize); p <= Math.floor((last - 1) / pageSize); p++) pages.push(p);
  return pages;
}

export function spacerHeights(first, last, total, rowHeight) {
  return { above: first * rowHeight, below: Math.max(0, total - last) * rowHeight };
}

// The scrollTop that brings row `index` fully into view, moving as little as
// possible (the same scrollTop when it is in view already); a view shorter
// than a row shows the row's top.
export function scrollToShow(index, { scrollTop, viewHeight, rowHeight }) {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  const bottom = top + rowHeight;
  if (bottom > scrollTop + viewHeight) return Math.min(top, bottom - viewHeight);
  return scrollTop;
}

// A filter longer than this is cut in the "no function matches" line.
const MAX_QUOTED = 40;

// The line above the table: the rows in view [first, last) of `total`.
export function rowsInfo(first, last, total, filter = '') {
  if (total === 0) {
    if (filter === '') return 'no functions';
    const quoted = [...filter].length > MAX_QUOTED ? `${[...filter].slice(0, MAX_QUOTED - 1).join('')}…` : filter;
    return `no function matches ‘${quoted}’`;
  }
  if (last <= first) return `${formatCount(total)} ${total === 1 ? 'row' : 'rows'}`;
  return `rows ${formatCount(first + 1)}–${formatCount(Math.min(last, total))} of ${formatCount(total)}`;
}

// One page of one query (profile, sort, order, filter) as a cache key.
// JSON keeps the parts apart whatever the filter holds.
export function pageKey({ profile, sort, order, q }, page) {
  return JSON.stringify([profile, sort, order, q, page]);
}

// A least-recently-used cache: a Map keeps insertion order, so the first key
// is the one used longest ago, and a hit moves its key to the end.
export function createLru(capacity) {
  const map = new Map();
  return {
    get(key) {
      if (!map.has(key)) return undefined;
      const value = map.get(key);
      map.delete(key);
      map.set(key, value);
      return value;
    },
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      if (map.size > capacity) map.delete(map.keys().next().value);
    },
    has: (key) => map.has(key),
  };
}
