// How much each box of a compared view changed against the base profile
// (the API's `base` figures, model/tree.js's base columns), as the steps
// of a colour scale: no DOM, no colours (render/diff-palette.js has those).
//
// The change of a box is relative to the larger of its two figures,
// (new - base) / max(new, base), so it lies in [-1, 1] whatever the box's
// size: +1 a path the base spent nothing on, -1 one the new profile
// spends nothing on, +0.5 twice as slow.  With compare = 'share' both
// figures are first made shares of their profile's total (node 0, the
// "(all)" box), for runs of different length.  Boxes are coloured by the
// estimate when the base's figure is one; the hover panel gives bounds.

import { BASE_ABSENT, BASE_NONE } from '../model/tree.js';
import { shortName } from './names.js';
import { visibleText } from './text.js';

// The smallest |change| of each step away from "no change": under 5% is
// timing noise, then small, clear, large and huge changes.
export const DIFF_STEPS = Object.freeze([0.05, 0.15, 0.35, 0.65]);

// Each profile's figure of node i in comparable terms: times, or shares
// of each total.
function sides(tree, i, compare) {
  const share = compare === 'share';
  const sn = share ? 1 / tree.time[0] : 1;
  const sb = share ? 1 / tree.baseTime[0] : 1;
  return [tree.time[i] * sn, tree.baseTime[i] * sb];
}

// The relative change of node i in [-1, 1]; NaN when the view is not
// compared or the base profile lacks the path (diffStep says which).
export function relativeChange(tree, i, compare) {
  if (tree.baseState[i] === BASE_NONE || tree.baseState[i] === BASE_ABSENT) return NaN;
  const [now, was] = sides(tree, i, compare);
  const ref = Math.max(Math.abs(now), Math.abs(was));
  if (!(ref > 0)) return 0;
  return Math.max(-1, Math.min(1, (now - was) / ref));
}

// The step of node i's change: 0 for none, +1 .. +DIFF_STEPS.length slower
// (or a larger share), -1 .. -DIFF_STEPS.length faster; null when the base
// profile lacks the path (a new path) or the view is not compared.
export function diffStep(tree, i, compare) {
  const change = relativeChange(tree, i, compare);
  if (Number.isNaN(change)) return null;
  let k = 0;
  while (k < DIFF_STEPS.length && Math.abs(change) >= DIFF_STEPS[k]) k++;
  return change < 0 ? -k : k;
}

// Whether the base profile had callees below node i that this one lacks.
export function hasRemoved(tree, i) {
  return tree.removedCount[i] > 0;
}

// The legend of the scale, warmest first: { step, label } per step, then
// the two marks, { step: 'absent' } and { step: 'removed' }.  Times read
// "slower"/"faster"; shares (and figures that are not times) "more"/"less".
export function diffLegend(compare, isTime) {
  const up = compare === 'seconds' && isTime ? 'slower' : compare === 'share' ? 'larger share' : 'more';
  const down = compare === 'seconds' && isTime ? 'faster' : compare === 'share' ? 'smaller share' : 'less';
  const pct = (x) => `${Math.round(x * 100)}%`;
  const range = (k) => (k === DIFF_STEPS.length - 1 ? `${pct(DIFF_STEPS[k])} or more`
    : `${pct(DIFF_STEPS[k])}–${pct(DIFF_STEPS[k + 1])}`);
  const out = [];
  for (let k = DIFF_STEPS.length - 1; k >= 0; k--) out.push({ step: k + 1, label: `${range(k)} ${up}` });
  out.push({ step: 0, label: `within ${pct(DIFF_STEPS[0])}` });
  for (let k = 0; k < DIFF_STEPS.length; k++) out.push({ step: -(k + 1), label: `${range(k)} ${down}` });
  out.push({ step: 'absent', label: 'new call path: not in the base profile' });
  out.push({ step: 'removed', label: 'outlined: the base profile had calls here that are gone' });
  return out;
}

// What the hover panel says of node i's comparison: [label, text] lines.
// `value` formats a figure in the profiles' unit ("1.2 s", "300 samples").
// Changes are signed; bounds are given where a figure is an estimate.
export function diffNotes(tree, i, compare, value) {
  if (tree.baseState[i] === BASE_NONE) return [];
  if (tree.baseState[i] === BASE_ABSENT) {
    return [['base', 'none: a new call path, not in the base profile'], ...removedNote(tree, i, value)];
  }
  const share = compare === 'share';
  const signed = (d) => (share ? `${d >= 0 ? '+' : '−'}${(Math.abs(d) * 100).toFixed(1)} points`
    : `${d >= 0 ? '+' : '−'}${value(Math.abs(d))}`);
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const estimated = tree.baseLo[i] !== tree.baseHi[i];
  const lines = [];
  const baseText = estimated
    ? `≈ ${value(tree.baseTime[i])} (between ${value(tree.baseLo[i])} and ${value(tree.baseHi[i])})`
    : value(tree.baseTime[i]);
  lines.push(['base', baseText]);
  if (share) {
    const [now, was] = sides(tree, i, compare);
    lines.push(['share', `${pct(now)} of the total, ${pct(was)} in the base`]);
  }
  const change = relativeChange(tree, i, compare);
  let changeText = `${signed(tree.delta[i])} (${change >= 0 ? '+' : '−'}${pct(Math.abs(change))} of the larger)`;
  if (tree.deltaLo[i] !== tree.deltaHi[i]) changeText += ` · between ${signed(tree.deltaLo[i])} and ${signed(tree.deltaHi[i])}`;
  lines.push(['change', changeText]);
  return [...lines, ...removedNote(tree, i, value)];
}

function removedNote(tree, i, value) {
  const n = tree.removedCount[i];
  if (!(n > 0)) return [];
  const top = tree.removedTop[i] ?? [];
  const named = top.map((r) => `${visibleText(shortName(r.file, r.name))} (${value(r.time)})`).join(', ');
  const more = n > top.length ? ', …' : '';
  return [['gone', `${n} call path${n === 1 ? '' : 's'} below this one in the base profile, ${value(tree.removedTime[i])} there, not called here`
    + (named === '' ? '' : `: ${named}${more}`)]];
}
