// The profile page: the chart draws, zooms (click, breadcrumb, keyboard,
// history), switches to the sunburst, searches, exports, and a URL restores
// or safely ignores what it says.  Against the DOM contract in pages.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import { formatDuration } from '../../web/js/layout/format.js';
import { percent } from '../../web/js/layout/notes.js';
import {
  api, canvasPixels, canvasPoint, chart, chartText, crumbs, expectDrawn, expectPage, firstChildPoint, hoverAt, goto,
  isShown, largestChildPath, openProfile, pageUrl, recordChartText, sleep, text, until, waitChart, waitDownload, waitTable,
  zoomFirstChild,
} from './pages.mjs';

// recursion.prof: 11 functions, recursion and estimated boxes; wide.prof: one
// hub with 5000 tiny children; real_pydoc.prof: a real program, deep.
const h = setupBrowserTests(import.meta.url, {
  files: [fixture('recursion.prof'), fixture('wide.prof'), fixture('real_pydoc.prof')],
});
const T = { timeout: TEST_TIMEOUT };

function pressed(page) {
  return page.evaluate(() => ({
    icicle: document.getElementById('view-icicle')?.getAttribute('aria-pressed') ?? null,
    sunburst: document.getElementById('view-sunburst')?.getAttribute('aria-pressed') ?? null,
  }));
}

function controls(page) {
  return page.evaluate(() => ({
    depth: document.getElementById('depth')?.value ?? null,
    cutoff: document.getElementById('cutoff')?.value ?? null,
    search: document.getElementById('search')?.value ?? null,
  }));
}

test('the page loads without errors and draws the icicle', T, (t) => h.withPage(t, async (page, { shot }) => {
  const c = await openProfile(page, h.url('recursion.prof'));
  assert.equal(c.view, 'icicle');
  assert.equal(c.root, '');
  assert.ok(c.boxes > 1, `data-boxes is ${c.boxes}`);
  assert.ok(c.rowHeight > 0, `data-row-height is ${c.rowHeight}`);
  await expectDrawn(page, 'the icicle');
  await until(page, '#message idle (data-kind="") once the chart and table are ready',
    () => document.getElementById('message')?.dataset.kind ?? null, (k) => k === '');
  assert.deepEqual(await pressed(page), { icicle: 'true', sunburst: 'false' });
  assert.deepEqual(await controls(page), { depth: '10', cutoff: '0.001', search: '' });
  assert.deepEqual(await crumbs(page), [{ text: '(all)', current: 'true' }]);
  await shot('loaded');
}));

test('hovering a box shows its details; the legend explains colours and hatching', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await openProfile(page, h.url('recursion.prof'));
    const [main] = await largestChildPath(page, h.id('recursion.prof'));
    const fn = await api(page, `/api/profiles/${h.id('recursion.prof')}/functions/${main}`);
    const p = await firstChildPoint(page);
    await hoverAt(page, p);
    const hover = await until(page, '#hover shown', () => {
      const el = document.getElementById('hover');
      return el && !el.hidden && getComputedStyle(el).display !== 'none' ? el.textContent : null;
    }, (v) => v !== null);
    assert.ok(hover.includes(fn.name), `#hover says ${JSON.stringify(hover)}, not the name ${fn.name}`);
    assert.ok(hover.includes(`${path.basename(fn.file)}:${fn.line}`), `#hover says ${JSON.stringify(hover)}, no file:line`);
    assert.match(hover, /exact|estimate/);
    await shot('hover');
    // Off the canvas (above it, else left of it, else below it): the panel goes.
    const { rect } = await canvasPoint(page, 0, 0);
    const [ox, oy] = rect.y >= 6 ? [rect.x + 5, rect.y - 3]
      : rect.x >= 6 ? [rect.x - 3, rect.y + 5]
        : [rect.x + 5, rect.y + rect.height + 3];
    await page.mouse.move(ox, oy);
    await until(page, '#hover hidden after the mouse left', () => {
      const el = document.getElementById('hover');
      return !el || el.hidden || getComputedStyle(el).display === 'none';
    }, (v) => v === true);
    // recursion.prof has estimated boxes (is_odd under is_even): hatched.
    const legend = await text(page, '#legend');
    assert.ok(legend !== null, 'no #legend');
    assert.match(legend, /Hatched boxes and “≈” times are estimates/);
    // How much of the time drawn is exact, as a whole percentage.
    assert.match(legend, /Exact: [0-9]{1,3}% of the time drawn/);
    const swatches = await page.evaluate(() => document.querySelectorAll('#legend li').length);
    assert.ok(swatches >= 1, 'no package listed in #legend');
  }));

