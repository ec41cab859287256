// The inverted chart, the sandwich, the transforms and the package
// grouping on the page, on a real `python -m cProfile -m pydoc -w json`
// profile: each is reached as a user reaches it (a toolbar button, a key on
// a box, the box menu, the table's butterfly), is in the URL (a reload opens
// it again), asks the server for it (view=, fn=, t=, /packages), and draws.
// An older server that refuses view= or t= leaves the page on the top-down
// tree with a notice, never a blank page.
//
// Written to the API of docs/api.md: it runs against the real server, or,
// with PV_VIEWS_STUB=1, against views-stub.mjs's stand-in for it (a server
// that predates these views).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import {
  canvasPoint, chart, expectPage, goto, hoverAt, isShown, pageUrl, text, until, waitChart, waitDownload, waitTable,
} from './pages.mjs';
import { STUB, installStub } from './views-stub.mjs';

const h = setupBrowserTests(import.meta.url, {
  files: ['pydoc-json.prof', 'myapp.prof'].map((f) => fixture(`tests/data/views/${f}`)),
});
const T = { timeout: TEST_TIMEOUT };

// The tree requests the page makes, as URLSearchParams.
function recordTrees(page) {
  const seen = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (/\/api\/profiles\/\d+\/tree$/.test(url.pathname)) seen.push(url.searchParams);
  });
  return seen;
}

async function open(page, query = '', profile = 'pydoc-json.prof') {
  if (STUB) await installStub(page, h.origin);
  const trees = recordTrees(page);
  await goto(page, h.url(profile, query));
  await expectPage(page, 'profile');
  await waitChart(page);
  return trees;
}

// The point 1.5 rows down (the largest child of the root), 5 px in.
async function firstChild(page) {
  const c = await chart(page);
  return canvasPoint(page, 5, 1.5 * c.rowHeight);
}

const hoverText = (page) => text(page, '#hover');

test('Inverted: the bottom-up chart, asked for, in the URL, with the hover saying what a caller box is, as SVG', T, (t) => h.withPage(t, async (page, { shot, downloads }) => {
  const trees = await open(page);
  await page.click('#view-inverted');
  await until(page, 'inverted=1 in the URL', () => window.location.search, (s) => /[?&]inverted=1/.test(s));
  await waitChart(page);
  assert.equal(trees.at(-1).get('view'), 'inverted');
  assert.equal(await page.$eval('#chart-canvas', (c) => c.dataset.tree), 'inverted');
  assert.equal(await page.$eval('#view-inverted', (b) => b.getAttribute('aria-pressed')), 'true');
  const p = await firstChild(page);
  await hoverAt(page, p);
  await until(page, 'the hover of a function with own time', () => document.getElementById('hover').textContent,
    (s) => /its own time, wherever it was called from/.test(s));
  // Its caller, a row further down.
  const c = await chart(page);
  await hoverAt(page, { x: p.x, y: p.y + c.rowHeight });
  const caller = await until(page, 'the hover of a caller box', () => document.getElementById('hover').textContent,
    (s) => /called from here/.test(s));
  assert.match(caller, /spent in calls from/);
  await shot('inverted');
  // The SVG is the inverted chart, and says so in its name.
  const before = fs.readdirSync(downloads);
  await page.click('#export-svg');
  const file = await waitDownload(downloads, before, 'the SVG of the inverted chart');
  assert.match(file, /-inverted-icicle\.svg$/);
  const svg = fs.readFileSync(path.join(downloads, file), 'utf8');
  const top = (await page.evaluate(async (u) => (await fetch(u)).json(),
    `/api/profiles/${h.id('pydoc-json.prof')}/functions?sort=tottime&limit=1`)).rows[0];
  assert.ok(svg.includes('<svg') && svg.includes(`${top.file}:${top.line}`), `the SVG has the function with the most own time, ${top.name}`);
  // A reload opens it again; Back leaves it.
  await page.reload({ waitUntil: 'load' });
  await waitChart(page);
  assert.equal((await pageUrl(page)).params.inverted, '1');
  assert.equal(trees.at(-1).get('view'), 'inverted');
  await page.evaluate(() => window.history.back());
  await until(page, 'no inverted in the URL', () => window.location.search, (s) => !/inverted/.test(s));
  await waitChart(page);
}, { downloads: true }));

