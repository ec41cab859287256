// Walking a chart's boxes with the keyboard, and the steps of the zoom
// path, over a tree's nodes (model/tree.js).
//
// Everything here works on node indices, never on function ids: a path may
// hold one function several times (recursion, exec under exec), and each
// of those boxes is its own place to be.

// The box an arrow key moves to from node `at` when `top` is the zoom root,
// or null: Down the first child, Up the parent (not above the root), Left
// and Right the siblings.  shown(n) says whether node n is drawn: the keys
// walk only what is on screen.
export function nextBox(tree, top, at, key, shown) {
  let next = null;
  if (key === 'ArrowDown') {
    next = tree.end[at] > at + 1 ? at + 1 : null;
  } else if (key === 'ArrowUp') {
    next = at !== top ? tree.parent[at] : null;
  } else if ((key === 'ArrowLeft' || key === 'ArrowRight') && at !== top) {
    const sibs = tree.children(tree.parent[at]);
    const i = sibs.indexOf(at) + (key === 'ArrowLeft' ? -1 : 1);
    next = i >= 0 && i < sibs.length ? sibs[i] : null;
  }
  return next !== null && shown(next) ? next : null;
}

// The breadcrumb: one step per level from the "(all)" box down to node
// `at`, each { node, path } with the zoom path (function ids) of that
// level, a prefix of `root`.
export function zoomSteps(tree, at, root) {
  const nodes = [];
  for (let n = at; n >= 0; n = tree.parent[n]) nodes.push(n);
  return nodes.reverse().map((node, i) => ({ node, path: root.slice(0, i) }));
}