test('clicking a box zooms in: data-root, the URL and the breadcrumb follow', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('recursion.prof');
    await openProfile(page, h.url('recursion.prof'));
    const before = await canvasPixels(page);
    const one = await largestChildPath(page, id);
    await zoomFirstChild(page, one.join(','));
    assert.equal((await pageUrl(page)).params.root, one.join(','));
    let cr = await crumbs(page);
    assert.equal(cr.length, 2, JSON.stringify(cr));
    assert.equal(cr[0].text, '(all)');
    assert.equal(cr[1].current, 'true');
    assert.notEqual(cr[0].current, 'true');
    const fn = await api(page, `/api/profiles/${id}/functions/${one[0]}`);
    assert.ok(cr[1].text.includes(fn.name), `last crumb ${JSON.stringify(cr[1].text)} does not name ${fn.name}`);
    const after = await expectDrawn(page, 'the zoomed icicle');
    assert.notEqual(after.hash, before.hash, 'the canvas did not change');
    await shot('zoomed once');
    const two = await largestChildPath(page, id, one);
    await zoomFirstChild(page, two.join(','));
    assert.equal((await pageUrl(page)).params.root, two.join(','));
    cr = await crumbs(page);
    assert.equal(cr.length, 3, JSON.stringify(cr));
    assert.deepEqual(cr.map((c) => c.current === 'true'), [false, false, true]);
    await shot('zoomed twice');
    // A crumb zooms back there.
    await page.click('#breadcrumb button.crumb:first-child');
    await waitChart(page, { root: '' }, 'the zoom out to the top after a click on the "(all)" crumb');
    assert.equal((await pageUrl(page)).params.root, undefined);
    assert.equal((await crumbs(page)).length, 1);
    await shot('crumb (all)');
  }));

test('the browser\'s Back button zooms out, one level at a time', T, (t) => h.withPage(t, async (page, { shot }) => {
  const id = h.id('recursion.prof');
  await openProfile(page, h.url('recursion.prof'));
  const one = await largestChildPath(page, id);
  const two = await largestChildPath(page, id, one);
  await zoomFirstChild(page, one.join(','));
  await zoomFirstChild(page, two.join(','));
  await page.evaluate(() => history.back());
  await waitChart(page, { root: one.join(',') }, 'Back to the first zoom');
  assert.equal((await pageUrl(page)).params.root, one.join(','));
  assert.equal((await crumbs(page)).length, 2);
  await shot('back once');
  await page.evaluate(() => history.back());
  await waitChart(page, { root: '' }, 'Back to the top');
  assert.equal((await pageUrl(page)).params.root, undefined);
  assert.equal((await crumbs(page)).length, 1);
  await page.evaluate(() => history.forward());
  await waitChart(page, { root: one.join(',') }, 'Forward to the first zoom again');
  await shot('forward');
}));

test('the keyboard: arrows and Enter zoom, Backspace and Escape zoom out, i, s and /', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('recursion.prof');
    await openProfile(page, h.url('recursion.prof'));
    const one = await largestChildPath(page, id);
    await page.focus('#chart-canvas');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitChart(page, { root: one.join(',') }, 'the zoom after ArrowDown, Enter');
    await shot('down enter');
    await page.focus('#chart-canvas');
    await page.keyboard.press('Backspace');
    await waitChart(page, { root: '' }, 'the zoom out after Backspace');
    // Where the focus box is after a zoom out is the page's choice: zoom in
    // with the mouse for Escape.
    await zoomFirstChild(page, one.join(','));
    await page.focus('#chart-canvas');
    await page.keyboard.press('Escape');
    await waitChart(page, { root: '' }, 'the zoom out after Escape');
    await page.focus('#chart-canvas');
    await page.keyboard.press('s');
    await waitChart(page, { view: 'sunburst' }, 'the sunburst after "s"');
    await page.focus('#chart-canvas');
    await page.keyboard.press('i');
    await waitChart(page, { view: 'icicle' }, 'the icicle after "i"');
    await page.focus('#chart-canvas');
    await page.keyboard.press('/');
    await until(page, 'the search box focused after "/"', () => document.activeElement?.id ?? null, (v) => v === 'search');
    assert.equal(await page.evaluate(() => document.getElementById('search').value), '', '"/" was typed into the box');
  }));

