// Rows of spans, as the layouts lay them out: the icicle's rows of
// rectangles ([x0, x1) in unit width) and the sunburst's rings of arcs
// ([a0, a1) in angle) alike.  Row r holds spans rowStart[r] ..
// rowStart[r + 1] - 1, sorted and disjoint, [start[k], end[k]) each.  The
// hit tests (layout/icicle.js, layout/sunburst.js) find the span under a
// point, the painters (render/icicle-paint.js, render/sunburst-paint.js)
// the spans on the canvas: one home for both searches, for both charts.

// The span of row `row` that holds v, or -1: spans rowStart[row] ..
// rowStart[row + 1] - 1, sorted and disjoint, [start[k], end[k]) each.
export function findSpan(rowStart, start, end, row, v) {
  if (!(row >= 0 && row < rowStart.length - 1)) return -1;
  let lo = rowStart[row];
  let hi = rowStart[row + 1] - 1;
  let found = -1;  // the last span that starts at or before v
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (start[mid] <= v) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found >= 0 && v < end[found] ? found : -1;
}

// The spans of row `row` that reach into (lo, hi): indices [from, to).
// Both ends are binary searches: what the painters draw of a row is the
// few spans on the canvas, however many the row has.
export function visibleSpans(rowStart, start, end, row, lo, hi) {
  const from = firstWhere(rowStart[row], rowStart[row + 1], (k) => end[k] > lo);
  return { from, to: firstWhere(from, rowStart[row + 1], (k) => start[k] >= hi) };
}

// The first k in [lo, hi) for which test(k) holds, or hi; test must be
// false, then true, along the range.
function firstWhere(lo, hi, test) {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
