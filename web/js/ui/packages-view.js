// The table grouped by package (the store's group = 'package'): one row per
// package with its functions, calls, own time and share of the profile's
// own time, from GET /api/profiles/{id}/packages, in place of the
// statistics table.  A click on a package searches for it, so the chart
// marks its boxes.  The shares also go to the store as `packageShares`
// (package -> share) for the legend.

import { formatCount, formatValue } from '../layout/format.js';
import { percent } from '../layout/notes.js';
import { visibleText } from '../layout/text.js';
import { isAbort } from '../model/api.js';
import { readPackages, shareByPackage } from '../model/packages.js';
import { element } from './dom.js';

export function createPackagesView(section, { api, store }) {
  const status = element('p', { className: 'packages-status' });
  const body = element('tbody');
  const head = element('tr', {}, ['package', 'functions', 'calls', 'tottime', 'share'].map((label, i) => element('th', {
    textContent: label, className: i === 0 ? '' : 'num', scope: 'col',
  })));
  const table = element('table', { id: 'packages-table' }, [element('thead', {}, [head]), body]);
  section.replaceChildren(status, table);
  const statsTable = document.getElementById('table');

  let loadedFor = null;
  let controller = null;

  function show(packages, units) {
    body.replaceChildren(...packages.rows.map((r) => {
      const name = r.package === '' ? '(no file)' : visibleText(r.package);
      const link = element('button', { type: 'button', className: 'package-name', textContent: name, title: `Search the chart for ${name}` });
      link.addEventListener('click', () => store.set({ search: r.package }));
      return element('tr', {}, [
        element('td', {}, [link]),
        element('td', { className: 'num', textContent: formatCount(r.functions) }),
        element('td', { className: 'num', textContent: formatCount(r.calls) }),
        element('td', { className: 'num', textContent: formatValue(r.tt, units) }),
        element('td', { className: 'num', textContent: percent(r.share) }),
      ]);
    }));
    status.textContent = `${packages.rows.length} packages, by their own time`;
  }

  function update(state) {
    const on = state.group === 'package';
    section.hidden = !on;
    statsTable.hidden = on;
    if (!on || loadedFor === state.profile) return;
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    status.textContent = 'Loading the packages…';
    api.packages(state.profile, mine.signal).then((json) => {
      const packages = readPackages(json);
      loadedFor = state.profile;
      show(packages, store.get().units);
      store.set({ packageShares: shareByPackage(packages) });
    }, (e) => {
      if (isAbort(e)) return;
      body.replaceChildren();
      status.textContent = `The packages could not be listed: ${e.message}`;
    });
  }

  store.subscribe((state, prev) => {
    if (state.group !== prev.group || state.profile !== prev.profile) update(state);
  });
  update(store.get());
}
