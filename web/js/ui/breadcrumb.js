// The path from the whole profile to the zoom root, one button per step:
// where the chart is, and a way back to any level of it in one click.

import { functionLabel } from '../layout/table.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

export function createBreadcrumb(nav, { store, zoom }) {
  nav.setAttribute('aria-label', 'Zoom path');

  function render(state) {
    const tree = state.tree;
    const at = tree ? tree.findPath(state.root) : -1;
    if (at < 0) return;  // keep the old path while the new view loads
    const steps = [];
    for (let n = at; n >= 0; n = tree.parent[n]) steps.push(n);
    steps.reverse();
    const buttons = steps.map((n, i) => {
      const b = element('button', {
        type: 'button', className: 'crumb', textContent: visibleText(tree.name(n)),
        title: n === 0 ? 'The whole profile' : functionLabel(tree.file(n), tree.line[n], tree.name(n)),
      });
      const path = state.root.slice(0, i);
      if (i === steps.length - 1) b.setAttribute('aria-current', 'true');
      else b.addEventListener('click', () => zoom(path));
      return b;
    });
    nav.replaceChildren(...buttons);
  }

  store.subscribe((state, prev) => {
    if (state.tree !== prev.tree || state.root !== prev.root) render(state);
  });
  render(store.get());
}
