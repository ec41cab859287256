// The API of a report opened from disk (`profviz export --html`): the same
// functions as model/api.js's createApi that the profile page calls
// (profile, functions, func, tree), answered from the data export/html.c
// inlined in the file, with the same JSON shapes, so that every view works
// unchanged.  There is no server: nothing here makes a request.
//
// The data (export/html.c says its format) holds every function and every
// edge, and one view of the whole call tree cut for size: to some depth,
// boxes under a small share of the total merged.  A view asked for is
// computed from that tree as the server computes it from the call graph
// (path, depth, cutoff relative to the view root); what the report left
// out stays out: a box at the report's depth keeps `more`, and a box it
// merged stays a "(N smaller)" box at every cutoff.  reportNote() says so
// in words for the page.
//
// Sorting and filtering the table follow docs/api.md: ties keep file
// order, NaN and the per-call time of a function never called sort last
// either way, `q` is a substring of the name or file with ASCII case
// ignored.  Names compare by UTF-16 code units, not by bytes as the
// server's do: they differ only between characters past U+FFFF and those
// from U+E000 to U+FFFF.

import { ApiError } from './api.js';
import { apiNumber } from './number.js';

// Box `func` values of the inlined tree for synthetic boxes (tree.h).
const ROOT = -1;
const SMALLER = -2;
const OVERFLOW = -3;
const EXACT = 1;
const CALLS_EXACT = 2;
const MORE = 4;

const DEFAULT_DEPTH = 10;
const DEFAULT_CUTOFF = 0.001;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const SORT_DESC = new Map([
  ['name', false], ['file', false], ['line', false], ['calls', true], ['pcalls', true],
  ['tottime', true], ['cumtime', true], ['tpercall', true], ['cpercall', true],
]);

