// model/profiles.js: the server's token needs, the list of profiles, and
// upload names the API accepts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathsOf, readProfilePage, readProfiles, readServer, readSummary, uploadName } from '../../web/js/model/profiles.js';
import { PSTATS_UNITS } from '../../web/js/model/units.js';

test('token needs: as said, else the cautious choice', () => {
  assert.deepEqual(readServer({ version: '0.1.0', reads: 'open', uploads: 'open' }), { reads: 'open', uploads: 'open' });
  assert.deepEqual(readServer({ version: '0.1.0', reads: 'token', uploads: 'token' }), { reads: 'token', uploads: 'token' });
  for (const odd of [{}, null, { reads: 'TOKEN', uploads: 'Open' }, { reads: true, uploads: 1 }]) {
    assert.deepEqual(readServer(odd), { reads: 'open', uploads: 'token' }, JSON.stringify(odd));
  }
});

// GET /api/profiles of a real server (profviz view on two fixtures).
const LISTING = {
  profiles: [
    { id: 2, name: 'hostile.prof', url: '/p/2', format: 'pstats', writer: 'cProfile', size: 994, loaded_at: 1795795150,
      total_tt: 0.7460000000000001, total_calls: 28, prim_calls: 26, n_funcs: 10, n_edges: 11 },
    { id: 1, name: 'profile_module.prof', url: '/p/1', format: 'pstats', writer: 'profile', size: 744, loaded_at: 1795795150,
      total_tt: 0.018067900000000102, total_calls: 1777, prim_calls: 559, n_funcs: 11, n_edges: 12 },
  ],
};

test('profiles as the index shows them, newest first', () => {
  assert.deepEqual(readProfiles(LISTING), [
    { id: 2, name: 'hostile.prof', format: 'pstats', writer: 'cProfile', units: PSTATS_UNITS, size: 994, loadedAt: 1795795150, totalTime: 0.7460000000000001, functions: 10, labels: [] },
    { id: 1, name: 'profile_module.prof', format: 'pstats', writer: 'profile', units: PSTATS_UNITS, size: 744, loadedAt: 1795795150, totalTime: 0.018067900000000102, functions: 11, labels: [] },
  ]);
  const shuffled = readProfiles({ profiles: [
    { id: 3, loaded_at: 100 }, { id: 9, loaded_at: 300 }, { id: 5 }, { id: 4, loaded_at: 300 }, { id: 7, loaded_at: 200 },
  ] });
  assert.deepEqual(shuffled.map((p) => p.id), [9, 4, 7, 3, 5], 'by time stored, then the later id; no time last');
  assert.deepEqual(readProfiles({ profiles: [] }), []);
});

test('an entry that cannot be linked to is left out; odd figures are blank', () => {
  const list = readProfiles({ profiles: [
    null, 'x', { id: 0 }, { id: -1 }, { id: '3' }, { id: 1.5 }, { id: 2 ** 53 },
    { id: 6, name: 7, writer: null, size: -1, loaded_at: 'yesterday', total_tt: 'nan', n_funcs: 2.5, url: 'javascript:alert(1)' },
  ] });
  assert.deepEqual(list, [{ id: 6, name: '', format: 'pstats', writer: '', units: PSTATS_UNITS, size: null, loadedAt: null, totalTime: 'nan', functions: null, labels: [] }]);
  assert.ok(!('url' in list[0]), 'the answer\'s url is never used');
  for (const bad of [null, {}, { profiles: {} }, []]) assert.throws(() => readProfiles(bad), /not a list of profiles/);
});

test('a list entry of another format says which, and what its total counts', () => {
  const [p] = readProfiles({ profiles: [
    { id: 4, name: 'py-spy.json', format: 'speedscope', writer: 'py-spy@0.3.14', total_tt: 1234, unit: 'samples', calls_unit: 'samples' },
  ] });
  assert.equal(p.format, 'speedscope');
  assert.equal(p.units.unit, 'samples');
  assert.equal(p.units.callsUnit, 'samples');
  assert.equal(p.units.kind, 'count');
});

test('the summary: format, writer, how paths are known, units; pstats when fields are missing', () => {
  const s = readSummary({ name: 'cg.out', format: 'callgrind', writer: 'valgrind', tree: 'inferred', unit: 'Ir',
    calls_unit: 'calls', variant: 'event=Ir', choices: ['event=Ir', 'event=Dr', 7], n_funcs: 50, total_calls: 1234, total_tt: 5e6 });
  assert.deepEqual({ ...s, units: { ...s.units } }, {
    name: 'cg.out', format: 'callgrind', writer: 'valgrind', paths: 'inferred', functions: 50, calls: 1234, total: 5e6,
    units: { unit: 'Ir', callsUnit: 'calls', variant: 'event=Ir', choices: ['event=Ir', 'event=Dr'], kind: 'event', seconds: 0 },
  });
  const old = readSummary({ name: 'x.prof', n_funcs: 2, total_calls: 3, total_tt: 'nan' });
  assert.equal(old.format, 'pstats');
  assert.deepEqual(old.units, PSTATS_UNITS);
  assert.equal(old.paths, 'inferred');
  assert.equal(readSummary(null).functions, null, 'a damaged answer: blanks, not a throw');
});

test('call paths: recorded by profviz record, exact from a stack format\'s stacks, else inferred', () => {
  assert.equal(pathsOf('pstats', 'recorded'), 'recorded');
  assert.equal(pathsOf('', 'recorded'), 'recorded');
  for (const f of ['folded', 'speedscope', 'cpuprofile']) assert.equal(pathsOf(f, 'recorded'), 'stacks', f);
  for (const f of ['pstats', 'callgrind', 'folded']) assert.equal(pathsOf(f, 'inferred'), 'inferred', f);
  assert.equal(pathsOf('folded', undefined), 'inferred');
});

test('upload names: no control characters, at most 255 bytes of whole characters', () => {
  assert.equal(uploadName('out.prof'), 'out.prof');
  assert.equal(uploadName('a+b c%20.prof'), 'a+b c%20.prof', 'the API client encodes it');
  assert.equal(uploadName('bad\nname\t\x00\x7f.prof'), 'bad_name___.prof');
  assert.equal(uploadName(''), '', 'the server picks its default');
  assert.equal(uploadName('a'.repeat(300)), 'a'.repeat(255));
  const cut = uploadName('é'.repeat(200));
  assert.equal(cut, 'é'.repeat(127), '2-byte characters: 254 bytes, not half of one more');
  assert.equal(new TextEncoder().encode(uploadName('😀'.repeat(100))).length, 252);
  assert.equal(uploadName(`${'a'.repeat(254)}😀`), 'a'.repeat(254));
});

test('a page of a listing: labels sorted by key, odd ones left out; the total', () => {
  const page = readProfilePage({ total: 120, offset: 50, limit: 50, profiles: [
    { id: 4, labels: { service: 'api', branch: 'main', 'bad key': 'x', n: 5 } },
    { id: 3, labels: ['x'] },
  ] });
  assert.equal(page.total, 120);
  assert.deepEqual(page.profiles[0].labels, [{ key: 'branch', value: 'main' }, { key: 'service', value: 'api' }]);
  assert.deepEqual(page.profiles[1].labels, []);
  assert.equal(readProfilePage({ profiles: [{ id: 1 }] }).total, 1, 'no total: the page\'s own count');
  assert.equal(readProfilePage({ total: -3, profiles: [] }).total, 0);
});
