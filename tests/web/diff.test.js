// Comparing two profiles on the page: the compared tree's columns
// (model/tree.js), the change scale (layout/diff.js) and its colours
// (render/diff-palette.js), what the hover says, and the comparison
// table's rows (model/diff.js, layout/diff-table.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_ABSENT, BASE_BELOW, BASE_NONE, BASE_PRESENT, graftView, treeFromView,
} from '../../web/js/model/tree.js';
import { DIFF_STEPS, diffLegend, diffNotes, diffStep, relativeChange } from '../../web/js/layout/diff.js';
import { DIFF_THEMES, diffBoxStyle, stepColor } from '../../web/js/render/diff-palette.js';
import { THEMES } from '../../web/js/render/palette.js';
import { readDiffPage } from '../../web/js/model/diff.js';
import { diffTableRow, matchNote } from '../../web/js/layout/diff-table.js';
import { formatWithUnit } from '../../web/js/layout/format.js';
import { PSTATS_UNITS } from '../../web/js/model/units.js';
import { box, wholeView } from './support.js';

// A compared box: NEW's time `time`, the base's `was` (null: absent).
function cbox(id, time, was, children = [], extra = {}) {
  const base = was === null ? { state: 'absent', time: 0, lo: 0, hi: 0, calls: 0, exact: true }
    : { state: 'present', time: was, lo: was, hi: was, calls: 1, exact: true };
  return box(id, time, children, { base, delta: time - (was ?? 0), delta_lo: time - (was ?? 0), delta_hi: time - (was ?? 0), ...extra });
}

// (all) 10 s, was 10: main 10/10 -> a 6 (was 3: twice as slow), b 3 (was 6:
// twice as fast), c 1 new; a's base had calls now gone.
function compared() {
  return treeFromView(wholeView(cbox(null, 10, 10, [
    cbox(0, 10, 10, [
      cbox(1, 6, 3, [], {
        removed: { count: 2, time: 0.5, top: [{ id: 8, file: '~', line: 0, name: '<built-in method time.sleep>', time: 0.4 }] },
      }),
      cbox(2, 3, 6),
      cbox(3, 1, null),
    ]),
  ])));
}

const node = (tree, fid) => tree.fid.indexOf(fid);

test('a compared view keeps each box\'s base figures, change and removed work', () => {
  const t = compared();
  const a = node(t, 1);
  assert.equal(t.baseState[a], BASE_PRESENT);
  assert.equal(t.baseTime[a], 3);
  assert.equal(t.delta[a], 3);
  assert.equal(t.removedCount[a], 2);
  assert.equal(t.removedTime[a], 0.5);
  assert.equal(t.baseState[node(t, 3)], BASE_ABSENT);
  // A plain view has none.
  const plain = treeFromView(wholeView(box(null, 1, [box(0, 1)])));
  assert.equal(plain.baseState[1], BASE_NONE);
  assert.ok(Number.isNaN(plain.baseTime[1]));
  // Grafting a deeper compared view keeps the columns of the boxes kept.
  const deeper = { path: [{ ...cbox(0, 10, 10), children: undefined }, { ...cbox(1, 6, 3), children: undefined }],
    root: cbox(1, 6, 3, [cbox(4, 6, 1)]) };
  const g = graftView(t, deeper);
  assert.equal(g.baseTime[g.findPath([0, 2])], 6);
  assert.equal(g.baseTime[g.findPath([0, 1, 4])], 1);
  assert.equal(g.baseState[g.findPath([0, 3])], BASE_ABSENT);
});

