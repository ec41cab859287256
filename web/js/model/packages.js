// The answer of GET /api/profiles/{id}/packages: every package's functions,
// calls and own time, largest first (docs/api.md), checked before use.

import { apiNumber } from './number.js';

const isCount = (v) => Number.isInteger(v) && v >= 0;
const isTime = (v) => typeof v === 'number' || v === 'nan' || v === 'inf' || v === '-inf';

// Returns { total, rows: [{ package, functions, calls, tt, share }] } with
// times as numbers (model/number.js); throws a TypeError a person can read
// when the answer has another shape.
export function readPackages(json) {
  const ok = json !== null && typeof json === 'object' && isTime(json.total) && Array.isArray(json.rows)
    && json.rows.every((r) => r !== null && typeof r === 'object' && typeof r.package === 'string' && isCount(r.functions)
      && Number.isInteger(r.calls) && isTime(r.tt) && isTime(r.share));
  if (!ok) throw new TypeError('The server\'s answer is not a list of packages');
  return {
    total: apiNumber(json.total),
    rows: json.rows.map((r) => ({ package: r.package, functions: r.functions, calls: r.calls, tt: apiNumber(r.tt), share: apiNumber(r.share) })),
  };
}

// package -> share of the profile's own time, for the legend.
export function shareByPackage(packages) {
  return new Map(packages.rows.map((r) => [r.package, r.share]));
}