test('the sunburst button draws the sunburst, and the icicle button goes back', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await openProfile(page, h.url('recursion.prof'));
    const icicle = await canvasPixels(page);
    await page.click('#view-sunburst');
    await waitChart(page, { view: 'sunburst' });
    assert.deepEqual(await pressed(page), { icicle: 'false', sunburst: 'true' });
    assert.equal((await pageUrl(page)).params.view, 'sunburst');
    const sun = await expectDrawn(page, 'the sunburst');
    assert.notEqual(sun.hash, icicle.hash, 'the sunburst looks exactly like the icicle');
    await shot('sunburst');
    await page.click('#view-icicle');
    await waitChart(page, { view: 'icicle' });
    assert.deepEqual(await pressed(page), { icicle: 'true', sunburst: 'false' });
    assert.equal((await pageUrl(page)).params.view, undefined);
    await expectDrawn(page, 'the icicle again');
  }));

test('a search highlights: #search-share gives the matching share, the chart changes', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await openProfile(page, h.url('recursion.prof'));
    const before = await canvasPixels(page);
    await page.type('#search', 'fib');
    const share = await until(page, '#search-share with a percentage', () => {
      const m = /([0-9]+(?:\.[0-9]+)?)\s*%/.exec(document.getElementById('search-share')?.textContent ?? '');
      return m ? Number(m[1]) : null;
    }, (v) => v !== null && v > 0);
    assert.ok(share > 0 && share <= 100, `share ${share}%`);
    assert.match(await text(page, '#search-share'), /% of total time/);
    await until(page, 'the URL to carry q=fib', () => new URLSearchParams(location.search).get('q'), (v) => v === 'fib');
    await waitChart(page);
    const end = Date.now() + 5000;
    let after = await canvasPixels(page);
    while (after.hash === before.hash && Date.now() < end) {
      await sleep(100);
      after = await canvasPixels(page);
    }
    assert.notEqual(after.hash, before.hash, 'the chart looks the same with and without the search');
    await shot('search fib');
  }));

test('a URL restores view, zoom, depth, cutoff, search and sort, also on reload', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('recursion.prof');
    // main (9) -> is_even (6) in recursion.prof; read from the API anyway.
    const url = h.url('recursion.prof', 'v=1&view=sunburst&root=9,6&depth=5&cutoff=0&q=even&sort=tottime');
    for (const step of ['open', 'reload']) {
      if (step === 'open') await goto(page, url);
      else await page.reload({ waitUntil: 'load' });
      const c = await openProfileAt(page);
      assert.equal(c.view, 'sunburst', step);
      assert.equal(c.root, '9,6', step);
      assert.deepEqual(await pressed(page), { icicle: 'false', sunburst: 'true' }, step);
      assert.deepEqual(await controls(page), { depth: '5', cutoff: '0', search: 'even' }, step);
      const cr = await crumbs(page);
      const evenFn = await api(page, `/api/profiles/${id}/functions/6`);
      assert.equal(cr.length, 3, JSON.stringify(cr));
      assert.ok(cr[2].text.includes(evenFn.name), `last crumb ${JSON.stringify(cr[2].text)}`);
      const sorts = await page.evaluate(() => document.querySelector('#stats th[data-sort="tottime"]')?.getAttribute('aria-sort'));
      assert.equal(sorts, 'descending', step);
      await expectDrawn(page, `the restored sunburst (${step})`);
      await shot(step);
    }
  }));

