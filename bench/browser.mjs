#!/usr/bin/env node
// browser.mjs — how fast the page shows a big profile in headless Chromium.
//
//   node bench/browser.mjs [--runs N] [--profviz PATH] [--chromium PATH]
//                          [--timeout MS] [FILE]
//
// Starts `profviz view -s -p 0` on FILE (default ../shared/corpus/big_50k.prof,
// else a synthetic 50,000-function profile from gen_pstats, cached in
// bench/results/ as bench/run.sh caches it), then opens the profile's page N
// times (default 5), each in a fresh browser context with the cache disabled,
// and measures inside the page, from navigation start (performance.now()):
//
//   chart ready   #chart-canvas[data-state=ready] first set (drawn)
//   table ready   #table[data-state=ready] first set
//
// The first run is also the server's first request for the profile (its call
// graph is built then); median and min are over all runs.  Then, per run, a
// zoom in (a click on the largest child of the top) and a zoom out
// (Backspace), recording requestAnimationFrame deltas from the input until
// the chart is ready again: frames, mean and p95 frame time, and how long the
// zoom took.  A frame over 16.7 ms is a frame late at 60 Hz.
//
// Needs puppeteer-core (`npm ci`) and chromium; the harness of the browser
// tests (tests/browser/harness.mjs) starts and stops both.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startProfviz } from '../tests/browser/harness.mjs';
import { defaultProfile, loadRecorder, median } from './page.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function usage(msg) {
  if (msg) process.stderr.write(`browser.mjs: ${msg}\n`);
  process.stderr.write('usage: node bench/browser.mjs [--runs N] [--profviz PATH] [--chromium PATH] [--timeout MS] [FILE]\n');
  process.exit(1);
}

function parseArgs(argv) {
  const o = { runs: 5, profviz: process.env.PROFVIZ || '', chromium: process.env.CHROMIUM || '/usr/bin/chromium', timeout: 120000, file: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} wants a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--profviz') o.profviz = value();
    else if (a === '--chromium') o.chromium = value();
    else if (a === '--timeout') o.timeout = Number(value());
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (o.file) usage('one FILE only');
    else o.file = a;
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs wants a positive integer');
  if (!(o.timeout > 0)) usage('--timeout wants milliseconds');
  // bench/run.sh passes its release build's.
  if (!o.profviz) o.profviz = path.join(ROOT, 'build', 'cli', 'profviz');
  return o;
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));

// Records frame deltas from now until the chart is ready on another root
// than `from`, and 50 ms beyond.
function frameRecorder(from) {
  const c = document.getElementById('chart-canvas');
  const f = { deltas: [], start: performance.now(), end: null, done: false };
  window.__pvFrames = f;
  const obs = new MutationObserver(() => {
    if (f.end === null && c.dataset.state === 'ready' && c.dataset.root !== from) {
      f.end = performance.now();
      obs.disconnect();
    }
  });
  obs.observe(c, { attributes: true, attributeFilter: ['data-state', 'data-root'] });
  let last = null;
  const tick = (t) => {
    if (last !== null) f.deltas.push(t - last);
    last = t;
    if (f.end === null || t < f.end + 50) requestAnimationFrame(tick);
    else f.done = true;
  };
  requestAnimationFrame(tick);
}

async function waitIn(page, fn, what, timeout, arg) {
  try {
    await page.waitForFunction(fn, { timeout, polling: 50 }, arg);
  } catch (e) {
    const seen = await page.evaluate(() => ({
      page: document.body?.dataset.page,
      canvas: document.getElementById('chart-canvas')?.dataset,
      table: document.getElementById('table')?.dataset.state,
      message: document.getElementById('message')?.textContent.trim().slice(0, 120),
    })).catch(() => ({}));
    throw new Error(`${what}: not within ${timeout / 1000} s (${e.message.split('\n')[0]}); page: ${JSON.stringify(seen)}` +
      (seen.page === undefined ? ' — is the web UI built into this profviz?' : ''));
  }
}

