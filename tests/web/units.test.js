// model/units.js and what the page writes in each unit: layout/format.js's
// formatValue / formatWithUnit / formatAmount, the table's headers
// (layout/table.js), the summary line (layout/summary.js), box labels
// (render/labels.js) and the notes (layout/notes.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAmount, formatDuration, formatValue, formatWithUnit } from '../../web/js/layout/format.js';
import { bandNote, exactNote, pathsNote, searchNote, searchTitle, totalOf } from '../../web/js/layout/notes.js';
import { summaryLine, variantNote } from '../../web/js/layout/summary.js';
import { COLUMNS, headerChars, rowsToCsv, tableColumns, tableRow } from '../../web/js/layout/table.js';
import { RUN_THIN } from '../../web/js/layout/icicle.js';
import { treeFromView } from '../../web/js/model/tree.js';
import { PSTATS_UNITS, headerUnit, isPstatsUnits, readUnits, unitWord } from '../../web/js/model/units.js';
import { boxTime } from '../../web/js/render/labels.js';
import { edgeHeaders } from '../../web/js/ui/butterfly-view.js';
import { box, wholeView } from './support.js';

const units = (unit, callsUnit = 'calls', extra = {}) => readUnits({ unit, calls_unit: callsUnit, ...extra });
const SAMPLES = units('samples', 'samples');
const MICRO = units('microseconds', 'samples');
const BYTES = units('bytes', 'samples');
const NONE = units('none', 'samples');
const IR = units('Ir', 'calls', { variant: 'event=Ir', choices: ['event=Ir', 'event=Dr', 'event=Dw'] });

test('units: kinds, and pstats\' seconds and calls when the summary has none', () => {
  assert.deepEqual({ ...PSTATS_UNITS }, { unit: 'seconds', callsUnit: 'calls', variant: '', choices: [], kind: 'time', seconds: 1 });
  assert.ok(isPstatsUnits(PSTATS_UNITS));
  for (const [unit, kind, seconds] of [['seconds', 'time', 1], ['milliseconds', 'time', 1e-3], ['microseconds', 'time', 1e-6],
    ['nanoseconds', 'time', 1e-9], ['bytes', 'bytes', 0], ['samples', 'count', 0], ['none', 'count', 0], ['Ir', 'event', 0],
    ['Time_(10ns)', 'event', 0], ['constructor', 'event', 0], ['__proto__', 'event', 0]]) {
    const u = units(unit);
    assert.equal(u.kind, kind, unit);
    assert.equal(u.seconds, seconds, unit);
  }
  for (const odd of [null, {}, { unit: 3, calls_unit: 'CALLS' }, { unit: '' }]) assert.deepEqual(readUnits(odd), PSTATS_UNITS, JSON.stringify(odd));
  assert.equal(readUnits({ unit: 'x'.repeat(500) }).unit.length, 64, 'an event name from the file is cut for headers');
  assert.ok(Object.isFrozen(SAMPLES) && Object.isFrozen(IR.choices));
  assert.ok(!isPstatsUnits(MICRO) && !isPstatsUnits(units('seconds', 'samples')));
  assert.deepEqual([SAMPLES, NONE, BYTES, IR, MICRO].map(unitWord), ['samples', '', '', 'Ir', '']);
  assert.deepEqual([SAMPLES, NONE, BYTES, IR, MICRO].map(headerUnit), ['samples', '', 'bytes', 'Ir', 'microseconds']);
});

