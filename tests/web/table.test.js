// layout/table.js: cells as pstats prints them, and CSV export.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../web/js/layout/format.js';
import { COLUMNS, csvCell, formatCalls, functionLabel, rowsToCsv, tableRow } from '../../web/js/layout/table.js';
import { SORTS } from '../../web/js/state/url-state.js';
import { fixture, fixtureJson } from './support.js';

// pstats' print_stats() lines: ncalls tottime percall cumtime percall location.
function pstatsListing(name) {
  const rows = new Map();
  for (const line of fixture(name).split('\n').slice(1)) {
    const m = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+) (.*)$/.exec(line);
    if (m) rows.set(m[6], { ncalls: m[1], tottime: m[2], tpercall: m[3], cumtime: m[4], cpercall: m[5] });
  }
  return rows;
}

test('rows read as Python\'s pstats prints them', () => {
  for (const [functions, listing] of [['recursion-functions.json', 'recursion.pstats.txt'], ['compileall-functions.json', 'compileall.pstats.txt']]) {
    const expected = pstatsListing(listing);
    const { rows } = fixtureJson(functions);
    assert.equal(rows.length, expected.size, `${functions}: one row per function`);
    for (const row of rows) {
      const cells = tableRow(row);
      const want = expected.get(cells.location);
      assert.ok(want, `${functions}: pstats lists ${cells.location}`);
      assert.equal(cells.ncalls, want.ncalls, cells.location);
      // Ours are three significant digits with a unit where pstats has
      // three decimals of seconds: the same time within both roundings.
      for (const key of ['tottime', 'tpercall', 'cumtime', 'cpercall']) {
        const ours = seconds(cells[key]);
        const theirs = Number(want[key]);
        assert.ok(Math.abs(ours - theirs) <= 0.0005 + 0.005 * Math.abs(theirs), `${cells.location} ${key}: ${cells[key]} vs ${want[key]}`);
      }
    }
  }
});

// A cell's time back in seconds: "526 ms" -> 0.526.
const SCALE = { s: 1, ms: 1e-3, 'µs': 1e-6, ns: 1e-9 };
function seconds(cell) {
  const m = /^(-?[0-9.e+-]+) (s|ms|µs|ns)$/.exec(cell);
  assert.ok(m, `a time with its unit: ${JSON.stringify(cell)}`);
  return Number(m[1]) * SCALE[m[2]];
}

test('ncalls is "nc/cc" only when recursion makes them differ', () => {
  assert.equal(formatCalls(8501, 11), '8501/11');
  assert.equal(formatCalls(1, 1), '1');
  assert.equal(formatCalls(0, 0), '0');
  assert.equal(formatCalls(1099511627777, 1099511627776), '1099511627777/1099511627776');
});

test('built-ins read {name}, everything else file:line(name)', () => {
  assert.equal(functionLabel('~', 0, '<built-in method builtins.len>'), '{built-in method builtins.len}');
  assert.equal(functionLabel('~', 0, "<method 'append' of 'list' objects>"), "{method 'append' of 'list' objects}");
  assert.equal(functionLabel('~', 0, 'plain'), 'plain', 'no angle brackets, no braces');
  assert.equal(functionLabel('~', 0, '<'), '<', 'one character is not a pair of brackets');
  assert.equal(functionLabel('~', 3, '<x>'), '~:3(<x>)', 'only line 0 marks a built-in');
  assert.equal(functionLabel('w.py', 21, 'fib'), 'w.py:21(fib)');
  assert.equal(functionLabel('w.py', 48, '<listcomp>'), 'w.py:48(<listcomp>)');
  assert.equal(functionLabel('', 0, ''), '', 'no file, no line: the name alone');
  assert.equal(functionLabel('', 0, 'P6360'), 'P6360', 'a folded frame');
  assert.equal(functionLabel('', 3, 'f'), ':3(f)', 'a line is a place');
  // Hostile names come out as the same characters: escaping is the DOM's job.
  assert.equal(functionLabel('a.py', 2, '</script><img src=x onerror=alert(1)>'), 'a.py:2(</script><img src=x onerror=alert(1)>)');
});

test('every time cell is a number and its unit, as everywhere on the page', () => {
  for (const name of ['recursion-functions.json', 'compileall-functions.json']) {
    for (const row of fixtureJson(name).rows) {
      const cells = tableRow(row);
      for (const key of ['tottime', 'tpercall', 'cumtime', 'cpercall']) {
        if (cells[key] !== '') assert.match(cells[key], /^-?[0-9]+(\.[0-9]+)? (s|ms|µs|ns)$/, `${cells.location} ${key}`);
      }
    }
  }
});

