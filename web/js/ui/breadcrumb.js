// The path from the whole profile to the zoom root, one button per step:
// where the chart is, and a way back to any level of it in one click.
// Steps are named as the boxes are (built-ins by their short names), with
// the full name in the tooltip.

import { zoomSteps } from '../layout/navigate.js';
import { functionLabel } from '../layout/table.js';
import { boxLabel } from '../render/labels.js';
import { element } from './dom.js';

export function createBreadcrumb(nav, { store, zoom }) {
  nav.setAttribute('aria-label', 'Zoom path');

  function render(state) {
    const tree = state.tree;
    const at = tree ? tree.findPath(state.root) : -1;
    if (at < 0) return;  // keep the old path while the new view loads
    const steps = zoomSteps(tree, at, state.root);
    const buttons = steps.map(({ node: n, path }, i) => {
      const b = element('button', {
        type: 'button', className: 'crumb', textContent: boxLabel(tree, n),
        // A sandwich half's root is its function, not the whole profile.
        title: n === 0 && tree.fid[0] < 0 ? 'The whole profile' : functionLabel(tree.file(n), tree.line[n], tree.name(n)),
      });
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