// openProfile after a navigation already made.
async function openProfileAt(page) {
  await expectPage(page, 'profile');
  const c = await waitChart(page);
  await waitTable(page);
  return c;
}

test('a damaged query falls back to the defaults, without an error', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const c = await openProfile(page, h.url('recursion.prof',
      'v=1&depth=999&view=%3Cx%3E&root=abc&cutoff=2&sort=%3Cb%3E&order=up'));
    assert.equal(c.view, 'icicle');
    assert.equal(c.root, '');
    assert.deepEqual(await controls(page), { depth: '10', cutoff: '0.001', search: '' });
    assert.notEqual(await page.evaluate(() => document.getElementById('message')?.dataset.kind), 'error');
    await expectDrawn(page, 'the default icicle');
    await shot('defaults');
    // An unknown URL version: the profile opens with defaults.
    const d = await openProfile(page, h.url('recursion.prof', 'v=7&view=sunburst'));
    assert.equal(d.view, 'icicle');
  }));

test('the depth and cutoff selects redraw and go into the URL', T, (t) => h.withPage(t, async (page, { shot }) => {
  // real_pydoc.prof: 233 boxes at depth 10 (48 of them over 1% wide), 8 at depth 3.
  const deep = await openProfile(page, h.url('real_pydoc.prof'));
  await shot('depth 10');
  await page.select('#depth', '3');
  await until(page, 'depth=3 in the URL', () => new URLSearchParams(location.search).get('depth'), (v) => v === '3');
  const shallow = await waitChart(page);
  await until(page, 'fewer boxes at depth 3', () => Number(document.getElementById('chart-canvas').dataset.boxes),
    (n) => n < deep.boxes);
  assert.ok(shallow.boxes >= 1);
  await shot('depth 3');
  const wide = await openProfile(page, h.url('wide.prof'));
  await page.select('#cutoff', '0');
  await until(page, 'cutoff=0 in the URL', () => new URLSearchParams(location.search).get('cutoff'), (v) => v === '0');
  // wide.prof: hub's 5000 tiny children are one "(5000 smaller)" box at
  // cutoff 0.001; at 0 they are 5000 boxes of a quarter pixel each, drawn
  // as one band, whose hover says what it stands for.
  const atZero = await waitChart(page);
  const band = await canvasPoint(page, 5, 2.5 * atZero.rowHeight);
  await hoverAt(page, band);
  const said = await until(page, 'the hover panel of the band of thin boxes', () => {
    const el = document.getElementById('hover');
    return el.hidden ? null : el.textContent;
  }, (v) => v !== null && /5,000 boxes under half a pixel each/.test(v));
  assert.match(said, /[0-9.]+ (s|ms|µs) in all \([0-9.]+% of total\), under hub\. Click to zoom into it and see them\./);
  await shot('band hover');
  const pixel = await page.evaluate((y) => {
    const c = document.getElementById('chart-canvas');
    const dpr = c.width / c.clientWidth;
    return [...c.getContext('2d').getImageData(Math.round(5 * dpr), Math.round(y * dpr), 1, 1).data];
  }, 2.5 * atZero.rowHeight);
  assert.notDeepEqual(pixel.slice(0, 3), [255, 255, 255], 'the band is drawn where the boxes are');
  await expectDrawn(page, 'wide.prof without cutoff');
  await shot('wide cutoff 0');
  // A click on the band zooms into hub, where they are still too thin: the
  // panel says so, and where to find them.
  const [hub] = await largestChildPath(page, h.id('wide.prof'));
  await page.mouse.click(band.x, band.y);
  const zoomed = await waitChart(page, { root: String(hub) }, 'the zoom into hub after a click on the band');
  const inside = await canvasPoint(page, 5, 1.5 * zoomed.rowHeight);
  await hoverAt(page, inside);
  await until(page, 'the band\'s panel at hub\'s own zoom', () => document.getElementById('hover').textContent,
    (v) => /5,000 boxes under half a pixel each/.test(v) && /Too thin to draw even at this zoom: the table lists them/.test(v));
}));

