// state/url-state.js: the URL round-trips the state and shrugs off garbage.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPARES, CUTOFFS, CUTOFF_LABELS, DEFAULT_STATE, DEPTHS, SORTS, VIEWS, defaultOrder, finerCutoff, formatUrlState, parseUrlState,
} from '../../web/js/state/url-state.js';
import { rng } from './support.js';

// As the browser would: resolve the link, then read location.
function roundTrip(state) {
  const url = new URL(formatUrlState(state), 'http://127.0.0.1:8080/somewhere/else?old=1#frag');
  assert.equal(url.origin, 'http://127.0.0.1:8080', 'a formatted URL stays on this server');
  assert.equal(url.hash, '');
  return parseUrlState(url.search, url.pathname);
}

function defaults(changes = {}) {
  return { ...DEFAULT_STATE, root: [], ...changes };
}

// Everything parseUrlState returns is one of the allowed values.
function assertValid(s) {
  assert.deepEqual(Object.keys(s).sort(), Object.keys(DEFAULT_STATE).sort());
  assert.ok(s.profile === null || (Number.isSafeInteger(s.profile) && s.profile > 0));
  assert.ok(VIEWS.includes(s.view));
  assert.ok(Array.isArray(s.root) && s.root.every((id) => Number.isSafeInteger(id) && id >= 0));
  assert.ok(s.root.length <= 512);
  assert.ok(DEPTHS.includes(s.depth));
  assert.ok(CUTOFFS.some((c) => Object.is(c, s.cutoff)));
  assert.equal(typeof s.search, 'string');
  assert.ok(new TextEncoder().encode(s.search).length <= 1024);
  assert.ok(SORTS.includes(s.sort));
  assert.ok(s.order === 'asc' || s.order === 'desc');
  assert.ok(s.base === null || (Number.isSafeInteger(s.base) && s.base > 0));
  assert.ok(COMPARES.includes(s.compare) && (s.base !== null || s.compare === 'seconds'));
}

test('no query: the defaults, and the profile from the path', () => {
  assert.deepEqual(parseUrlState('', '/'), defaults());
  assert.deepEqual(parseUrlState('', '/p/3'), defaults({ profile: 3 }));
  assert.deepEqual(parseUrlState('?v=1', '/p/42'), defaults({ profile: 42 }));
  assert.deepEqual(parseUrlState(), defaults());
  assert.equal(formatUrlState(defaults()), '/?v=1', 'defaults are left out');
  assert.equal(formatUrlState(defaults({ profile: 7 })), '/p/7?v=1');
});

test('every key is read', () => {
  const s = parseUrlState('?v=1&view=sunburst&root=9,6,0&depth=5&cutoff=0&q=json%20decode&sort=tottime&order=asc', '/p/3');
  assert.deepEqual(s, {
    profile: 3, view: 'sunburst', root: [9, 6, 0], depth: 5, cutoff: 0, search: 'json decode', sort: 'tottime', order: 'asc',
    base: null, compare: 'seconds', inverted: false, sandwich: null, transforms: [], group: 'function',
  });
  assert.equal(formatUrlState(s), '/p/3?v=1&view=sunburst&root=9,6,0&depth=5&cutoff=0&q=json%20decode&sort=tottime&order=asc');
  assert.equal(parseUrlState('?sort=name', '/').order, 'asc', 'names sort A to Z unless told');
  assert.equal(parseUrlState('?sort=tpercall', '/').order, 'desc');
  assert.equal(formatUrlState(parseUrlState('?sort=name&order=asc', '/')), '/?v=1&sort=name');
  assert.equal(parseUrlState('?root=0', '/').root[0], 0, 'function id 0 is an id');
});

test('a zoom path may hold a function more than once (recursion, exec under exec)', () => {
  for (const root of [[3, 7, 3, 9], [1, 1], [5, 5, 5], [0, 2, 0, 2, 0]]) {
    const s = parseUrlState(`?root=${root.join(',')}`, '/p/1');
    assert.deepEqual(s.root, root);
    assert.equal(formatUrlState(s), `/p/1?v=1&root=${root.join(',')}`);
  }
});

function randomText(random) {
  const alphabet = ['a', 'Z', '0', ' ', '+', '&', '=', '#', '?', '%', '%25', '/', ',', '"', "'", '<', '>', '\\',
    '\n', '\u0000', '\u202e', 'é', '漢', '😀', '\ufffd', '__proto__'];
  return Array.from({ length: random.int(40) }, () => random.pick(alphabet)).join('');
}

