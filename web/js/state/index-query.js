// What the index page lists, as it is written in its URL: a search text,
// label filters and a page.  Pure: parsing tolerates anything (a damaged
// link shows the first page of everything, not an error), and
// formatIndexQuery(parseIndexQuery(s)) is the canonical form of s.
//
//   /?q=nightly&label=service:api&label=branch:main&page=3

import { labelParam, parseLabel, sameLabel } from '../model/labels.js';

export const PER_PAGE = 50;
// As the API: label filters per query, and the search text's length.
export const FILTERS_MAX = 8;
export const Q_MAX = 1024;

export const EMPTY_QUERY = Object.freeze({ q: '', labels: Object.freeze([]), page: 1 });

export function parseIndexQuery(search) {
  const params = new URLSearchParams(search);
  const q = (params.get('q') ?? '').slice(0, Q_MAX);
  const labels = [];
  for (const raw of params.getAll('label')) {
    const l = parseLabel(raw, ':');
    if (l && l.key !== '' && l.value !== '' && !labels.some((x) => sameLabel(x, l)) && labels.length < FILTERS_MAX) labels.push(l);
  }
  const page = Number(params.get('page'));
  return { q, labels, page: Number.isSafeInteger(page) && page >= 1 ? page : 1 };
}

export function formatIndexQuery({ q, labels, page }) {
  const params = new URLSearchParams();
  if (q !== '') params.set('q', q);
  for (const l of labels) params.append('label', labelParam(l));
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s === '' ? '/' : `/?${s}`;
}

// GET /api/profiles parameters for the query's page.
export function listParams({ q, labels, page }) {
  return { q: q === '' ? undefined : q, label: labels.map(labelParam), offset: (page - 1) * PER_PAGE, limit: PER_PAGE };
}

// A filter added (from a label chip) or removed: back to the first page.
export function withLabel(query, label) {
  if (query.labels.some((l) => sameLabel(l, label)) || query.labels.length >= FILTERS_MAX) return query;
  return { ...query, labels: [...query.labels, label], page: 1 };
}

export function withoutLabel(query, label) {
  return { ...query, labels: query.labels.filter((l) => !sameLabel(l, label)), page: 1 };
}

export const withSearch = (query, q) => ({ ...query, q: String(q).slice(0, Q_MAX), page: 1 });

export const pageCount = (total) => Math.max(1, Math.ceil(total / PER_PAGE));

// "51–100 of 10,000" for the page, given how many it shows.
export function pageSpan(page, shown, total) {
  if (total === 0 || shown === 0) return `0 of ${total.toLocaleString('en-US')}`;
  const first = (page - 1) * PER_PAGE + 1;
  return `${first.toLocaleString('en-US')}–${(first + shown - 1).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
}