test('Sandwich: w on a box shows its callers upside-down above, its figures, its callees below; Back leaves it', T, (t) => h.withPage(t, async (page, { shot }) => {
  const trees = await open(page);
  const p = await firstChild(page);
  await hoverAt(page, p);
  await page.keyboard.press('w');
  const fn = (await until(page, 'fn= in the URL', () => window.location.search, (s) => /[?&]fn=\d+/.test(s))).match(/fn=(\d+)/)[1];
  await waitChart(page);
  assert.ok(await isShown(page, '#sandwich'), 'the sandwich is shown');
  await until(page, 'the callers chart drawn', () => document.getElementById('callers-canvas').dataset.state, (s) => s === 'ready');
  assert.deepEqual(await page.$$eval('#chart-canvas, #callers-canvas', (cs) => cs.map((c) => c.dataset.tree)), ['callers', 'callees'], 'in page order: callers above');
  const asked = trees.map((q) => `${q.get('view')}:${q.get('fn')}`);
  assert.ok(asked.includes(`callees:${fn}`) && asked.includes(`callers:${fn}`), asked.join(' '));
  const middle = await until(page, 'the function\'s own figures', () => document.getElementById('sandwich-middle').textContent,
    (s) => /cumulative/.test(s));
  const row = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/profiles/${h.id('pydoc-json.prof')}/functions/${fn}`);
  assert.ok(middle.includes(row.name), `${middle} names ${row.name}`);
  // The callers' root (the function) is at the bottom of its canvas.
  const callers = await page.$eval('#callers-canvas', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, height: r.height, rowHeight: Number(c.dataset.rowHeight) };
  });
  await page.mouse.move(callers.x + 5, callers.y + callers.height - callers.rowHeight / 2, { steps: 3 });
  await until(page, 'the hover of the callers root', () => document.getElementById('callers-hover').textContent,
    (s) => s.includes(row.name) && /wherever it is called from/.test(s));
  await shot('sandwich');
  await page.click('#sandwich-middle button');
  await until(page, 'no fn in the URL', () => window.location.search, (s) => !/fn=/.test(s));
  assert.equal(await isShown(page, '#sandwich'), false);
  await page.goBack().catch(() => {});
  await until(page, 'Back returns to the sandwich', () => window.location.search, (s) => /fn=/.test(s));
}));

test('Sandwich from a search that finds one function, and from the table: a row, then the butterfly\'s Sandwich button', T, (t) => h.withPage(t, async (page) => {
  await open(page, '', 'myapp.prof');
  assert.equal(await isShown(page, '#search-sandwich'), false);
  await page.type('#search', 'count_words');
  await until(page, 'the search\'s Sandwich button', () => !document.getElementById('search-sandwich').hidden, Boolean);
  const row = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/profiles/${h.id('myapp.prof')}/functions?q=count_words`);
  assert.equal(row.total, 1);
  await page.click('#search-sandwich');
  await until(page, `fn=${row.rows[0].id}`, (id) => window.location.search.includes(`fn=${id}`), Boolean, { arg: row.rows[0].id });
  await until(page, 'the sandwich\'s figures', () => document.getElementById('sandwich-middle').textContent, (x) => x.includes('count_words'));
  await page.click('#sandwich-middle button');
  await until(page, 'no fn', () => window.location.search, (x) => !/fn=/.test(x));
  await waitTable(page);
  const fid = await page.$eval('#stats tbody tr[data-fid]', (r) => r.dataset.fid);
  await page.click('#stats tbody tr[data-fid]');
  await until(page, 'the butterfly', () => !document.getElementById('butterfly').hidden, Boolean);
  await page.click('.butterfly-sandwich');
  await until(page, `fn=${fid}`, () => window.location.search, (s) => s.includes(`fn=${fid}`), { arg: fid });
}));

