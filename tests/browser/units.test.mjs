// A profile that is not in seconds: the page says what its figures measure
// (model/units.js) in the summary, the table's headers, the boxes and the
// legend.
//
// The server's answers for recursion.prof are rewritten on their way to the
// page as a sampled stack format's would read (docs/api.md: `format`,
// `tree`, `unit`, `calls_unit`; figures in the file's own unit), so the test
// needs no reader of another format: every figure times 10,000, rounded, as
// samples.  What it checks is the page, which sees only the API.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatValue, formatWithUnit } from '../../web/js/layout/format.js';
import { readUnits } from '../../web/js/model/units.js';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import {
  api, expectPage, firstChildPoint, goto, hoverAt, openProfile, recordChartText, text, until, waitDownload,
} from './pages.mjs';

const h = setupBrowserTests(import.meta.url, { files: [fixture('recursion.prof')] });
const T = { timeout: TEST_TIMEOUT };

const SAMPLES = readUnits({ unit: 'samples', calls_unit: 'samples' });
const SCALE = 10000;
const asSamples = (v) => (typeof v === 'number' ? Math.round(v * SCALE) : v);
const FIGURES = new Set(['tt', 'ct', 'time', 'self', 'lo', 'hi', 'total_tt']);

// A copy of an API answer with every figure in samples.
function resampled(json) {
  if (Array.isArray(json)) return json.map(resampled);
  if (json === null || typeof json !== 'object') return json;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, FIGURES.has(k) ? asSamples(v) : resampled(v)]));
}

const SUMMARY = { format: 'folded', writer: 'py-spy', tree: 'recorded', unit: 'samples', calls_unit: 'samples', variant: '', choices: [] };

// Answers GET /api/profiles[/{id}[/tree|/functions|/functions/{fid}]] with
// the server's own answer, resampled (and the summary and the list's entries
// marked as folded stacks).
async function serveAs(page, origin, summary = SUMMARY) {
  await page.setRequestInterception(true);
  page.on('request', async (request) => {
    const url = new URL(request.url());
    const m = /^\/api\/profiles(\/[0-9]+(\/tree|\/functions(\/[0-9]+)?)?)?$/.exec(url.pathname);
    if (request.method() !== 'GET' || url.origin !== origin || m === null) {
      request.continue();
      return;
    }
    const real = await fetch(url);
    let json = resampled(await real.json());
    if (m[1] === undefined) json = { ...json, profiles: json.profiles.map((p) => ({ ...p, ...summary })) };
    else if (m[2] === undefined) json = { ...json, ...summary };
    request.respond({ status: real.status, contentType: 'application/json', body: JSON.stringify(json) });
  });
}