// A transform of every kind, a package named with any text but controls.
function randomTransform(random, root) {
  const kind = random.pick(['focus', 'merge', 'collapse', 'drop', 'mycode']);
  if (kind === 'mycode') return kind;
  if (kind === 'collapse') return `collapse:${randomText(random).replace(/[\u0000-\u001f\u007f-\u009f]/g, '') || 'pkg'}`;
  if (kind === 'drop') return `drop:${[...root, random.int(9)].join(',')}`;
  return `${kind}:${random.int(100000)}`;
}

function randomState(random) {
  const n = random.int(12);
  const root = [];
  while (root.length < n) {
    // Repeats too: a function called again below itself (recursion).
    const id = random() < 0.2 && root.length > 0 ? random.pick(root)
      : random() < 0.2 ? Number.MAX_SAFE_INTEGER - random.int(3) : random.int(100000);
    root.push(id);
  }
  const sort = random.pick(SORTS);
  const base = random() < 0.5 ? null : 1 + random.int(1e9);
  return {
    profile: random() < 0.2 ? null : random() < 0.1 ? Number.MAX_SAFE_INTEGER : 1 + random.int(1e9),
    view: random.pick(VIEWS),
    root,
    depth: random.pick(DEPTHS),
    cutoff: random.pick(CUTOFFS),
    search: random() < 0.3 ? '' : randomText(random),
    sort,
    order: random() < 0.5 ? defaultOrder(sort) : random.pick(['asc', 'desc']),
    base,
    compare: base === null ? 'seconds' : random.pick(COMPARES),
    inverted: random() < 0.3,
    sandwich: random() < 0.7 ? null : random.int(100000),
    transforms: Array.from({ length: random() < 0.5 ? 0 : random.int(6) }, () => randomTransform(random, root)),
    group: random.pick(['function', 'package']),
  };
}

test('parse(format(s)) gives s back (seed 20, 5000 states)', () => {
  const random = rng(20);
  for (let i = 0; i < 5000; i++) {
    const s = randomState(random);
    assert.deepEqual(roundTrip(s), s, JSON.stringify(s));
  }
  const longest = 'é'.repeat(512);  // 1024 bytes: the API's limit
  assert.equal(roundTrip(defaults({ search: longest })).search, longest);
});

test('bad values fall back to their defaults, one by one', () => {
  const cases = [
    ['depth=-5', { depth: 10 }], ['depth=NaN', { depth: 10 }], ['depth=7', { depth: 10 }], ['depth=1e1', { depth: 10 }],
    ['depth=%2010', { depth: 10 }], ['depth=10.0', { depth: 10 }], ['depth=', { depth: 10 }], ['depth=3', { depth: 3 }],
    ['cutoff=0.5', { cutoff: 0.001 }], ['cutoff=-0', { cutoff: 0.001 }], ['cutoff=1e-2', { cutoff: 0.001 }],
    ['cutoff=Infinity', { cutoff: 0.001 }], ['cutoff=0.01', { cutoff: 0.01 }],
    ['view=javascript:alert(1)', { view: 'icicle' }], ['view=ICICLE', { view: 'icicle' }], ['view=sunburst', { view: 'sunburst' }],
    ['root=1,2);alert(1)', { root: [] }], ['root=-1', { root: [] }], ['root=1,,2', { root: [] }],
    ['root=,', { root: [] }], ['root=99999999999999999999', { root: [] }], ['root=9007199254740993', { root: [] }],
    ['root=1.5', { root: [] }], ['root=0x10', { root: [] }], [`root=${Array.from({ length: 600 }, (_, i) => i).join(',')}`, { root: [] }],
    ['root=9007199254740991', { root: [9007199254740991] }],
    ['sort=__proto__', { sort: 'cumtime' }], ['sort=constructor', { sort: 'cumtime' }], ['sort=CUMTIME', { sort: 'cumtime' }],
    ['order=up', { order: 'desc' }], ['sort=file&order=sideways', { sort: 'file', order: 'asc' }],
    ['q=' + 'x'.repeat(1025), { search: '' }], ['q=' + 'é'.repeat(513), { search: '' }],
    ['q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', { search: '<script>alert(1)</script>' }],
    ['q=a+b%2Bc', { search: 'a b+c' }], ['q=%E0%A4%A', { search: '\ufffd%A' }], ['q=%ED%A0%80', { search: '\ufffd\ufffd\ufffd' }],
    ['q=%zz', { search: '%zz' }], ['depth=5&depth=3', { depth: 5 }], ['unknown=1&__proto__=x&constructor=y', {}],
    ['v=1&v=2&depth=5', { depth: 5 }], ['&&&==&', {}], ['?', {}],
    ['base=0', {}], ['base=-3', {}], ['base=1e3', {}], ['base=99999999999999999', {}], ['base=2,3', {}],
    ['base=7', { base: 7 }], ['base=7&compare=share', { base: 7, compare: 'share' }],
    ['base=7&compare=percent', { base: 7 }], ['compare=share', {}], ['base=x&compare=share', {}],
  ];
  for (const [query, changes] of cases) {
    const s = parseUrlState(`?${query}`, '/');
    assertValid(s);
    assert.deepEqual(s, defaults(changes), query.slice(0, 80));
  }
  assert.equal(Object.getPrototypeOf(parseUrlState('?__proto__=x', '/')), Object.prototype);
});

