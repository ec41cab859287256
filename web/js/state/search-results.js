// Keeps the chart's search results in the store: whenever the tree or the
// query changes, the matching boxes (model/search.js's searchTree) go to
// `matches` (for the painters' marks) and `searchResult` (for the search's
// share, state/search-loader.js).  The tree holds only the levels fetched,
// so a deeper view grafted in is searched again.

import { searchTree } from '../model/search.js';

// Returns the store's unsubscribe function.
export function followSearch(store) {
  return store.subscribe((state, prev) => {
    if (state.tree && (state.tree !== prev.tree || state.search !== prev.search)) {
      const result = searchTree(state.tree, state.search);
      store.set({ matches: result.matches, searchResult: result });
    }
  });
}
