// The legend under the chart: which hue is which package (for the boxes of
// the picture at rest, largest first), what the hatching means and how much
// of the time drawn is exact (the chart view's `drawn` in the store), or
// that a recorded profile, or one read from stacks, has nothing estimated.
// A view compared with another profile (state.base) is coloured by change:
// the legend then explains that scale and its marks instead of packages.

import { THEMES } from '../render/palette.js';
import { DIFF_THEMES, stepColor } from '../render/diff-palette.js';
import { diffLegend } from '../layout/diff.js';
import { legendEntries } from '../render/legend.js';
import { PACKAGE_SHADE } from '../layout/packages.js';
import { exactNote, pathsNote, percent } from '../layout/notes.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

export function createLegendView(el, { store }) {
  const list = element('ul');
  const exact = element('strong', { className: 'exact-share' });
  const swatch = element('span', { className: 'swatch hatched' });
  const why = element('span');
  const hatch = element('p', { className: 'hatch-note' }, [swatch, element('span', {}, [exact, why])]);
  el.replaceChildren(list, hatch);

  // The change scale: a swatch per step, a new path's colour, the frame.
  function diffItems(state) {
    return diffLegend(state.compare, state.units.kind === 'time').map(({ step, label }) => {
      const swatch = element('span', { className: 'swatch' });
      if (step === 'removed') {
        swatch.style.background = THEMES[state.theme].neutral;
        swatch.style.outline = `2px solid ${DIFF_THEMES[state.theme].removed}`;
        swatch.style.outlineOffset = '-2px';
      } else {
        swatch.style.background = stepColor(step, state.theme);
      }
      return element('li', { className: 'diff-step' }, [swatch, element('span', { textContent: label })]);
    });
  }

  function render(state) {
    const drawn = state.drawn;
    if (!drawn) return;
    const palette = THEMES[state.theme];
    el.classList.toggle('compared', state.base !== null);
    const items = state.base !== null ? diffItems(state) : legendEntries(drawn.packages).map((entry) => {
      const swatch = element('span', { className: 'swatch' });
      const grouped = state.group === 'package';
      swatch.style.background = entry.index < 0 ? palette.neutral
        : grouped ? palette.shades[entry.index][PACKAGE_SHADE] : palette.palette[entry.index];
      // Grouped by package, each says its share of the own time (the
      // packages table's), the first question being which library is slow.
      const share = grouped && entry.index >= 0 ? state.packageShares?.get(entry.label === '(no file)' ? '' : entry.label) : undefined;
      const text = visibleText(entry.label) + (share === undefined ? '' : ` ${percent(share)}`);
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
      || state.units !== prev.units || state.base !== prev.base || state.compare !== prev.compare
      || state.group !== prev.group || state.packageShares !== prev.packageShares) render(state);
  });
}
