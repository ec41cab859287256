// The statistics table: its columns, cell text and CSV export, from the rows
// of GET /api/profiles/{id}/functions ({id, file, line, name, cc, nc, tt, ct}).
//
// Sorting, filtering and paging happen on the server (the API does them for
// 100k rows at once); what is left here is how a row reads.  It reads as
// Python's pstats prints it and snakeviz shows it, because that is what
// people compare against: ncalls "nc/cc" when recursion makes them differ,
// per-call columns blank for a function never called, builtins as {name}.
// Times are written as everywhere on the page (format.js's formatDuration:
// three significant digits with their unit), not as pstats' "%.3f".

import { apiNumber } from '../model/number.js';
import { formatDuration } from './format.js';
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

export function formatCalls(nc, cc) {
  return nc === cc ? String(nc) : `${nc}/${cc}`;
}

// pstats' func_std_string: "file:line(name)", and for built-ins (file "~",
// line 0) the bare name, written {name} instead of <name>.
// Bidi controls are made visible (layout/text.js).
export function functionLabel(file, line, name) {
  if (file === '~' && line === 0) {
    return visibleText(name.startsWith('<') && name.endsWith('>') ? `{${name.slice(1, -1)}}` : name);
  }
  return visibleText(`${file}:${line}(${name})`);
}

// A per-call time: blank for no calls, as pstats prints it.
function perCall(time, calls) {
  return calls === 0 ? '' : formatDuration(apiNumber(time) / calls);
}

// The text of each cell of one API row, keyed as in COLUMNS.
export function tableRow(row) {
  return {
    ncalls: formatCalls(row.nc, row.cc),
    tottime: formatDuration(row.tt),
    tpercall: perCall(row.tt, row.nc),
    cumtime: formatDuration(row.ct),
    cpercall: perCall(row.ct, row.cc),
    location: functionLabel(row.file, row.line, row.name),
  };
}

// CSV keeps full precision and one value per cell, for a spreadsheet or a
// script rather than for the eye: counts apart, times as the API gave them,
// file, line and name in their own columns.
const CSV_HEADER = ['ncalls', 'pcalls', 'tottime', 'tpercall', 'cumtime', 'cpercall', 'filename', 'lineno', 'function'];

export function rowsToCsv(rows) {
  const lines = [CSV_HEADER.map(csvCell).join(',')];
  for (const r of rows) {
    const tt = apiNumber(r.tt);
    const ct = apiNumber(r.ct);
    lines.push([r.nc, r.cc, tt, r.nc === 0 ? '' : tt / r.nc, ct, r.cc === 0 ? '' : ct / r.cc, r.file, r.line, r.name]
      .map(csvCell).join(','));
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
    s = typeof value === 'number' ? formatDuration(value) : typeof value === 'string' ? value : '';
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  }
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
