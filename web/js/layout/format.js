// Times, counts, byte sizes and dates as the page prints them.
//
// Counts are grouped by threes with commas whatever the browser's locale, so
// "rows 1–40 of 50,010" reads the same in every test and screenshot; dates
// are the one thing shown in the reader's own locale and time zone, since
// "when did I load this" is a local question.

import { apiNumber } from '../model/number.js';
import { PSTATS_UNITS, unitWord } from '../model/units.js';

const TIME_UNITS = Object.freeze([[1, 's'], [1e-3, 'ms'], [1e-6, 'µs'], [1e-9, 'ns']]);

// A time in seconds (a number, or the API's "nan"/"inf"/"-inf") as the page
// writes every time, in the chart, the table, the hover panel and the
// summary alike: three significant digits in the largest unit that keeps
// the number at 1 or more: "1.17 s", "526 ms", "80.0 ms", "16.4 µs".  Why
// not pstats' "%.3f" seconds: a profile of many fast calls would read as a
// column of "0.000", and mixing it with more digits for those (what the
// table did) gave each column two formats.  Fixed significant digits keep
// one precision from the largest time to the smallest.
export function formatDuration(seconds) {
  const t = apiNumber(seconds);
  if (Number.isNaN(t)) return 'nan';
  if (t === Infinity) return 'inf';
  if (t === -Infinity) return '-inf';
  if (t === 0) return '0 s';
  const size = Math.abs(t);
  if (size >= 999.5) return `${Math.round(t)} s`;
  // Under a nanosecond is no time a profiler measures: a damaged value,
  // written as it is.
  let k = TIME_UNITS.findIndex(([scale]) => size >= scale);
  if (k < 0) return `${t.toPrecision(3)} s`;
  // 0.9996 ms rounds to 1000 µs: one unit up, as 1.00 ms.
  if (k > 0 && Math.abs(Number((t / TIME_UNITS[k][0]).toPrecision(3))) >= 1000) k--;
  const [scale, unit] = TIME_UNITS[k];
  return `${(t / scale).toPrecision(3)} ${unit}`;
}

// 50010 → "50,010".  Beyond 2^53 a Number has lost its last digits anyway
// (docs/api.md), and String() would write it in exponent form: left as is.
export function formatCount(n) {
  if (!Number.isSafeInteger(n)) return typeof n === 'number' ? String(n) : '';
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

// A count that may be fractional (a speedscope file's weights), or any
// number the page writes as a plain amount: whole numbers in full, grouped
// ("1,234,567"); fractions to three significant digits, trailing zeros
// dropped ("0.5", "12.3"), and to one decimal from 1000 up ("1,234.6"),
// where three significant digits would round the whole part away.
export function formatAmount(value) {
  const v = apiNumber(value);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = v < 0 ? '-' : '';
  const size = Math.abs(v);
  if (Number.isInteger(size) && size < 1e21) return sign + group(size.toFixed(0));
  // 999.96 has three significant digits only as "1.00e+3": from there on,
  // one decimal.
  if (size >= 999.5) return sign + (size < 1e21 ? group(size.toFixed(1).replace(/\.0$/, '')) : String(size));
  return sign + size.toPrecision(3).replace(/(\.\d*?)0+(?=$|e)/, '$1').replace(/\.(?=$|e)/, '');
}

// Digits with commas between groups of three, before any decimal point.
function group(digits) {
  const [whole, fraction] = digits.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

// A figure of the API (tt, ct, a box's time...) in the profile's unit
// (model/units.js) as the page writes it: times as formatDuration does
// ("526 ms", whatever unit the file counted in), bytes in binary units
// ("1.3 KiB"), samples and events as amounts ("1,234").  A pstats profile's
// figures read exactly as they always did.
export function formatValue(value, units = PSTATS_UNITS) {
  if (units.kind === 'time') {
    const v = apiNumber(value);
    return formatDuration(units.seconds === 1 ? v : v * units.seconds);
  }
  if (units.kind === 'bytes') {
    const v = apiNumber(value);
    if (!Number.isFinite(v)) return formatAmount(v);
    return v < 0 ? `-${formatBytes(-v)}` : formatBytes(v);
  }
  return formatAmount(value);
}

// formatValue and the unit's word where the figure stands alone (a summary,
// a tooltip): "1,234 samples", "5,000,000 Ir", "526 ms", "1.3 KiB".
export function formatWithUnit(value, units = PSTATS_UNITS) {
  const word = unitWord(units);
  return word === '' ? formatValue(value, units) : `${formatValue(value, units)} ${word}`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

// Bytes in binary units, three significant figures at most: "1.3 KiB",
// "256 MiB".  A size that would round up to 1024 of one unit moves to the
// next ("1.0 MiB", not "1024 KiB").
export function formatBytes(bytes) {
  if (!(typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0)) return '';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (unit < UNITS.length - 1 && Math.round(value) >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

// A Unix time in seconds (the API's loaded_at) as a Date, or null for
// anything that is not one.
export function dateFromUnix(seconds) {
  if (!(typeof seconds === 'number' && Number.isFinite(seconds))) return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}
