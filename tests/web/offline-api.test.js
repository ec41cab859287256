// model/offline-api.js: a report's API, answered from the data export/html.c
// inlines — tree views (path, depth, cutoff over the report's own cut), the
// table (sort, order, filter, pages), one function's callers and callees
// and where it opens, and what the report says it left out.
// (tests/browser/report.test.mjs checks it answers as the server does on a
// real profile.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createOfflineApi, decodeReportData } from '../../web/js/model/offline-api.js';

// main calls a and b, a calls b; x (named only as a caller) calls main; c
// (a built-in) was never called.  The report's tree cut a's b below its
// depth (more) and merged three boxes under main.
function data({ cutoff = 0.0001, capped = '', shownDepth = 40, recorded = false } = {}) {
  return {
    v: 1,
    profile: { id: 7, name: 'x.prof', tree: recorded ? 'recorded' : 'inferred' },
    funcs: {
      entries: 4,
      file: ['m.py', 'm.py', 'n.py', '~', 'o.py'],
      name: ['main', 'a', 'b', '<built-in method len>', 'x'],
      line: [1, 2, 3, 0, 9],
      cc: [1, 2, 3, 0, 0],
      nc: [1, 2, 3, 0, 0],
      tt: [0.1, 0.3, 'nan', 0, 0],
      ct: [1.0, 0.6, 0.3, 0, 0],
    },
    edges: {
      caller: [4, 0, 0, 1],
      callee: [0, 1, 2, 2],
      nc: [1, 2, 1, 2],
      cc: [1, 2, 1, 2],
      tt: [0.1, 0.3, 0.1, 0.2],
      ct: [1.0, 0.6, 0.1, 0.2],
      count: [3],
    },
    tree: {
      depth: 40, cutoff, capped, shown_depth: shownDepth,
      func: [-1, 0, 1, 2, 2, -2],
      kids: [1, 3, 1, 0, 0, 0],
      time: [1.0, 1.0, 0.6, 0.3, 0.09, 0.01],
      self: [0, 0.3, 0.3, 0.3, 0.09, 0.01],
      calls: [1, 1, 2, 2, 1, 3],
      lo: [1.0, 1.0, 0.6, 0.2, 0.09, 0.01],
      hi: [1.0, 1.0, 0.6, 0.4, 0.09, 0.01],
      flags: [3, 3, 3, 6, 3, 4],
      merged: [0, 0, 0, 0, 0, 3],
    },
  };
}

const apiOf = (opts) => createOfflineApi(() => data(opts));
const names = (box) => (box.children ?? []).map((c) => c.name);

test('a view of the whole profile keeps what the report cut as it was cut', async () => {
  const v = await apiOf().tree(7, {});
  assert.deepEqual(v.path, []);
  assert.equal(v.capped, false);
  assert.equal(v.root.name, '(all)');
  assert.equal(v.root.id, null);
  const main = v.root.children[0];
  assert.deepEqual(names(main), ['a', 'b', '(3 smaller)']);
  assert.equal(main.children[2].more, true);
  assert.equal(main.children[2].n_merged, 3);
  const deepB = main.children[0].children[0];
  assert.equal(deepB.name, 'b');
  assert.equal(deepB.more, true, 'a box the report cut below keeps `more`');
  assert.deepEqual([deepB.lo, deepB.hi, deepB.exact, deepB.calls_exact], [0.2, 0.4, false, true]);
  assert.equal(deepB.file, 'n.py');
  assert.equal(deepB.line, 3);
});

test('the cutoff merges, relative to the view root, with the report\'s merged boxes', async () => {
  const api = apiOf();
  const v = await api.tree(7, { cutoff: 0.1 });
  const main = v.root.children[0];
  assert.deepEqual(names(main), ['a', '(4 smaller)']);
  const small = main.children[1];
  assert.equal(small.n_merged, 4, 'b, and the three the report merged');
  assert.ok(Math.abs(small.time - 0.1) < 1e-12);
  assert.equal(small.self, small.time);
  assert.equal(small.exact, false, 'a sum of estimates is one');
  assert.equal(small.more, true);
  // Rooted at a (0.6), a cutoff of 0.6 keeps b (0.3 < 0.36 merges it).
  const rooted = await api.tree(7, { path: [0, 1], cutoff: 0.6 });
  assert.deepEqual(rooted.path.map((b) => b.name), ['main', 'a']);
  assert.equal(rooted.root.name, 'a');
  assert.deepEqual(names(rooted.root), ['(1 smaller)']);
  // A recorded tree's boxes are exact, and so is what they add up to.
  const rec = await apiOf({ recorded: true }).tree(7, { cutoff: 0.1 });
  assert.equal(rec.root.children[0].children[1].exact, true);
});

