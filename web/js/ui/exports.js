// The toolbar's downloads: the whole table as CSV (every row of the
// current sort and filter, fetched again in full), the chart as PNG (the
// canvas as it is) and as SVG (render/svg.js, from the scene the canvas
// was painted from).  A CSV that could not be had is said as a notice.
//
// Store keys: reads sort, order, filter, view, units (and what
// state/tree-query.js reads); writes notice.

import { measurer } from '../render/labels.js';
import { icicleSvg, sunburstSvg } from '../render/svg.js';
import { treeQuery } from '../state/tree-query.js';
import { download, safeFileName } from './download.js';
import { downloadTableCsv } from './table-view.js';

// Returns exportAs(kind) for 'csv' | 'png' | 'svg'; profileName() gives the
// profile's display name, for the files' names.
export function createExporter({ api, store, profile, profileName, chart, canvas }) {
  return function exportAs(kind) {
    const state = store.get();
    const name = profileName();
    // The tree shown names the file too: the inverted chart, or the
    // sandwich's lower half (its callees), is not the call tree.
    const tree = treeQuery(state).view;
    const stem = safeFileName(name, `${tree === 'top' ? '' : `-${tree}`}-${state.view}`);
    if (kind === 'csv') {
      const query = { sort: state.sort, order: state.order, q: state.filter || undefined };
      downloadTableCsv(api, profile, query, state.units, safeFileName(name, '.csv'))
        .catch((e) => store.set({ notice: `CSV download failed: ${e.message}` }));
    } else if (kind === 'png') {
      canvas.toBlob((blob) => blob && download(blob, `${stem}.png`), 'image/png');
    } else {
      const scene = chart.scene();
      if (!scene) return;
      // The chart canvas's own measurer: labels are cut where the screen
      // cuts them, from widths it has already measured.
      const measure = measurer(canvas.getContext('2d'));
      const svg = scene.kind === 'icicle' ? icicleSvg(scene, measure) : sunburstSvg(scene, measure);
      download(new Blob([svg], { type: 'image/svg+xml' }), `${stem}.svg`);
    }
  };
}
