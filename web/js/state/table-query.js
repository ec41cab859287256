// The statistics table's queries and pages (ui/table-view.js draws them):
// which query's rows are on screen, which one is asked for, which pages of
// GET .../functions are held, on their way or no longer wanted.
//
// Two queries at a time: `shown`, whose rows are on screen, and `wanted`,
// the one asked for last (the same object once its first page is in).  A
// new query (sort, order, filter, profile) keeps the old rows on screen
// until the first page of the new one is here, then swaps at once: no
// flash of an empty table between two sorts.  A page no longer needed (the
// user scrolled on, re-sorted or typed) is aborted, and its answer, if it
// comes anyway, is kept in the LRU for later but changes nothing.
//
// Pure of the DOM: pages come through load(query, page, signal), a promise
// of {rows, total} (model/functions.js's readFunctionsPage of the API's
// answer), and what changed goes to onChange(what):
//   'swap'  the wanted query's first page is in and it is now shown: the
//           view starts again at the top;
//   'rows'  another page of the shown query is in;
//   'state' status() or error() changed without new rows (a page failed,
//           the query was cleared, a query was asked for).
// Tested under node with a fake load (tests/web/table-query.test.js).

import { isAbort } from '../model/api.js';
import { PAGE_SIZE, createLru, pageKey } from './pager.js';

// Pages kept: 64 × 200 rows, enough to scroll back and forth and to switch
// between a few sorts without asking again.
export const CACHED_PAGES = 64;

// The query of the store's state: {profile, sort, order, q, key}.
export function tableQuery(state) {
  const q = typeof state.filter === 'string' ? state.filter : '';
  const query = { profile: state.profile ?? null, sort: state.sort, order: state.order, q };
  return { ...query, key: pageKey(query, null) };
}

export function createTableQuery({ load, onChange, cachedPages = CACHED_PAGES }) {
  const cache = createLru(cachedPages);
  const inflight = new Map();   // page key → AbortController
  let shown = null;             // the query whose rows are on screen, with its total
  let wanted = null;            // the query asked for last
  let error = '';               // why a page could not be had ('' when none failed)
  let failed = null;            // the query that page was of

  // Asks for `query` (tableQuery's).  The same query as the one asked for
  // last changes nothing.
  function want(query) {
    if (wanted !== null && wanted.key === query.key) return;
    wanted = query;
    abortExcept(new Set());
    if (query.profile === null) {
      shown = null;
      error = '';
      failed = null;
      onChange('state');
      return;
    }
    if (cache.has(pageKey(query, 0))) swap();
    else {
      onChange('state');
      fetchPage(query, 0);
    }
  }

  // The pages (numbers) of the shown query that the view needs now: those
  // not held are fetched, and every request for another page is aborted,
  // except the first page of a query still wanted.
  function need(pages) {
    if (shown === null) return;
    const needed = new Set();
    for (const page of pages) {
      needed.add(pageKey(shown, page));
      fetchPage(shown, page);
    }
    if (wanted !== shown && wanted !== null) needed.add(pageKey(wanted, 0));
    abortExcept(needed);
  }

  function fetchPage(query, page) {
    const key = pageKey(query, page);
    if (cache.has(key) || inflight.has(key)) return;
    const controller = new AbortController();
    inflight.set(key, controller);
    load(query, page, controller.signal).then((answer) => {
      if (inflight.get(key) === controller) inflight.delete(key);
      cache.set(key, answer);
      if (query === wanted && query !== shown) {
        swap();
      } else if (query === shown) {
        if (failed === shown) {
          error = '';
          failed = null;
        }
        onChange('rows');
      }
    }, (e) => {
      if (inflight.get(key) === controller) inflight.delete(key);
      if (isAbort(e) || (query !== wanted && query !== shown)) return;
      // The new query's first page failing leaves nothing true to show.
      if (query !== shown) shown = null;
      error = e instanceof Error ? e.message : String(e);
      failed = query;
      onChange('state');
    });
  }

  function abortExcept(keep) {
    for (const [key, controller] of inflight) {
      if (keep.has(key)) continue;
      controller.abort();
      inflight.delete(key);
    }
  }

  function swap() {
    shown = wanted;
    shown.total = cache.get(pageKey(shown, 0)).total;
    error = '';
    failed = null;
    onChange('swap');
  }

  return {
    want,
    need,
    // The shown query ({profile, sort, order, q, key, total}), or null.
    shown: () => shown,
    // The query asked for last, or null.
    wanted: () => wanted,
    // 'none' (no profile), 'loading' (the wanted query's rows are not in
    // yet), 'error' (a page of the shown or wanted query failed: error()
    // says why) or 'ready'.
    status() {
      if (wanted === null || wanted.profile === null) return 'none';
      if (failed !== null && (failed === wanted || (failed === shown && wanted === shown))) return 'error';
      return wanted === shown ? 'ready' : 'loading';
    },
    error: () => error,
    // Row `index` of the shown query, or null when its page is not held.
    rowAt(index) {
      if (shown === null) return null;
      const page = cache.get(pageKey(shown, Math.floor(index / PAGE_SIZE)));
      return page?.rows[index % PAGE_SIZE] ?? null;
    },
  };
}
