// The transforms of the top-down tree (the store's `transforms`, in the
// order applied), shown like the breadcrumb: the untransformed tree first,
// then one step per transform.  A click on a step pops the stack back to
// it, its × removes that one alone.  Each change goes through go()
// (url-sync), so Back undoes it.
//
// Transforms name functions by id; the names come from the trees seen
// (a merged function is gone from the tree it transformed) and, for a
// stack read from a link, from the API's function endpoint.

import { isAbort } from '../model/api.js';
import { transformIds, transformLabel } from '../state/box-actions.js';
import { treeQuery } from '../state/tree-query.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

export function createTransformStack(nav, { api, store, go }) {
  nav.setAttribute('aria-label', 'Transforms');
  const names = new Map();  // function id -> name
  const asked = new Set();

  function learn(tree) {
    if (!tree) return;
    for (let i = 1; i < tree.size; i++) if (tree.fid[i] >= 0 && !names.has(tree.fid[i])) names.set(tree.fid[i], tree.name(i));
  }

  function lookUp(state) {
    for (const id of state.transforms.flatMap(transformIds)) {
      if (names.has(id) || asked.has(id)) continue;
      asked.add(id);
      api.func(state.profile, id).then((f) => {
        if (typeof f?.name === 'string') {
          names.set(id, f.name);
          render(store.get());
        }
      }, (e) => {
        if (!isAbort(e)) asked.delete(id);
      });
    }
  }

  function render(state) {
    const list = state.transforms;
    nav.hidden = list.length === 0;
    if (list.length === 0) return;
    const q = treeQuery(state);
    const applied = q.view === 'top' && q.t.length > 0;
    nav.classList.toggle('inactive', !applied);
    nav.title = applied ? '' : state.base !== null ? 'Not applied: a comparison is of the untransformed tree'
      : 'Not applied: transforms change the top-down call tree only';
    const step = (label, title, patch, current) => {
      const b = element('button', { type: 'button', className: 'crumb', textContent: label, title });
      if (current) b.setAttribute('aria-current', 'true');
      else b.addEventListener('click', () => go(patch));
      return b;
    };
    const steps = [step('Call tree', 'The call tree without transforms', { transforms: [], root: [] }, false)];
    list.forEach((t, i) => {
      const label = visibleText(transformLabel(t, (id) => names.get(id) ?? null));
      const remove = element('button', { type: 'button', className: 'remove', textContent: '×', title: `Remove "${label}" alone` });
      remove.setAttribute('aria-label', `Remove ${label}`);
      remove.addEventListener('click', () => go({ transforms: list.filter((_, j) => j !== i), root: [] }));
      const last = i === list.length - 1;
      steps.push(element('span', { className: 'transform' }, [
        step(label, last ? label : `Back to here: undo the transforms after it`, { transforms: list.slice(0, i + 1), root: [] }, last), remove,
      ]));
    });
    nav.replaceChildren(element('span', { className: 'transforms-label', textContent: 'Transforms:' }), ...steps);
  }

  store.subscribe((state, prev) => {
    if (state.tree !== prev.tree) learn(prev.tree);
    if (state.transforms !== prev.transforms || state.inverted !== prev.inverted || state.sandwich !== prev.sandwich
      || state.base !== prev.base) {
      learn(state.tree);
      lookUp(state);
      render(state);
    }
  });
  learn(store.get().tree);
  lookUp(store.get());
  render(store.get());
}
