import puppeteer from 'puppeteer-core';
const [file, out, clickName] = process.argv.slice(2);
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
const errs = [];
page.on('console', m => { if (m.type() === 'error') errs.push(m.text()); });
page.on('pageerror', e => errs.push(String(e)));
await page.setRequestInterception(true);
page.on('request', r => r.url().startsWith('file:') || r.url().startsWith('data:') || r.url().startsWith('blob:') ? r.continue() : (errs.push('net ' + r.url()), r.abort()));
await page.setViewport({ width: 1400, height: 900 });
await page.goto('file://' + file);
await page.waitForSelector('#chart-canvas[data-state="ready"]', { timeout: 30000 });
await new Promise(r => setTimeout(r, 500));
await page.screenshot({ path: out });
console.log('errors', errs);
await browser.close();