async function zoom(page, how, timeout) {
  const from = await page.evaluate(() => document.getElementById('chart-canvas').dataset.root);
  await page.evaluate(frameRecorder, from);
  if (how === 'in') {
    const p = await page.evaluate(() => {
      const c = document.getElementById('chart-canvas');
      c.scrollIntoView({ block: 'nearest' });
      const r = c.getBoundingClientRect();
      return { x: r.left + 5, y: r.top + 1.5 * Number(c.dataset.rowHeight) };
    });
    await page.mouse.click(p.x, p.y);
  } else {
    await page.focus('#chart-canvas');
    await page.keyboard.press('Backspace');
  }
  await waitIn(page, () => window.__pvFrames.done, `zoom ${how}`, timeout);
  return page.evaluate(() => ({ deltas: window.__pvFrames.deltas, took: window.__pvFrames.end - window.__pvFrames.start }));
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const file = path.resolve(o.file || defaultProfile(o.profviz));
  const server = await startProfviz([file], { binary: o.profviz, timeoutMs: o.timeout });
  let chromium = null;
  try {
    chromium = await launchChromium({ executablePath: o.chromium });
    const info = await (await fetch(`${server.origin}/api/profiles/${server.ids[0]}`)).json();
    const loads = [];
    const frames = { in: [], out: [] };
    const took = { in: [], out: [] };
    for (let run = 1; run <= o.runs; run++) {
      const ctx = await chromium.browser.createBrowserContext();
      try {
        const page = await ctx.newPage();
        await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
        await page.setCacheEnabled(false);
        await page.evaluateOnNewDocument(loadRecorder);
        await page.goto(server.urls[0], { waitUntil: 'domcontentloaded', timeout: o.timeout });
        await waitIn(page, () => window.__pvBench && window.__pvBench.chart !== null && window.__pvBench.table !== null,
          'the chart and the table ready', o.timeout);
        const t = await page.evaluate(() => window.__pvBench);
        loads.push(t);
        for (const how of ['in', 'out']) {
          const z = await zoom(page, how, o.timeout);
          frames[how].push(...z.deltas);
          took[how].push(z.took);
        }
        process.stderr.write(`run ${run}: chart ${fmt(t.chart)} ms, table ${fmt(t.table)} ms\n`);
      } finally {
        await ctx.close().catch(() => {});
      }
    }
    const version = await chromium.browser.version();
    const mb = fs.statSync(file).size / 1e6;
    const lines = [];
    lines.push(`${path.basename(file)}: ${mb.toFixed(1)} MB, ${info.n_funcs} functions; ${o.runs} runs; ${version}, headless`);
    lines.push('');
    lines.push('from navigation start      first   median      min   (ms)');
    for (const k of ['chart', 'table']) {
      const xs = loads.map((l) => l[k]);
      lines.push(`  ${`${k} ready`.padEnd(22)} ${fmt(xs[0]).padStart(7)}  ${fmt(median(xs)).padStart(7)}  ${fmt(Math.min(...xs)).padStart(7)}`);
    }
    lines.push('');
    lines.push('zoom                     frames  mean ms   p95 ms   max ms   took ms (median)');
    for (const how of ['in', 'out']) {
      const d = frames[how];
      lines.push(`  ${`zoom ${how}`.padEnd(22)} ${String(d.length).padStart(6)}  ${fmt(mean(d)).padStart(7)}  ${fmt(percentile(d, 95)).padStart(7)}  ` +
        `${fmt(Math.max(...d)).padStart(7)}  ${fmt(median(took[how])).padStart(8)}`);
    }
    const kv = {
      file: path.basename(file), bytes: fs.statSync(file).size, runs: o.runs,
      chart_ms_first: loads[0].chart, chart_ms_median: median(loads.map((l) => l.chart)), chart_ms_min: Math.min(...loads.map((l) => l.chart)),
      table_ms_first: loads[0].table, table_ms_median: median(loads.map((l) => l.table)), table_ms_min: Math.min(...loads.map((l) => l.table)),
    };
    for (const how of ['in', 'out']) {
      kv[`zoom_${how}_frames`] = frames[how].length;
      kv[`zoom_${how}_mean_ms`] = mean(frames[how]);
      kv[`zoom_${how}_p95_ms`] = percentile(frames[how], 95);
      kv[`zoom_${how}_ms`] = median(took[how]);
    }
    lines.push('');
    lines.push(`bench-browser ${Object.entries(kv).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v}`).join(' ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (chromium) await chromium.close();
    await server.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`browser.mjs: ${e.message}\n`);
  process.exitCode = 1;
});
