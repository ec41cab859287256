// The call tree as flat typed arrays, built from the JSON of
// GET /api/profiles/{id}/tree (docs/api.md).
//
// Why flat arrays and not the nested JSON objects: a 100k-box tree as objects
// costs tens of bytes of headers per box and a pointer chase per visit, while
// the layouts walk every box on every zoom frame.  Typed arrays are compact,
// cache-friendly and cannot grow stray properties, so UI state (hover, zoom,
// selection) cannot be written onto nodes: it lives in state/.
//
// Node order is preorder (a parent before its children, children in the
// server's order: largest first, the "(N smaller)" box last).  The subtree of
// node i is the index range [i, end[i]), so the children of i are
// i + 1, end[i + 1], end[end[i + 1]], ... up to end[i]: no child lists needed.
// Node 0 is always the synthetic "(all)" box above the top level.
//
// Every string (name, file) is data: it is read only if it is a JSON string,
// interned through a Map (never used as a property name of a plain object,
// where "__proto__" or "constructor" would mean something) and handed out as
// it is.  Escaping for the screen is the renderer's job (textContent,
// fillText), never this module's.
//
// Zooming fetches a deeper view rooted at a path; graftView() returns a new
// tree with that view grafted in.  A Tree is never changed after it is built:
// callers that hold a path (state/ keeps the zoom root as function ids)
// find it again with findPath().

import { apiNumber } from './number.js';

// Bits of Tree.flags.
export const EXACT = 1;        // `time` is in the data (lo == hi), not an estimate
export const CALLS_EXACT = 2;  // `calls` is in the data
export const MORE = 4;         // has children the fetched depth left out: fetch again rooted here
export const SMALLER = 8;      // a "(N smaller)" box standing for nMerged boxes under the cutoff

// Values of Tree.baseState.
export const BASE_NONE = 0;
export const BASE_PRESENT = 1;
export const BASE_ABSENT = 2;
export const BASE_BELOW = 3;
const BASE_STATES = new Map([['present', BASE_PRESENT], ['absent', BASE_ABSENT], ['below', BASE_BELOW]]);
// The compared columns, all Float64 (NaN when not compared).
const BASE_COLUMNS = ['baseTime', 'baseLo', 'baseHi', 'baseCalls', 'delta', 'deltaLo', 'deltaHi', 'removedCount', 'removedTime'];

// Columns, one entry per node (size of them):
//   parent   Int32     parent node, -1 for node 0
//   end      Int32     end of the subtree (exclusive)
//   depth    Int32     0 for node 0
//   fid      Int32     function id (the API's `id`), -1 for synthetic boxes
//   nameIndex, fileIndex  Int32  into strings
//   line, time, self, lo, hi, calls, nMerged  Float64  as the API's fields
//                      (NaN/±Infinity where it sent "nan"/"inf"/"-inf")
//   flags    Uint8     EXACT | CALLS_EXACT | MORE | SMALLER
// and, in a view compared with another profile (the API's `base`, docs/api.md):
//   baseState Uint8    BASE_NONE (not compared), BASE_PRESENT, BASE_ABSENT
//                      (the base profile has no such path), BASE_BELOW (its
//                      figure is an estimate within [baseLo, baseHi])
//   baseTime, baseLo, baseHi, baseCalls  Float64  the base profile's figures
//   delta, deltaLo, deltaHi  Float64  the change (in the unit, or in shares
//                      of each total when comparing shares) and its bounds
//   removedCount, removedTime  Float64  the base profile's callees of this
//                      path that this one lacks, and their time
//   removedTop  Array  per node, null or the largest of those callees, each
//                      { name, file, line, time } (frozen)
export class Tree {
  constructor(columns) {
    Object.assign(this, columns);
    Object.freeze(this);
  }

  name(i) { return this.strings[this.nameIndex[i]]; }

  file(i) { return this.strings[this.fileIndex[i]]; }

  has(i, flag) { return (this.flags[i] & flag) !== 0; }

  children(i) {
    const out = [];
    for (let c = i + 1; c < this.end[i]; c = this.end[c]) out.push(c);
    return out;
  }

  // The child of i for function fid, or -1.
  childWithId(i, fid) {
    for (let c = i + 1; c < this.end[i]; c = this.end[c]) if (this.fid[c] === fid) return c;
    return -1;
  }