test('a click on a "(N smaller)" box lowers the cutoff to show them', T, (t) => h.withPage(t, async (page, { shot }) => {
  // wide.prof at cutoff 1/1000: hub (row 1) has only "(5000 smaller)" under
  // it, so that box starts at the left edge of row 2.
  await openProfile(page, h.url('wide.prof'));
  const c = await chart(page);
  const p = await canvasPoint(page, 5, 2.5 * c.rowHeight);
  await hoverAt(page, p);
  await until(page, 'the hover panel of the merged box', () => document.getElementById('hover').textContent,
    (s) => /5000 boxes, each under the cutoff: click/.test(s));
  await page.mouse.click(p.x, p.y);
  await until(page, 'cutoff=0 in the URL', () => new URLSearchParams(location.search).get('cutoff'), (v) => v === '0');
  assert.equal(await page.$eval('#cutoff', (s) => s.value), '0');
  assert.equal((await waitChart(page)).root, '', 'no zoom: the view root stays');
  await shot('smaller clicked');
}));

test('the export buttons download SVG, PNG and CSV', T, (t) => h.withPage(t, async (page, { shot, downloads }) => {
  await openProfile(page, h.url('recursion.prof'));
  const got = {};
  for (const kind of ['csv', 'svg', 'png']) {
    const before = fs.readdirSync(downloads);
    await page.click(`#export-${kind}`);
    const file = await waitDownload(downloads, before, `the ${kind.toUpperCase()} export`);
    got[kind] = fs.readFileSync(path.join(downloads, file));
    assert.ok(got[kind].length > 0, `${file} is empty`);
  }
  assert.match(got.csv.toString('utf8'), /^ncalls,/);
  assert.match(got.csv.toString('utf8'), /fib/);
  assert.match(got.svg.toString('utf8'), /<svg[\s>]/);
  assert.deepEqual([...got.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await shot('exported');
}, { downloads: true }));

test('switching profiles in one tab keeps nothing of the last one', T, (t) => h.withPage(t, async (page) => {
  const id = h.id('recursion.prof');
  await openProfile(page, h.url('recursion.prof'));
  const one = await largestChildPath(page, id);
  await zoomFirstChild(page, one.join(','));
  const c = await openProfile(page, h.url('wide.prof'));
  assert.equal(c.root, '');
  assert.equal((await chart(page)).view, 'icicle');
}));

// The time a box shows for a tree box of the API (render/labels.js).
const boxTime = (b) => `${b.exact ? '' : '≈ '}${formatDuration(b.time)}`;

test('boxes say their name and their time, on two lines in rows that use the window', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await recordChartText(page);
    const c = await openProfile(page, h.url('recursion.prof'));
    // 5 levels in a 900 px window: rows of 40 px, not 20.
    assert.ok(c.rowHeight >= 36, `data-row-height is ${c.rowHeight}`);
    const top = await api(page, `/api/profiles/${h.id('recursion.prof')}/tree?depth=2`);
    const main = top.root.children[0];
    const fib = main.children[0];
    const texts = await until(page, 'main\'s label in the chart', () => [...window.__chartText], (v) => v.includes(main.name));
    // Name over time: the time is the next line written.
    for (const b of [main, fib]) {
      const k = texts.indexOf(b.name);
      assert.ok(k >= 0, `${b.name} is written: ${JSON.stringify(texts.slice(0, 12))}`);
      assert.equal(texts[k + 1], boxTime(b), `${b.name}'s time`);
    }
    assert.ok(texts.includes(boxTime(top.root)), 'the whole profile\'s time');
    // The chart fits the window with the legend under it.
    const fits = await page.evaluate(() => document.getElementById('legend').getBoundingClientRect().bottom <= window.innerHeight);
    assert.ok(fits, 'the legend is in the window with the chart');
    await shot('times in boxes');
  }));

