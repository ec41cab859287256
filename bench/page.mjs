// page.mjs — what the page benchmarks share (browser.mjs, report.mjs): the
// default big profile, and the recorder of when the page first says ready.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// The default profile: the shared corpus's real one, else a synthetic one of
// the same size, made by the gen_pstats next to the profviz used.
export function defaultProfile(profviz) {
  const shared = path.resolve(ROOT, '..', 'shared', 'corpus', 'big_50k.prof');
  if (fs.existsSync(shared)) return shared;
  const gen = path.resolve(path.dirname(profviz), '..', 'bench', 'gen_pstats');
  const out = path.join(ROOT, 'bench', 'results', 'synth_50000.prof');
  if (!fs.existsSync(gen)) {
    throw new Error(`../shared is absent and there is no ${gen} to make a synthetic profile with: ` +
      'build it (meson compile -C build bench/gen_pstats) or pass a FILE');
  }
  if (!fs.existsSync(out) || fs.statSync(gen).mtimeMs > fs.statSync(out).mtimeMs) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    execFileSync(gen, ['--funcs', '50000', '--seed', '1', '-o', out], { stdio: 'inherit' });
  }
  return out;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Installed before the page's own scripts: notes when the chart and the
// table first say ready.
export function loadRecorder() {
  const b = { chart: null, table: null };
  window.__pvBench = b;
  const check = () => {
    const now = performance.now();
    const c = document.getElementById('chart-canvas');
    if (b.chart === null && c && c.dataset.state === 'ready') b.chart = now;
    const t = document.getElementById('table');
    if (b.table === null && t && t.dataset.state === 'ready') b.table = now;
    if (b.chart !== null && b.table !== null) obs.disconnect();
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