  // Function ids from the top level down to i, as the API's `path` parameter
  // wants them ([] for the "(all)" root).  null when a "(N smaller)" box is on
  // the way: it stands for several functions, so no path names it.
  pathTo(i) {
    const path = [];
    for (let n = i; n > 0; n = this.parent[n]) {
      if (this.fid[n] < 0) return null;
      path.push(this.fid[n]);
    }
    return path.reverse();
  }

  // Whether showing `depth` levels below node i needs a fetch rooted at i:
  // some box above the bottom level had children left out (MORE).  A
  // "(N smaller)" box does not count: no fetch rooted here shows its
  // children (they are merged), so counting it would fetch forever.
  needsFetch(i, depth) {
    for (let n = i; n < this.end[i]; n++) {
      if (this.depth[n] - this.depth[i] < depth && (this.flags[n] & (MORE | SMALLER)) === MORE) return true;
    }
    return false;
  }

  // The node at a path of function ids, or -1 when this tree does not hold it.
  findPath(path) {
    let n = 0;
    for (const fid of path) {
      n = this.childWithId(n, fid);
      if (n < 0) return -1;
    }
    return n;
  }
}

// The tree of a whole-profile view (requested without `path`).  A view
// rooted deeper only makes sense grafted onto one: see graftView().
export function treeFromView(view) {
  if (pathIds(view).length !== 0) throw new TypeError('treeFromView: the view must be of the whole profile (empty path)');
  return build(rootBox(view));
}

// A new tree: `tree` with a view rooted at a path (fetched on zoom, maybe
// with another depth and cutoff) grafted in.  The node at the view's path
// takes the view root's figures, and its subtree is replaced by the view's.
//
// When the path leaves the tree early (the step was merged into a
// "(N smaller)" box, or lay below the fetched depth), the missing steps are
// added from the view's `path` boxes, flagged MORE since their other children
// are unknown, and placed among their siblings by time.  A "(N smaller)"
// sibling that stood for the first added step then stands for one box and
// its time less, so the widths still add up.
export function graftView(tree, view) {
  const steps = pathIds(view);
  const root = rootBox(view);
  if (steps.length === 0) return treeFromView(view);
  if (root.id !== steps[steps.length - 1]) throw new TypeError('graftView: view root is not the last step of its path');

  let at = 0;
  let k = 0;
  for (; k < steps.length; k++) {
    const c = tree.childWithId(at, steps[k]);
    if (c < 0) break;
    at = c;
  }

  let kidsOf;
  if (k === steps.length) {
    kidsOf = (item) => tree.children(item.old).map((c) => (c === at ? root : new Kept(c)));
  } else {
    let chain = root;
    for (let s = steps.length - 2; s >= k; s--) chain = new Added(view.path[s], chain);
    kidsOf = (item) => (item.old === at ? insertStep(tree, at, chain) : tree.children(item.old).map((c) => new Kept(c)));
  }
  return build(new Kept(0), tree, kidsOf);
}

// The server's `capped` field of a view (docs/api.md): null when it showed
// every level asked for (false, or a server without the field), else
// { reason, limit, boxes, depth }: it stopped expanding below `depth` levels
// under the view root because one more level would pass its limit on boxes
// (limit: a count), on bytes of the answer (limit: bytes) or on time
// (limit: ms); `boxes` is how many boxes it sent.
const CAP_REASONS = new Set(['boxes', 'bytes', 'time']);

export function readCapped(view) {
  const c = view?.capped;
  if (c === null || typeof c !== 'object') return null;
  const ok = (v) => Number.isSafeInteger(v) && v >= 0;
  if (!CAP_REASONS.has(c.reason) || !ok(c.limit) || !ok(c.boxes) || !ok(c.depth)) return null;
  return { reason: c.reason, limit: c.limit, boxes: c.boxes, depth: c.depth };
}

function pathIds(view) {
  if (view === null || typeof view !== 'object') throw new TypeError('not a tree view');
  const path = view.path ?? [];
  if (!Array.isArray(path)) throw new TypeError('view path is not a list');
  return path.map((box) => {
    const id = box === null || typeof box !== 'object' ? undefined : box.id;
    if (!isFunctionId(id)) throw new TypeError('view path holds a box without a function id');
    return id;
  });
}

function rootBox(view) {
  if (view.root === null || typeof view.root !== 'object') throw new TypeError('view has no root box');
  return view.root;
}

