// usage: node .shot.mjs PROFILE OUT.png [query]
import puppeteer from 'puppeteer-core';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
const [prof, out, query = ''] = process.argv.slice(2);
const tmp = mkdtempSync('/tmp/shot-');
const srv = spawn('/work/main/build/cli/profviz', ['-s', '-p', '0', '--db', tmp + '/x.db', prof], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise(r => srv.stdout.once('data', d => r(d.toString().split('\n')[0].trim())));
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const page = await browser.newPage();
await page.setViewport({ width: 1400, height: 900 });
await page.goto(url + query);
await page.waitForSelector('#chart-canvas[data-state="ready"]', { timeout: 30000 });
await new Promise(r => setTimeout(r, 500));
await page.screenshot({ path: out });
await browser.close();
srv.kill('SIGINT');