test('depth stops the view and flags what is below', async () => {
  const v = await apiOf().tree(7, { depth: 1 });
  const main = v.root.children[0];
  assert.deepEqual(main.children, []);
  assert.equal(main.more, true);
  const two = await apiOf().tree(7, { depth: 2 });
  assert.equal(two.root.children[0].children[0].more, true, 'a has children below the view');
  await assert.rejects(apiOf().tree(7, { depth: 0 }), (e) => e.status === 400);
  await assert.rejects(apiOf().tree(7, { cutoff: 2 }), (e) => e.status === 400);
});

test('a path the report does not hold is a 404 that says why; so is another profile', async () => {
  await assert.rejects(apiOf().tree(7, { path: [0, 3] }), (e) => e.status === 404 && /cut for size/.test(e.message));
  await assert.rejects(apiOf().profile(8), (e) => e.status === 404);
  assert.equal((await apiOf().profile('7')).name, 'x.prof', 'an id from the URL is a string');
});

test('the table sorts as the server does: ties in file order, NaN and never-called last both ways', async () => {
  const ids = async (params) => (await apiOf().functions(7, params)).rows.map((r) => r.id);
  assert.deepEqual(await ids({}), [0, 1, 2, 3], 'cumtime, largest first, by default');
  assert.deepEqual(await ids({ sort: 'tottime' }), [1, 0, 3, 2]);
  assert.deepEqual(await ids({ sort: 'tottime', order: 'asc' }), [3, 0, 1, 2]);
  assert.deepEqual(await ids({ sort: 'tpercall', order: 'asc' }), [0, 1, 2, 3], 'c was never called');
  assert.deepEqual(await ids({ sort: 'name' }), [3, 1, 2, 0]);
  assert.deepEqual(await ids({ sort: 'file', order: 'desc' }), [3, 2, 0, 1], 'ties keep file order');
  assert.deepEqual(await ids({ sort: 'calls' }), [2, 1, 0, 3]);
  const page = await apiOf().functions(7, { sort: 'line', offset: 1, limit: 2 });
  assert.deepEqual(page, {
    total: 4, offset: 1, limit: 2, sort: 'line', order: 'asc',
    rows: [
      { id: 0, file: 'm.py', line: 1, name: 'main', cc: 1, nc: 1, tt: 0.1, ct: 1.0 },
      { id: 1, file: 'm.py', line: 2, name: 'a', cc: 2, nc: 2, tt: 0.3, ct: 0.6 },
    ],
  });
  await assert.rejects(apiOf().functions(7, { limit: 0 }), (e) => e.status === 400);
  await assert.rejects(apiOf().functions(7, { sort: 'size' }), (e) => e.status === 400);
  await assert.rejects(apiOf().functions(7, { order: 'up' }), (e) => e.status === 400);
});

test('the filter is a substring of the name or file, ASCII case ignored; caller-only functions have no row', async () => {
  const ids = async (q) => (await apiOf().functions(7, { q })).rows.map((r) => r.id);
  assert.deepEqual(await ids('M.PY'), [0, 1]);
  assert.deepEqual(await ids('BUILT-IN'), [3]);
  assert.deepEqual(await ids('o.py'), [], 'x has no row of its own');
  assert.equal((await apiOf().functions(7, { q: 'a' })).total, 2, 'main and a');
});

test('a function: callers in file order, callees by ct, estimates flagged, where it opens', async () => {
  const api = apiOf();
  const b = await api.func(7, 2);
  assert.deepEqual(b.callers.map((e) => [e.id, e.name, e.nc, e.ct, e.is_count]),
    [[0, 'main', 1, 0.1, false], [1, 'a', 2, 0.2, true]]);
  assert.deepEqual(b.callees, []);
  assert.deepEqual(b.path, [0, 1, 2], 'its widest box');
  assert.equal(b.caller_only, false);
  const main = await api.func(7, 0);
  assert.deepEqual(main.callees.map((e) => e.id), [1, 2]);
  assert.deepEqual(main.callers.map((e) => e.name), ['x']);
  assert.deepEqual(main.path, [0]);
  const x = await api.func(7, 4);
  assert.equal(x.caller_only, true);
  assert.equal(x.path, null, 'named only as a caller: nowhere in the tree');
  assert.deepEqual((await api.func(7, 3)).path, [], 'a top-level function the report merged opens at the top');
  await assert.rejects(api.func(7, 5), (e) => e.status === 404);
});