test('a sampled profile: summary, headers, box labels and legend say samples', T, (t) => h.withPage(t, async (page, { shot }) => {
  await serveAs(page, h.origin);
  await recordChartText(page);
  const id = h.id('recursion.prof');
  await openProfile(page, h.url('recursion.prof'));
  const summary = await api(page, `/api/profiles/${id}`);
  assert.equal(summary.unit, 'samples', 'the page is served the rewritten answers');

  const line = await until(page, 'the summary', () => document.getElementById('summary').textContent, (v) => v !== '');
  assert.equal(line, `folded · py-spy · ${summary.n_funcs} functions · ${formatWithUnit(summary.total_tt, SAMPLES)}`);
  assert.doesNotMatch(line, /calls/, 'a sampled profile\'s "calls" are its samples again: not said');

  const headers = await page.$$eval('#stats thead th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(headers, ['samples', 'self (samples)', 'total (samples)', 'filename:lineno(function)']);
  const cut = await page.$$eval('#stats thead th button', (bs) => bs.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent));
  assert.deepEqual(cut, [], 'every header fits its column');
  const cells = await page.$$eval('#stats tbody tr[data-fid]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(cells.length > 0);
  for (const row of cells) {
    assert.equal(row.length, 4, 'no per-call columns');
    for (const figure of row.slice(1, 3)) assert.match(figure, /^[0-9]{1,3}(,[0-9]{3})*$/, 'a count, not a time');
  }

  const top = await api(page, `/api/profiles/${id}/tree?depth=2`);
  const main = top.root.children[0];
  const texts = await until(page, 'main\'s label in the chart', () => [...window.__chartText], (v) => v.includes(main.name));
  const k = texts.indexOf(main.name);
  assert.equal(texts[k + 1], `${main.exact ? '' : '≈ '}${formatValue(main.time, SAMPLES)}`, 'main\'s box says its samples');
  assert.ok(!texts.some((s) => / (s|ms|µs)$/.test(s)), `no time in any label: ${JSON.stringify(texts.slice(0, 12))}`);

  const legend = await text(page, '#legend');
  assert.match(legend, /Exact: [0-9]+% of the samples drawn\. Exact call paths: every box sums the stacks the file holds/);
  assert.doesNotMatch(legend, /Recorded call paths|Hatched boxes/);
  await shot('sampled profile');

  // The hover panel: main's samples, its own, and samples for calls.
  await hoverAt(page, await firstChildPoint(page));
  const panel = await until(page, 'the hover panel', () => {
    const p = document.getElementById('hover');
    return p && !p.hidden ? [...p.children].map((d) => d.textContent) : null;
  }, (v) => v !== null && v[0] === 'main');
  assert.ok(panel.includes(`total ${formatWithUnit(main.time, SAMPLES)} · 100.0% of total · 100.0% of parent`), JSON.stringify(panel));
  assert.ok(panel.includes(`self ${formatWithUnit(main.self, SAMPLES)}`), JSON.stringify(panel));
  assert.ok(panel.some((l) => /^samples /.test(l)), JSON.stringify(panel));
  await shot('sampled profile, hover');
  await page.mouse.move(2, 2);

  // The butterfly names the same units.
  await page.click('#stats tbody tr[data-fid]');
  await until(page, 'the butterfly', () => document.getElementById('butterfly')?.dataset.state, (s) => s === 'ready');
  const edgeHeads = await page.$$eval('#butterfly table.callees thead th', (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(edgeHeads, ['function', 'samples', 'self', 'total'], 'the unit is in the figures above them');
  const edgeCut = await page.$$eval('#butterfly table.callees thead th', (ths) => ths.filter((th) => th.scrollWidth > th.clientWidth).map((th) => th.textContent));
  assert.deepEqual(edgeCut, [], 'every edge header fits its column');
  const terms = await page.$$eval('#butterfly dt', (dts) => dts.map((d) => d.textContent));
  assert.deepEqual(terms, ['samples', 'self (samples)', 'total (samples)']);
  await shot('sampled profile, butterfly');
}));

test('the index lists each profile\'s format and its total in its unit; the upload takes every format', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await serveAs(page, h.origin);
    await goto(page, `${h.origin}/`);
    await expectPage(page, 'index');
    const row = await until(page, 'a listed profile', () => {
      const tr = document.querySelector('#profiles tr[data-id]');
      return tr ? [...tr.cells].map((c) => c.textContent) : null;
    }, (v) => v !== null);
    const heads = await page.$$eval('#profiles thead th', (ths) => ths.map((th) => th.textContent));
    const cell = (label) => row[heads.indexOf(label)];
    assert.equal(cell('format'), 'folded');
    assert.equal(cell('writer'), 'py-spy');
    const summary = await api(page, `/api/profiles/${h.id('recursion.prof')}`);
    assert.equal(cell('total time'), formatWithUnit(summary.total_tt, SAMPLES));
    assert.match(cell('total time'), / samples$/);
    const input = await page.$eval('#upload-file', (i) => ({ accept: i.getAttribute('accept'), type: i.type }));
    assert.deepEqual(input, { accept: null, type: 'file' }, 'no accept filter hides .json, .txt, .cpuprofile or callgrind.out.*');
    if (await page.$eval('#drop', (d) => !d.hidden)) {
      assert.match(await text(page, '#drop'), /folded stacks, speedscope JSON, Chrome\/V8 \.cpuprofile, callgrind/);
    }
    await shot('index with formats');
  }));

// A callgrind profile: a call graph (inferred paths, as pstats), calls that
// are calls, figures in the event shown, of several.
const CALLGRIND = {
  format: 'callgrind', writer: 'valgrind', tree: 'inferred', unit: 'Ir', calls_unit: 'calls',
  variant: 'event=Ir', choices: ['event=Ir', 'event=Dr', 'event=Dw'],
};
const IR = readUnits(CALLGRIND);

test('a callgrind profile: the event shown of several, per-call columns, estimates hatched', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await serveAs(page, h.origin, CALLGRIND);
    await recordChartText(page);
    const id = h.id('recursion.prof');
    await openProfile(page, h.url('recursion.prof'));
    const summary = await api(page, `/api/profiles/${id}`);
    const line = await until(page, 'the summary', () => document.getElementById('summary').textContent, (v) => v !== '');
    assert.equal(line, `callgrind · valgrind · event Ir (of Ir, Dr, Dw) · ${summary.n_funcs} functions · `
      + `${summary.total_calls.toLocaleString('en-US')} calls · ${formatWithUnit(summary.total_tt, IR)}`);
    const headers = await page.$$eval('#stats thead th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(headers, ['ncalls', 'self (Ir)', 'percall', 'total (Ir)', 'percall', 'filename:lineno(function)']);
    const top = await api(page, `/api/profiles/${id}/tree?depth=2`);
    const main = top.root.children[0];
    const texts = await until(page, 'main\'s label in the chart', () => [...window.__chartText], (v) => v.includes(main.name));
    assert.equal(texts[texts.indexOf(main.name) + 1], `${main.exact ? '' : '≈ '}${formatValue(main.time, IR)}`);
    const legend = await text(page, '#legend');
    assert.match(legend, /of the Ir drawn\. Hatched boxes and “≈” times are estimates/);
    await shot('callgrind profile');
  }));

test('the CSV and SVG exports of a sampled profile name its unit', T, (t) => h.withPage(t, async (page, { downloads }) => {
  await serveAs(page, h.origin);
  await openProfile(page, h.url('recursion.prof'));
  const got = {};
  for (const kind of ['csv', 'svg']) {
    const before = fs.readdirSync(downloads);
    await page.click(`#export-${kind}`);
    got[kind] = fs.readFileSync(path.join(downloads, await waitDownload(downloads, before, `the ${kind} export`)), 'utf8');
  }
  const [header, first] = got.csv.split('\r\n');
  assert.equal(header, 'samples,self (samples),total (samples),filename,lineno,function');
  assert.match(first, /^1,0,899,/, 'figures as the API gives them, in samples');
  const titles = [...got.svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  assert.ok(titles.some((s) => /\n899 samples$/.test(s)), `an SVG box's title says its samples: ${JSON.stringify(titles.slice(0, 3))}`);
}, { downloads: true }));
