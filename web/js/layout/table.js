// The statistics table: its columns, cell text and CSV export, from the rows
// of GET /api/profiles/{id}/functions ({id, file, line, name, cc, nc, tt, ct}).
//
// Sorting, filtering and paging happen on the server (the API does them for
// 100k rows at once); what is left here is how a row reads.  A pstats
// profile reads as Python's pstats prints it and snakeviz shows it, because
// that is what people compare against: ncalls "nc/cc" when recursion makes
// them differ, per-call columns blank for a function never called, builtins
// as {name}.  Times are written as everywhere on the page (format.js's
// formatDuration: three significant digits with their unit), not as pstats'
// "%.3f".
//
// Other formats measure something else (model/units.js), and the headers
// say what: a sampled profile's columns are "samples", "self (samples)" and
// "total (samples)", with no per-call columns (a share of samples per
// sample means nothing); a callgrind profile's are "self (Ir)" and "total
// (Ir)", with per-call columns (Ir per call is a real figure).

import { apiNumber } from '../model/number.js';
import { PSTATS_UNITS, headerUnit, isPstatsUnits } from '../model/units.js';
import { formatAmount, formatValue } from './format.js';
import { visibleText } from './text.js';

// key: the cell's name in tableRow(); sort: the API's `sort` value.
export const COLUMNS = Object.freeze([
  { key: 'ncalls', label: 'ncalls', sort: 'calls', title: 'Calls: all / primitive (not recursive), shown as one number when equal' },
  { key: 'tottime', label: 'tottime', sort: 'tottime', title: 'Time spent in the function itself, not in functions it called' },
  { key: 'tpercall', label: 'percall', sort: 'tpercall', title: 'tottime divided by all calls' },
  { key: 'cumtime', label: 'cumtime', sort: 'cumtime', title: 'Time spent in the function and everything it called' },
  { key: 'cpercall', label: 'percall', sort: 'cpercall', title: 'cumtime divided by primitive calls' },
  { key: 'location', label: 'filename:lineno(function)', sort: 'file', title: 'Where the function is defined; {name} is a built-in' },
].map(Object.freeze));

const PER_CALL = new Set(['tpercall', 'cpercall']);

// The columns of a profile measured in `units`: COLUMNS for pstats' own
// seconds and calls; otherwise the same keys and sorts with headers that
// name the unit, and no per-call columns when calls are samples.
export function tableColumns(units = PSTATS_UNITS) {
  if (isPstatsUnits(units)) return COLUMNS;
  const samples = units.callsUnit === 'samples';
  const what = units.kind === 'time' ? 'time' : (headerUnit(units) || 'weight');
  const unit = headerUnit(units);
  const named = (word) => (unit === '' ? word : `${word} (${unit})`);
  const labels = {
    ncalls: samples
      ? { label: 'samples', title: 'Samples in which the function is on the stack' }
      : { label: 'ncalls', title: COLUMNS[0].title },
    tottime: {
      label: units.kind === 'time' ? 'tottime' : named('self'),
      title: `The function's own ${what}, not in functions it called${unit === '' ? '' : ` (${unit})`}`,
    },
    tpercall: { label: 'percall', title: 'self divided by all calls' },
    cumtime: {
      label: units.kind === 'time' ? 'cumtime' : named('total'),
      title: `The ${what} in the function and everything it called${unit === '' ? '' : ` (${unit})`}`,
    },
    cpercall: { label: 'percall', title: 'total divided by primitive calls' },
  };
  return Object.freeze(COLUMNS
    .filter((c) => !(samples && PER_CALL.has(c.key)))
    .map((c) => Object.freeze(c.key in labels ? { ...c, ...labels[c.key] } : c)));
}

export function formatCalls(nc, cc) {
  return nc === cc ? String(nc) : `${nc}/${cc}`;
}

// pstats' func_std_string: "file:line(name)", and for built-ins (file "~",
// line 0) the bare name, written {name} instead of <name>.  A frame with no
// file and no line (folded stacks name frames only) is its name: ":0(main)"
// would say a place the file never gave.
// Bidi controls are made visible (layout/text.js).
export function functionLabel(file, line, name) {
  if (file === '' && line === 0) return visibleText(name);
  if (file === '~' && line === 0) {
    return visibleText(name.startsWith('<') && name.endsWith('>') ? `{${name.slice(1, -1)}}` : name);
  }
  return visibleText(`${file}:${line}(${name})`);
}

// The width, in characters of the table's font, a numeric column needs for
// its header when that is wider than the CSS gives figures (11 characters,
// table.css): "self (samples)", "total (Time_(10ns))" and the sort arrow.
// null when the CSS width does (every pstats header).
export const FIGURE_CHARS = 11;
export function headerChars(label) {
  const chars = [...label].length + 2;
  return chars > FIGURE_CHARS ? chars : null;
}

// A per-call figure: blank for no calls, as pstats prints it.
function perCall(value, calls, units) {
  return calls === 0 ? '' : formatValue(apiNumber(value) / calls, units);
}

// The text of each cell of one API row, keyed as in COLUMNS; figures in
// `units` (the profile's, model/units.js).
export function tableRow(row, units = PSTATS_UNITS) {
  return {
    ncalls: formatCalls(row.nc, row.cc),
    tottime: formatValue(row.tt, units),
    tpercall: perCall(row.tt, row.nc, units),
    cumtime: formatValue(row.ct, units),
    cpercall: perCall(row.ct, row.cc, units),
    location: functionLabel(row.file, row.line, row.name),
  };
}

// CSV keeps full precision and one value per cell, for a spreadsheet or a
// script rather than for the eye: counts apart, figures as the API gave
// them (in the file's own unit, which the header names when it is not
// pstats' seconds), file, line and name in their own columns.
const CSV_HEADER = ['ncalls', 'pcalls', 'tottime', 'tpercall', 'cumtime', 'cpercall', 'filename', 'lineno', 'function'];

function csvHeader(units) {
  if (isPstatsUnits(units)) return CSV_HEADER;
  const unit = units.unit === 'none' ? '' : ` (${units.unit})`;
  const figures = units.callsUnit === 'samples'
    ? ['samples', `self${unit}`, `total${unit}`]
    : ['ncalls', 'pcalls', `self${unit}`, `self per call${unit}`, `total${unit}`, `total per primitive call${unit}`];
  return [...figures, 'filename', 'lineno', 'function'];
}

export function rowsToCsv(rows, units = PSTATS_UNITS) {
  const samples = units.callsUnit === 'samples';
  const lines = [csvHeader(units).map(csvCell).join(',')];
  for (const r of rows) {
    const tt = apiNumber(r.tt);
    const ct = apiNumber(r.ct);
    const figures = samples
      ? [r.nc, tt, ct]
      : [r.nc, r.cc, tt, r.nc === 0 ? '' : tt / r.nc, ct, r.cc === 0 ? '' : ct / r.cc];
    lines.push([...figures, r.file, r.line, r.name].map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

// One CSV cell (RFC 4180: quoted when it holds a quote, comma or line break,
// quotes doubled).  Text that a spreadsheet would run as a formula (starting
// with = + - @, tab or carriage return: OWASP's list) gets a leading ' so it
// stays text: profile names are written by whoever wrote the profiled code.
// Finite numbers are written by us and left as they are, so -1 stays a number.
export function csvCell(value) {
  let s;
  if (typeof value === 'number' && Number.isFinite(value)) {
    s = String(value);
  } else {
    s = typeof value === 'number' ? formatAmount(value) : typeof value === 'string' ? value : '';
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  }
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
