// Counts, byte sizes and dates as the page prints them.
//
// Counts are grouped by threes with commas whatever the browser's locale, so
// "rows 1–40 of 50,010" reads the same in every test and screenshot; dates
// are the one thing shown in the reader's own locale and time zone, since
// "when did I load this" is a local question.

// 50010 → "50,010".  Beyond 2^53 a Number has lost its last digits anyway
// (docs/api.md), and String() would write it in exponent form: left as is.
export function formatCount(n) {
  if (!Number.isSafeInteger(n)) return typeof n === 'number' ? String(n) : '';
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
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
