// The page's DOM contract, as the browser tests read it: one helper per thing
// a test looks at or does, so that a change of the contract is a change here.
//
//   body[data-page]          'index' | 'profile'
//   #message[data-kind]      'loading' | 'error' | ''
//   #chart-canvas            data-state ('loading' | 'ready'), data-root (fids,
//                            comma-separated, '' at the top), data-view,
//                            data-boxes, data-row-height (icicle row, CSS px)
//                            or data-ring-width (sunburst ring, CSS px)
//   #search-share            the search's share of time; #keys-hint the
//                            shortcuts; #cap-notice a view the server cut short
//   #breadcrumb .crumb       one per level, the last aria-current="true"
//   #table[data-state]       'loading' | 'ready'; #stats th[data-sort],
//                            tbody tr[data-fid]; #butterfly .callers/.callees
//   #profiles tr[data-id]    the index page's list; #upload-file, #drop;
//                            #upload-status[data-kind=existed] a duplicate;
//                            #token-form[data-reason] 'missing' | 'refused'
//
// Waits poll from node (every 100 ms) so that a timeout can say what was
// last seen, not only what was awaited.

import { TIMEOUT } from './harness.mjs';

// How long a page may take to show it follows the contract at all.  Once a
// page has not (the UI is not built into the binary yet), later pages get a
// short wait, so a run against the placeholder page fails fast.
const CONTRACT_TIMEOUT = Math.min(10000, TIMEOUT);
const CONTRACT_RETRY_TIMEOUT = 2000;
let contractMissing = false;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls getter(arg) in the page until accept(value) holds; returns the value.
// A navigation in between (a destroyed execution context) is waited out.
export async function until(page, what, getter, accept, { arg, timeout = TIMEOUT } = {}) {
  const end = Date.now() + timeout;
  let last;
  let lastError = null;
  for (;;) {
    try {
      last = await page.evaluate(getter, arg);
      lastError = null;
      if (accept(last)) return last;
    } catch (e) {
      if (!/context|navigat|detached|Target closed/i.test(e.message)) throw e;
      lastError = e;
    }
    if (Date.now() >= end) {
      const seen = lastError ? `(page busy: ${lastError.message})` : JSON.stringify(last);
      throw new Error(`waited ${timeout / 1000} s for ${what}; last seen: ${seen}`);
    }
    await sleep(100);
  }
}

export async function goto(page, url) {
  const res = await page.goto(url, { waitUntil: 'load' });
  if (res && res.status() >= 400) throw new Error(`GET ${url}: HTTP ${res.status()}`);
  return res;
}

// Waits until body[data-page] is `kind`; a page that never sets it does not
// follow the contract, which the message says in so many words.
export async function expectPage(page, kind, { timeout } = {}) {
  const wait = timeout ?? (contractMissing ? CONTRACT_RETRY_TIMEOUT : CONTRACT_TIMEOUT);
  const getter = () => (document.body ? document.body.dataset.page ?? null : null);
  try {
    await until(page, `body[data-page="${kind}"]`, getter, (v) => v === kind, { timeout: wait });
  } catch (e) {
    if (!/^waited/.test(e.message)) throw e;
    const actual = await page.evaluate(getter).catch(() => undefined);
    if (actual === null || actual === undefined) {
      contractMissing = true;
      const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      throw new Error(`the page at ${page.url()} does not follow the DOM contract: document.body.dataset.page ` +
        `is unset after ${wait / 1000} s (expected '${kind}'). Is the new web UI (web/js/main.js) built ` +
        `into the binary? The page says: ${JSON.stringify(text.replace(/\s+/g, ' ').trim().slice(0, 120))}`);
    }
    throw new Error(`expected the ${kind} page, got body[data-page="${actual}"] at ${page.url()}`);
  }
}

// --- the chart ---------------------------------------------------------------

function readChart() {
  const c = document.getElementById('chart-canvas');
  if (!c) return null;
  return {
    state: c.dataset.state ?? null,
    root: c.dataset.root ?? null,
    view: c.dataset.view ?? null,
    boxes: c.dataset.boxes === undefined ? null : Number(c.dataset.boxes),
    rowHeight: c.dataset.rowHeight === undefined ? null : Number(c.dataset.rowHeight),
    ringWidth: c.dataset.ringWidth === undefined ? null : Number(c.dataset.ringWidth),
  };
}

