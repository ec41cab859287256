// The comparison table (model/diff.js's rows): its columns and how a row
// reads.  Changes are signed; a side that lacks the function reads "–";
// with compare = 'share' the time changes are in points of each total.

import { apiNumber } from '../model/number.js';
import { formatAmount, formatValue } from './format.js';
import { functionLabel } from './table.js';

// key: the cell's name in diffTableRow(); sort: the API's /diff `sort`
// (the three the table sorts by), or null.
export const DIFF_COLUMNS = Object.freeze([
  { key: 'dTottime', label: 'Δ tottime', sort: 'tottime', title: 'Change of own time; sorted by its size, gains and losses alike' },
  { key: 'dCumtime', label: 'Δ cumtime', sort: 'cumtime', title: 'Change of cumulative time; sorted by its size' },
  { key: 'dCalls', label: 'Δ calls', sort: 'calls', title: 'Change of the number of calls; most gained first' },
  { key: 'tottime', label: 'tottime', sort: null, title: 'Own time: this profile / the base profile' },
  { key: 'cumtime', label: 'cumtime', sort: null, title: 'Cumulative time: this profile / the base profile' },
  { key: 'calls', label: 'calls', sort: null, title: 'Calls: this profile / the base profile' },
  { key: 'location', label: 'filename:lineno(function)', sort: null, title: 'The function; a note says when only one profile has it or its line moved' },
].map(Object.freeze));

const DASH = '–';

function signed(text, v) {
  if (!Number.isFinite(v)) return DASH;
  if (v === 0) return '0';
  return `${v > 0 ? '+' : '−'}${text}`;
}

// The cells of one row, by column key, as text.
export function diffTableRow(row, compare, units) {
  const share = compare === 'share';
  const time = (v) => {
    const x = apiNumber(v);
    return share ? `${(Math.abs(x) * 100).toFixed(2)} pt` : formatValue(Math.abs(x), units);
  };
  const pair = (key, fmt) => `${row.new ? fmt(row.new[key]) : DASH} / ${row.base ? fmt(row.base[key]) : DASH}`;
  const plain = (v) => formatValue(apiNumber(v), units);
  let note = '';
  if (row.lacks === 'new') note = ' [gone]';
  else if (row.lacks === 'base') note = ' [new]';
  else if (row.rule === 'moved' && Number.isInteger(row.base_line)) note = ` [was line ${row.base_line}]`;
  return {
    dTottime: signed(time(row.d_tt), apiNumber(row.d_tt)),
    dCumtime: signed(time(row.d_ct), apiNumber(row.d_ct)),
    dCalls: signed(formatAmount(Math.abs(apiNumber(row.d_nc))), apiNumber(row.d_nc)),
    tottime: pair('tt', plain),
    cumtime: pair('ct', plain),
    calls: pair('nc', (v) => formatAmount(v)),
    location: functionLabel(row.file, row.line, row.name) + note,
  };
}

// How the table's caption sums up the matching.
export function matchNote(match) {
  const parts = [`${match.exact} functions matched by file, line and name`];
  if (match.moved > 0) parts.push(`${match.moved} by name after their line moved`);
  if (match.builtin > 0) parts.push(`${match.builtin} built-ins`);
  parts.push(`${match.onlyNew} only here`, `${match.onlyBase} only in the base`);
  return `${parts.join(', ')}.`;
}