test('an unknown URL version keeps only the profile', () => {
  for (const v of ['2', '0', 'abc', '', '1.0']) {
    assert.deepEqual(parseUrlState(`?v=${v}&view=sunburst&depth=5`, '/p/4'), defaults({ profile: 4 }), `v=${v}`);
  }
});

test('a profile id comes only from /p/ID with a positive id', () => {
  const cases = [
    ['/p/1', 1], ['/p/007', 7], ['/p/9007199254740991', 9007199254740991],
    ['/p/0', null], ['/p/-1', null], ['/p/9007199254740993', null], ['/p/99999999999999999', null], ['/p/1e3', null],
    ['/p/1/', null], ['/p/1/../2', null], ['/p/', null], ['/p', null], ['/', null], ['/index.html', null],
    ['/api/profiles/3', null], ['//evil.example/p/3', null], ['/p/3%2F', null], ['/p/ 3', null], ['/P/3', null],
    [undefined, null], [null, null], [3, null], [{ toString: () => '/p/3' }, null],
  ];
  for (const [pathname, profile] of cases) assert.equal(parseUrlState('', pathname).profile, profile, String(pathname));
});

test('garbage of every kind never throws and gives a valid state that round-trips (seed 21)', () => {
  const random = rng(21);
  const keys = ['v', 'view', 'root', 'depth', 'cutoff', 'q', 'sort', 'order', 'x', ''];
  const junk = () => random.pick([
    () => randomText(random),
    () => String(random() * 1e6 - 5e5),
    () => String.fromCharCode(...Array.from({ length: random.int(20) }, () => random.int(0x10000))),
    () => encodeURIComponent(randomText(random)),
    () => Array.from({ length: random.int(5) }, () => random.int(30) - 5).join(','),
    () => random.pick(['NaN', '-Infinity', '1e308', '-0', 'null', 'undefined', '[]', '{}', '%', '%%', '%E2%82']),
  ])();
  for (let i = 0; i < 3000; i++) {
    const query = Array.from({ length: random.int(8) }, () => `${random.pick(keys)}=${junk()}`).join(random.pick(['&', ';', '&&']));
    const pathname = random() < 0.5 ? `/p/${junk()}` : junk();
    const s = parseUrlState(random() < 0.5 ? `?${query}` : query, pathname);
    assertValid(s);
    assert.deepEqual(roundTrip(s), s);
  }
  for (const bad of [undefined, null, 42, {}, [], NaN]) assert.deepEqual(parseUrlState(bad, bad), defaults());
});

test('a lone surrogate in the search cannot break formatting', () => {
  // A name from a file that was not UTF-8 carries lone surrogates (docs/api.md).
  const url = formatUrlState(defaults({ search: 'caf\udce9' }));
  assert.equal(url, '/?v=1&q=caf%EF%BF%BD');
  assert.equal(roundTrip(defaults({ search: 'caf\udce9' })).search, 'caf\ufffd');
  assert.equal(roundTrip(defaults({ search: '😀' })).search, '😀', 'pairs are kept');
});

test('cutoffs: each has a label, and a click on "(N smaller)" steps to the next finer one', () => {
  for (const c of CUTOFFS) assert.ok(CUTOFF_LABELS.has(c), String(c));
  assert.equal(CUTOFF_LABELS.size, CUTOFFS.length);
  assert.equal(finerCutoff(0.01), 0.001);
  assert.equal(finerCutoff(0.001), 0);
  assert.equal(finerCutoff(0), null, 'nothing finer than no cutoff');
});
