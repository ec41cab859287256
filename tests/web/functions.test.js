// model/functions.js: pages of the functions table, one function's
// butterfly, and paging through every row.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFunctionRows, readFunction, readFunctionsPage } from '../../web/js/model/functions.js';
import { fixtureJson } from './support.js';

test('pages of the real API read as they are', () => {
  for (const name of ['recursion-functions.json', 'compileall-functions.json', 'hostile-functions.json', 'edge-functions.json', 'nan-functions.json']) {
    const json = fixtureJson(name);
    const page = readFunctionsPage(json);
    assert.equal(page.total, json.total, name);
    assert.equal(page.rows, json.rows, `${name}: the rows themselves, not copies`);
  }
});

test('a page of the wrong shape is an error, not a broken table', () => {
  const good = fixtureJson('recursion-functions.json');
  const row = good.rows[0];
  const bad = [
    null, [], {}, { total: 1 }, { rows: [] }, { total: -1, rows: [] }, { total: 1.5, rows: [] }, { total: '11', rows: [] },
    { total: 1, rows: {} }, { total: 1, rows: [null] }, { total: 1, rows: ['row'] },
    ...['id', 'file', 'line', 'name', 'nc', 'cc', 'tt', 'ct'].map((k) => ({ total: 1, rows: [{ ...row, [k]: undefined }] })),
    { total: 1, rows: [{ ...row, id: -1 }] }, { total: 1, rows: [{ ...row, id: '9' }] }, { total: 1, rows: [{ ...row, id: 2 ** 53 }] },
    { total: 1, rows: [{ ...row, name: 5 }] }, { total: 1, rows: [{ ...row, line: 1.5 }] }, { total: 1, rows: [{ ...row, nc: 1.5 }] },
    { total: 1, rows: [{ ...row, tt: 'NaN' }] }, { total: 1, rows: [{ ...row, ct: null }] },
  ];
  for (const json of bad) assert.throws(() => readFunctionsPage(json), /not a page of the functions table/, JSON.stringify(json));
  assert.doesNotThrow(() => readFunctionsPage({ total: 0, rows: [] }));
  assert.doesNotThrow(() => readFunctionsPage({ total: 1, rows: [{ ...row, tt: 'nan', ct: '-inf', extra: 1 }] }));
  assert.doesNotThrow(() => readFunctionsPage({ total: 1, rows: [{ ...row, nc: -1, cc: -1, line: -1 }] }), 'a damaged profile\'s counts');
});

// GET /api/profiles/2/functions/3 of tests/web/fixtures/hostile.prof.
const RECURSIVE = {
  id: 3, file: "=cmd|'/C calc'!A0", line: 3, name: '+SUM(1)', cc: 3, nc: 5, tt: 0.2, ct: 0.3, caller_only: false,
  callers: [
    { id: 0, file: '<script>alert("f")</script>.py', line: 1, name: 'main', nc: 1, cc: 1, tt: 0.1, ct: 0.15, is_count: false },
    { id: 3, file: "=cmd|'/C calc'!A0", line: 3, name: '+SUM(1)', nc: 2, cc: 4, tt: 0.1, ct: 0.15, is_count: false },
  ],
  callees: [{ id: 3, file: "=cmd|'/C calc'!A0", line: 3, name: '+SUM(1)', nc: 2, cc: 4, tt: 0.1, ct: 0.15, is_count: false }],
  path: [3],
};

const edge = (id, ct, extra = {}) => ({ id, file: 'w.py', line: id, name: `f${id}`, nc: 1, cc: 1, tt: 0, ct, ...extra });