test('the sunburst fits the window, as the window changes too', T, (t) => h.withPage(t, async (page, { shot }) => {
  await recordChartText(page);
  for (const [w, hgt] of [[1280, 900], [1400, 900], [1000, 700]]) {
    await page.setViewport({ width: w, height: hgt, deviceScaleFactor: 1 });
    await goto(page, h.url('real_pydoc.prof', 'view=sunburst'));
    await expectPage(page, 'profile');
    const c = await waitChart(page, { view: 'sunburst' });
    assert.ok(c.ringWidth > 0, `data-ring-width is ${c.ringWidth}`);
    const box = await page.evaluate(() => {
      const r = document.getElementById('chart-canvas').getBoundingClientRect();
      return { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, right: r.right, width: r.width, height: r.height, innerWidth, innerHeight };
    });
    assert.ok(box.bottom <= box.innerHeight, `${w}x${hgt}: the disc ends at ${box.bottom}, the window at ${box.innerHeight}`);
    assert.ok(box.right <= box.innerWidth, `${w}x${hgt}: within the width`);
    assert.ok(box.height >= 320, `${w}x${hgt}: a disc of ${box.height} px`);
    await expectDrawn(page, `the sunburst at ${w}x${hgt}`);
    await shot(`sunburst ${w}x${hgt}`);
  }
  // Resizing the window resizes the disc, without a reload.
  const before = (await chart(page)).ringWidth;
  await page.setViewport({ width: 1400, height: 1000, deviceScaleFactor: 1 });
  await until(page, 'a larger disc after the window grew', () => Number(document.getElementById('chart-canvas').dataset.ringWidth),
    (r) => r > before);
  const texts = await chartText(page);
  assert.ok(texts.some((s) => /^(≈ )?[0-9.]+ (s|ms|µs)$/.test(s)), `times in the rings: ${JSON.stringify(texts.slice(0, 10))}`);
}));

test('keyboard shortcuts work without clicking the chart, not while typing, and the page says so', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('recursion.prof');
    await openProfile(page, h.url('recursion.prof'));
    assert.ok(await isShown(page, '#keys-hint'), 'the shortcuts are written on the page');
    const hint = await text(page, '#keys-hint');
    for (const key of ['Enter', 'Backspace', 'Esc', 'icicle', 'sunburst', 'search']) assert.ok(hint.includes(key), `the hint names ${key}`);
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'nothing focused yet');
    await page.keyboard.press('s');
    await waitChart(page, { view: 'sunburst' }, 'the sunburst after "s", the focus nowhere');
    await page.keyboard.press('i');
    await waitChart(page, { view: 'icicle' }, 'the icicle after "i"');
    const one = await largestChildPath(page, id);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitChart(page, { root: one.join(',') }, 'the zoom after ArrowDown, Enter');
    await until(page, 'the hover panel of the keyboard\'s box', () => !document.getElementById('hover').hidden, (v) => v);
    await page.keyboard.press('Backspace');
    await waitChart(page, { root: '' }, 'the zoom out after Backspace');
    // After a click elsewhere (a toolbar button keeps the focus), letters still work.
    await page.click('#view-sunburst');
    await page.click('#view-icicle');
    await page.keyboard.press('s');
    await waitChart(page, { view: 'sunburst' }, '"s" with the focus on a button');
    await page.keyboard.press('i');
    await waitChart(page, { view: 'icicle' });
    // Typing in the search box is typing.
    await page.focus('#search');
    await page.keyboard.type('is');
    await sleep(300);
    assert.equal((await chart(page)).view, 'icicle', '"s" typed into the search box switches nothing');
    assert.equal(await page.$eval('#search', (e) => e.value), 'is');
    await page.keyboard.press('Backspace');
    assert.equal((await chart(page)).root, '', 'Backspace in the box edits the box');
    assert.equal(await page.$eval('#search', (e) => e.value), 'i');
    await shot('typing');
  }));

