#!/usr/bin/env node
// cold.mjs — the time a user waits: from starting `profviz FILE` to the
// first chart painted, with a new store every run.
//
//   node bench/cold.mjs [--runs N] [--profviz PATH]... [--chromium PATH]
//                       [--timeout MS] FILE...
//
// With --profviz given more than once (say, a build from before a change
// and one from after), the binaries take turns run by run, so a machine
// whose load drifts (2 cores shared with others) weighs on each alike, and
// each gets its own table.
// Per FILE and run: a fresh browser context and page are made ready in an
// already running headless Chromium (the user's browser is running too),
// left 300 ms to settle, then the clock starts, `profviz view -s -p 0 --db NEW/profiles.db FILE`
// is spawned (tests/browser/harness.mjs's startProfviz: a new temporary
// directory, so a new empty store, every run), and as soon as it prints the
// profile's URL the page goes there: the page's requests are the server's
// first.  The clock stops when #chart-canvas first says
// data-state="ready" (the first view drawn), read inside the page and put
// on the same clock through performance.timeOrigin.
//
// Figures per run (ms):
//   cold          spawn -> chart painted: the figure of the issue
//   listen        spawn -> URL printed (the server is listening by then)
//   nav->chart    navigation start -> chart painted, inside the page
//   api           per first API request of the page, the server's part
//                 (requestStart -> responseStart, Resource Timing): a graph
//                 built on a first request shows here
//   parse, graph, store   what profiv's own stderr line says for the file,
//                 when it says it ("parsed in", "graph in", "stored in")
//   table         navigation start -> the statistics table filled
// then best and median of each over the runs.  After the chart, the run
// waits for the store to have the profile (GET /api/profiles/ID says
// "stored": true, or a profviz without it answers at all) before stopping
// profviz, so the next run's CPU is not shared with this run's commit.
//
// The last line per file, `bench-cold file=... cold_ms_best=...
// cold_ms_median=...`, is for scripts (bench/run.sh's targets).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startProfviz } from '../tests/browser/harness.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function usage(msg) {
  if (msg) process.stderr.write(`cold.mjs: ${msg}\n`);
  process.stderr.write('usage: node bench/cold.mjs [--runs N] [--profviz PATH] [--chromium PATH] [--timeout MS] FILE...\n');
  process.exit(1);
}

function parseArgs(argv) {
  const o = { runs: 5, profviz: [], chromium: process.env.CHROMIUM || '/usr/bin/chromium', timeout: 120000, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} wants a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--profviz') o.profviz.push(path.resolve(value()));
    else if (a === '--chromium') o.chromium = value();
    else if (a === '--timeout') o.timeout = Number(value());
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.files.push(path.resolve(a));
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs wants a positive integer');
  if (!(o.timeout > 0)) usage('--timeout wants milliseconds');
  if (o.files.length === 0) usage('no FILE given');
  if (o.profviz.length === 0) o.profviz.push(process.env.PROFVIZ || path.join(ROOT, 'build', 'cli', 'profviz'));
  return o;
}

const SETTLE_MS = 300;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const best = (xs) => {
  const s = xs.filter((x) => typeof x === 'number');
  return s.length ? Math.min(...s) : undefined;
};
const fmt = (x) => (typeof x === 'number' && !Number.isNaN(x) ? x.toFixed(0) : '-');

