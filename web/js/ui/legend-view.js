// The legend under the chart: which colour is which package (for the boxes
// under the zoom root, largest first) and what the hatching means.

import { THEMES, treeColors } from '../colors.js';
import { legendEntries } from '../render/legend.js';
import { visibleText } from '../layout/text.js';

const ENTRIES = 8;

export function createLegendView(el, { store, theme }) {
  const list = document.createElement('ul');
  const hatch = document.createElement('p');
  hatch.className = 'hatch-note';
  const swatch = document.createElement('span');
  swatch.className = 'swatch hatched';
  hatch.append(swatch, 'Hatched boxes: estimated time. The profile records calls per caller, not per call path, so where a function is reached along several paths its time on each is an estimate (hover for the bounds).');
  el.replaceChildren(list, hatch);

  function render(state) {
    const tree = state.tree;
    const at = tree ? tree.findPath(state.root) : -1;
    if (at < 0) return;
    const palette = THEMES[theme()];
    const items = legendEntries(tree, treeColors(tree), at, ENTRIES).map((entry) => {
      const li = document.createElement('li');
      const s = document.createElement('span');
      s.className = 'swatch';
      s.style.background = entry.index < 0 ? palette.neutral : palette.palette[entry.index];
      const label = document.createElement('span');
      label.textContent = visibleText(entry.label);
      label.title = label.textContent;
      li.append(s, label);
      return li;
    });
    list.replaceChildren(...items);
  }
  store.subscribe((state, prev) => {
    if (state.tree !== prev.tree || state.root !== prev.root || state.theme !== prev.theme) render(state);
  });
}