test('every unit at 0, 1e-9, 1, 1e12, NaN and infinity', () => {
  const cases = [
    [PSTATS_UNITS, ['0 s', '1.00 ns', '1.00 s', '1000000000000 s', 'nan', 'inf']],
    [units('milliseconds'), ['0 s', '1.00e-12 s', '1.00 ms', '1000000000 s', 'nan', 'inf']],
    [MICRO, ['0 s', '1.00e-15 s', '1.00 µs', '1000000 s', 'nan', 'inf']],
    [units('nanoseconds'), ['0 s', '1.00e-18 s', '1.00 ns', '1000 s', 'nan', 'inf']],
    [BYTES, ['0 B', '0 B', '1 B', '931 GiB', 'nan', 'inf']],
    [SAMPLES, ['0', '1e-9', '1', '1,000,000,000,000', 'nan', 'inf']],
    [NONE, ['0', '1e-9', '1', '1,000,000,000,000', 'nan', 'inf']],
    [IR, ['0', '1e-9', '1', '1,000,000,000,000', 'nan', 'inf']],
  ];
  for (const [u, want] of cases) {
    assert.deepEqual([0, 1e-9, 1, 1e12, NaN, 'inf'].map((v) => formatValue(v, u)), want, u.unit);
  }
  assert.equal(formatValue('-inf', SAMPLES), '-inf');
  assert.equal(formatValue(null, SAMPLES), 'nan', 'what is not a number never passes for one');
});

test('time units are written as the page writes seconds, whatever unit the file counted in', () => {
  for (const [value, unit, seconds] of [[1234, 'microseconds', 1234e-6], [526, 'milliseconds', 0.526], [16400, 'nanoseconds', 16.4e-6],
    [1.5, 'seconds', 1.5], [999600, 'microseconds', 0.9996]]) {
    assert.equal(formatValue(value, units(unit)), formatDuration(seconds), `${value} ${unit}`);
  }
  assert.equal(formatValue(1234, MICRO), '1.23 ms');
  // Without units, and with pstats', the figure reads exactly as before.
  for (const v of [0.0899005, 1.17, 16.4e-6, 'nan']) {
    assert.equal(formatValue(v), formatDuration(v));
    assert.equal(formatValue(v, PSTATS_UNITS), formatDuration(v));
    assert.equal(formatWithUnit(v, PSTATS_UNITS), formatDuration(v));
  }
});

test('amounts: whole numbers grouped, fractions to three significant digits', () => {
  const cases = [
    [0, '0'], [7, '7'], [1234, '1,234'], [50010, '50,010'], [-1234567, '-1,234,567'], [2 ** 53 + 2, '9,007,199,254,740,994'],
    [0.5, '0.5'], [12.345, '12.3'], [0.1 + 0.2, '0.3'], [2.5e-5, '0.000025'], [999.4, '999'], [999.96, '1,000'],
    [1234.567, '1,234.6'], [1234.04, '1,234'], [1e-9, '1e-9'], [1.5e22, '1.5e+22'], [NaN, 'nan'], [-Infinity, '-inf'],
  ];
  for (const [v, want] of cases) assert.equal(formatAmount(v), want, String(v));
});

test('bytes in binary units; counts with their unit\'s word where they stand alone', () => {
  assert.equal(formatValue(1536, BYTES), '1.5 KiB');
  assert.equal(formatValue(256 * 1048576, BYTES), '256 MiB');
  assert.equal(formatValue(-2048, BYTES), '-2.0 KiB');
  assert.equal(formatWithUnit(1536, BYTES), '1.5 KiB');
  assert.equal(formatWithUnit(1234, SAMPLES), '1,234 samples');
  assert.equal(formatWithUnit(5e6, IR), '5,000,000 Ir');
  assert.equal(formatWithUnit(0.5, NONE), '0.5', 'unitless weights have no word');
  assert.equal(formatWithUnit(1234, MICRO), '1.23 ms');
});