test('a function the report cut opens at its nearest caller that has a box', async () => {
  const d = data();
  // b's boxes were all merged: only main and a are left.
  d.tree = { ...d.tree, func: [-1, 0, 1, -2], kids: [1, 2, 0, 0], time: [1, 1, 0.6, 0.1], self: [0, 0.3, 0.6, 0.1],
    calls: [1, 1, 2, 3], lo: [1, 1, 0.6, 0.1], hi: [1, 1, 0.6, 0.1], flags: [3, 3, 3, 4], merged: [0, 0, 0, 2] };
  assert.deepEqual((await createOfflineApi(() => d).func(7, 2)).path, [0], 'main, the wider of its callers\' boxes');
});

test('a function with no box in a tree the report kept whole has nowhere to open, as on the server', async () => {
  const d = data({ cutoff: 0 });
  d.tree = { ...d.tree, func: [-1, 0, 1], kids: [1, 1, 0], time: [1, 1, 0.6], self: [0, 0.4, 0.6], calls: [1, 1, 2],
    lo: [1, 1, 0.6], hi: [1, 1, 0.6], flags: [3, 3, 3], merged: [0, 0, 0] };
  const api = createOfflineApi(() => d);
  assert.equal((await api.func(7, 2)).path, null, 'b: called only where no box was recorded');
  assert.deepEqual((await api.func(7, 1)).path, [0, 1]);
});

test('the note says what was left out', async () => {
  assert.match(await apiOf().reportNote(), /boxes under 0\.01% of the total time are merged into "\(N smaller\)" boxes, and levels past 40 are left out/);
  assert.equal(await apiOf({ cutoff: 0 }).reportNote(),
    'This report is a file, not a server: levels past 40 are left out; the table and callers/callees hold every function.');
  assert.match(await apiOf({ cutoff: 0.0001, capped: 'boxes', shownDepth: 12 }).reportNote(),
    /levels past 12 \(the most boxes a report holds: 6\) are left out/);
});

test('a null in a column is the value it stands for: cc is nc, an edge\'s tt its ct, self and lo the time, hi lo', async () => {
  const d = data();
  d.funcs.cc = [null, null, null, null, null];
  d.edges.cc = [null, null, null, null];
  d.edges.tt = [null, 0.3, null, 0.2];
  d.tree.self = [0, 0.3, 0.3, null, null, null];
  d.tree.lo = [null, null, null, 0.2, null, null];
  d.tree.hi = [null, null, null, 0.4, null, null];
  const api = createOfflineApi(() => d);
  for (const r of (await api.functions(7, {})).rows) assert.equal(r.cc, d.funcs.nc[r.id]);
  const b = await api.func(7, 2);
  assert.deepEqual(b.callers.map((e) => [e.cc, e.tt]), [[1, 0.1], [2, 0.2]]);
  const v = await api.tree(7, {});
  const a = v.root.children[0].children[0];
  assert.deepEqual([a.lo, a.hi], [0.6, 0.6]);
  assert.deepEqual([a.children[0].self, a.children[0].lo, a.children[0].hi], [0.3, 0.2, 0.4]);
  assert.equal(v.root.children[0].children[1].self, 0.09);
});

test('the inlined data reads back from base64 of gzip; other data is refused', async () => {
  const text = gzipSync(Buffer.from(JSON.stringify(data()))).toString('base64');
  const d = await decodeReportData(`\n${text}\n`);
  assert.equal(d.profile.name, 'x.prof');
  const api = createOfflineApi(() => decodeReportData(text));
  assert.equal((await api.functions(7, {})).total, 4);
  await assert.rejects(createOfflineApi(() => ({ v: 2 })).profile(7), /not in a format this page reads/);
});

test('an aborted request throws an AbortError, as fetch does', async () => {
  const c = new AbortController();
  c.abort();
  await assert.rejects(apiOf().tree(7, {}, c.signal), (e) => e.name === 'AbortError');
});
