// Answers of GET /api/profiles/{id}/diff (docs/api.md): a page of the
// comparison table, checked before the UI uses it (model/functions.js
// says why).  Each row is a function of either profile: its figures on
// each side (null on the side that lacks it), the changes, how the two
// were matched.

const isCount = (v) => Number.isInteger(v) && v >= 0;
const isId = (v) => Number.isSafeInteger(v) && v >= 0;
const isFigure = (v) => typeof v === 'number' || v === 'nan' || v === 'inf' || v === '-inf';
const RULES = new Set(['exact', 'moved', 'builtin', 'none']);

function isSide(s) {
  return s === null || (s !== null && typeof s === 'object' && Number.isInteger(s.cc) && Number.isInteger(s.nc)
    && isFigure(s.tt) && isFigure(s.ct));
}

function isDiffRow(r) {
  return r !== null && typeof r === 'object' && (r.id === null || isId(r.id)) && (r.base_id === null || isId(r.base_id))
    && typeof r.file === 'string' && Number.isInteger(r.line) && typeof r.name === 'string' && RULES.has(r.rule)
    && (r.lacks === null || r.lacks === 'new' || r.lacks === 'base') && isSide(r.new) && isSide(r.base)
    && isFigure(r.d_tt) && isFigure(r.d_ct) && isFigure(r.d_nc);
}

// { total, rows, match }: match counts the functions each rule matched
// ({ exact, moved, builtin, only_base, only_new }).
export function readDiffPage(json) {
  if (!(json !== null && typeof json === 'object' && isCount(json.total) && Array.isArray(json.rows)
    && json.rows.every(isDiffRow))) {
    throw new TypeError('The server\'s answer is not a page of the comparison table');
  }
  const m = json.match !== null && typeof json.match === 'object' ? json.match : {};
  const count = (v) => (isCount(v) ? v : 0);
  return {
    total: json.total,
    rows: json.rows,
    match: { exact: count(m.exact), moved: count(m.moved), builtin: count(m.builtin), onlyBase: count(m.only_base), onlyNew: count(m.only_new) },
  };
}
