// A recorded profile's page (docs/recorded-tree.md): the tree comes from the
// recorded paths, every box exact, so nothing is hatched and the legend says
// all the time drawn is exact and that the paths were recorded (the summary's
// `tree`); the boxes are drawn from the API's flags (exact, lo == hi).
// Screenshots of each.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import { api, openProfile, text, until } from './pages.mjs';

// tests/data/recorded: ground-truth runs with their true paths recorded
// (tests/groundtruth/trailer.py); fib recurses, random_graph is wide, and
// overflow has paths past the recorder's cap.  recursion.prof is plain
// pstats, for the contrast.
const NAMES = ['fib.prof', 'random_graph.prof', 'overflow.prof'];
const h = setupBrowserTests(import.meta.url, {
  files: [...NAMES.map((n) => fixture(`tests/data/recorded/${n}`)), fixture('recursion.prof')],
});
const T = { timeout: TEST_TIMEOUT };

async function legendOf(page) {
  return until(page, '#legend filled', () => document.getElementById('legend')?.textContent ?? '',
    (v) => /Exact: [0-9]{1,3}% of the time drawn/.test(v));
}

for (const name of NAMES) {
  test(`${name}: every box exact, no hatching`, T, (t) => h.withPage(t, async (page, { shot }) => {
    await openProfile(page, h.url(name));
    const summary = await api(page, `/api/profiles/${h.id(name)}`);
    assert.equal(summary.tree, 'recorded');
    const legend = await legendOf(page);
    assert.match(legend, /Exact: 100% of the time drawn/);
    assert.match(legend, /Recorded call paths/);
    assert.doesNotMatch(legend, /Hatched boxes/);
    assert.equal(await page.$eval('#legend .swatch.hatched', (e) => getComputedStyle(e).display), 'none');
    await shot('recorded');
  }));
}

test('a plain pstats profile still has estimates', T, (t) => h.withPage(t, async (page, { shot }) => {
  await openProfile(page, h.url('recursion.prof'));
  assert.equal((await api(page, `/api/profiles/${h.id('recursion.prof')}`)).tree, 'inferred');
  const legend = await legendOf(page);
  assert.doesNotMatch(legend, /Exact: 100% of the time drawn/);
  assert.match(legend, /Hatched boxes and “≈” times are estimates/);
  assert.ok((await text(page, '#legend')) !== null);
  await shot('inferred');
}));