test('Transforms: the box menu and keys add them, the stack shows and pops them, the URL keeps them', T, (t) => h.withPage(t, async (page, { shot }) => {
  const trees = await open(page);
  const p = await firstChild(page);
  await hoverAt(page, p);
  await page.mouse.click(p.x, p.y, { button: 'right' });
  await until(page, 'the box menu', () => !document.getElementById('box-menu').hidden, Boolean);
  const items = await page.$$eval('#box-menu button', (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(items.map((s) => s.replace(/ .*$/, '')), ['Sandwich', 'Focus', 'Merge', 'Collapse', 'Drop']);
  await page.click('#box-menu button:nth-child(2)');
  const focus = (await until(page, 't=focus in the URL', () => window.location.search, (s) => /t=focus%3A\d+/.test(s))).match(/t=(focus%3A\d+)/)[1];
  await waitChart(page);
  assert.deepEqual(trees.at(-1).getAll('t'), [decodeURIComponent(focus)]);
  await until(page, 'the stack', () => document.getElementById('transforms').textContent, (s) => /Focus: /.test(s));
  // A second one by its key, on the focused tree's first box.
  await hoverAt(page, await firstChild(page));
  await page.keyboard.press('c');
  await until(page, 'two transforms', () => new URLSearchParams(window.location.search).getAll('t').length, (n) => n === 2);
  await waitChart(page);
  const t = trees.at(-1).getAll('t');
  assert.equal(t[0], decodeURIComponent(focus));
  assert.match(t[1], /^collapse:/);
  await shot('transforms');
  // Reload: the same stack, in order.
  await page.reload({ waitUntil: 'load' });
  await waitChart(page);
  assert.deepEqual(await page.$$eval('#transforms .transform .crumb', (bs) => bs.map((b) => b.textContent.split(':')[0])), ['Focus', 'Collapsed']);
  // Pop back to the first, then remove it.
  const [first] = await page.$$('#transforms .transform .crumb');
  await first.click();
  await until(page, 'one transform', () => new URLSearchParams(window.location.search).getAll('t').length, (n) => n === 1);
  await page.click('#transforms .remove');
  await until(page, 'no transforms', () => window.location.search, (s) => !/t=/.test(s));
  assert.equal(await isShown(page, '#transforms'), false);
}));

test('My code only: a toggle that sends t=mycode, and the chart starts at the program\'s own code', T, (t) => h.withPage(t, async (page, { shot }) => {
  // `python3 -m cProfile -m myapp`: exec, runpy and importlib above myapp.
  const trees = await open(page, '', 'myapp.prof');
  await page.click('#mycode');
  await until(page, 't=mycode', () => window.location.search, (s) => /t=mycode/.test(s));
  await waitChart(page);
  assert.deepEqual(trees.at(-1).getAll('t'), ['mycode']);
  assert.equal(await page.$eval('#mycode', (b) => b.getAttribute('aria-pressed')), 'true');
  if (!STUB) {
    // The stand-in does not apply transforms; the server does.
    await hoverAt(page, await firstChild(page));
    const hover = await until(page, 'the hover of the first box', () => document.getElementById('hover').textContent, (x) => x !== '');
    assert.match(hover, /myapp\.py/, 'the first level is the program\'s own <module>');
  }
  await shot('mycode');
  await page.click('#mycode');
  await until(page, 'no t', () => window.location.search, (s) => !/t=/.test(s));
}));

test('By package: one colour per package, the legend\'s shares, the packages table', T, (t) => h.withPage(t, async (page, { shot }) => {
  await open(page);
  await page.click('#group-package');
  await until(page, 'group=package', () => window.location.search, (s) => /group=package/.test(s));
  const rows = await until(page, 'the packages table', () => [...document.querySelectorAll('#packages-table tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)),
    (r) => r.length > 0);
  assert.equal(await isShown(page, '#table'), false, 'the packages table replaces the functions table');
  // Each share rounded (a tiny one reads "<0.1%"), so their sum is near 100.
  const shares = rows.map((r) => Number(r[4].replace(/[<%]/g, '')));
  assert.ok(shares.every(Number.isFinite) && Math.abs(shares.reduce((a, b) => a + b, 0) - 100) < 0.1 * rows.length, `shares add up: ${shares}`);
  await until(page, 'a share in the legend', () => document.getElementById('legend').textContent, (s) => /%/.test(s));
  await shot('by-package');
  await page.click('#packages-table .package-name');
  assert.equal(await page.$eval('#search', (i) => i.value), rows[0][0] === '(no file)' ? '' : rows[0][0]);
}));

test('a server that refuses view= or t= leaves the top-down tree and says why', T, (t) => h.withPage(t, async (page, { shot }) => {
  await installStub(page, h.origin, { refuse: true });
  await goto(page, h.url('pydoc-json.prof', 'inverted=1&t=mycode'));
  await expectPage(page, 'profile');
  await waitChart(page);
  const message = await until(page, 'the notice', () => document.getElementById('message').textContent, (s) => /refused/.test(s));
  assert.match(message, /showing the top-down tree/);
  const url = await pageUrl(page);
  assert.equal(url.params.inverted, undefined);
  assert.equal(url.params.t, undefined);
  assert.ok((await chart(page)).boxes > 1, 'the chart is drawn');
  await shot('refused');
}, { allow: [/status of 400/] }));
