// "Compare with…": the control that picks another stored profile to compare
// this one with (the list is GET /api/profiles), the switch between
// comparing times and shares of each total, and the way out of comparing.
// While comparing, the comparison table stands where the statistics table
// was.
//
// Store keys: reads profile, base, compare; writes base and compare.  The
// switch and the way out show only while comparing: a control that could
// do nothing is not shown.

import { readProfiles } from '../model/profiles.js';
import { isAbort } from '../model/api.js';
import { visibleText } from '../layout/text.js';

// Profiles offered, newest first: enough for a person to pick from; a
// base given by the URL is offered even when older.
const LIST_LIMIT = 200;

export function createCompareView(el, { api, store, statsTable }) {
  const select = el.querySelector('#compare-base');
  const seconds = el.querySelector('#compare-seconds');
  const share = el.querySelector('#compare-share');
  const stop = el.querySelector('#compare-stop');
  const modes = el.querySelector('#compare-modes');
  let profiles = [];

  function fill(state) {
    const offered = profiles.filter((p) => p.id !== state.profile);
    if (state.base !== null && !offered.some((p) => p.id === state.base)) offered.push({ id: state.base, name: '' });
    select.replaceChildren(new Option('nothing', ''), ...offered.map((p) => new Option(
      `#${p.id} ${visibleText(p.name)}`.trim(), String(p.id),
    )));
    select.value = state.base === null ? '' : String(state.base);
  }

  api.profiles({ limit: LIST_LIMIT }).then((json) => {
    profiles = readProfiles(json);
    fill(store.get());
  }, (e) => {
    if (!isAbort(e)) select.title = `The list of profiles could not be had: ${e.message}`;
  });

  // A comparison opens on its table's first sort, the largest changes of
  // own time: that is where a regression shows.
  select.addEventListener('change', () => store.set(select.value === ''
    ? { base: null, compare: 'seconds' } : { base: Number(select.value), sort: 'tottime', order: 'desc' }));
  seconds.addEventListener('click', () => store.set({ compare: 'seconds' }));
  share.addEventListener('click', () => store.set({ compare: 'share' }));
  stop.addEventListener('click', () => store.set({ base: null, compare: 'seconds' }));

  function render(state, prev) {
    if (prev && state.base === prev.base && state.compare === prev.compare && state.profile === prev.profile) return;
    fill(state);
    const on = state.base !== null;
    modes.hidden = !on;
    stop.hidden = !on;
    seconds.setAttribute('aria-pressed', String(state.compare === 'seconds'));
    share.setAttribute('aria-pressed', String(state.compare === 'share'));
    statsTable.hidden = on;
    document.body.dataset.compare = on ? String(state.base) : '';
  }
  store.subscribe(render);
  render(store.get(), null);
}
