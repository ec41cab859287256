// Answers of GET /api/profiles/{id}/functions (pages of the statistics
// table) and GET .../functions/{fid} (one function with its callers and
// callees), checked before the UI uses them.
//
// Why check: api.js guarantees a JSON object, not its shape.  A row with a
// missing id or a name that is not a string would become a broken link or
// the text "undefined"; a wrong answer is better said once, as an error the
// view prints, than shown as a table that looks right and is not.

import { apiNumber } from './number.js';

const isCount = (v) => Number.isInteger(v) && v >= 0;
// Call counts are integers but may be negative: a damaged profile's are
// shown as they are (docs/api.md), as pstats would print them.
const isCalls = Number.isInteger;
const isId = (v) => Number.isSafeInteger(v) && v >= 0;
const isTime = (v) => typeof v === 'number' || v === 'nan' || v === 'inf' || v === '-inf';

// {id, file, line, name, nc, cc, tt, ct}: a row of the table, and the far
// end of an edge.
function isFunctionRow(r) {
  return r !== null && typeof r === 'object' && isId(r.id) && typeof r.file === 'string' && Number.isInteger(r.line)
    && typeof r.name === 'string' && isCalls(r.nc) && isCalls(r.cc) && isTime(r.tt) && isTime(r.ct);
}

export function readFunctionsPage(json) {
  if (!(json !== null && typeof json === 'object' && isCount(json.total) && Array.isArray(json.rows)
    && json.rows.every(isFunctionRow))) {
    throw new TypeError('The server\'s answer is not a page of the functions table');
  }
  return { total: json.total, rows: json.rows };
}

// Largest cumulative time first; NaN last; ties keep the server's order.
function byCumtime(a, b) {
  const x = apiNumber(a.ct);
  const y = apiNumber(b.ct);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) - Number.isNaN(y);
  return x === y ? 0 : x > y ? -1 : 1;
}

function readEdges(edges) {
  if (!Array.isArray(edges) || !edges.every(isFunctionRow)) return null;
  return edges.map((e) => ({ ...e, is_count: e.is_count === true })).sort(byCumtime);
}

// The butterfly: the function's own row, and its edges both ways sorted by
// cumulative time (the API sends callers in file order).
export function readFunction(json) {
  const callers = isFunctionRow(json) ? readEdges(json.callers) : null;
  const callees = callers ? readEdges(json.callees) : null;
  if (!callees) throw new TypeError('The server\'s answer is not a function with its callers and callees');
  const { id, file, line, name, nc, cc, tt, ct } = json;
  return { id, file, line, name, nc, cc, tt, ct, caller_only: json.caller_only === true, callers, callees };
}

// The API's largest page.
const ALL_ROWS_LIMIT = 1000;

// Every row of a query, page after page (for the CSV export).  Stops on an
// empty page too, so a server that miscounts cannot make it loop.
export async function allFunctionRows(api, profileId, { sort, order, q }, signal) {
  const rows = [];
  for (;;) {
    const params = { sort, order, q: q || undefined, offset: rows.length, limit: ALL_ROWS_LIMIT };
    const page = readFunctionsPage(await api.functions(profileId, params, signal));
    for (const row of page.rows) rows.push(row);
    if (page.rows.length === 0 || rows.length >= page.total) return rows;
  }
}