export function chart(page) {
  return page.evaluate(readChart);
}

// Waits until the canvas is ready and matches `want` ({root, view}: exact
// values); returns its state.
export function waitChart(page, want = {}, what = '') {
  const desc = what || `#chart-canvas[data-state=ready]${want.root !== undefined ? `[data-root="${want.root}"]` : ''}` +
    `${want.view !== undefined ? `[data-view="${want.view}"]` : ''}`;
  return until(page, desc, readChart, (c) => c !== null && c.state === 'ready' &&
    (want.root === undefined || c.root === want.root) &&
    (want.view === undefined || c.view === want.view));
}

// Opens a profile page (a full URL) and waits for the chart (and, unless
// table: false, the table) to be ready.
export async function openProfile(page, url, { table = true } = {}) {
  await goto(page, url);
  await expectPage(page, 'profile');
  const c = await waitChart(page);
  if (table) await waitTable(page);
  return c;
}

// The canvas's pixels: how many differ from the most common colour (the
// background), how many colours, and a hash of the whole image.  Read through
// createImageBitmap, so it works whatever the context, and needs nothing
// the page's CSP forbids.
export function canvasPixels(page) {
  return page.evaluate(async () => {
    const c = document.getElementById('chart-canvas');
    if (!c) return null;
    if (c.width === 0 || c.height === 0) return { width: c.width, height: c.height, total: 0, ink: 0, colors: 0, hash: 0 };
    const bitmap = await createImageBitmap(c);
    const off = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = off.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const d = g.getImageData(0, 0, off.width, off.height).data;
    const counts = new Map();
    let hash = 2166136261;
    for (let i = 0; i < d.length; i += 4) {
      const v = ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
      counts.set(v, (counts.get(v) || 0) + 1);
      hash = Math.imul(hash ^ v, 16777619) >>> 0;
    }
    let most = 0;
    for (const n of counts.values()) most = Math.max(most, n);
    const total = d.length / 4;
    return { width: c.width, height: c.height, total, ink: total - most, colors: counts.size, hash };
  });
}

// Fails unless at least `minShare` of the canvas differs from its background.
export async function expectDrawn(page, what, minShare = 0.01) {
  const px = await canvasPixels(page);
  if (px === null) throw new Error(`${what}: no #chart-canvas`);
  if (px.total === 0 || px.ink / px.total < minShare) {
    throw new Error(`${what}: the canvas is blank: ${px.ink} of ${px.total} pixels (${px.width}x${px.height}) ` +
      `differ from the background, ${px.colors} colour(s); wanted at least ${(minShare * 100).toFixed(1)}%`);
  }
  return px;
}

// Makes the pages opened from now on in this tab remember the text the
// chart's last frame wrote (fillText on #chart-canvas; a frame starts with
// its background, a fillRect of the whole canvas).  Canvas text is pixels
// to the page; this is how a test reads what the boxes say.  Call before
// goto().
export function recordChartText(page) {
  return page.evaluateOnNewDocument(() => {
    const proto = CanvasRenderingContext2D.prototype;
    const { fillText, fillRect } = proto;
    window.__chartText = [];
    let frame = [];
    proto.fillRect = function (x, y, w, h) {
      if (this.canvas.id === 'chart-canvas' && x === 0 && y === 0) {
        frame = [];
        window.__chartText = frame;
      }
      return fillRect.call(this, x, y, w, h);
    };
    proto.fillText = function (text, ...rest) {
      if (this.canvas.id === 'chart-canvas') frame.push(String(text));
      return fillText.call(this, text, ...rest);
    };
  });
}

// The text of the chart's last frame (recordChartText).
export function chartText(page) {
  return page.evaluate(() => [...window.__chartText]);
}

