// The legend under the chart: which colour is which package (for the boxes
// under the zoom root, largest first) and what the hatching means.

import { THEMES, treeColors } from '../colors.js';
import { legendEntries } from '../render/legend.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

const ENTRIES = 8;

export function createLegendView(el, { store }) {
  const list = element('ul');
  const hatch = element('p', { className: 'hatch-note' }, [element('span', { className: 'swatch hatched' }), 'Hatched boxes: estimated time. The profile records calls per caller, not per call path, so where a function is reached along several paths its time on each is an estimate (hover for the bounds).']);
  el.replaceChildren(list, hatch);

  function render(state) {
    const tree = state.tree;
    const at = tree ? tree.findPath(state.root) : -1;
    if (at < 0) return;
    const palette = THEMES[state.theme];
    const items = legendEntries(tree, treeColors(tree), at, ENTRIES).map((entry) => {
      const swatch = element('span', { className: 'swatch' });
      swatch.style.background = entry.index < 0 ? palette.neutral : palette.palette[entry.index];
      const text = visibleText(entry.label);
      return element('li', {}, [swatch, element('span', { textContent: text, title: text })]);
    });
    list.replaceChildren(...items);
  }
  store.subscribe((state, prev) => {
    if (state.tree !== prev.tree || state.root !== prev.root || state.theme !== prev.theme) render(state);
  });
}
