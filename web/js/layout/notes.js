// The sentences the page says about the chart, as pure functions of the
// figures: the search's share of time, how much of the drawn time is
// exact, the server's cap on boxes, and what a band of boxes not drawn one
// by one stands for.  Kept apart from the views so that the wording and its
// arithmetic are tested without a DOM.

import { RUN_THIN } from './icicle.js';
import { formatCount, formatWithUnit } from './format.js';
import { visibleText } from './text.js';
import { isPstatsUnits, unitWord } from '../model/units.js';

// A share (0..1) as a percentage with one decimal: "42.4%".  A share that
// is not 0 never reads "0.0%", nor one short of 1 "100.0%".
export function percent(share) {
  if (!Number.isFinite(share)) return '–';
  if (share > 0 && share < 0.0005) return '< 0.1%';
  if (share < 1 && share >= 0.9995) return '> 99.9%';
  return `${(100 * share).toFixed(1)}%`;
}

// What the total is a total of, in `units` (model/units.js): "time",
// "samples", "Ir", or "weight" for unitless weights.
export function totalOf(units) {
  if (units === undefined || units.kind === 'time') return 'time';
  if (units.kind === 'bytes') return 'bytes';
  return unitWord(units) || 'weight';
}

// The search's line beside the box (model/search.js's searchShare), or ''
// while its figures are not in: short, since it sits in the toolbar;
// searchTitle says how the figure was had.  units: the profile's.
export function searchNote(share, units = undefined) {
  if (share === null) return '';
  if (share.kind === 'none') return 'no function matches';
  const total = `of total ${totalOf(units)}`;
  if (share.kind === 'exact') return `${percent(share.share)} ${total} (${visibleText(share.name)}'s ${units?.kind === 'time' || units === undefined ? 'cumtime' : 'total'})`;
  return `≈ ${percent(share.share)} ${total} (between ${percent(share.lo)} and ${percent(share.hi)}; ${formatCount(share.count)} functions)`;
}

// The tooltip of the search's line; units: the profile's (what its
// cumulative figures count: "cumulative time", "cumulative samples").
export function searchTitle(share, units = undefined) {
  if (share === null || share.kind === 'none') return '';
  const cumulative = `cumulative ${totalOf(units)}`;
  if (share.kind === 'exact') {
    return `One function matches: its ${cumulative} over the profile's total${units === undefined || isPstatsUnits(units) ? ', as pstats gives it' : ''}.`;
  }
  return `${formatCount(share.count)} functions match. Their share is at least the largest one's ${cumulative} and at most the sum of `
    + 'all of theirs (calls nested in each other are counted once in the true figure); the estimate is the chart\'s matching '
    + `boxes, each stretch of ${totalOf(units)} counted once, held within those bounds.`;
}

// "exact: 97% of the time drawn", from the time of the exact boxes drawn
// and of all of them; '' when nothing with time is drawn.  Rounded down,
// so that a chart with any estimate never says 100%.  units: the
// profile's ("of the samples drawn").
export function exactNote({ exact, total }, units = undefined) {
  if (!(total > 0 && total < Infinity)) return '';
  const share = Math.min(1, Math.max(0, exact / total));
  const whole = Math.floor(100 * share);
  return `exact: ${share > 0 && whole === 0 ? '< 1' : whole}% of the ${totalOf(units)} drawn`;
}

// The notice for a view the server stopped expanding (the tree's `capped`,
// model/tree.js's readCapped): '' when it did not.  depth: the levels asked
// for.
export function capNotice(capped, depth) {
  if (capped === null) return '';
  const shown = `Showing ${capped.depth} of ${depth} levels`;
  const advice = 'zoom in or raise the cutoff to see deeper.';
  if (capped.reason === 'bytes') {
    const mb = Math.round((capped.limit / 1048576) * 10) / 10;
    return `${shown}: one more would pass the server's limit of ${mb} MB for a view — ${advice}`;
  }
  if (capped.reason === 'time') {
    return `${shown}: the server stops a view after ${capped.limit / 1000} s — ${advice}`;
  }
  return `${shown}: this view has more than ${formatCount(capped.limit)} boxes — ${advice}`;
}