// A point of the canvas (CSS px from its top left corner) in page coordinates,
// the canvas scrolled into view first.
export async function canvasPoint(page, x, y) {
  const r = await page.evaluate(() => {
    const c = document.getElementById('chart-canvas');
    c.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const b = c.getBoundingClientRect();
    return { x: b.left, y: b.top, width: b.width, height: b.height };
  });
  return { x: r.x + x, y: r.y + y, rect: r };
}

// Where the zoom root's largest child is in the icicle: (5, 1.5 rows).
export async function firstChildPoint(page) {
  const c = await chart(page);
  if (!c || !(c.rowHeight > 0)) {
    throw new Error(`#chart-canvas has no usable data-row-height: ${JSON.stringify(c)}`);
  }
  return canvasPoint(page, 5, 1.5 * c.rowHeight);
}

// Clicks the zoom root's largest child (icicle) and waits for the zoom to it.
export async function zoomFirstChild(page, expectedRoot) {
  const p = await firstChildPoint(page);
  await page.mouse.click(p.x, p.y);
  return waitChart(page, { root: expectedRoot }, `the zoom to ${expectedRoot} after a click at (5, 1.5 rows)`);
}

// Moves the mouse onto a point from elsewhere: a move to where the mouse
// already is (after a click there) fires no mousemove.
export async function hoverAt(page, point) {
  await page.mouse.move(point.x + 40, point.y + 40);
  await page.mouse.move(point.x, point.y, { steps: 4 });
}

export function crumbs(page) {
  return page.evaluate(() => [...document.querySelectorAll('#breadcrumb button.crumb')].map((b) => ({
    text: b.textContent.trim(),
    current: b.getAttribute('aria-current'),
  })));
}

// The page's own location: path and query parameters.
export function pageUrl(page) {
  return page.evaluate(() => ({
    path: window.location.pathname,
    params: Object.fromEntries(new URLSearchParams(window.location.search)),
  }));
}

// GET an API path from the page (same origin), as JSON.
export function api(page, apiPath) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { cache: 'no-store' });
    if (!r.ok) throw new Error(`GET ${p}: HTTP ${r.status}: ${await r.text()}`);
    return r.json();
  }, apiPath);
}

// The path (fids) from the top to the largest child of a tree view's root.
export async function largestChildPath(page, profileId, path = []) {
  const view = await api(page, `/api/profiles/${profileId}/tree?depth=1${path.length ? `&path=${path.join(',')}` : ''}`);
  const child = view.root.children.find((c) => c.id !== null);
  if (!child) throw new Error(`the view ${path.join(',') || '(top)'} of profile ${profileId} has no child to zoom into`);
  return [...path, child.id];
}

// Shown: in the layout and not hidden.
export function isShown(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el || el.hidden || el.closest('[hidden]')) return false;
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden';
  }, selector);
}

export function text(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return el ? el.textContent : null;
  }, selector);
}

// --- the table ---------------------------------------------------------------

export function waitTable(page) {
  return until(page, '#table[data-state=ready]', () => document.getElementById('table')?.dataset.state ?? null,
    (s) => s === 'ready');
}

// The fids of the rows under `selector` (default: the statistics table).
export function rowFids(page, selector = '#stats tbody tr[data-fid]') {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((r) => r.dataset.fid), selector);
}

// { fid: [cell texts] } of the statistics table.
export function tableCells(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#stats tbody tr[data-fid]')]
    .map((r) => [r.dataset.fid, [...r.cells].map((c) => c.textContent)])));
}

// aria-sort of each sortable header, by its data-sort.
export function headerSorts(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#stats th[data-sort]')]
    .map((th) => [th.dataset.sort, th.getAttribute('aria-sort')])));
}

// Files in a download directory, finished ones only.
export async function waitDownload(dir, before, what, timeout = TIMEOUT) {
  const fs = await import('node:fs');
  const end = Date.now() + timeout;
  for (;;) {
    const now = fs.readdirSync(dir).filter((f) => !before.includes(f) && !f.endsWith('.crdownload'));
    if (now.length > 0) return now[0];
    if (Date.now() >= end) throw new Error(`waited ${timeout / 1000} s for ${what} to be downloaded; ${dir} holds ${JSON.stringify(fs.readdirSync(dir))}`);
    await sleep(100);
  }
}