// The inlined data from its element's text: base64 of gzip'd JSON.
export async function decodeReportData(base64) {
  const text = atob(base64.trim());
  // A plain loop: Uint8Array.from with a map function took 190 ms of a
  // 50,000-function report's 3 MB, this takes 8.
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

// load(): a promise of the decoded data (decodeReportData's).
export function createOfflineApi(load) {
  let ready = null;
  const data = () => {
    ready ??= Promise.resolve().then(load).then(prepare);
    return ready;
  };
  const answer = async (id, signal, fn) => {
    const d = await data();
    if (signal?.aborted) throw new DOMException('The request was aborted', 'AbortError');
    if (String(id) !== String(d.profile.id)) throw new ApiError(404, `This report holds profile ${d.profile.id}, not ${id}`);
    return fn(d);
  };
  return {
    profile: (id, signal) => answer(id, signal, (d) => d.profile),
    functions: (id, params, signal) => answer(id, signal, (d) => functionsPage(d, params ?? {})),
    func: (id, fid, signal) => answer(id, signal, (d) => oneFunction(d, fid)),
    tree: (id, params, signal) => answer(id, signal, (d) => treeView(d, params ?? {})),
    // What the report left out, for the page to say (a sentence).
    reportNote: async () => reportNote(await data()),
  };
}

// ---- the data -----------------------------------------------------------

// A null in a column is the same row's value in another (export/html.c).
function fill(column, from) {
  return column.map((v, i) => (v === null ? from[i] : v));
}

function prepare(raw) {
  if (raw === null || typeof raw !== 'object' || raw.v !== 1) {
    throw new ApiError(0, 'This report\'s data is not in a format this page reads (version 1)');
  }
  const funcs = { ...raw.funcs, cc: fill(raw.funcs.cc, raw.funcs.nc) };
  const edges = { ...raw.edges, cc: fill(raw.edges.cc, raw.edges.nc), tt: fill(raw.edges.tt, raw.edges.ct) };
  const lo = fill(raw.tree.lo, raw.tree.time);
  const tree = { ...raw.tree, self: fill(raw.tree.self, raw.tree.time), lo, hi: fill(raw.tree.hi, lo) };
  const n = funcs.name.length;
  // Callers: edges are grouped by callee, so each callee's are one range.
  const callersAt = new Int32Array(n + 1);
  for (const c of edges.callee) callersAt[c + 1]++;
  for (let f = 0; f < n; f++) callersAt[f + 1] += callersAt[f];
  // Callees: the edges of each caller, by counting sort.
  const calleesAt = new Int32Array(n + 1);
  for (const c of edges.caller) calleesAt[c + 1]++;
  for (let f = 0; f < n; f++) calleesAt[f + 1] += calleesAt[f];
  const calleeEdges = new Int32Array(edges.caller.length);
  const next = calleesAt.slice(0, n);
  edges.caller.forEach((c, e) => { calleeEdges[next[c]++] = e; });
  // Pre-order subtree ends, as model/tree.js keeps them.
  const size = tree.func.length;
  const end = new Int32Array(size);
  const parent = new Int32Array(size);
  const stack = [];
  for (let i = 0; i < size; i++) {
    parent[i] = stack.length > 0 ? stack[stack.length - 1].node : -1;
    if (stack.length > 0) stack[stack.length - 1].left--;
    stack.push({ node: i, left: tree.kids[i] });
    while (stack.length > 0 && stack[stack.length - 1].left === 0) end[stack.pop().node] = i + 1;
  }
  return {
    profile: raw.profile, funcs, edges, tree, entries: funcs.entries, n,
    callersAt, calleesAt, calleeEdges, end, parent,
    isCount: new Set(edges.count), orders: new Map(), lower: null, widest: null,
    // Whether the report's tree is the whole call tree: nothing merged, no level left out.
    whole: tree.cutoff === 0 && !tree.capped && tree.flags.every((f) => (f & MORE) === 0),
  };
}

function row(d, f) {
  const { file, name, line, cc, nc, tt, ct } = d.funcs;
  return { id: f, file: file[f], line: line[f], name: name[f], cc: cc[f], nc: nc[f], tt: tt[f], ct: ct[f] };
}

// ---- the table ------------------------------------------------------------

function intParam(value, def, min, max, key) {
  if (value === undefined || value === null) return def;
  const v = Number(value);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new ApiError(400, `${key} must be an integer from ${min} to ${max}`);
  return v;
}

const perCall = (t, calls) => (calls > 0 ? apiNumber(t) / calls : NaN);

function sortKey(d, sort) {
  const { file, name, line, cc, nc, tt, ct } = d.funcs;
  switch (sort) {
    case 'name': return (f) => name[f];
    case 'file': return (f) => file[f];
    case 'line': return (f) => line[f];
    case 'calls': return (f) => nc[f];
    case 'pcalls': return (f) => cc[f];
    case 'tottime': return (f) => apiNumber(tt[f]);
    case 'cumtime': return (f) => apiNumber(ct[f]);
    case 'tpercall': return (f) => perCall(tt[f], nc[f]);
    default: return (f) => perCall(ct[f], cc[f]);
  }
}

// The table's rows in one order, made once per order.
function order(d, sort, desc) {
  const k = `${sort}/${desc}`;
  let ids = d.orders.get(k);
  if (ids) return ids;
  const key = sortKey(d, sort);
  const keys = Array.from({ length: d.entries }, (_, f) => key(f));
  const nan = (v) => typeof v === 'number' && Number.isNaN(v);
  ids = Array.from({ length: d.entries }, (_, f) => f).sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (nan(x) || nan(y)) return nan(x) === nan(y) ? a - b : nan(x) ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return (desc ? -c : c) || a - b;
  });
  d.orders.set(k, ids);
  return ids;
}

