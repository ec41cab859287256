// layout/spans.js: the span under a point (hit tests) and the spans on the
// canvas (painters), against a walk over every span.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSpan, visibleSpans } from '../../web/js/layout/spans.js';
import { rng } from './support.js';

// Rows of sorted, disjoint spans with gaps, as the layouts make them.
function randomRows(random, rows) {
  const rowStart = [0];
  const start = [];
  const end = [];
  for (let r = 0; r < rows; r++) {
    let at = random();
    const n = random.int(8);
    for (let k = 0; k < n; k++) {
      const a = at + (random() < 0.3 ? random() * 0.2 : 0);
      const b = a + 0.01 + random() * 0.3;
      start.push(a);
      end.push(b);
      at = b;
    }
    rowStart.push(start.length);
  }
  return { rowStart, start, end };
}

test('findSpan finds the span holding a point, half-open, and -1 elsewhere', () => {
  const random = rng(7);
  for (let trial = 0; trial < 200; trial++) {
    const { rowStart, start, end } = randomRows(random, 4);
    for (let q = 0; q < 20; q++) {
      const row = random.int(6) - 1;
      const v = random() * 3;
      let want = -1;
      if (row >= 0 && row < 4) for (let k = rowStart[row]; k < rowStart[row + 1]; k++) if (start[k] <= v && v < end[k]) want = k;
      assert.equal(findSpan(rowStart, start, end, row, v), want, `row ${row} v ${v}`);
    }
    for (let k = 0; k < start.length; k++) {
      const row = rowStart.findIndex((s, r) => k >= s && k < rowStart[r + 1]);
      assert.equal(findSpan(rowStart, start, end, row, start[k]), k, 'a span holds its start');
    }
  }
});

test('visibleSpans is every span reaching into the window, and no other', () => {
  const random = rng(11);
  for (let trial = 0; trial < 200; trial++) {
    const { rowStart, start, end } = randomRows(random, 3);
    for (let q = 0; q < 20; q++) {
      const row = random.int(3);
      const lo = random() * 3 - 0.5;
      const hi = lo + random() * 1.5;
      const want = [];
      for (let k = rowStart[row]; k < rowStart[row + 1]; k++) if (end[k] > lo && start[k] < hi) want.push(k);
      const { from, to } = visibleSpans(rowStart, start, end, row, lo, hi);
      assert.deepEqual(Array.from({ length: to - from }, (_, i) => from + i), want, `row ${row} (${lo}, ${hi})`);
    }
  }
});
