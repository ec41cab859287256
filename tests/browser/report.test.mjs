// The HTML report (`profviz export --html`) opened from disk with every
// request but file:// ones failed: the chart draws, a click zooms (and the
// URL's fragment keeps it, Back undoes it), the sunburst, the table's sort
// and filter, the callers/callees all work with no server, controls that
// need one are not there, and hostile names stay text.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createOfflineApi, decodeReportData } from '../../web/js/model/offline-api.js';
import {
  TEST_TIMEOUT, artifactsRoot, fixture, launchChromium, pageSnapshot, profvizPath, startProfviz, watchPage,
} from './harness.mjs';
import {
  crumbs, expectDrawn, expectPage, rowFids, sleep, tableCells, until, waitChart, waitDownload, waitTable, zoomFirstChild,
} from './pages.mjs';

const T = { timeout: TEST_TIMEOUT };
const PROFILES = {
  recursion: fixture('recursion.prof'), hostile: fixture('tests/web/fixtures/hostile.prof'), pydoc: fixture('real_pydoc.prof'),
  // Other readers and a recorded tree (its "<paths past the cap>" boxes).
  recorded: fixture('tests/data/recorded/overflow.prof'),
  callgrind: fixture('tests/data/formats/callgrind/c_prog.callgrind'),
  folded: fixture('tests/data/formats/folded/inferno__austin-flames.txt'),
  empty: fixture('tests/data/formats/callgrind/gprof2dot__empty.callgrind'),
};
const IMG_NAME = '</script><img src=x onerror=alert(1)>';
const artifacts = path.join(artifactsRoot(), 'report');
let tmp = null;
let chromium = null;
const reports = {};

before(async () => {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'profviz-report-'));
  for (const [name, file] of Object.entries(PROFILES)) {
    const out = path.join(tmp, `${name}.html`);
    const r = spawnSync(profvizPath(), ['export', '--db', path.join(tmp, 'profiles.db'), file, '--html', out],
      { encoding: 'utf8' });
    assert.equal(r.status, 0, `profviz export --html failed: ${r.stderr}`);
    reports[name] = out;
  }
  chromium = await launchChromium();
}, { timeout: 120000 });

after(async () => {
  if (chromium) await chromium.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// Runs fn(page, tools) on a fresh page that may load file:// URLs only
// (tools.blocked lists the others, failed), and fails on any page problem.
// tools.downloads: the folder the page's downloads go to.
async function withReport(t, name, fn) {
  const downloads = fs.mkdtempSync(path.join(tmp, 'downloads-'));
  const ctx = await chromium.browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await ctx.newPage();
  try {
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    const problems = watchPage(page);
    const blocked = [];
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const scheme = new URL(req.url()).protocol;
      if (scheme === 'file:' || scheme === 'data:' || scheme === 'blob:') req.continue();
      else {
        blocked.push(req.url());
        req.abort('internetdisconnected');
      }
    });
    const shot = async (step) => {
      const file = path.join(artifacts, `${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}-${step}.png`);
      await page.screenshot({ path: file, fullPage: true });
      t.diagnostic(`screenshot: ${file}`);
    };
    const url = `file://${reports[name]}`;
    try {
      await page.goto(url, { waitUntil: 'load' });
      await expectPage(page, 'profile');
      await waitChart(page);
      await waitTable(page);
      await fn(page, { blocked, shot, url, downloads });
      await sleep(100);
    } catch (e) {
      e.message += `\n  page: ${JSON.stringify(await pageSnapshot(page))}`;
      await shot('failed').catch(() => {});
      throw e;
    }
    assert.deepEqual(problems, [], 'the page had problems');
    assert.deepEqual(blocked, [], 'the report asked for something beyond its file');
  } finally {
    await ctx.close();
  }
}

test('the report draws from disk, says what it left out and hides what needs a server', T, (t) =>
  withReport(t, 'recursion', async (page, { shot }) => {
    await expectDrawn(page, 'the icicle');
    const seen = await page.evaluate(() => ({
      title: document.getElementById('title').textContent,
      note: document.getElementById('report-note').hidden ? null : document.getElementById('report-note').textContent,
      raw: document.getElementById('raw').hidden,
      labels: document.getElementById('labels').hidden,
      treeViews: document.getElementById('tree-views').hidden,
      homeIsLink: document.getElementById('home').tagName === 'A',
      scripts: [...document.scripts].map((s) => s.src),
      links: [...document.querySelectorAll('link[rel=stylesheet], link[href^="/"]')].length,
    }));
    assert.equal(seen.title, 'recursion.prof');
    // A small profile keeps every box: only depth is cut.
    assert.equal(seen.note, 'This report is a file, not a server: levels past 40 are left out; '
      + 'the table and callers/callees hold every function.');
    assert.equal(seen.raw, true, 'the raw download needs a server');
    assert.equal(seen.labels, true, 'labels need a server');
    assert.equal(seen.treeViews, true, 'the inverted chart, my code only and the packages need a server');
    assert.equal(seen.homeIsLink, false, 'the home link would lead to the disk\'s root');
    assert.deepEqual(seen.scripts, ['', ''], 'the app and the data are both inline');
    assert.equal(seen.links, 0, 'no style sheet or file is linked');
    await shot('loaded');
  }));