// ASCII letters lowered, nothing else: as the server's strcasestr.
const lowerAscii = (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

function functionsPage(d, params) {
  const sort = params.sort ?? 'cumtime';
  if (!SORT_DESC.has(sort)) throw new ApiError(400, `sort must be one of ${[...SORT_DESC.keys()].join(', ')}`);
  const o = params.order ?? (SORT_DESC.get(sort) ? 'desc' : 'asc');
  if (o !== 'asc' && o !== 'desc') throw new ApiError(400, 'order must be asc or desc');
  const offset = intParam(params.offset, 0, 0, Number.MAX_SAFE_INTEGER, 'offset');
  const limit = intParam(params.limit, DEFAULT_LIMIT, 1, MAX_LIMIT, 'limit');
  let ids = order(d, sort, o === 'desc');
  const q = typeof params.q === 'string' ? lowerAscii(params.q) : '';
  if (q !== '') {
    d.lower ??= { name: d.funcs.name.map(lowerAscii), file: d.funcs.file.map(lowerAscii) };
    ids = ids.filter((f) => d.lower.name[f].includes(q) || d.lower.file[f].includes(q));
  }
  return {
    total: ids.length, offset, limit, sort, order: o,
    rows: ids.slice(offset, offset + limit).map((f) => row(d, f)),
  };
}

// ---- one function ---------------------------------------------------------

function edgeRow(d, e, other) {
  const { nc, cc, tt, ct } = d.edges;
  return { ...row(d, other), nc: nc[e], cc: cc[e], tt: tt[e], ct: ct[e], is_count: d.isCount.has(e) };
}

function oneFunction(d, fid) {
  const f = Number(fid);
  if (!Number.isSafeInteger(f) || f < 0 || f >= d.n) throw new ApiError(404, `This profile has no function ${fid}`);
  const callers = [];
  for (let e = d.callersAt[f]; e < d.callersAt[f + 1]; e++) callers.push(edgeRow(d, e, d.edges.caller[e]));
  const callees = [];
  for (let k = d.calleesAt[f]; k < d.calleesAt[f + 1]; k++) {
    const e = d.calleeEdges[k];
    callees.push(edgeRow(d, e, d.edges.callee[e]));
  }
  callees.sort((a, b) => apiNumber(b.ct) - apiNumber(a.ct) || a.id - b.id);
  return { ...row(d, f), caller_only: f >= d.entries, path: widestPath(d, f), callers, callees };
}

// Where the page opens a function: its widest box in the report's tree
// (the server walks the call graph for the widest route; the report has
// only its tree).  A function the report cut (its boxes were merged or
// deeper than the report goes) opens at the widest box of its nearest
// callers that the tree has: where it was cut; at the top ([]) when none
// is (a top-level function merged there).  null for a function named only
// as a caller, and for one with no box in a tree the report kept whole (a
// recorded tree's function called only past the recorder's cap), as the
// server says.
function widestPath(d, f) {
  if (d.widest === null) {
    d.widest = new Int32Array(d.n).fill(-1);
    const { func, time } = d.tree;
    for (let i = 0; i < func.length; i++) {
      const g = func[i];
      if (g >= 0 && (d.widest[g] < 0 || apiNumber(time[i]) > apiNumber(time[d.widest[g]]))) d.widest[g] = i;
    }
  }
  if (d.widest[f] < 0 && d.whole) return null;
  const seen = new Set([f]);
  let level = [f];
  while (level.length > 0) {
    const boxes = level.map((g) => d.widest[g]).filter((i) => i >= 0);
    if (boxes.length > 0) {
      const at = boxes.reduce((a, b) => (apiNumber(d.tree.time[b]) > apiNumber(d.tree.time[a]) ? b : a));
      const path = [];
      for (let i = at; i > 0; i = d.parent[i]) path.push(d.tree.func[i]);
      return path.reverse();
    }
    const next = [];
    for (const g of level) {
      for (let e = d.callersAt[g]; e < d.callersAt[g + 1]; e++) {
        const c = d.edges.caller[e];
        if (!seen.has(c)) {
          seen.add(c);
          next.push(c);
        }
      }
    }
    level = next;
  }
  return f < d.entries ? [] : null;
}

// ---- tree views -------------------------------------------------------------

function children(d, i) {
  const out = [];
  for (let c = i + 1; c < d.end[i]; c = d.end[c]) out.push(c);
  return out;
}

function box(d, i) {
  const t = d.tree;
  const f = t.func[i];
  const fn = f >= 0 ? row(d, f) : null;
  const name = f === ROOT ? '(all)' : f === SMALLER ? `(${t.merged[i]} smaller)` : f === OVERFLOW ? '<paths past the cap>' : fn.name;
  return {
    id: fn ? f : null, file: fn ? fn.file : f === OVERFLOW ? '~' : '', line: fn ? fn.line : 0, name,
    time: t.time[i], self: t.self[i], calls: t.calls[i],
    exact: (t.flags[i] & EXACT) !== 0, calls_exact: (t.flags[i] & CALLS_EXACT) !== 0,
    more: (t.flags[i] & MORE) !== 0, lo: t.lo[i], hi: t.hi[i], n_merged: t.merged[i],
  };
}

// The children of box i a view shows: those at or over minTime, then the
// rest as one "(N smaller)" box, as callgraph/tree.c merges them.
function shownChildren(d, i, minTime, exactMerge) {
  const kids = children(d, i);
  const t = d.tree;
  let shown = 0;
  while (shown < kids.length && t.func[kids[shown]] !== SMALLER && apiNumber(t.time[kids[shown]]) >= minTime) shown++;
  const rest = kids.slice(shown);
  if (rest.length === 0) return { kids, smaller: null };
  const sum = (col) => rest.reduce((s, c) => s + apiNumber(t[col][c]), 0);
  const merged = rest.reduce((s, c) => s + (t.func[c] === SMALLER ? t.merged[c] : 1), 0);
  const time = sum('time');
  const smaller = {
    id: null, file: '', line: 0, name: `(${merged} smaller)`, time, self: time, calls: sum('calls'),
    exact: exactMerge, calls_exact: exactMerge, more: true, lo: sum('lo'), hi: sum('hi'), n_merged: merged,
  };
  return { kids: kids.slice(0, shown), smaller };
}

function treeView(d, { path = [], depth, cutoff }) {
  const levels = intParam(depth, DEFAULT_DEPTH, 1, 64, 'depth');
  const share = cutoff === undefined || cutoff === null ? DEFAULT_CUTOFF : Number(cutoff);
  if (!(share >= 0 && share <= 1)) throw new ApiError(400, 'cutoff must be between 0 and 1');
  let at = 0;
  const steps = [];
  for (const fid of path) {
    const next = children(d, at).find((c) => d.tree.func[c] === fid);
    if (next === undefined) {
      throw new ApiError(404, `the call path ${path.join(',')} is not in this report (its boxes were cut for size)`);
    }
    at = next;
    steps.push(box(d, at));
  }
  const minTime = share * apiNumber(d.tree.time[at]);
  const exactMerge = d.profile.tree === 'recorded';
  const root = box(d, at);
  // An explicit stack: a deep view must not overflow the call stack.
  const work = [{ node: at, out: root, level: 0 }];
  while (work.length > 0) {
    const { node, out, level } = work.pop();
    if (level === levels) {
      out.children = [];
      out.more = out.more || d.end[node] > node + 1;
      continue;
    }
    const { kids, smaller } = shownChildren(d, node, minTime, exactMerge);
    out.children = kids.map((c) => {
      const b = box(d, c);
      work.push({ node: c, out: b, level: level + 1 });
      return b;
    });
    if (smaller) out.children.push(smaller);
  }
  return { path: steps, root, capped: false };
}

// ---- what was left out -----------------------------------------------------

function reportNote(d) {
  const t = d.tree;
  const levels = t.capped ? t.shown_depth : t.depth;
  const cut = [];
  if (t.cutoff > 0) cut.push(`boxes under ${+(t.cutoff * 100).toPrecision(3)}% of the total time are merged into "(N smaller)" boxes`);
  const why = t.capped ? ` (the most boxes a report holds: ${t.func.length.toLocaleString('en-US')})` : '';
  cut.push(`levels past ${levels}${why} are left out`);
  return `This report is a file, not a server: ${cut.join(', and ')}; the table and callers/callees hold every function.`;
}