test('table headers: pstats\' own for seconds and calls, the unit named otherwise', () => {
  const labels = (u) => tableColumns(u).map((c) => c.label);
  assert.equal(tableColumns(PSTATS_UNITS), COLUMNS);
  assert.equal(tableColumns(), COLUMNS);
  assert.deepEqual(labels(SAMPLES), ['samples', 'self (samples)', 'total (samples)', 'filename:lineno(function)']);
  assert.deepEqual(labels(NONE), ['samples', 'self', 'total', 'filename:lineno(function)']);
  assert.deepEqual(labels(BYTES), ['samples', 'self (bytes)', 'total (bytes)', 'filename:lineno(function)']);
  assert.deepEqual(labels(MICRO), ['samples', 'tottime', 'cumtime', 'filename:lineno(function)']);
  assert.deepEqual(labels(IR), ['ncalls', 'self (Ir)', 'percall', 'total (Ir)', 'percall', 'filename:lineno(function)']);
  assert.deepEqual(labels(units('milliseconds', 'calls')), COLUMNS.map((c) => c.label), 'times per call: pstats\' headers');
  // Same keys and sorts: the URL's sort works in every format.
  for (const u of [SAMPLES, IR, BYTES]) {
    for (const c of tableColumns(u)) assert.equal(c.sort, COLUMNS.find((p) => p.key === c.key).sort, `${u.unit} ${c.key}`);
  }
  assert.match(tableColumns(IR)[1].title, /\(Ir\)$/);
  // Headers wider than a figure widen their column; pstats' never do.
  for (const c of COLUMNS.filter((k) => k.key !== 'location')) assert.equal(headerChars(c.label), null, c.label);
  assert.equal(headerChars('self (samples)'), 16);
  assert.equal(headerChars('total (Time_(10ns))'), 21);
  assert.equal(headerChars('samples'), null);
  assert.match(tableColumns(SAMPLES)[0].title, /^Samples/);
});

test('table cells and CSV in the profile\'s units', () => {
  const row = { id: 1, file: 'app.py', line: 3, name: 'work', nc: 1200, cc: 1200, tt: 1234, ct: 5678 };
  assert.deepEqual(tableRow(row, SAMPLES), {
    ncalls: '1200', tottime: '1,234', tpercall: '1.03', cumtime: '5,678', cpercall: '4.73', location: 'app.py:3(work)',
  });
  assert.equal(tableRow(row, MICRO).tottime, '1.23 ms');
  assert.equal(tableRow(row, BYTES).cumtime, '5.5 KiB');
  assert.equal(tableRow({ ...row, nc: 2, cc: 2 }, IR).tpercall, '617');
  assert.equal(rowsToCsv([row], SAMPLES), 'samples,self (samples),total (samples),filename,lineno,function\r\n1200,1234,5678,app.py,3,work\r\n');
  assert.equal(rowsToCsv([row], IR).split('\r\n')[0],
    'ncalls,pcalls,self (Ir),self per call (Ir),total (Ir),total per primitive call (Ir),filename,lineno,function');
  assert.equal(rowsToCsv([row], NONE).split('\r\n')[0], 'samples,self,total,filename,lineno,function');
  assert.equal(rowsToCsv([row]).split('\r\n')[0], 'ncalls,pcalls,tottime,tpercall,cumtime,cpercall,filename,lineno,function');
});

test('the summary says format, writer, the part shown of several, and the total in its unit', () => {
  const base = { functions: 11, calls: 8839, total: 0.0899005 };
  assert.equal(summaryLine({ ...base, format: 'pstats', writer: 'cProfile', units: PSTATS_UNITS }),
    'pstats · cProfile · 11 functions · 8,839 calls · 89.9 ms');
  assert.equal(summaryLine({ ...base, format: 'speedscope', writer: 'py-spy@0.3.14', units: SAMPLES, total: 2345 }),
    'speedscope · py-spy@0.3.14 · 11 functions · 2,345 samples', 'sampled: no calls, they are samples again');
  assert.equal(summaryLine({ ...base, format: 'callgrind', writer: 'valgrind', units: IR, calls: 1234, total: 5e6 }),
    'callgrind · valgrind · event Ir (of Ir, Dr, Dw) · 11 functions · 1,234 calls · 5,000,000 Ir');
  assert.equal(summaryLine({ format: 'speedscope', writer: '', functions: null, calls: null, total: null,
    units: units('none', 'samples', { variant: 'profile=2', choices: ['profile=1', 'profile=2', 'profile=3'] }) }),
  'speedscope · profile 2 (of 3)');
  assert.equal(variantNote(units('Ir', 'calls', { variant: '', choices: ['event=Ir', 'event=Dr'] })), 'event Ir (of Ir, Dr)',
    'the default part is the first');
  assert.equal(variantNote(units('Ir', 'calls', { variant: 'event=Ir', choices: ['event=Ir'] })), 'event Ir');
  assert.equal(variantNote(SAMPLES), '');
  assert.equal(variantNote(units('none', 'samples', { variant: '', choices: ['profile=1', 'profile=2', 'profile=3'] })),
    'all 3 profiles', 'speedscope\'s default: every profile, each under its own box');
  assert.equal(summaryLine({ ...base, format: 'folded', writer: 'a\u202eb', units: SAMPLES }).includes('\u202e'), false,
    'bidi controls in a writer are made visible');
});

