// Keeps the search's share of time in the store: whenever the profile or
// the query changes it asks the functions API which functions match (the
// same rule as the chart's, model/search.js) and how much cumulative time
// they have, and puts together, as `searchShare` (model/search.js's
// searchShare, or null while the answer is on its way), those exact
// figures and the chart's own (`searchResult`, the top-most matching
// boxes).
//
// Why ask the server: the chart holds the levels fetched only, with times
// on each path that are often estimates, so its sum of matching boxes is a
// guess that moves with the depth ("markup" read 8.6% where pstats' cumtime
// says 42.4%).  One page of matches sorted by cumtime gives the exact share
// of one function, and bounds for several.
//
// A newer query supersedes an older one still on its way: the older
// request is aborted, and its answer, if it comes anyway, is dropped.

import { isAbort } from '../model/api.js';
import { readFunctionsPage } from '../model/functions.js';
import { matchedFunctions, searchShare } from '../model/search.js';

// The API's largest page: enough for an exact sum of most searches, and a
// bound on the sum of the rest.
const PAGE = 1000;

export function createSearchLoader(store, api) {
  let controller = null;
  let answer = null;  // { profile, query, functions } of the last answer

  async function fetchMatches(profile, query) {
    controller?.abort();
    answer = null;
    if (profile === null || query === '') {
      controller = null;
      return;
    }
    const mine = new AbortController();
    controller = mine;
    try {
      const json = await api.functions(profile, { q: query, sort: 'cumtime', order: 'desc', limit: PAGE }, mine.signal);
      if (controller !== mine) return;
      controller = null;
      answer = { profile, query, functions: matchedFunctions(readFunctionsPage(json)) };
    } catch (e) {
      if (isAbort(e) || controller !== mine) return;
      controller = null;
      store.set({ notice: `The search's share of time could not be had: ${e?.message ?? e}` });
      return;
    }
    combine(store.get());
  }

  // searchShare from the last answer and the chart, when both are of the
  // store's current profile and query.
  function combine(state) {
    const fresh = answer !== null && answer.profile === state.profile && answer.query === state.search;
    const share = fresh && state.tree && state.searchResult?.query === state.search
      ? searchShare(answer.functions, state.searchResult.time, state.tree.time[0]) : null;
    if (share === null ? state.searchShare !== null : JSON.stringify(share) !== JSON.stringify(state.searchShare)) {
      store.set({ searchShare: share });
    }
  }

  const unsubscribe = store.subscribe((state, prev) => {
    if (state.profile !== prev.profile || state.search !== prev.search) fetchMatches(state.profile, state.search);
    if (state.searchResult !== prev.searchResult || state.tree !== prev.tree || state.search !== prev.search) combine(state);
  });
  return {
    start: () => fetchMatches(store.get().profile, store.get().search),
    stop: () => {
      unsubscribe();
      controller?.abort();
    },
  };
}
