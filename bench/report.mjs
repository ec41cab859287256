#!/usr/bin/env node
// report.mjs — the HTML report of a big profile: how big, how long
// `profviz export --html` takes, and how fast it draws from disk.
//
//   node bench/report.mjs [--runs N] [--profviz PATH] [--chromium PATH] [FILE]
//
// Writes the report of FILE (default ../shared/corpus/big_50k.prof, else a
// synthetic 50,000-function profile, as browser.mjs picks it) with a fresh
// store, best of N exports; then opens it from file:// N times (default 5),
// each in a fresh browser context, and measures inside the page from
// navigation start: the chart ready (drawn) and the table ready.  Targets:
// under 5 MB, the chart under 2 s.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { launchChromium } from '../tests/browser/harness.mjs';
import { defaultProfile, loadRecorder, median } from './page.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_CHART_MS = 2000;

function parseArgs(argv) {
  const o = { runs: 5, profviz: process.env.PROFVIZ || path.join(ROOT, 'build', 'cli', 'profviz'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium', file: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--profviz') o.profviz = argv[++i];
    else if (a === '--chromium') o.chromium = argv[++i];
    else if (a.startsWith('-') || o.file) {
      process.stderr.write('usage: node bench/report.mjs [--runs N] [--profviz PATH] [--chromium PATH] [FILE]\n');
      process.exit(1);
    } else o.file = a;
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs wants a positive integer');
  return o;
}

// Best of `runs` exports, each into a fresh store; the report's path.
function exportReport(o, file, dir) {
  const out = path.join(dir, 'report.html');
  let best = Infinity;
  for (let run = 0; run < o.runs; run++) {
    const db = path.join(dir, `run${run}.db`);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(o.profviz, ['export', '--db', db, file, '--html', out], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`profviz export failed: ${r.stderr}`);
    best = Math.min(best, ms);
    fs.rmSync(db, { force: true });
  }
  return { out, exportMs: best };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const file = path.resolve(o.file || defaultProfile(o.profviz));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profviz-report-bench-'));
  let chromium = null;
  try {
    const { out, exportMs } = exportReport(o, file, dir);
    const html = fs.readFileSync(out, 'utf8');
    const data = JSON.parse(gunzipSync(Buffer.from(/id="report-data"[^>]*>([^<]*)</.exec(html)[1], 'base64')));
    chromium = await launchChromium({ executablePath: o.chromium });
    const loads = [];
    for (let run = 1; run <= o.runs; run++) {
      const ctx = await chromium.browser.createBrowserContext();
      try {
        const page = await ctx.newPage();
        await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
        await page.evaluateOnNewDocument(loadRecorder);
        await page.goto(`file://${out}`, { waitUntil: 'domcontentloaded' });
        await page.waitForFunction(() => window.__pvBench && window.__pvBench.chart !== null && window.__pvBench.table !== null,
          { timeout: 60000, polling: 50 });
        loads.push(await page.evaluate(() => window.__pvBench));
        process.stderr.write(`run ${run}: chart ${loads.at(-1).chart.toFixed(1)} ms, table ${loads.at(-1).table.toFixed(1)} ms\n`);
      } finally {
        await ctx.close().catch(() => {});
      }
    }
    const bytes = fs.statSync(out).size;
    const chart = median(loads.map((l) => l.chart));
    const table = median(loads.map((l) => l.table));
    const t = data.tree;
    const ok = (good) => (good ? 'met' : 'MISSED');
    process.stdout.write([
      `${path.basename(file)}: ${data.funcs.name.length} functions, ${data.edges.caller.length} edges; ${o.runs} runs; `
        + `${await chromium.browser.version()}, headless`,
      `  report            ${(bytes / 1048576).toFixed(2)} MiB (target < 5 MiB: ${ok(bytes < MAX_BYTES)}); `
        + `tree ${t.func.length} boxes, cutoff ${t.cutoff}, ${t.capped ? `capped at ${t.shown_depth}` : `${t.depth}`} levels`,
      `  export            ${exportMs.toFixed(0)} ms (best)`,
      `  chart ready       ${chart.toFixed(0)} ms (median from navigation start; target < 2 s: ${ok(chart < MAX_CHART_MS)})`,
      `  table ready       ${table.toFixed(0)} ms (median)`,
      `bench-report file=${path.basename(file)} bytes=${bytes} boxes=${t.func.length} export_ms=${exportMs.toFixed(0)} `
        + `chart_ms_median=${chart.toFixed(0)} chart_ms_min=${Math.min(...loads.map((l) => l.chart)).toFixed(0)} `
        + `table_ms_median=${table.toFixed(0)}`,
    ].join('\n') + '\n');
  } finally {
    if (chromium) await chromium.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`report.mjs: ${e.message}\n`);
  process.exitCode = 1;
});