test('a function with its edges, both sides by cumulative time', () => {
  const fn = readFunction(RECURSIVE);
  assert.deepEqual(
    { ...fn, callers: undefined, callees: undefined },
    { id: 3, file: "=cmd|'/C calc'!A0", line: 3, name: '+SUM(1)', cc: 3, nc: 5, tt: 0.2, ct: 0.3, caller_only: false, callers: undefined, callees: undefined },
    'fields the view does not use (path) are left behind',
  );
  assert.deepEqual(fn.callers.map((e) => e.id), [0, 3], 'ties keep the server\'s order');
  assert.deepEqual(fn.callees, RECURSIVE.callees);

  const mixed = readFunction({
    ...RECURSIVE,
    caller_only: true,
    callers: [edge(1, 0.5), edge(2, 'nan'), edge(3, 2), edge(4, 'inf'), edge(5, -1), edge(6, '-inf'), edge(7, 2), edge(8, 0)],
    callees: [edge(9, 1, { is_count: true }), edge(10, 3, { is_count: 'yes' })],
  });
  assert.deepEqual(mixed.callers.map((e) => e.id), [4, 3, 7, 1, 8, 5, 6, 2], 'inf first, -inf then NaN last');
  assert.deepEqual(mixed.callees.map((e) => [e.id, e.is_count]), [[10, false], [9, true]], 'only true is true');
  assert.equal(mixed.caller_only, true);
  assert.equal(readFunction({ ...RECURSIVE, caller_only: 'false' }).caller_only, false);
});

test('a function of the wrong shape is an error', () => {
  const bad = [
    null, {}, { ...RECURSIVE, callers: undefined }, { ...RECURSIVE, callees: null }, { ...RECURSIVE, id: 'x' },
    { ...RECURSIVE, callers: [{ ...RECURSIVE.callers[0], name: null }] }, { ...RECURSIVE, callees: [null] },
    { ...RECURSIVE, callees: [{ ...RECURSIVE.callees[0], id: undefined }] },
  ];
  for (const json of bad) assert.throws(() => readFunction(json), /not a function with its callers and callees/);
});

// An API double over `total` rows, recording what it was asked.
function fakeApi(total, { lie = 0, failAt = -1 } = {}) {
  const asked = [];
  return {
    asked,
    async functions(id, params, signal) {
      asked.push({ id, ...params, signal });
      if (params.offset === failAt) throw Object.assign(new Error('HTTP 500'), { status: 500 });
      const n = Math.max(0, Math.min(params.limit, total - params.offset));
      const rows = Array.from({ length: n }, (_, k) => edge(params.offset + k, 1));
      return { total: total + lie, offset: params.offset, limit: params.limit, rows };
    },
  };
}

test('every row, a thousand at a time, with the query and signal passed on', async () => {
  const api = fakeApi(2500);
  const signal = new AbortController().signal;
  const rows = await allFunctionRows(api, 7, { sort: 'tottime', order: 'asc', q: 'fib' }, signal);
  assert.equal(rows.length, 2500);
  assert.deepEqual(rows.map((r) => r.id), Array.from({ length: 2500 }, (_, k) => k), 'in order, none twice');
  assert.deepEqual(api.asked.map((a) => [a.id, a.offset, a.limit, a.sort, a.order, a.q]),
    [[7, 0, 1000, 'tottime', 'asc', 'fib'], [7, 1000, 1000, 'tottime', 'asc', 'fib'], [7, 2000, 1000, 'tottime', 'asc', 'fib']]);
  assert.ok(api.asked.every((a) => a.signal === signal));

  const exact = fakeApi(2000);
  assert.equal((await allFunctionRows(exact, 1, { sort: 'cumtime', order: 'desc', q: '' })).length, 2000);
  assert.equal(exact.asked.length, 2, 'no third request for an empty page');
  assert.equal(exact.asked[0].q, undefined, 'no filter, no q');

  const none = fakeApi(0);
  assert.deepEqual(await allFunctionRows(none, 1, { sort: 'cumtime', order: 'desc', q: '' }), []);
  assert.equal(none.asked.length, 1);
});

test('a server that overcounts cannot make the export loop; errors pass through', async () => {
  const liar = fakeApi(1500, { lie: 1e6 });
  assert.equal((await allFunctionRows(liar, 1, { sort: 'cumtime', order: 'desc', q: '' })).length, 1500);
  assert.equal(liar.asked.length, 3, 'stops at the first empty page');
  await assert.rejects(allFunctionRows(fakeApi(2500, { failAt: 1000 }), 1, { sort: 'cumtime', order: 'desc', q: '' }), /HTTP 500/);
  const broken = { functions: async () => ({ total: 5, rows: [{ id: 1 }] }) };
  await assert.rejects(allFunctionRows(broken, 1, { sort: 'cumtime', order: 'desc', q: '' }), /not a page of the functions table/);
});
