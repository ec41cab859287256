// state/table-query.js: the statistics table's shown and wanted queries,
// its pages, what is aborted and what a failure leaves, with a fake load
// whose answers the test releases one by one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_SIZE } from '../../web/js/state/pager.js';
import { createTableQuery, tableQuery } from '../../web/js/state/table-query.js';

const ROWS = 450;  // three pages of the profile's functions

// load(query, page, signal) answering when release() says; each call is
// recorded as "sort/q:page", with whether its signal was aborted.
function fakeLoad() {
  const calls = [];
  const load = (query, page, signal) => new Promise((resolve, reject) => {
    const call = { what: `${query.sort}/${query.q}:${page}`, signal, resolve: null, reject: null };
    call.resolve = () => {
      const total = query.q === '' ? ROWS : 3;
      const rows = Array.from({ length: Math.max(0, Math.min(PAGE_SIZE, total - page * PAGE_SIZE)) },
        (_, k) => ({ id: page * PAGE_SIZE + k, name: `${query.sort}${query.q}${page * PAGE_SIZE + k}` }));
      resolve({ rows, total });
    };
    call.reject = (e) => reject(e);
    signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    calls.push(call);
  });
  const find = (what) => {
    const call = calls.find((c) => c.what === what && !c.done);
    assert.ok(call, `a request for ${what}: ${calls.map((c) => c.what).join(' ')}`);
    call.done = true;
    return call;
  };
  return {
    load,
    calls,
    release: async (what) => { find(what).resolve(); await settle(); },
    fail: async (what, message) => { find(what).reject(new Error(message)); await settle(); },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const q = (sort, filter = '', profile = 1) => tableQuery({ profile, sort, order: 'desc', filter });

function setup() {
  const fake = fakeLoad();
  const changes = [];
  const query = createTableQuery({ load: fake.load, onChange: (what) => changes.push(what), cachedPages: 4 });
  return { fake, changes, query };
}

test('a query is loading until its first page is in, then shown', async () => {
  const { fake, changes, query } = setup();
  assert.equal(query.status(), 'none');
  query.want(q('cumtime'));
  assert.equal(query.status(), 'loading');
  assert.equal(query.shown(), null);
  await fake.release('cumtime/:0');
  assert.equal(query.status(), 'ready');
  assert.equal(query.shown().total, ROWS);
  assert.equal(query.rowAt(5).name, 'cumtime5');
  assert.equal(query.rowAt(PAGE_SIZE + 1), null, 'page 1 is not held yet');
  assert.deepEqual(changes, ['state', 'swap']);
  query.need([0, 1]);
  await fake.release('cumtime/:1');
  assert.equal(query.rowAt(PAGE_SIZE + 1).name, `cumtime${PAGE_SIZE + 1}`);
  assert.equal(changes.at(-1), 'rows');
  query.want(q('cumtime'));
  assert.equal(fake.calls.length, 2, 'the same query again asks nothing');
});

test('a new query keeps the old rows until its first page is in', async () => {
  const { fake, query } = setup();
  query.want(q('cumtime'));
  await fake.release('cumtime/:0');
  query.want(q('tottime'));
  assert.equal(query.status(), 'loading');
  assert.equal(query.rowAt(0).name, 'cumtime0', 'the old rows stay on screen');
  await fake.release('tottime/:0');
  assert.equal(query.rowAt(0).name, 'tottime0');
  assert.equal(query.status(), 'ready');
  // Back to a query whose first page is held: shown at once, no request.
  const before = fake.calls.length;
  query.want(q('cumtime'));
  assert.equal(query.status(), 'ready');
  assert.equal(query.rowAt(0).name, 'cumtime0');
  assert.equal(fake.calls.length, before);
});

test('pages no longer needed are aborted, the wanted first page is not', async () => {
  const { fake, query } = setup();
  query.want(q('cumtime'));
  await fake.release('cumtime/:0');
  query.need([1, 2]);
  const [one, two] = fake.calls.slice(1);
  query.need([2]);
  assert.ok(one.signal.aborted, 'page 1 scrolled away');
  assert.ok(!two.signal.aborted);
  query.want(q('cumtime', 'fib'));
  assert.ok(two.signal.aborted, 'a new query aborts the old one\'s pages');
  const first = fake.calls.at(-1);
  query.need([0]);
  assert.ok(!first.signal.aborted, 'the wanted query\'s first page is still wanted while the old rows show');
  query.want(q('tottime'));
  assert.ok(first.signal.aborted, 'superseded');
  await fake.release('tottime/:0');
  assert.equal(query.rowAt(0).name, 'tottime0');
});

test('an answer that comes after its query was superseded changes nothing', async () => {
  const { fake, changes, query } = setup();
  query.want(q('cumtime'));
  const late = fake.calls[0];
  query.want(q('tottime'));
  late.done = true;
  late.resolve();
  await settle();
  assert.equal(query.shown(), null, 'the aborted query is not shown');
  await fake.release('tottime/:0');
  assert.equal(query.rowAt(0).name, 'tottime0');
  assert.equal(changes.filter((c) => c === 'swap').length, 1);
});

test('a failed first page leaves nothing shown; a failed later page keeps the rows', async () => {
  const { fake, query } = setup();
  query.want(q('cumtime'));
  await fake.release('cumtime/:0');
  query.want(q('tottime'));
  await fake.fail('tottime/:0', 'HTTP 500');
  assert.equal(query.status(), 'error');
  assert.equal(query.error(), 'HTTP 500');
  assert.equal(query.shown(), null, 'the old rows are not the new query\'s');
  query.want(q('cumtime'));
  assert.equal(query.status(), 'ready', 'a held query shows again');
  assert.equal(query.error(), '');
  query.need([1]);
  await fake.fail('cumtime/:1', 'server gone');
  assert.equal(query.status(), 'error');
  assert.equal(query.rowAt(0).name, 'cumtime0', 'the rows in hand stay');
  query.want(q('calls'));
  assert.equal(query.status(), 'loading', 'a new query is loading, whatever the old one lacked');
  query.want(q('cumtime'));
  query.need([1]);
  await fake.release('cumtime/:1');
  assert.equal(query.status(), 'ready', 'the page came after all');
  assert.equal(query.error(), '');
});

test('no profile: nothing shown, nothing asked', async () => {
  const { fake, query } = setup();
  query.want(q('cumtime'));
  await fake.release('cumtime/:0');
  query.want(q('cumtime', '', null));
  assert.equal(query.status(), 'none');
  assert.equal(query.shown(), null);
  assert.equal(query.rowAt(0), null);
  query.need([0, 1]);
  assert.equal(fake.calls.length, 1);
});

test('the query of the store: profile, sort, order and filter, keyed apart', () => {
  const a = tableQuery({ profile: 3, sort: 'tottime', order: 'asc', filter: 'x' });
  assert.deepEqual({ ...a, key: undefined }, { profile: 3, sort: 'tottime', order: 'asc', q: 'x', key: undefined });
  assert.equal(tableQuery({ profile: 3, sort: 'tottime', order: 'asc', filter: undefined }).q, '');
  assert.notEqual(a.key, tableQuery({ profile: 3, sort: 'tottime', order: 'asc', filter: 'x,' }).key);
  assert.equal(tableQuery({}).profile, null);
});