// Ids are indices into the profile's functions; fid is an Int32Array.
function isFunctionId(id) {
  return Number.isInteger(id) && id >= 0 && id <= 0x7fffffff;
}

// What build() turns into nodes, besides the boxes of a view: a node of the
// tree being grafted onto (with some figures replaced), and a step of a
// view's path that the tree lacked (its one child the next step).  Classes,
// so that no box of a view, a plain object from JSON.parse, passes for one.
class Kept {
  constructor(old, patch = {}) {
    this.old = old;
    this.patch = patch;
  }
}

class Added {
  constructor(box, child) {
    this.box = box;
    this.child = child;
  }
}

// The children of `at` with the first missing step of a path added.
function insertStep(tree, at, chain) {
  const t = apiNumber((chain instanceof Added ? chain.box : chain).time);
  const kids = [];
  let placed = false;
  for (const c of tree.children(at)) {
    const smaller = tree.has(c, SMALLER);
    if (!placed && (smaller || !(tree.time[c] >= t))) {
      kids.push(chain);
      placed = true;
    }
    if (!smaller) kids.push(new Kept(c));
    else if (tree.nMerged[c] > 1) kids.push(withoutOneMerged(tree, c, t));
    // else: a "(1 smaller)" box stood for the added step alone, and goes.
  }
  if (!placed) kids.push(chain);
  return kids;
}

// A "(N smaller)" box minus the added step of time t, one of the N.  Such a
// box has no children, so its self time is all of its time.
function withoutOneMerged(tree, c, t) {
  const n = tree.nMerged[c] - 1;
  const less = (x) => Math.max(0, x - (t > 0 ? t : 0));
  const time = less(tree.time[c]);
  return new Kept(c, { nMerged: n, name: `(${n} smaller)`, time, self: time, lo: less(tree.lo[c]), hi: less(tree.hi[c]) });
}

// Preorder from `root` (a box, Kept or Added); keptKids(item) gives the
// children of a Kept node.
function build(root, oldTree = null, keptKids = null) {
  const cols = {
    parent: [], depth: [], fid: [], nameIndex: [], fileIndex: [], line: [],
    time: [], self: [], lo: [], hi: [], calls: [], nMerged: [], flags: [], baseState: [], removedTop: [],
    ...Object.fromEntries(BASE_COLUMNS.map((k) => [k, []])),
  };
  const strings = [];
  const interned = new Map();
  const intern = (s) => {
    let i = interned.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      interned.set(s, i);
    }
    return i;
  };

  // An explicit stack, not recursion: a tree grafted zoom after zoom can be
  // deeper than the JavaScript call stack.
  const items = [root];
  const parents = [-1];
  const depths = [0];
  const push = (item, parent, depth) => {
    items.push(item);
    parents.push(parent);
    depths.push(depth);
  };
  while (items.length > 0) {
    const item = items.pop();
    const i = cols.parent.length;
    const depth = depths.pop();
    cols.parent.push(parents.pop());
    cols.depth.push(depth);
    if (item instanceof Kept) {
      pushKept(cols, intern, oldTree, item.old, item.patch);
      const kids = keptKids(item);
      for (let c = kids.length - 1; c >= 0; c--) push(kids[c], i, depth + 1);
    } else if (item instanceof Added) {
      pushBox(cols, intern, item.box, MORE);
      push(item.child, i, depth + 1);
    } else {
      pushBox(cols, intern, item, 0);
      const kids = Array.isArray(item.children) ? item.children : [];
      for (let c = kids.length - 1; c >= 0; c--) {
        if (kids[c] !== null && typeof kids[c] === 'object') push(kids[c], i, depth + 1);
      }
    }
  }
  return finish(cols, strings);
}

function pushBox(cols, intern, box, extraFlags) {
  const fid = isFunctionId(box.id) ? box.id : -1;
  const nMerged = apiNumber(box.n_merged);
  const merged = fid < 0 && nMerged > 0;
  cols.fid.push(fid);
  cols.nameIndex.push(intern(typeof box.name === 'string' ? box.name : ''));
  cols.fileIndex.push(intern(typeof box.file === 'string' ? box.file : ''));
  cols.line.push(Number.isFinite(box.line) ? box.line : 0);
  cols.time.push(apiNumber(box.time));
  cols.self.push(apiNumber(box.self));
  cols.lo.push(apiNumber(box.lo));
  cols.hi.push(apiNumber(box.hi));
  cols.calls.push(apiNumber(box.calls));
  cols.nMerged.push(merged ? nMerged : 0);
  cols.flags.push(extraFlags | (box.exact === true ? EXACT : 0) | (box.calls_exact === true ? CALLS_EXACT : 0)
    | (box.more === true ? MORE : 0) | (merged ? SMALLER : 0));
  pushBase(cols, box);
}

