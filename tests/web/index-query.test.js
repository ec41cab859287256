// state/index-query.js and url-sync.js's syncIndexUrl: the index page's
// search, label filters and page, in its URL.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_QUERY, FILTERS_MAX, PER_PAGE, formatIndexQuery, listParams, pageCount, pageSpan, parseIndexQuery,
  withLabel, withSearch, withoutLabel,
} from '../../web/js/state/index-query.js';
import { syncIndexUrl } from '../../web/js/state/url-sync.js';

const api = { key: 'service', value: 'api' };
const main = { key: 'branch', value: 'main' };

test('a query survives its URL, and the URL is canonical', () => {
  const q = { q: 'nightly run', labels: [api, { key: 'url', value: 'http://x:1/?a&b' }], page: 3 };
  const url = formatIndexQuery(q);
  assert.equal(url, '/?q=nightly+run&label=service%3Aapi&label=url%3Ahttp%3A%2F%2Fx%3A1%2F%3Fa%26b&page=3');
  assert.deepEqual(parseIndexQuery(url.slice(1)), q);
  assert.equal(formatIndexQuery(EMPTY_QUERY), '/');
  assert.equal(formatIndexQuery(parseIndexQuery('?page=1&q=')), '/');
});

test('damaged links fall back: no page 0, no filter without a value, no duplicates', () => {
  assert.deepEqual(parseIndexQuery('?page=-2&label=nocolon&label=k:&label=:v&label=service:api&label=service:api&x=1'),
    { q: '', labels: [api], page: 1 });
  assert.equal(parseIndexQuery('?page=2.5').page, 1);
  assert.equal(parseIndexQuery('?page=abc').page, 1);
  const many = Array.from({ length: 12 }, (_, i) => `label=k:${i}`).join('&');
  assert.equal(parseIndexQuery(`?${many}`).labels.length, FILTERS_MAX);
  assert.equal(parseIndexQuery(`?q=${'x'.repeat(5000)}`).q.length, 1024);
});

test('the API parameters of a page', () => {
  assert.deepEqual(listParams({ q: '', labels: [api, main], page: 3 }),
    { q: undefined, label: ['service:api', 'branch:main'], offset: 2 * PER_PAGE, limit: PER_PAGE });
  assert.equal(listParams({ q: 'x', labels: [], page: 1 }).q, 'x');
});

test('filters and searches go back to the first page; a filter is added once', () => {
  const at3 = { q: '', labels: [api], page: 3 };
  assert.deepEqual(withLabel(at3, main), { q: '', labels: [api, main], page: 1 });
  assert.equal(withLabel(at3, { ...api }), at3, 'already there: unchanged');
  assert.deepEqual(withoutLabel(at3, api), { q: '', labels: [], page: 1 });
  assert.deepEqual(withSearch(at3, 'x'), { q: 'x', labels: [api], page: 1 });
});

test('pages and what a page shows', () => {
  assert.equal(pageCount(0), 1);
  assert.equal(pageCount(50), 1);
  assert.equal(pageCount(10000), 200);
  assert.equal(pageSpan(2, 50, 10000), '51–100 of 10,000');
  assert.equal(pageSpan(1, 0, 0), '0 of 0');
});

function fakeWindow(search = '') {
  const listeners = {};
  const win = {
    location: { pathname: '/', search },
    pushes: [], replaces: [],
    history: {
      pushState(_, __, url) { win.pushes.push(url); win.at(url); },
      replaceState(_, __, url) { win.replaces.push(url); win.at(url); },
    },
    at(url) { const i = url.indexOf('?'); win.location.search = i < 0 ? '' : url.slice(i); },
    addEventListener(type, fn) { listeners[type] = fn; },
    removeEventListener(type) { delete listeners[type]; },
    back(url) { win.at(url); listeners.popstate?.(); },
  };
  return win;
}

test('the URL follows: filters and pages push, typing replaces, Back comes back', () => {
  const win = fakeWindow('?page=1&label=service:api');
  const seen = [];
  const urls = syncIndexUrl(parseIndexQuery(win.location.search), (q) => seen.push(q), win);
  assert.deepEqual(win.replaces, ['/?label=service%3Aapi'], 'a link made canonical');
  const filtered = withLabel(parseIndexQuery(win.location.search), main);
  urls.go(filtered);
  urls.go({ ...filtered, page: 2 });
  urls.go(withSearch(filtered, 'ab'), { replace: true });
  assert.deepEqual(win.pushes, ['/?label=service%3Aapi&label=branch%3Amain', '/?label=service%3Aapi&label=branch%3Amain&page=2']);
  assert.equal(win.replaces.at(-1), '/?q=ab&label=service%3Aapi&label=branch%3Amain');
  win.back('/?label=service%3Aapi');
  assert.deepEqual(seen.at(-1), { q: '', labels: [api], page: 1 });
  assert.equal(seen.length, 4);
  urls.stop();
});
