// A profile whose names are markup, formulas and object-prototype keys
// (tests/web/fixtures/hostile.prof: `</script><img src=x onerror=alert(1)>`,
// `<script>alert("f")</script>.py`, `__proto__`, `=cmd|'/C calc'!A0`, ...)
// renders as text: no dialog opens (the harness fails a test on any), no
// element or request comes out of a name, and the table, breadcrumb and hover
// panel show the names exactly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionLabel } from '../../web/js/layout/table.js';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import {
  api, crumbs, expectDrawn, firstChildPoint, hoverAt, openProfile, sleep, tableCells, until, waitChart, zoomFirstChild,
} from './pages.mjs';

const h = setupBrowserTests(import.meta.url, { files: [fixture('tests/web/fixtures/hostile.prof')] });
const T = { timeout: TEST_TIMEOUT };
const IMG_NAME = '</script><img src=x onerror=alert(1)>';
const SCRIPT_FILE = '<script>alert("f")</script>.py';

// What markup injected into the page would have left.
function injected(page) {
  return page.evaluate(() => ({
    imgs: [...document.images].map((i) => i.getAttribute('src')),
    onerror: document.querySelectorAll('[onerror]').length,
    inlineScripts: [...document.scripts].filter((s) => !s.src).map((s) => s.textContent.slice(0, 60)),
  }));
}

function assertClean(state, requests) {
  assert.deepEqual(state.imgs.filter((src) => src === 'x' || /\/x$/.test(src)), [], 'an <img src=x> was created');
  assert.equal(state.onerror, 0, 'an element with an onerror attribute was created');
  assert.deepEqual(state.inlineScripts, [], 'an inline <script> was created');
  // src=x is relative: /x, or /p/x from a profile's page.
  assert.deepEqual(requests.filter((u) => /\/x$/.test(new URL(u).pathname)), [], 'the page requested an x');
}

test('hostile names render as text in the table, the chart and the breadcrumb', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const id = h.id('hostile.prof');
    await openProfile(page, h.url('hostile.prof'));
    await expectDrawn(page, 'the hostile profile');
    const rows = (await api(page, `/api/profiles/${id}/functions`)).rows;
    const byName = new Map(rows.map((r) => [r.name, r]));
    const img = byName.get(IMG_NAME);
    const main = rows.find((r) => r.file === SCRIPT_FILE);
    assert.ok(img && main, 'the fixture has its hostile names');
    const cells = await tableCells(page);
    for (const r of [img, main, byName.get('constructor'), byName.get('+SUM(1)')]) {
      const shown = cells[String(r.id)];
      assert.ok(shown, `no table row for fid ${r.id}`);
      const label = functionLabel(r.file, r.line, r.name);
      assert.ok(shown.some((c) => c === r.name || c === label),
        `no cell of fid ${r.id} reads ${JSON.stringify(label)} (or the bare name): ${JSON.stringify(shown)}`);
    }
    await shot('table');

    // main (its file is a <script> element) and then its largest child, the
    // <img> name: both in the breadcrumb, as text.
    await zoomFirstChild(page, String(main.id));
    await zoomFirstChild(page, `${main.id},${img.id}`);
    const cr = await crumbs(page);
    assert.equal(cr.length, 3, JSON.stringify(cr));
    assert.ok(cr[2].text.includes(IMG_NAME), `last crumb reads ${JSON.stringify(cr[2].text)}`);
    assert.equal(await page.evaluate(() => document.querySelectorAll('#breadcrumb img, #breadcrumb script, #breadcrumb iframe').length), 0,
      'a name made elements in the breadcrumb');
    await expectDrawn(page, 'zoomed into the <img> name');
    await shot('zoomed into the img name');

    // The hover panel over the zoom root's largest child: name as text.
    await page.evaluate(() => history.back());
    await waitChart(page, { root: String(main.id) }, 'the zoom back to main after Back');
    const p = await firstChildPoint(page);
    await hoverAt(page, p);
    const hover = await until(page, '#hover shown', () => {
      const el = document.getElementById('hover');
      return el && !el.hidden && getComputedStyle(el).display !== 'none'
        ? { text: el.textContent, elements: el.querySelectorAll('img, script, iframe, object').length } : null;
    }, (v) => v !== null && v.text.includes('img'));
    assert.ok(hover.text.includes(IMG_NAME), `#hover reads ${JSON.stringify(hover.text)}`);
    assert.equal(hover.elements, 0);
    await shot('hover');

    await sleep(300); // an onerror would have fired by now
    assertClean(await injected(page), requests);
  }));

test('searching for markup finds it, and the URL carries it safely', T, (t) => h.withPage(t, async (page, { shot }) => {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await openProfile(page, h.url('hostile.prof'));
  await page.type('#search', '<img src=x');
  const share = await until(page, '#search-share with a percentage', () => {
    const m = /([0-9]+(?:\.[0-9]+)?)\s*%/.exec(document.getElementById('search-share')?.textContent ?? '');
    return m ? Number(m[1]) : null;
  }, (v) => v !== null && v > 0);
  assert.ok(share > 0);
  await until(page, 'q in the URL', () => new URLSearchParams(location.search).get('q'), (v) => v === '<img src=x');
  // Reload from that URL: same search, still nothing injected.
  await page.reload({ waitUntil: 'load' });
  await until(page, 'the search restored', () => document.getElementById('search')?.value ?? null, (v) => v === '<img src=x');
  await shot('search restored');
  await sleep(300);
  assertClean(await injected(page), requests);
}));
