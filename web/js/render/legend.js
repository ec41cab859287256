// The colour legend: which package each hue of the chart stands for, and
// how much of the time drawn is exact rather than estimated.
//
// The packages are the view's (layout/packages.js's viewColors), in the order of the
// area their boxes take on screen, which is also the order in which they
// chose their hues: the legend lists what the eye sees most first.

import { EXACT } from '../model/tree.js';

// The legend of a view's colours (viewColors(...).packages): each package
// with a hue, { label, index }, then, when some packages were past the
// palette and drawn grey, { label: 'other', index: -1, packages } for them.
// A package with no name is that of frames with no file (folded stacks
// name frames only): "(no file)".
export function legendEntries(packages) {
  const entries = packages.filter((p) => p.index >= 0).map(({ label, index }) => ({ label: label === '' ? '(no file)' : label, index }));
  const rest = packages.length - entries.length;
  if (rest > 0) entries.push({ label: 'other', index: -1, packages: rest });
  return entries;
}

// { exact, total }: the time of the exact boxes among tree nodes `nodes`
// (the boxes drawn) and of all of them, summed over every level, in the
// profile's unit.
// Times that are not finite and positive (damaged profiles) count as 0.
export function exactTime(tree, nodes) {
  let exact = 0;
  let total = 0;
  for (const i of nodes) {
    const t = tree.time[i] > 0 && tree.time[i] < Infinity ? tree.time[i] : 0;
    total += t;
    if (tree.has(i, EXACT)) exact += t;
  }
  return { exact, total };
}
