// What can be done to a box of the chart (its context menu, its keys):
// see the sandwich around its function, or add a transform of the
// top-down tree (the API's `t`: focus, merge, collapse, drop).  Pure: each
// action is the store change it makes, which the UI hands to url-sync's
// go() so that Back undoes it.
//
// Transforms apply to the top-down tree alone (the server computes them
// there), so in the inverted chart, a sandwich or a comparison they are
// offered disabled, with the reason as their title.

import { packageOf } from '../layout/packages.js';
import { MAX_TRANSFORMS } from './url-state.js';
import { treeQuery } from './tree-query.js';

// state: the store's.  n: a node of state.tree.  Returns
// [{ key, label, disabled, title, patch }]: key the shortcut, patch the
// store change (null when disabled).  [] for a box that names no function.
export function boxActions(state, n) {
  const tree = state.tree;
  if (!tree || n === null || n <= 0 || n >= tree.size || tree.fid[n] < 0) return [];
  const fid = tree.fid[n];
  const name = tree.name(n);
  const pkg = packageOf(tree.file(n), name);
  const q = treeQuery(state);
  const why = state.base !== null && state.base !== undefined
    ? 'Transforms apply to a profile alone: stop comparing first'
    : q.view !== 'top' ? 'Transforms apply to the top-down call tree: leave the inverted chart or the sandwich first'
      : state.transforms.length >= MAX_TRANSFORMS ? `At most ${MAX_TRANSFORMS} transforms` : '';
  const add = (t, root = []) => (why === '' ? { transforms: [...state.transforms, t], root } : null);
  const path = tree.pathTo(n);
  const drop = path === null ? null : `drop:${path.join(',')}`;
  const actions = [
    {
      key: 'w', label: `Sandwich around ${name}`, title: 'Its callers above it and its callees below, over every place it is called',
      patch: state.base !== null && state.base !== undefined ? null : { sandwich: fid, root: [] },
      disabled: state.base !== null && state.base !== undefined,
    },
    { key: 'f', label: `Focus on ${name}`, title: 'Every call of it merged into one root, with what it calls', patch: add(`focus:${fid}`) },
    { key: 'm', label: `Merge ${name} into its callers`, title: 'Hide it: its callees move up, its own time stays in its callers', patch: add(`merge:${fid}`) },
    { key: 'c', label: `Collapse package ${pkg}`, title: 'Each run of its functions becomes one box, with what they call outside it below', patch: add(`collapse:${pkg}`) },
    {
      key: 'd', label: 'Drop this subtree', title: 'Remove this call path and its time from the chart',
      patch: drop === null ? null : add(drop, keptRoot(state.root, path)),
    },
  ];
  return actions.map((a) => (a.key === 'w' ? { ...a, title: a.disabled ? 'A comparison is of the top-down tree: stop comparing first' : a.title }
    : { ...a, disabled: a.patch === null, title: a.patch === null ? why || 'This box has no call path of its own' : a.title }));
}

// The zoom root that stays after dropping the subtree at `dropped`: the
// same, unless it lay in what was dropped.
function keptRoot(root, dropped) {
  const inside = root.length >= dropped.length && dropped.every((id, i) => root[i] === id);
  return inside ? dropped.slice(0, -1) : root;
}

// A transform as the stack names it; name(fid) gives a function's name
// (or null when not known yet).
export function transformLabel(t, name) {
  if (t === 'mycode') return 'My code only';
  const colon = t.indexOf(':');
  const kind = t.slice(0, colon);
  const arg = t.slice(colon + 1);
  const fn = (id) => name(Number(id)) ?? `function ${id}`;
  if (kind === 'focus') return `Focus: ${fn(arg)}`;
  if (kind === 'merge') return `Merged: ${fn(arg)}`;
  if (kind === 'collapse') return `Collapsed: ${arg}`;
  return `Dropped: ${arg.split(',').map(fn).join(' › ')}`;
}

// The function ids a transform names (for the stack to look up names).
export function transformIds(t) {
  const m = /^(focus|merge|drop):(.*)$/.exec(t);
  return m ? m[2].split(',').map(Number) : [];
}

// "My code only" on or off: on, it goes last, as every transform does (a
// drop before it names a path of the tree it was made on); off, it leaves
// the stack wherever it is.
export function toggleMyCode(transforms) {
  return transforms.includes('mycode') ? transforms.filter((t) => t !== 'mycode') : [...transforms, 'mycode'];
}