test('box labels and notes in the profile\'s units', () => {
  const tree = treeFromView(wholeView(box(null, 1234, [box(0, 1000, [], { exact: false, lo: 900, hi: 1100 })])));
  assert.equal(boxTime(tree, 0, SAMPLES), '1,234');
  assert.equal(boxTime(tree, 1, SAMPLES), '≈ 1,000');
  assert.equal(boxTime(tree, 0, MICRO), '1.23 ms');
  assert.equal(boxTime(tree, 0, BYTES), '1.2 KiB');
  assert.equal(boxTime(tree, 0), formatDuration(1234), 'no units: seconds, as before');
  const band = { kind: RUN_THIN, boxes: 3, time: 6, total: 17 };
  assert.match(bandNote(band, 'hub', true, SAMPLES).detail, /^6 samples in all/);
  assert.match(bandNote(band, 'hub', true).detail, /^6\.00 s in all/);
  const exact = { kind: 'exact', share: 0.424, name: 'f0' };
  assert.equal(searchNote(exact), "42.4% of total time (f0's cumtime)");
  assert.equal(searchNote(exact, PSTATS_UNITS), "42.4% of total time (f0's cumtime)");
  assert.equal(searchNote(exact, SAMPLES), "42.4% of total samples (f0's total)");
  assert.equal(searchNote(exact, IR), "42.4% of total Ir (f0's total)");
  assert.equal(searchTitle(exact, PSTATS_UNITS), searchTitle(exact), 'pstats: as before');
  assert.match(searchTitle(exact), /its cumulative time over the profile's total, as pstats gives it\.$/);
  assert.match(searchTitle(exact, SAMPLES), /its cumulative samples over the profile's total\.$/);
  assert.match(searchTitle({ kind: 'bounds', count: 3, share: 0.5, lo: 0.4, hi: 0.6 }, IR), /largest one's cumulative Ir .* each stretch of Ir counted once/);
  assert.deepEqual([PSTATS_UNITS, MICRO, SAMPLES, NONE, BYTES, IR].map(totalOf), ['time', 'time', 'samples', 'weight', 'bytes', 'Ir']);
  assert.equal(exactNote({ exact: 1, total: 1 }, SAMPLES), 'exact: 100% of the samples drawn');
  assert.equal(exactNote({ exact: 1, total: 2 }, PSTATS_UNITS), 'exact: 50% of the time drawn');
  assert.equal(exactNote({ exact: 1, total: 2 }, IR), 'exact: 50% of the Ir drawn');
  assert.match(pathsNote('stacks'), /Exact call paths.*stacks the file holds/);
  assert.match(pathsNote('recorded'), /^ Recorded call paths/);
  assert.match(pathsNote('inferred'), /estimates/);
});

test('the butterfly\'s edge headers: pstats\' for seconds, the unit in their titles otherwise', () => {
  const labels = (u) => edgeHeaders(u).map((h) => h.label);
  assert.deepEqual(labels(PSTATS_UNITS), ['function', 'ncalls', 'tottime', 'cumtime']);
  assert.deepEqual(labels(SAMPLES), ['function', 'samples', 'self', 'total']);
  assert.deepEqual(labels(IR), ['function', 'ncalls', 'self', 'total']);
  assert.deepEqual(labels(MICRO), ['function', 'samples', 'tottime', 'cumtime']);
  assert.match(edgeHeaders(IR)[2].title, /\(Ir\)/);
});
