// The legend under the chart: which hue is which package (for the boxes of
// the picture at rest, largest first), what the hatching means and how much
// of the time drawn is exact (the chart view's `drawn` in the store), or
// that a recorded profile, or one read from stacks, has nothing estimated.

import { THEMES } from '../render/palette.js';
import { legendEntries } from '../render/legend.js';
import { exactNote, pathsNote } from '../layout/notes.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

export function createLegendView(el, { store }) {
  const list = element('ul');
  const exact = element('strong', { className: 'exact-share' });
  const swatch = element('span', { className: 'swatch hatched' });
  const why = element('span');
  const hatch = element('p', { className: 'hatch-note' }, [swatch, element('span', {}, [exact, why])]);
  el.replaceChildren(list, hatch);

  function render(state) {
    const drawn = state.drawn;
    if (!drawn) return;
    const palette = THEMES[state.theme];
    const items = legendEntries(drawn.packages).map((entry) => {
      const swatch = element('span', { className: 'swatch' });
      swatch.style.background = entry.index < 0 ? palette.neutral : palette.palette[entry.index];
      const text = visibleText(entry.label);
      const title = entry.index < 0 ? `${entry.packages} more packages, in greys` : text;
      return element('li', {}, [swatch, element('span', { textContent: text, title })]);
    });
    list.replaceChildren(...items);
    const note = exactNote(drawn.time, state.units);
    exact.textContent = note === '' ? '' : `${note[0].toUpperCase()}${note.slice(1)}.`;
    // A recorded profile (profviz record) and one read from stacks have
    // every call path's own figures: nothing is estimated, so there is no
    // hatching to explain.
    swatch.hidden = state.paths !== 'inferred';
    why.textContent = pathsNote(state.paths);
  }
  store.subscribe((state, prev) => {
    if (state.drawn !== prev.drawn || state.theme !== prev.theme || state.paths !== prev.paths
      || state.units !== prev.units) render(state);
  });
}