test('a search\'s share: exact for one function, an estimate within bounds for several', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const id = h.id('recursion.prof');
    await openProfile(page, h.url('recursion.prof'));
    const total = (await api(page, `/api/profiles/${id}/tree?depth=1`)).root.time;
    const one = (await api(page, `/api/profiles/${id}/functions?q=ackermann`)).rows;
    assert.equal(one.length, 1, 'the fixture has one ackermann');
    await page.type('#search', 'ackermann');
    const exact = `${percent(Math.min(1, one[0].ct / total))} of total time (ackermann's cumtime)`;
    await until(page, `#search-share to say ${exact}`, () => document.getElementById('search-share').textContent, (v) => v === exact);
    await shot('one function');
    // cyc_a, cyc_b, cyc_c call each other: several functions.
    const rows = (await api(page, `/api/profiles/${id}/functions?q=CYC_`)).rows;
    assert.equal(rows.length, 3);
    const lo = Math.max(...rows.map((r) => r.ct)) / total;
    const hi = Math.min(1, rows.reduce((sum, r) => sum + r.ct, 0) / total);
    await page.click('#search', { clickCount: 3 });
    await page.type('#search', 'CYC_');
    const said = await until(page, '#search-share with bounds', () => document.getElementById('search-share').textContent,
      (v) => /^≈ /.test(v));
    const m = /^≈ ([0-9.]+)% of total time \(between ([0-9.]+)% and ([0-9.]+)%; 3 functions\)$/.exec(said);
    assert.ok(m, said);
    assert.equal(`${m[2]}%`, percent(lo));
    assert.equal(`${m[3]}%`, percent(hi));
    assert.ok(Number(m[1]) >= Number(m[2]) && Number(m[1]) <= Number(m[3]), said);
    await page.click('#search', { clickCount: 3 });
    await page.type('#search', 'no-such-function');
    await until(page, '#search-share for no match', () => document.getElementById('search-share').textContent, (v) => v === 'no function matches');
  }));

test('a view the server capped says so above the chart, and shows no blank levels below the cap', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    // The server's side of the cap (docs/api.md's `capped`) stood in for:
    // the top view of recursion.prof is cut at depth 2, its boxes there
    // flagged `more`, as a server over its 100,000 boxes answers.
    const id = h.id('recursion.prof');
    const D = 2;
    await page.setRequestInterception(true);
    page.on('request', async (req) => {
      const url = new URL(req.url());
      if (url.pathname !== `/api/profiles/${id}/tree` || url.searchParams.has('path')) {
        req.continue();
        return;
      }
      const view = await (await fetch(req.url())).json();
      const cut = (b, d) => ({ ...b, more: b.more || (d === D && b.children.length > 0), children: d === D ? [] : b.children.map((c) => cut(c, d + 1)) });
      req.respond({
        status: 200, contentType: 'application/json',
        body: JSON.stringify({ ...view, root: cut(view.root, 0), capped: { reason: 'boxes', limit: 100000, boxes: 50, depth: D } }),
      });
    });
    const c = await openProfile(page, h.url('recursion.prof'));
    const notice = await until(page, '#cap-notice shown', () => {
      const el = document.getElementById('cap-notice');
      return el.hidden ? null : el.textContent;
    }, (v) => v !== null);
    assert.equal(notice, 'Showing 2 of 10 levels: this view has more than 100,000 boxes — zoom in or raise the cutoff to see deeper.');
    const height = await page.evaluate(() => document.getElementById('chart-canvas').getBoundingClientRect().height);
    assert.equal(height, (D + 1) * c.rowHeight, 'as many rows as levels loaded: none blank below them');
    // Hovering a box at the cap that calls others says its own time is not
    // known: main's first child with children, found from the real view.
    const real = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/profiles/${id}/tree?depth=3&path=`);
    const main = real.root.children[0];
    const j = main.children.findIndex((b) => b.children.length > 0);
    assert.ok(j >= 0, 'main calls something that calls something');
    const before = main.children.slice(0, j).reduce((sum, b) => sum + b.time, 0);
    const x = ((before + main.children[j].time / 2) / real.root.time) * (await page.evaluate(() => document.getElementById('chart-canvas').clientWidth));
    await hoverAt(page, await canvasPoint(page, x, (D + 0.5) * c.rowHeight));
    await until(page, 'the panel of a box at the cap', () => document.getElementById('hover').textContent,
      (v) => /at most .* \(the calls below it are not loaded: zoom in for them\)/.test(v));
    await shot('capped');
    // Zoomed in, the view (fetched rooted there, not cut) is whole again.
    const one = await largestChildPath(page, id);
    await zoomFirstChild(page, one.join(','));
    await until(page, '#cap-notice hidden in an uncapped view', () => document.getElementById('cap-notice').hidden, (v) => v);
  }));
