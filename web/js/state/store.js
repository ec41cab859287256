// The page's UI state (zoom root, view, depth, cutoff, search, sort, hover,
// selection) in one observable object, after speedscope's atom.
//
// Why one store: views never call each other; each one reads the state, sets
// what its user changed and redraws when told.  The URL, the chart, the table
// and the breadcrumb then cannot disagree, and state/url-state.js can sync
// the URL from one place.
//
// The state is a frozen plain object, replaced (never edited) on each change,
// so a listener can compare the old and new values by identity.

export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  // Each listener with the state it last saw: a listener that calls set()
  // while being told of a change must not make the others see the changes
  // out of order or twice.
  const listeners = new Map();

  return {
    get() {
      return state;
    },

    // Merges `patch` (an object, or a function of the current state giving
    // one) into the state and tells every listener, if anything changed.
    set(patch) {
      const changes = typeof patch === 'function' ? patch(state) : patch;
      if (!Object.keys(changes).some((k) => !Object.is(state[k], changes[k]))) return;
      state = Object.freeze({ ...state, ...changes });
      for (const listener of [...listeners.keys()]) {
        const seen = listeners.get(listener);
        if (seen === undefined || seen === state) continue;  // unsubscribed, or told already
        listeners.set(listener, state);
        listener(state, seen);
      }
    },

    // Calls listener(state, prev) after every change; returns the
    // function that stops it.
    subscribe(listener) {
      listeners.set(listener, state);
      return () => listeners.delete(listener);
    },
  };
}