test('a click zooms, the fragment keeps the zoom, Back undoes it, the sunburst draws', T, (t) =>
  withReport(t, 'recursion', async (page, { shot, url }) => {
    const zoomed = await zoomFirstChild(page, undefined);
    await until(page, 'a zoom below the top', () => document.getElementById('chart-canvas').dataset.root, (r) => r !== '');
    const root = (await waitChart(page)).root;
    assert.ok(root.length > 0, `zoomed to ${JSON.stringify(zoomed)}`);
    assert.equal(new URL(page.url()).hash, `#v=1&root=${root}`);
    assert.equal(page.url().split('#')[0], url, 'the zoom stays within the file');
    assert.ok((await crumbs(page)).length >= 2);
    await shot('zoomed');
    await page.goBack();
    await waitChart(page, { root: '' });
    await page.click('#view-sunburst');
    await waitChart(page, { view: 'sunburst' });
    await expectDrawn(page, 'the sunburst');
    assert.match(new URL(page.url()).hash, /view=sunburst/);
    await shot('sunburst');
    // The fragment opens the report where it was.
    await page.goto(`${url}#v=1&view=sunburst&root=${root}`);
    await waitChart(page, { view: 'sunburst', root });
  }));

test('the table sorts and filters, and a row opens its callers and callees', T, (t) =>
  withReport(t, 'recursion', async (page, { shot }) => {
    const names = async () => Object.values(await tableCells(page)).map((cells) => cells[cells.length - 1]);
    await page.click('#stats th[data-sort="tottime"]');
    await until(page, 'the table sorted by tottime', () => document.querySelector('#stats th[data-sort="tottime"]')
      ?.getAttribute('aria-sort'), (s) => s === 'descending');
    await waitTable(page);
    // The order the report's own data gives, read here as the page reads it.
    const data = await decodeReportData(/id="report-data"[^>]*>([^<]*)</.exec(fs.readFileSync(reports.recursion, 'utf8'))[1]);
    const offline = createOfflineApi(() => data);
    const want = (await offline.functions(data.profile.id, { sort: 'tottime', order: 'desc' })).rows.map((r) => String(r.id));
    assert.deepEqual(await rowFids(page), want, 'rows in tottime order');
    const byName = await names();
    const all = byName.length;
    await page.type('#table-filter', 'fib');
    await until(page, 'the filtered table', () => document.querySelectorAll('#stats tbody tr[data-fid]').length,
      (n) => n > 0 && n < all);
    for (const label of await names()) assert.match(label, /fib/i);
    const [fid] = await rowFids(page);
    await page.click(`#stats tbody tr[data-fid="${fid}"]`);
    await until(page, 'the butterfly', () => document.getElementById('butterfly').dataset.state ?? null,
      (s) => s === 'ready');
    const fly = await page.evaluate(() => ({
      name: document.querySelector('#butterfly .butterfly-name').textContent,
      callers: document.querySelectorAll('#butterfly .callers tbody tr[data-fid]').length,
      callees: document.querySelectorAll('#butterfly .callees tbody tr[data-fid]').length,
      root: document.getElementById('chart-canvas').dataset.root,
    }));
    assert.match(fly.name, /fib/);
    assert.ok(fly.callers + fly.callees > 0, JSON.stringify(fly));
    // Opening a function zooms the chart to its widest box.
    await until(page, 'the zoom to the function', () => document.getElementById('chart-canvas').dataset.root,
      (r) => r.split(',').pop() === fid);
    await shot('butterfly');
  }));