// What a band (layout/icicle.js's runs) stands for, for the hover panel:
// { title, detail }.  band: { kind, boxes, time, total }, parentName the
// function it lies under, zoomable whether clicking it zooms into that
// function (it is not the view root already), units the profile's
// (model/units.js; pstats' seconds when not given).
export function bandNote({ kind, boxes, time, total }, parentName, zoomable, units = undefined) {
  const share = total > 0 ? ` (${percent(time / total)} of total)` : '';
  if (kind === RUN_THIN) {
    const many = boxes === 1 ? '1 box' : `${formatCount(boxes)} boxes`;
    return {
      title: `${many} under half a pixel each`,
      detail: `${formatWithUnit(time, units)} in all${share}, under ${parentName}. `
        + (zoomable ? 'Click to zoom into it and see them.' : 'Too thin to draw even at this zoom: the table lists them.'),
    };
  }
  return {
    title: 'not loaded',
    detail: `Up to ${formatWithUnit(time, units)}${share} below ${parentName} that this view did not fetch: the calls below it, or its own time. `
      + (zoomable ? 'Click to zoom into it and load them.' : ''),
  };
}

// Why the legend's boxes are exact or estimated, by how the profile's call
// paths are known (model/profiles.js's pathsOf).
export function pathsNote(paths) {
  if (paths === 'recorded') return ' Recorded call paths: every box is the measured time of its own path.';
  if (paths === 'stacks') {
    return ' Exact call paths: every box sums the stacks the file holds, so nothing is estimated.';
  }
  return ' Hatched boxes and “≈” times are estimates: the profile records calls per caller, not per call path, so where a '
    + 'function is reached along several paths its time on each is estimated (hover for the bounds).';
}

// When the top-level boxes add up to more than the profile's total, some
// calls that ran inside others have no caller in the file (yappi leaves
// builtins such as exec out of its callers, so the module code exec ran
// is a top-level box too), the boxes overlap, and the chart scales them
// to fit: this says so.  '' when they fit (within 1%, for rounding).
// tree: model/tree.js's, node 0 the "(all)" box; units: the profile's.
export function overlapNotice(tree, units = undefined) {
  if (tree === null || tree.size === 0) return '';
  const total = tree.time[0];
  let sum = 0;
  for (const c of tree.children(0)) sum += tree.time[c];
  if (!(total > 0 && total < Infinity) || !(sum > total * 1.01)) return '';
  return `The top-level boxes add up to ${percent(sum / total)} of the total ${totalOf(units)}: `
    + 'the file gives no caller for some calls that ran inside others (a writer that leaves callers out, '
    + 'as yappi does for builtins such as exec), so those boxes overlap, and their widths are scaled to fit.';
}

// What box n of a tree of view `view` (state/tree-query.js) stands for,
// when that is not the top-down tree's "this call path": in the inverted
// chart and the callers' half a box's children are the callers of its
// function, so a box is its function called from the box's function.
// Returns '' for the top-down tree.  name(i) gives a box's shown name.
export function directionNote(view, tree, n, name) {
  const depth = tree.depth[n];
  const parent = tree.parent[n];
  if (view === 'callees') return n === 0 ? 'every call of it, wherever it is called from, merged' : '';
  const from = () => `called from here: the part of ${name(parent)}'s box spent in calls from ${name(n)}`;
  if (view === 'callers') return n === 0 ? 'every call of it, wherever it is called from (the boxes beyond it are its callers)' : from();
  if (view !== 'inverted' || n === 0) return '';
  if (depth === 1) return 'its own time, wherever it was called from (the boxes beyond it are its callers)';
  return from() + (depth > 2 ? ' (past the first caller an estimate with bounds, unless the profile proves it)' : '');
}
