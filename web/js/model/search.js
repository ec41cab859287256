// Search over the boxes of a tree: which boxes match, and how much of the
// profile's time the matching functions stand for.
//
// A box matches when its function name or file holds the query, ASCII
// letters' case ignored: exactly the API's `q` (docs/api.md), so that the
// chart and the table, and the figures below, always mean the same
// functions.  (toLowerCase() would fold other letters too, "É" to "é",
// which the server does not.)
//
// The share of time has two sources that answer different questions.  The
// chart's boxes count each stretch of time once: a match inside a matching
// box (a recursive function, or two matching functions calling each other)
// is already inside its ancestor's time, so only the top-most matches of
// each branch are added up.  But the chart holds only the levels fetched,
// and its times on each path are often estimates, so that sum moves with
// the depth and misses the calls below it.  The table's cumtime (ct) of
// each matching function is exact: one function's share is its ct over the
// total, and several functions' share is at least the largest ct (its time
// is inside theirs) and at most the sum of their cts (nested calls counted
// twice).  searchShare() puts the two together.

import { apiNumber } from './number.js';

// { query, matches, count, time }: matches a Uint8Array (1 for a
// matching box), count the matching boxes, time the time of the top-most
// ones (0 when the query is empty).
export function searchTree(tree, query) {
  const matches = new Uint8Array(tree.size);
  const q = asciiLower(query);
  if (q === '') return { query, matches, count: 0, time: 0 };
  const byString = new Map();
  const holds = (index) => {
    let hit = byString.get(index);
    if (hit === undefined) {
      hit = asciiLower(tree.strings[index]).includes(q);
      byString.set(index, hit);
    }
    return hit;
  };
  let count = 0;
  let time = 0;
  // Preorder: a node's subtree is [i, end[i]); once a match is counted,
  // its subtree's matches are marked but not added again.
  let coveredUntil = 0;
  for (let i = 0; i < tree.size; i++) {
    if (tree.fid[i] < 0 || !(holds(tree.nameIndex[i]) || holds(tree.fileIndex[i]))) continue;
    matches[i] = 1;
    count++;
    if (i >= coveredUntil) {
      const t = tree.time[i];
      if (t > 0 && t < Infinity) time += t;
      coveredUntil = tree.end[i];
    }
  }
  return { query, matches, count, time };
}

// A..Z to a..z and nothing else, as the server compares.
export function asciiLower(s) {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

// What the functions API says of a query's matches, from its first page
// sorted by cumtime, largest first ({ total, rows }, model/functions.js's
// readFunctionsPage): { count, largest, name, sum }, the number of
// matching functions, the largest ct and its function's name, and a sum of
// cts that is at least the true one: the rows not on the page each count
// as much as the page's last.
export function matchedFunctions(page) {
  const times = page.rows.map((r) => usable(apiNumber(r.ct)));
  let top = -1;
  times.forEach((t, k) => {
    if (top < 0 || t > times[top]) top = k;
  });
  const sum = times.reduce((a, b) => a + b, 0);
  const last = times.length > 0 ? times[times.length - 1] : 0;
  return {
    count: page.total, largest: top < 0 ? 0 : times[top], name: top < 0 ? '' : page.rows[top].name,
    id: top < 0 ? null : page.rows[top].id,
    sum: sum + (page.total - times.length) * last,
  };
}

// The share of the total time `total` the matches of a query stand for
// (functions: matchedFunctions): { kind: 'none' } when no function
// matches; { kind: 'exact', share, name, id } for one function (id its
// function id), its cumtime over the total; { kind: 'estimate', share, lo, hi, count } for `count`
// functions, with lo
// and hi the bounds the cumtimes give and share the chart's figure
// (chartTime, the top-most matching boxes) held within them.  Shares are
// fractions, at most 1.
export function searchShare(functions, chartTime, total) {
  if (functions.count === 0) return { kind: 'none' };
  const of = (t) => (total > 0 && total < Infinity ? Math.min(1, usable(t) / total) : 0);
  const lo = of(functions.largest);
  if (functions.count === 1) return { kind: 'exact', share: lo, name: functions.name, id: functions.id };
  const hi = Math.max(lo, of(functions.sum));
  return { kind: 'estimate', share: Math.min(hi, Math.max(lo, of(chartTime))), lo, hi, count: functions.count };
}

function usable(t) {
  return t > 0 && t < Infinity ? t : 0;
}
