// layout/fit.js: the chart takes the room the window leaves, within limits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BELOW_CHART, DISC_MIN, RING_MAX, ROW_MAX, ROW_MIN, availableHeight, chartSize, rowHeight,
} from '../../web/js/layout/fit.js';

test('rows share the height the window leaves, between the minimum and the maximum', () => {
  // slow.prof in a 900 px window: 6 rows (5 levels) would get 110 px each;
  // they get the maximum, tall enough for a name and a time.
  const room = availableHeight(900, 140);
  assert.equal(room, 900 - 140 - BELOW_CHART);
  assert.equal(rowHeight(room, 5), ROW_MAX);
  // 20 levels: 21 rows of what fits.
  assert.equal(rowHeight(room, 20), Math.floor(room / 21));
  assert.ok(rowHeight(room, 20) > ROW_MIN && rowHeight(room, 20) < ROW_MAX);
  // Too many levels for the window: the minimum, and the page scrolls.
  assert.equal(rowHeight(200, 20), ROW_MIN);
  assert.equal(rowHeight(0, 3), ROW_MIN);
  assert.equal(availableHeight(300, 400), 0, 'a chart below the window has no room, not less');
  for (let levels = 0; levels <= 64; levels++) {
    for (const h of [0, 100, 500, 664, 1000, 5000]) {
      const r = rowHeight(h, levels);
      assert.ok(Number.isInteger(r) && r >= ROW_MIN && r <= ROW_MAX);
      // As large as fits, unless at a limit.
      if (r > ROW_MIN && r < ROW_MAX) assert.ok((levels + 1) * r <= h && (levels + 1) * (r + 1) > h);
    }
  }
});

test('the icicle is as tall as its rows; the sunburst fits the window', () => {
  assert.deepEqual(chartSize('icicle', 1368, 664, 5), { width: 1368, height: 6 * ROW_MAX, rowHeight: ROW_MAX });
  // 1400 x 900: a disc as high as the room, not 760 px cut off.
  const sun = chartSize('sunburst', 1368, 664, 10);
  assert.equal(sun.height, 664);
  assert.equal(sun.ringWidth, 664 / 2 / 11);
  // Narrow windows: the width; few levels: no ring over RING_MAX.
  assert.equal(chartSize('sunburst', 500, 664, 10).height, 500);
  const few = chartSize('sunburst', 1368, 664, 1);
  assert.equal(few.ringWidth, RING_MAX);
  assert.equal(few.height, 4 * RING_MAX);
  // A tiny window: no smaller than DISC_MIN (or the width, if less).
  assert.equal(chartSize('sunburst', 1368, 100, 10).height, DISC_MIN);
  assert.equal(chartSize('sunburst', 250, 100, 10).height, 250);
});
