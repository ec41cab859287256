// The line under a profile's title: what wrote it and what it holds.  Counts
// go through formatCount, not toLocaleString: the first toLocaleString()
// loads the locale data, 60 ms before the chart could be drawn.
//
//   "pstats · cProfile · 11 functions · 8,839 calls · 89.9 ms"
//   "speedscope · py-spy@0.3.14 · 120 functions · 2,345 samples"
//   "callgrind · valgrind · event Ir (of Ir, Dr, Dw) · 50 functions · 1,234 calls · 5,000,000 Ir"
//
// The total is the sum of every function's own figure, in the profile's
// unit (model/units.js); calls are said only when they are calls, since a
// sampled profile's "calls" are its samples again, counted once per
// function on the stack, a figure that reads as more samples than were taken.

import { formatCount, formatWithUnit } from './format.js';
import { visibleText } from './text.js';

// The variant a file offers ("event=Ir", "profile=2") as the page says it:
// "event Ir", "profile 2".
export function variantName(variant) {
  const eq = variant.indexOf('=');
  return eq < 0 ? variant : `${variant.slice(0, eq)} ${variant.slice(eq + 1)}`;
}

// Which part of the file is shown, when the file offers several: "event Ir
// (of Ir, Dr, Dw)", "profile 2 (of 3)"; '' when there is no choice.  The
// reader's default part (variant '') is a callgrind file's first event,
// and every profile of a speedscope file at once, each under a box of its
// own: "all 3 profiles".
export function variantNote(units) {
  const { variant, choices } = units;
  if (choices.length < 2) return variant === '' ? '' : variantName(variant);
  const key = (variant || choices[0]).split('=')[0];
  if (key === 'event') {
    const values = choices.map((c) => c.slice(c.indexOf('=') + 1));
    return `${variantName(variant || choices[0])} (of ${values.join(', ')})`;
  }
  return variant === '' ? `all ${choices.length} ${key}s` : `${variantName(variant)} (of ${choices.length})`;
}

// summary: model/profiles.js's readSummary.
export function summaryLine(summary) {
  const { format, writer, units, functions, calls, total } = summary;
  const parts = [format];
  if (writer !== '') parts.push(visibleText(writer));
  const variant = variantNote(units);
  if (variant !== '') parts.push(visibleText(variant));
  if (functions !== null) parts.push(`${formatCount(functions)} functions`);
  if (calls !== null && units.callsUnit === 'calls') parts.push(`${formatCount(calls)} calls`);
  if (total !== null) parts.push(formatWithUnit(total, units));
  return parts.join(' · ');
}