test('per-call cells are blank for a function never called', () => {
  const [empty] = fixtureJson('edge-functions.json').rows.filter((r) => r.nc === 0);
  assert.deepEqual(tableRow(empty), { ncalls: '0', tottime: '0 s', tpercall: '', cumtime: '0 s', cpercall: '', location: '' });
  const fib = fixtureJson('recursion-functions.json').rows.find((r) => r.name === 'fib');
  const cells = tableRow(fib);
  assert.equal(cells.ncalls, '8501/11');
  assert.equal(cells.tpercall, formatDuration(fib.tt / 8501), 'tottime per call: over all calls');
  assert.equal(cells.cpercall, formatDuration(fib.ct / 11), 'cumtime per call: over primitive calls');
  assert.equal(cells.cpercall, '7.86 ms');
  // "nan" and "inf" times from damaged profiles.
  const nan = fixtureJson('nan-functions.json').rows.map((r) => tableRow(r));
  assert.deepEqual(nan.map((c) => [c.tottime, c.cumtime, c.tpercall]), [['nan', 'inf', 'nan'], ['-2.50 s', '0 s', '-2.50 s']]);
});

test('every column sorts by a key the API knows', () => {
  assert.deepEqual(COLUMNS.map((c) => c.label), ['ncalls', 'tottime', 'percall', 'cumtime', 'percall', 'filename:lineno(function)']);
  for (const c of COLUMNS) {
    assert.ok(SORTS.includes(c.sort), c.sort);
    assert.ok(c.title.length > 0, 'each header has a tooltip');
    assert.ok(c.key in tableRow(fixtureJson('recursion-functions.json').rows[0]));
  }
});

// RFC 4180 read back: quoted fields may hold commas, quotes and line breaks.
function parseCsv(text) {
  const records = [];
  let fields = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
    } else if (text[i] === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      i += 2;
    } else {
      field += text[i++];
    }
  }
  assert.equal(field + fields.join(''), '', 'the text ends with CRLF');
  return records;
}

test('CSV: full precision, RFC 4180 quoting, CRLF, one record per row', () => {
  const { rows } = fixtureJson('recursion-functions.json');
  const csv = rowsToCsv(rows);
  assert.ok(csv.endsWith('\r\n'));
  const records = parseCsv(csv);
  assert.deepEqual(records[0], ['ncalls', 'pcalls', 'tottime', 'tpercall', 'cumtime', 'cpercall', 'filename', 'lineno', 'function']);
  assert.equal(records.length, rows.length + 1);
  rows.forEach((r, k) => {
    const rec = records[k + 1];
    assert.deepEqual(rec.slice(0, 3).map(Number), [r.nc, r.cc, r.tt]);
    assert.equal(Number(rec[4]), r.ct);
    assert.equal(Number(rec[3]), r.tt / r.nc);
    assert.deepEqual(rec.slice(6), [r.file, String(r.line), r.name]);
  });
});

test('CSV: hostile names are quoted and cannot run as formulas', () => {
  const { rows } = fixtureJson('hostile-functions.json');
  const records = parseCsv(rowsToCsv(rows));
  const byName = new Map(records.slice(1).map((rec) => [rec[8], rec]));
  const xss = byName.get('</script><img src=x onerror=alert(1)>');
  assert.equal(xss[6], 'a/"q\'uote,comma.py', 'quote and comma survive the round trip');
  assert.equal(byName.get("'+SUM(1)")[6], "'=cmd|'/C calc'!A0");
  assert.equal(byName.get("'(3 smaller)")?.[6], undefined, 'a leading ( is harmless');
  assert.equal(byName.get('(3 smaller)')[6], "'@SUM(A1)");
  assert.ok(byName.has("'-2+3 \udcff"));
  assert.ok(byName.has('name\nwith\tcontrol'), 'a line break inside a quoted field');
  for (const rec of records) for (const cell of rec) assert.ok(!/^[=+@\t\r]/.test(cell) && !/^-\D/.test(cell), JSON.stringify(cell));
});

test('CSV cells: quoting rules and formula neutralising one by one', () => {
  const cases = [
    ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', '"two\nlines"'], ['cr\r', '"cr\r"'],
    ['=1+1', "'=1+1"], ['+1', "'+1"], ['-1', "'-1"], ['@x', "'@x"], ['\tx', "'\tx"], ['\rx', '"\'\rx"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'], [' =1', ' =1'], ['', ''],
    [-1, '-1'], [0, '0'], [2.5e-7, '2.5e-7'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, "'-inf"],
    [null, ''], [undefined, ''], [{ toString: () => '=evil' }, ''],
  ];
  for (const [value, want] of cases) assert.equal(csvCell(value), want, JSON.stringify(value));
});