test('the change scale: steps by size, warm for slower, cool for faster, none for new paths', () => {
  const t = compared();
  assert.equal(diffStep(t, 0, 'seconds'), 0, '(all) did not change');
  assert.equal(relativeChange(t, node(t, 1), 'seconds'), 0.5);
  assert.equal(diffStep(t, node(t, 1), 'seconds'), 3, 'twice as slow: 50%, the third step');
  assert.equal(diffStep(t, node(t, 2), 'seconds'), -3, 'twice as fast');
  assert.equal(diffStep(t, node(t, 3), 'seconds'), null, 'a new path has no step');
  // Just under and at each threshold.
  for (const [k, step] of DIFF_STEPS.entries()) {
    const at = treeFromView(wholeView(cbox(null, 1, 1, [cbox(0, 1, 1 - step)])));
    assert.equal(diffStep(at, 1, 'seconds'), k + 1, `at ${step}`);
    const under = treeFromView(wholeView(cbox(null, 1, 1, [cbox(0, 1, 1 - step * 0.99)])));
    assert.equal(diffStep(under, 1, 'seconds'), k, `under ${step}`);
  }
});

test('shares compare each path\'s part of its own total', () => {
  // Twice as long a run, every path twice as long: no change in shares.
  const t = treeFromView(wholeView(cbox(null, 20, 10, [cbox(0, 12, 6), cbox(1, 8, 4)])));
  assert.equal(diffStep(t, 1, 'seconds'), 3, 'in seconds, everything is twice as slow');
  assert.equal(diffStep(t, 1, 'share'), 0);
  assert.equal(diffStep(t, 2, 'share'), 0);
  // 60% of the run instead of 40%: a third larger share.
  const u = treeFromView(wholeView(cbox(null, 10, 10, [cbox(0, 6, 4)])));
  assert.ok(Math.abs(relativeChange(u, 1, 'share') - 1 / 3) < 1e-12);
});

// WCAG 2 contrast ratio of two #rrggbb colours.
function contrast(a, b) {
  const lum = (hex) => {
    const [r, g, bl] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));