// A compared box's base figures and change; NaN and BASE_NONE for a box
// of a plain view (or a base field of the wrong shape).
function pushBase(cols, box) {
  const base = box.base !== null && typeof box.base === 'object' ? box.base : null;
  const state = base === null ? BASE_NONE : BASE_STATES.get(base.state) ?? BASE_NONE;
  const num = (v) => (state === BASE_NONE ? NaN : apiNumber(v));
  const removed = box.removed !== null && typeof box.removed === 'object' ? box.removed : {};
  cols.baseState.push(state);
  cols.baseTime.push(num(base?.time));
  cols.baseLo.push(num(base?.lo));
  cols.baseHi.push(num(base?.hi));
  cols.baseCalls.push(num(base?.calls));
  cols.delta.push(num(box.delta));
  cols.deltaLo.push(num(box.delta_lo));
  cols.deltaHi.push(num(box.delta_hi));
  cols.removedCount.push(state === BASE_NONE ? NaN : apiNumber(removed.count ?? 0));
  cols.removedTime.push(state === BASE_NONE ? NaN : apiNumber(removed.time ?? 0));
  const top = Array.isArray(removed.top) ? removed.top.filter((r) => r !== null && typeof r === 'object'
    && typeof r.name === 'string' && typeof r.file === 'string') : [];
  cols.removedTop.push(top.length === 0 ? null : Object.freeze(top.map((r) => Object.freeze({
    name: r.name, file: r.file, line: Number.isInteger(r.line) ? r.line : 0, time: apiNumber(r.time),
  }))));
}

function pushKept(cols, intern, tree, i, patch) {
  cols.fid.push(tree.fid[i]);
  cols.nameIndex.push(intern(patch.name ?? tree.name(i)));
  cols.fileIndex.push(intern(tree.file(i)));
  cols.line.push(tree.line[i]);
  cols.time.push(patch.time ?? tree.time[i]);
  cols.self.push(patch.self ?? tree.self[i]);
  cols.lo.push(patch.lo ?? tree.lo[i]);
  cols.hi.push(patch.hi ?? tree.hi[i]);
  cols.calls.push(tree.calls[i]);
  cols.nMerged.push(patch.nMerged ?? tree.nMerged[i]);
  cols.flags.push(tree.flags[i]);
  cols.baseState.push(tree.baseState[i]);
  cols.removedTop.push(tree.removedTop[i]);
  for (const k of BASE_COLUMNS) cols[k].push(tree[k][i]);
}

function finish(cols, strings) {
  const size = cols.parent.length;
  // end[i] = i + size of the subtree of i; in preorder every node comes
  // after its parent, so one backward pass adds each subtree to its parent's.
  const end = new Int32Array(size);
  for (let i = size - 1; i >= 0; i--) {
    end[i] += i + 1;
    if (cols.parent[i] >= 0) end[cols.parent[i]] += end[i] - i;
  }
  return new Tree({
    size,
    parent: Int32Array.from(cols.parent),
    end,
    depth: Int32Array.from(cols.depth),
    fid: Int32Array.from(cols.fid),
    nameIndex: Int32Array.from(cols.nameIndex),
    fileIndex: Int32Array.from(cols.fileIndex),
    line: Float64Array.from(cols.line),
    time: Float64Array.from(cols.time),
    self: Float64Array.from(cols.self),
    lo: Float64Array.from(cols.lo),
    hi: Float64Array.from(cols.hi),
    calls: Float64Array.from(cols.calls),
    nMerged: Float64Array.from(cols.nMerged),
    flags: Uint8Array.from(cols.flags),
    baseState: Uint8Array.from(cols.baseState),
    removedTop: Object.freeze(cols.removedTop),
    ...Object.fromEntries(BASE_COLUMNS.map((k) => [k, Float64Array.from(cols[k])])),
    strings: Object.freeze(strings),
  });
}