test('the download buttons work from disk: CSV of every row, SVG and PNG of the chart', T, (t) =>
  withReport(t, 'pydoc', async (page, { downloads }) => {
    const got = {};
    for (const kind of ['csv', 'svg', 'png']) {
      const before = fs.readdirSync(downloads);
      await page.click(`#export-${kind}`);
      const file = await waitDownload(downloads, before, `the ${kind.toUpperCase()} download`);
      got[kind] = fs.readFileSync(path.join(downloads, file));
    }
    const { api, id } = await offlineApi('pydoc');
    const rows = (await api.profile(id)).n_funcs;
    assert.equal(got.csv.toString('utf8').trimEnd().split('\n').length, rows + 1, 'a header and every function');
    assert.match(got.svg.toString('utf8'), /<svg[\s>]/);
    assert.deepEqual([...got.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  }));

test('hostile names in a report are text: no element, script or request comes out of them', T, (t) =>
  withReport(t, 'hostile', async (page, { shot }) => {
    const html = fs.readFileSync(reports.hostile, 'utf8');
    assert.ok(!html.includes(IMG_NAME), 'a name is written into the file as markup');
    const cells = Object.values(await tableCells(page)).map((c) => c[c.length - 1]);
    assert.ok(cells.some((c) => c.includes(IMG_NAME)), `the table shows the name as it is: ${cells}`);
    const state = await page.evaluate(() => ({
      imgs: [...document.images].length,
      onerror: document.querySelectorAll('[onerror]').length,
      scripts: document.scripts.length,
    }));
    assert.deepEqual(state, { imgs: 0, onerror: 0, scripts: 2 });
    await shot('hostile');
  }));

// The report's data, and the offline API over it, read as the page reads them.
async function offlineApi(name) {
  const text = /id="report-data"[^>]*>([^<]*)</.exec(fs.readFileSync(reports[name], 'utf8'))[1];
  const data = await decodeReportData(text);
  return { api: createOfflineApi(() => data), id: data.profile.id, data };
}

// Two views' boxes agree: the same functions in the same places, the same
// figures (sums of merged boxes up to the order they were added in).
function sameView(got, want, where = 'root') {
  for (const k of ['id', 'name', 'file', 'line', 'exact', 'calls_exact', 'more', 'n_merged']) {
    assert.deepEqual(got[k], want[k], `${where}.${k}`);
  }
  for (const k of ['time', 'self', 'calls', 'lo', 'hi']) {
    const [a, b] = [Number(got[k]), Number(want[k])];
    assert.ok(a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)), `${where}.${k}: ${a} vs ${b}`);
  }
  assert.equal((got.children ?? []).length, (want.children ?? []).length, `${where}: children`);
  (want.children ?? []).forEach((c, i) => sameView(got.children[i], c, `${where}/${c.name}`));
}

// The offline API against the server's own answers for the same file.
async function agree(name, { zoom = false } = {}) {
  const server = await startProfviz([PROFILES[name]]);
  try {
    const get = async (p) => (await fetch(`${server.origin}/api/profiles/${server.ids[0]}${p}`)).json();
    const { api, id, data } = await offlineApi(name);
    const summary = await api.profile(id);
    const real = await get('');
    for (const k of ['name', 'format', 'n_funcs', 'n_edges', 'total_tt', 'total_calls', 'tree', 'unit']) {
      assert.deepEqual(summary[k], real[k], `summary ${k}`);
    }
    for (const sort of ['name', 'file', 'line', 'calls', 'pcalls', 'tottime', 'cumtime', 'tpercall', 'cpercall']) {
      for (const order of ['asc', 'desc']) {
        for (const q of [undefined, 'Py', 'a']) {
          const params = { sort, order, q, offset: 2, limit: 50 };
          const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined));
          assert.deepEqual(await api.functions(id, params), await get(`/functions?${query}`), `functions?${query}`);
        }
      }
    }
    let opened = 0;
    for (let fid = 0; fid < real.n_funcs + real.n_caller_only; fid++) {
      const { path, ...mine } = await api.func(id, fid);
      const { path: realPath, ...theirs } = await get(`/functions/${fid}`);
      assert.deepEqual(mine, theirs, `function ${fid}`);
      // Its widest box in the report, or where the report cut it: a path
      // the report's tree has, to it or to a caller of it.
      assert.equal(path === null, realPath === null, `function ${fid}: path ${path}, the server's ${realPath}`);
      if (path !== null) {
        await api.tree(id, { path, depth: 1 });
        // Where the report holds the server's place, it has a box there.
        const held = await api.tree(id, { path: realPath, depth: 1 }).then(() => true, () => false);
        if (held) {
          assert.equal(path[path.length - 1], fid, `function ${fid} opens at ${path}, not at its box ${realPath}`);
          opened++;
        }
      }
    }
    // With no cutoff, only a report that kept every box is the server's.
    const views = [[3, 0.01], [10, 0.001], [20, 0.001], ...(data.tree.cutoff === 0 ? [[20, 0]] : [])];
    for (const [depth, cutoff] of views) {
      sameView((await api.tree(id, { depth, cutoff })).root, (await get(`/tree?depth=${depth}&cutoff=${cutoff}`)).root);
    }
    if (zoom) {
      // A zoom on a box of a tenth of the total or more: its cutoff is
      // still above the report's, so the view is the server's.
      const top = await get('/tree?depth=3&cutoff=0.1');
      const child = top.root.children.find((c) => c.id !== null && c.time >= 0.1 * top.root.time);
      const view = await api.tree(id, { path: [child.id], depth: 10, cutoff: 0.001 });
      sameView(view.root, (await get(`/tree?path=${child.id}&depth=10&cutoff=0.001`)).root);
      assert.deepEqual(view.path.map((b) => b.id), [child.id]);
    }
    await assert.rejects(api.tree(id, { path: [real.n_funcs + 5] }), (e) => e.status === 404);
    return { opened, real };
  } finally {
    await server.stop();
  }
}

test('the offline API answers as the server does: table, butterfly, views down to the report\'s cutoff', T, async () => {
  const { opened, real } = await agree('pydoc', { zoom: true });
  assert.ok(opened > 100, `only ${opened} of ${real.n_funcs} functions have a box in the report`);
});

test('so it does for a recorded tree, callgrind, folded stacks and an empty profile', T, async () => {
  for (const name of ['recorded', 'callgrind', 'folded', 'empty']) await agree(name);
});
