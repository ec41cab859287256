// Comparing two profiles on the page: a comparison URL opens NEW's chart
// coloured by change against the base, the hover gives both figures and
// the change, the comparison table sorts three ways, times and shares
// switch, "Compare with…" starts a comparison and "Stop comparing" ends it,
// and every step is in the URL (a reload opens the same comparison).
//
// The profiles are tests/data/diff's synthetic pair (make_diff.py): in
// slower.prof, c called by b takes 1 s more than in base.prof (2 -> 3 s),
// so the boxes main > b > c are slower and the rest are not; changed.prof
// has a new call path (a > d) and calls the base had that are gone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepColor, DIFF_THEMES } from '../../web/js/render/diff-palette.js';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import {
  canvasPoint, chart, expectPage, goto, hoverAt, isShown, text, until, waitChart,
} from './pages.mjs';

const h = setupBrowserTests(import.meta.url, {
  files: ['base.prof', 'slower.prof', 'changed.prof'].map((f) => fixture(`tests/data/diff/${f}`)),
});
const T = { timeout: TEST_TIMEOUT };

function waitDiffTable(page) {
  return until(page, '#diff-table[data-state=ready]', () => {
    const el = document.getElementById('diff-table');
    return el && !el.hidden ? el.dataset.state ?? null : null;
  }, (s) => s === 'ready');
}

async function openComparison(page, url) {
  await goto(page, url);
  await expectPage(page, 'profile');
  // Coloured by change once the compared view is in: the legend then
  // explains the scale.
  await until(page, 'the legend of the change scale', () => document.querySelector('#legend.compared li')?.textContent ?? null,
    (s) => s !== null);
  await waitChart(page);
  await waitDiffTable(page);
  return chart(page);
}

// The colour of the chart's pixel at a canvas point (CSS px).
function pixelAt(page, x, y) {
  return page.evaluate((px, py) => {
    const c = document.getElementById('chart-canvas');
    const k = c.width / c.getBoundingClientRect().width;
    const [r, g, b] = c.getContext('2d').getImageData(Math.round(px * k), Math.round(py * k), 1, 1).data;
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }, x, y);
}

// Whether an element takes any room on the page (CSS may show what
// `hidden` hides).
const drawn = (page, selector) => page.$eval(selector, (el) => el.getClientRects().length > 0);

// The canvas's width in CSS px.
const canvasWidth = (page) => page.evaluate(() => document.getElementById('chart-canvas').getBoundingClientRect().width);

// Rows of the comparison table: [Δ tottime, ..., location] texts.
const diffRows = (page) => page.evaluate(() => [...document.querySelectorAll('#diff-stats tbody tr')]
  .map((r) => [...r.cells].map((c) => c.textContent)));

test('a comparison URL colours the regression\'s path and says what changed', T, (t) => h.withPage(t, async (page, { shot }) => {
  const base = h.id('base.prof');
  const c = await openComparison(page, h.url('slower.prof', `v=1&sort=tottime&base=${base}`));
  const W = await canvasWidth(page);
  const row = (k) => (k + 0.2) * c.rowHeight;  // near a row's top, away from its label
  // slower.prof's main (11 s): b 4 s, e 3.5 s, a 3 s; under b, c 3 s;
  // under a, c 2 s.
  const right = (share) => share * W - 4;
  assert.equal(await pixelAt(page, right(3 / 11), row(3)), stepColor(2, 'light'), 'c under b: 33% slower');
  assert.equal(await pixelAt(page, right(4 / 11), row(2)), stepColor(2, 'light'), 'b: 25% slower');
  assert.equal(await pixelAt(page, W - 4, row(1)), stepColor(1, 'light'), 'main: 9% slower');
  assert.equal(await pixelAt(page, right(7.5 / 11), row(2)), stepColor(0, 'light'), 'e did not change');
  assert.equal(await pixelAt(page, right(9.5 / 11), row(3)), stepColor(0, 'light'), 'c under a did not change');
  await shot('compared');

  // The hover: both times and the change.
  const p = await canvasPoint(page, right(3 / 11) - 20, row(3) + 4);
  await hoverAt(page, p);
  const hover = await until(page, 'the hover panel over c', () => document.getElementById('hover')?.innerText ?? '',
    (s) => /base\s+2\.00 s/.test(s));
  assert.match(hover, /^c\b/);
  assert.match(hover, /change\s+\+1\.00 s \(\+33\.3% of the larger\)/);
  await shot('hover');

  // The table: the regression first, then sorted by the other two.
  const rows = await diffRows(page);
  assert.equal(rows.length, 7);
  assert.deepEqual([rows[0][0], rows[0][6]], ['+1.00 s', 'f.py:30(c)']);
  assert.ok(rows.slice(1).every((r) => r[0] === '0'), 'nothing else changed its own time');
  await page.click('#diff-stats th button[data-sort="cumtime"]');
  // cumtime is the page's default sort: the URL leaves it out.
  await until(page, 'sort=tottime gone from the URL', () => location.search, (s) => !s.includes('sort='));
  await waitDiffTable(page);
  await until(page, 'rows by Δ cumtime', () => [...document.querySelectorAll('#diff-stats tbody tr')].map((r) => r.cells[1].textContent),
    (d) => d.length === 7 && d.slice(0, 3).every((x) => x === '+1.00 s') && d.slice(3).every((x) => x === '0'));
  await page.click('#diff-stats th button[data-sort="calls"]');
  await until(page, 'sort=calls in the URL', () => location.search, (s) => s.includes('sort=calls'));
  await shot('table-by-calls');

  // Shares: 3 of 11 s against 2 of 10 s for c under b.
  await page.click('#compare-share');
  await until(page, 'compare=share in the URL', () => location.search, (s) => s.includes('compare=share'));
  await waitChart(page);
  await hoverAt(page, p);
  await until(page, 'the hover in shares', () => document.getElementById('hover')?.innerText ?? '',
    (s) => /share\s+27\.3% of the total, 20\.0% in the base/.test(s));

  // A reload opens the same comparison.
  const before = page.url();
  await openComparison(page, before);
  assert.equal(page.url(), before);
  assert.equal(await page.$eval('#compare-base', (s) => s.value), String(base));
  assert.equal(await page.$eval('#compare-share', (b) => b.getAttribute('aria-pressed')), 'true');

  // Out of compare mode: the statistics table and the package colours again.
  await page.click('#compare-stop');
  await until(page, 'no base in the URL', () => location.search, (s) => !s.includes('base='));
  assert.equal(await isShown(page, '#diff-table'), false);
  assert.equal(await isShown(page, '#table'), true);
  assert.equal(await isShown(page, '#compare-stop'), false);
  assert.equal(await drawn(page, '#compare-seconds'), false, 'the switch is gone with the comparison');
  assert.equal(await drawn(page, '#compare-stop'), false);
  await until(page, 'the package legend', () => document.querySelector('#legend')?.classList.contains('compared'), (v) => v === false);
  await shot('stopped');
}));

