// layout/notes.js: what the page says about the cap on boxes and about the
// bands that stand for boxes not drawn one by one.  (The search's and the
// exact share's sentences are tested with their figures, in search.test.js
// and render-legend.test.js.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RUN_THIN, RUN_UNLOADED } from '../../web/js/layout/icicle.js';
import { bandNote, capNotice, overlapNotice, percent } from '../../web/js/layout/notes.js';
import { readCapped, treeFromView } from '../../web/js/model/tree.js';
import { readUnits } from '../../web/js/model/units.js';
import { box, wholeView } from './support.js';

test('the server\'s cap is read as specified, and anything else as no cap', () => {
  const view = (capped) => ({ ...wholeView(box(null, 1)), capped });
  const cap = (reason, limit, boxes, depth) => ({ reason, limit, boxes, depth });
  assert.deepEqual(readCapped(view(cap('boxes', 100000, 60000, 4))), cap('boxes', 100000, 60000, 4));
  assert.deepEqual(readCapped(view(cap('bytes', 8388608, 30000, 0))), cap('bytes', 8388608, 30000, 0));
  assert.deepEqual(readCapped(view(cap('time', 500, 12, 2))), cap('time', 500, 12, 2));
  for (const bad of [false, null, undefined, true, 'yes', 4, {}, { max_boxes: 100000, depth: 4 },
    cap('memory', 1, 1, 1), cap('boxes', -1, 1, 2), cap('boxes', 1e5, 1, 2.5), cap('boxes', '100000', 1, 2),
    { reason: 'time', limit: 500, depth: 2 }]) {
    assert.equal(readCapped(view(bad)), null, JSON.stringify(bad));
  }
  assert.equal(readCapped(wholeView(box(null, 1))), null, 'a server without the field');
});

test('a capped view says how many levels it shows of how many, which limit, and what to do', () => {
  const cap = (reason, limit, depth) => ({ reason, limit, boxes: 10, depth });
  assert.equal(capNotice(cap('boxes', 100000, 4), 10),
    'Showing 4 of 10 levels: this view has more than 100,000 boxes — zoom in or raise the cutoff to see deeper.');
  assert.equal(capNotice(cap('boxes', 5000, 1), 20),
    'Showing 1 of 20 levels: this view has more than 5,000 boxes — zoom in or raise the cutoff to see deeper.');
  assert.equal(capNotice(cap('bytes', 8388608, 7), 64),
    'Showing 7 of 64 levels: one more would pass the server\'s limit of 8 MB for a view — zoom in or raise the cutoff to see deeper.');
  assert.equal(capNotice(cap('time', 500, 3), 64),
    'Showing 3 of 64 levels: the server stops a view after 0.5 s — zoom in or raise the cutoff to see deeper.');
  assert.equal(capNotice(null, 10), '', 'no cap, nothing said');
});

test('a band of thin boxes says how many, their time, and how to see them', () => {
  const band = { kind: RUN_THIN, boxes: 5000, time: 0.5, total: 2 };
  assert.deepEqual(bandNote(band, 'hub', true), {
    title: '5,000 boxes under half a pixel each',
    detail: '500 ms in all (25.0% of total), under hub. Click to zoom into it and see them.',
  });
  assert.equal(bandNote({ ...band, boxes: 1 }, 'hub', false).title, '1 box under half a pixel each');
  assert.match(bandNote(band, 'hub', false).detail, /Too thin to draw even at this zoom: the table lists them\.$/);
});

test('a band of what was not fetched says it is not self time', () => {
  const note = bandNote({ kind: RUN_UNLOADED, boxes: 0, time: 6, total: 17 }, 'f1', true);
  assert.equal(note.title, 'not loaded');
  assert.equal(note.detail, 'Up to 6.00 s (35.3% of total) below f1 that this view did not fetch: the calls below it, or its own time. Click to zoom into it and load them.');
});

test('percentages: one decimal, never 0.0% of something nor 100.0% of less than all', () => {
  const cases = [[0, '0.0%'], [1, '100.0%'], [0.424, '42.4%'], [0.0004, '< 0.1%'], [0.9996, '> 99.9%'], [0.0005, '0.1%'], [NaN, '–']];
  for (const [x, want] of cases) assert.equal(percent(x), want, String(x));
});

test('top-level boxes that add up to more than the total are said to overlap, in the profile\'s unit', () => {
  const tree = (...tops) => treeFromView(wholeView(box(null, 100, tops.map((t, i) => box(i, t)))));
  assert.equal(overlapNotice(tree(60, 40)), '');
  assert.equal(overlapNotice(tree(100, 0.5)), '', 'within 1%: rounding, not overlap');
  const ticks = readUnits({ unit: 'Ticks', calls_unit: 'calls' });
  const text = overlapNotice(tree(100, 85, 46), ticks);
  assert.match(text, /^The top-level boxes add up to 231\.0% of the total Ticks: /);
  assert.match(text, /widths are scaled to fit\.$/);
  assert.equal(overlapNotice(null), '');
  assert.equal(overlapNotice(treeFromView(wholeView(box(null, 0, [box(1, 0)])))), '');
});