test('the colours: distinct steps, red for slower, blue for faster, readable in both themes', () => {
  for (const theme of ['light', 'dark']) {
    const steps = [];
    for (let k = -DIFF_STEPS.length; k <= DIFF_STEPS.length; k++) steps.push(stepColor(k, theme));
    const fills = [...steps, stepColor('absent', theme)];
    assert.equal(new Set(fills).size, fills.length, `${theme}: every step and the new-path colour differ`);
    for (const fill of fills) {
      assert.match(fill, /^#[0-9a-f]{6}$/);
      assert.ok(contrast(fill, THEMES[theme].text) >= 4.5, `${theme}: ${fill} ${contrast(fill, THEMES[theme].text).toFixed(2)}`);
    }
    for (let k = 1; k <= DIFF_STEPS.length; k++) {
      const [r, , b] = rgb(stepColor(k, theme));
      const [r2, , b2] = rgb(stepColor(-k, theme));
      assert.ok(r > b && b2 > r2, `${theme} step ${k}: slower is red, faster blue`);
    }
    // Further steps are further from "no change".
    const dist = (hex) => rgb(hex).reduce((s, v, i) => s + (v - rgb(stepColor(0, theme))[i]) ** 2, 0);
    for (let k = 1; k < DIFF_STEPS.length; k++) {
      assert.ok(dist(stepColor(k + 1, theme)) > dist(stepColor(k, theme)), `${theme}: slower step ${k + 1} is deeper`);
      assert.ok(dist(stepColor(-k - 1, theme)) > dist(stepColor(-k, theme)), `${theme}: faster step ${k + 1} is deeper`);
    }
  }
});

test('a box\'s style: its step\'s fill, hatched when either side is estimated, framed when calls are gone', () => {
  const t = compared();
  const a = node(t, 1);
  const style = diffBoxStyle(t, a, 'light', 'seconds');
  assert.equal(style.fill, stepColor(3, 'light'));
  assert.equal(style.hatch, false);
  assert.equal(style.removed, DIFF_THEMES.light.removed);
  assert.equal(diffBoxStyle(t, node(t, 3), 'dark', 'seconds').fill, DIFF_THEMES.dark.absent);
  assert.equal(diffBoxStyle(t, node(t, 2), 'light', 'seconds').removed, null);
  const below = treeFromView(wholeView(cbox(null, 1, 1, [cbox(0, 1, 1, [], {
    base: { state: 'below', time: 0.2, lo: 0, hi: 0.5, calls: 0, exact: false }, delta: 0.8, delta_lo: 0.5, delta_hi: 1,
  })])));
  assert.equal(below.baseState[1], BASE_BELOW);
  assert.equal(diffBoxStyle(below, 1, 'light', 'seconds').hatch, true);
});

test('the hover says both figures and the change, with bounds where estimated', () => {
  const value = (v) => formatWithUnit(v, PSTATS_UNITS);
  const t = compared();
  const notes = new Map(diffNotes(t, node(t, 1), 'seconds', value));
  assert.equal(notes.get('base'), '3.00 s');
  assert.equal(notes.get('change'), '+3.00 s (+50.0% of the larger)');
  assert.equal(notes.get('gone'), '2 call paths below this one in the base profile, 500 ms there, not called here: time.sleep (400 ms), …');
  assert.match(new Map(diffNotes(t, node(t, 3), 'seconds', value)).get('base'), /new call path/);
  const below = treeFromView(wholeView(cbox(null, 1, 1, [cbox(0, 1, 1, [], {
    base: { state: 'below', time: 0.2, lo: 0, hi: 0.5, calls: 0, exact: false }, delta: 0.8, delta_lo: 0.5, delta_hi: 1,
  })])));
  const b = new Map(diffNotes(below, 1, 'seconds', value));
  assert.equal(b.get('base'), '≈ 200 ms (between 0 s and 500 ms)');
  assert.match(b.get('change'), /between \+500 ms and \+1\.00 s$/);
  const share = new Map(diffNotes(compared(), node(t, 1), 'share', value));
  assert.equal(share.get('share'), '60.0% of the total, 30.0% in the base');
  assert.equal(diffNotes(treeFromView(wholeView(box(null, 1))), 0, 'seconds', value).length, 0, 'not compared: nothing');
  assert.equal(diffLegend('seconds', true).length, 2 * DIFF_STEPS.length + 3);
  assert.match(diffLegend('share', true)[0].label, /larger share$/);
});

test('the comparison table: answers checked, rows read with signs and the side that lacks them', () => {
  const row = {
    id: 5, base_id: 5, file: 'prog.py', line: 6, name: 'crunch', rule: 'moved', base_line: 4, lacks: null,
    new: { cc: 20, nc: 20, tt: 0.5, ct: 0.664 }, base: { cc: 20, nc: 20, tt: 0.114, ct: 0.149 },
    d_tt: 0.386, d_ct: 0.515, d_nc: 0,
  };
  const gone = { ...row, id: null, rule: 'none', lacks: 'new', new: null, d_tt: -0.114, d_ct: -0.149, d_nc: -20 };
  const page = readDiffPage({ total: 2, rows: [row, gone], match: { exact: 3, moved: 1, builtin: 0, only_base: 1, only_new: 0 } });
  assert.equal(page.match.moved, 1);
  const cells = diffTableRow(row, 'seconds', PSTATS_UNITS);
  assert.equal(cells.dTottime, '+386 ms');
  assert.equal(cells.dCalls, '0');
  assert.equal(cells.tottime, '500 ms / 114 ms');
  assert.equal(cells.location, 'prog.py:6(crunch) [was line 4]');
  const g = diffTableRow(gone, 'seconds', PSTATS_UNITS);
  assert.equal(g.dTottime, '−114 ms');
  assert.equal(g.dCalls, '−20');
  assert.equal(g.tottime, '– / 114 ms');
  assert.match(g.location, /\[gone\]$/);
  assert.equal(diffTableRow({ ...row, d_tt: 0.025 }, 'share', PSTATS_UNITS).dTottime, '+2.50 pt');
  assert.match(matchNote(page.match), /^3 functions matched by file, line and name, 1 by name after their line moved/);
  for (const bad of [null, {}, { total: 1, rows: [{ ...row, rule: 'guess' }] }, { total: 1, rows: [{ ...row, new: 3 }] },
    { total: -1, rows: [] }, { total: 1, rows: [{ ...row, lacks: 'both' }] }]) {
    assert.throws(() => readDiffPage(bad), TypeError);
  }
});