test('"Compare with…" picks a stored profile; new paths and gone calls are marked', T, (t) => h.withPage(t, async (page, { shot }) => {
  const base = h.id('base.prof');
  await goto(page, h.url('changed.prof'));
  await expectPage(page, 'profile');
  const c = await waitChart(page);
  assert.equal(await drawn(page, '#compare-seconds'), false, 'no switch while not comparing');
  assert.equal(await drawn(page, '#compare-stop'), false);
  await until(page, 'the list of profiles', () => [...document.querySelectorAll('#compare-base option')].map((o) => o.value),
    (v) => v.includes(String(base)));
  const own = await page.$$eval('#compare-base option', (os) => os.map((o) => o.value));
  assert.ok(!own.includes(String(h.id('changed.prof'))), 'a profile is not offered to compare with itself');
  await page.select('#compare-base', String(base));
  await until(page, 'base in the URL', () => location.search, (s) => s.includes(`base=${base}`));
  await openComparison(page, page.url());
  assert.equal(await drawn(page, '#compare-seconds'), true);
  assert.equal(await text(page, '#diff-info'), 'rows 1–10 of 10');
  // changed.prof: main 7.5 s: a 4 s (d 1 s below it, new), b 3 s.
  const W = await canvasWidth(page);
  const row = (k) => (k + 0.2) * c.rowHeight;
  const d = [...(await page.evaluate(() => [...document.querySelectorAll('#legend li')].map((l) => l.textContent)))];
  assert.ok(d.includes('new call path: not in the base profile'));
  // Under a (x in [0, 4/7.5]): c 2 s, then d 1 s.
  assert.equal(await pixelAt(page, (3 / 7.5) * W - 4, row(3)), stepColor('absent', 'light'), 'd is a new path');
  // main lost e and the base's __init__s: its frame.
  assert.equal(await pixelAt(page, W / 2, row(1) - 0.2 * c.rowHeight + 1), DIFF_THEMES.light.removed, 'main is framed');
  await hoverAt(page, await canvasPoint(page, W / 2, row(1) + 4));
  await until(page, 'the hover over main', () => document.getElementById('hover')?.innerText ?? '',
    (s) => /gone\s+1 call path below this one in the base profile, 3\.50 s there, not called here: e \(3\.50 s\)/.test(s));
  const rows = await diffRows(page);
  assert.ok(rows.some((r) => r[6] === 'f.py:50(e) [gone]'));
  assert.ok(rows.some((r) => r[6] === 'f.py:12(a) [was line 10]'));
  await shot('new-and-gone');
}));

test('a comparison the server refuses shows the profile alone and says why', T, (t) => h.withPage(t, async (page) => {
  await goto(page, h.url('slower.prof', 'v=1&base=999'));
  await expectPage(page, 'profile');
  await until(page, 'the notice', () => document.getElementById('message')?.textContent ?? '',
    (s) => s.includes('Not compared with profile 999: there is no profile 999 to compare with'));
  await waitChart(page);
  assert.ok(!(page.url()).includes('base='));
}, { allow: [/404/] }));
