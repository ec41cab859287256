// layout/format.js: times, counts, byte sizes, dates.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateFromUnix, formatBytes, formatCount, formatDuration } from '../../web/js/layout/format.js';

test('counts are grouped by threes', () => {
  const cases = [
    [0, '0'], [7, '7'], [999, '999'], [1000, '1,000'], [50010, '50,010'], [123456789, '123,456,789'],
    [-1234, '-1,234'], [2 ** 53 - 1, '9,007,199,254,740,991'],
    // Past 2^53 the digits are not the file's any more: not dressed up as exact.
    [1e21, '1e+21'], [1.5, '1.5'], [NaN, 'NaN'], [null, ''], ['1000', ''],
  ];
  for (const [n, want] of cases) assert.equal(formatCount(n), want, String(n));
});

test('sizes in binary units, three figures, never 1024 of a unit', () => {
  const KiB = 1024;
  const MiB = KiB * KiB;
  const cases = [
    [0, '0 B'], [1, '1 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [1310, '1.3 KiB'], [10188, '9.9 KiB'],
    [10189, '10 KiB'], [196217, '192 KiB'], [1023.4 * KiB, '1023 KiB'], [1023.6 * KiB, '1.0 MiB'],
    [MiB, '1.0 MiB'], [256 * MiB, '256 MiB'], [900 * MiB, '900 MiB'], [5 * MiB * KiB, '5.0 GiB'],
    [3 * MiB * MiB, '3.0 TiB'], [5000 * MiB * MiB, '5000 TiB'],
  ];
  for (const [n, want] of cases) assert.equal(formatBytes(n), want, String(n));
  for (const bad of [-1, NaN, Infinity, null, undefined, '12']) assert.equal(formatBytes(bad), '', String(bad));
});

test('Unix seconds become a Date, anything else null', () => {
  assert.equal(dateFromUnix(1732712345).toISOString(), '2024-11-27T12:59:05.000Z');
  assert.equal(dateFromUnix(0).getTime(), 0);
  assert.equal(dateFromUnix(1.5).getTime(), 1500);
  for (const bad of [NaN, Infinity, null, undefined, '1732712345', 1e16]) assert.equal(dateFromUnix(bad), null, String(bad));
});

test('times: three significant digits in the largest unit that keeps them at 1 or more', () => {
  const cases = [
    [0.0864316, '86.4 ms'], [1.5, '1.50 s'], [1.172, '1.17 s'], [0.526, '526 ms'], [0.08, '80.0 ms'],
    [1234567.891, '1234568 s'], [999.4, '999 s'], [999.6, '1000 s'], [0, '0 s'], [-0, '0 s'], [-2.5, '-2.50 s'],
    [0.0005, '500 µs'], [0.000499, '499 µs'], [2.6699e-5, '26.7 µs'], [7.81e-7, '781 ns'], [1e-9, '1.00 ns'],
    // Rounding up to 1000 of a unit moves to the next one.
    [0.0009996, '1.00 ms'], [0.9996, '1.00 s'], [9.9996e-7, '1.00 µs'],
    [1e-12, '1.00e-12 s'], [5e-324, '4.94e-324 s'],
    ['nan', 'nan'], ['inf', 'inf'], ['-inf', '-inf'], [NaN, 'nan'], [null, 'nan'],
  ];
  for (const [x, want] of cases) assert.equal(formatDuration(x), want, String(x));
});
