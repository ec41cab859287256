// Which tree the chart asks the API for (GET /api/profiles/{id}/tree's
// `view`, `fn`, `t`), from the store's state: the top-down tree with its
// transforms, the bottom-up one, or a half of the sandwich around a
// function.  A sandwich's halves are each rooted at the function (node 0 of
// their tree), so the store's zoom path there starts below it and the API's
// starts with it.
//
// Why views and transforms give way to a comparison: the server compares
// the top-down tree only, so with `base` the page asks for that and says so
// (the toolbar disables what would not apply).

// state: the store's { base, inverted, sandwich, transforms, half } (half:
// 'callers' for the sandwich's upper chart, else absent).  Returns
// { view, fn, t } as the API takes them: fn null unless a sandwich half,
// t [] unless the top-down view.
export function treeQuery(state) {
  if (state.base !== null && state.base !== undefined) return { view: 'top', fn: null, t: [] };
  if (state.sandwich !== null && state.sandwich !== undefined) {
    return { view: state.half === 'callers' ? 'callers' : 'callees', fn: state.sandwich, t: [] };
  }
  if (state.inverted) return { view: 'inverted', fn: null, t: [] };
  return { view: 'top', fn: null, t: state.transforms ?? [] };
}

// The API's `path` for the store's zoom path `root` under query q: a
// sandwich half's starts with its function (docs/api.md: "ids from F
// down, F first"), even at its root.
export function apiPath(q, root) {
  return q.fn === null ? root : [q.fn, ...root];
}

// A view of a sandwich half as the page's tree holds it: the function's box
// is the tree's root, so the answer's path drops its first step (the
// function itself).
export function relativeView(q, view) {
  if (q.fn === null || !Array.isArray(view?.path) || view.path.length === 0) return view;
  return { ...view, path: view.path.slice(1) };
}

// A key that changes whenever the tree the query asks for does.
export function queryKey(q) {
  return `${q.view}/${q.fn}/${q.t.join('\u0000')}`;
}

// Why an answer is not the tree query q asked for, or '' when it is: the
// API echoes `view` and `transforms`, and a server that predates them
// ignores the parameters and answers the top-down tree, which must not be
// drawn as if it were the inverted one.
export function echoMismatch(q, view) {
  if (q.view !== 'top' && view?.view !== q.view) return `this server does not offer view=${q.view}`;
  const echoed = view?.transforms;
  // The count, not the spelling: a server may write a transform it applied
  // in its own canonical form.
  if (q.t.length > 0 && !(Array.isArray(echoed) && echoed.length === q.t.length)) {
    return 'this server does not offer transforms';
  }
  return '';
}