// Installed before the page's own scripts: notes when the chart and the
// table first say ready (as bench/browser.mjs does).
function loadRecorder() {
  const b = { chart: null, table: null };
  window.__pvBench = b;
  const check = () => {
    const t = performance.now();
    const c = document.getElementById('chart-canvas');
    if (b.chart === null && c && c.dataset.state === 'ready') b.chart = t;
    const tb = document.getElementById('table');
    if (b.table === null && tb && tb.dataset.state === 'ready') b.table = t;
    if (b.chart !== null && b.table !== null) obs.disconnect();
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

// What profviz's stderr says about loading the file, when it says it.
function stderrFigures(text) {
  const f = {};
  for (const [key, re] of [['parse', /parsed in ([0-9.]+) ms/], ['graph', /graph in ([0-9.]+) ms/],
    ['store', /stored in ([0-9.]+) ms/]]) {
    const m = re.exec(text);
    if (m) f[key] = Number(m[1]);
  }
  return f;
}

// Waits until the store has the profile; returns its summary.
async function waitStored(server, id, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const res = await fetch(`${server.origin}/api/profiles/${id}`);
    const p = await res.json();
    if (p.stored !== false) return p;
    if (Date.now() > deadline) throw new Error(`profile ${id} not stored within ${timeout / 1000} s`);
    await sleep(20);
  }
}

async function oneRun(chromium, file, binary, o) {
  const ctx = await chromium.browser.createBrowserContext();
  let server = null;
  try {
    const page = await ctx.newPage();
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    await page.setCacheEnabled(false);
    await page.evaluateOnNewDocument(loadRecorder);
    // A user's browser is idle when they type the command: let this one
    // finish starting the context's processes first.
    await sleep(SETTLE_MS);
    const t0 = now();
    server = await startProfviz([file], { binary, timeoutMs: o.timeout });
    const tUrl = now();
    await page.goto(server.urls[0], { waitUntil: 'domcontentloaded', timeout: o.timeout });
    await page.waitForFunction(() => window.__pvBench && window.__pvBench.chart !== null && window.__pvBench.table !== null,
      { timeout: o.timeout, polling: 20 });
    const seen = await page.evaluate(() => ({
      origin: performance.timeOrigin,
      b: window.__pvBench,
      api: performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/')).map((r) => ({
        path: new URL(r.name).pathname, start: r.startTime, server: r.responseStart - r.requestStart, end: r.responseEnd,
      })),
    }));
    const info = await waitStored(server, server.ids[0], o.timeout);
    const r = {
      cold: seen.origin + seen.b.chart - t0,
      listen: tUrl - t0,
      navChart: seen.b.chart,
      table: seen.b.table,
      urlToNav: seen.origin - tUrl,
      api: seen.api,
      n_funcs: info.n_funcs,
      ...stderrFigures(server.stderr()),
    };
    if (r.parse === undefined && typeof info.parse_ms === 'number') r.parse = info.parse_ms;
    if (r.store === undefined && typeof info.store_ms === 'number') r.store = info.store_ms;
    return r;
  } finally {
    if (server) await server.stop();
    await ctx.close().catch(() => {});
  }
}

// The server's part of the page's first request to each endpoint.
function apiSummary(api) {
  const first = new Map();
  for (const a of api) {
    const key = a.path.replace(/\/[0-9]+/g, '/ID');
    if (!first.has(key)) first.set(key, a.server);
  }
  return [...first].map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
}

// The table of one binary's runs on one file.
function report(file, binary, runs, o, version) {
  const mb = fs.statSync(file).size / 1e6;
  const lines = [`${path.basename(file)}: ${mb.toFixed(1)} MB, ${runs[0].n_funcs} functions; ${o.runs} runs, new store each; ${version}, headless`];
  if (o.profviz.length > 1) lines.push(`profviz: ${binary}`);
  lines.push('', '                           best   median   (ms)');
  const keys = [['cold', 'spawn -> chart painted'], ['listen', 'spawn -> listening'], ['urlToNav', 'URL -> navigation'],
    ['navChart', 'navigation -> chart'], ['table', 'navigation -> table'], ['parse', 'parse'], ['graph', 'graph build'],
    ['store', 'store commit']];
  const kv = { file: path.basename(file), bytes: fs.statSync(file).size, runs: o.runs };
  if (o.profviz.length > 1) kv.profviz = binary;
  for (const [k, label] of keys) {
    const xs = runs.map((r) => r[k]);
    lines.push(`  ${label.padEnd(24)} ${fmt(best(xs)).padStart(6)}  ${fmt(median(xs)).padStart(7)}`);
    kv[`${k}_ms_best`] = best(xs);
    kv[`${k}_ms_median`] = median(xs);
  }
  lines.push(`  first API requests, server ms (median run): ${apiSummary(runs.slice().sort((a, b) => a.cold - b.cold)[runs.length >> 1].api)}`);
  lines.push('');
  lines.push(`bench-cold ${Object.entries(kv).map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(1)) : v ?? '-'}`).join(' ')}`);
  return `${lines.join('\n')}\n\n`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const chromium = await launchChromium({ executablePath: o.chromium });
  try {
    const version = await chromium.browser.version();
    for (const file of o.files) {
      const runs = o.profviz.map(() => []);
      for (let i = 1; i <= o.runs; i++) {
        for (const [b, binary] of o.profviz.entries()) {
          const r = await oneRun(chromium, file, binary, o);
          runs[b].push(r);
          process.stderr.write(`run ${i}${o.profviz.length > 1 ? ` (${binary})` : ''}: cold ${fmt(r.cold)} ms (listen ${fmt(r.listen)}, nav->chart ${fmt(r.navChart)}; ` +
            `parse ${fmt(r.parse)}, graph ${fmt(r.graph)}, store ${fmt(r.store)}; api: ${apiSummary(r.api)})\n`);
        }
      }
      for (const [b, binary] of o.profviz.entries()) process.stdout.write(report(file, binary, runs[b], o, version));
    }
  } finally {
    await chromium.close();
  }
}

main().catch((e) => {
  process.stderr.write(`cold.mjs: ${e.stack || e.message}\n`);
  process.exitCode = 1;
});
