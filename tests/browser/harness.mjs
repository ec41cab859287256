// The browser tests' harness: the real profviz binary on a free port, Debian's
// Chromium driven by puppeteer-core, one fresh browser context per test, and
// everything stopped afterwards, also when a test fails or the run is killed.
//
//   import { setupBrowserTests } from './harness.mjs';
//   const h = setupBrowserTests(import.meta.url, { files: [fixture('recursion.prof')] });
//   test('...', (t) => h.withPage(t, async (page, tools) => { ... }));
//
// What a test gets:
// - a server: `profviz view -s -p 0 --db TMP/profiles.db FILE...` (no browser
//   of its own, any free port), with h.url(id, query) / h.id('recursion.prof');
//   or, given `serve: [ARGS]` (tokens), the files stored with `profviz load`
//   and `profviz serve -p 0 --db TMP/profiles.db ARGS...` serving them;
// - a page in a browser context of its own (fresh cache and storage), 1280x900;
// - problems collected while it runs: uncaught page errors, console errors
//   (CSP violations are console errors), dialogs (alert, confirm, ...), server
//   errors (5xx), a crashed tab.  Any of them fails the test, with the list in
//   the message; a test that expects some (an API error's 404) names them
//   in `allow`;
// - screenshots: tools.shot('step') saves a PNG under
//   $MESON_BUILD_ROOT/browser-artifacts/FILE/ (the current directory's
//   browser-artifacts/ outside meson, PV_BROWSER_ARTIFACTS overrides) and
//   prints its path; a failing test always gets one.
//
// Running them: `meson test -C build --suite browser` (needs `npm ci` once:
// ./dev test does it), or one file by hand from the repository's root:
// `node --test tests/browser/profile.test.mjs` (add --test-name-pattern=RE
// for one test).
//
// Environment: PROFVIZ (the binary; default build/cli/profviz), CHROMIUM
// (default /usr/bin/chromium), PV_BROWSER_TIMEOUT_MS (one wait, default 20000),
// PV_BROWSER_ARTIFACTS (where screenshots go).
//
// Nothing is left behind: Chromium talks to puppeteer over a pipe and exits
// when the pipe closes (so even a SIGKILLed node takes it along), profviz gets
// SIGTERM when node dies (setpriv --pdeathsig), SIGTERM/SIGINT/SIGHUP and exit
// handlers kill both and remove the temporary directories, and close() checks
// /proc for any process still naming the browser's directory.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const SOURCE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TIMEOUT = Number(process.env.PV_BROWSER_TIMEOUT_MS) || 20000;
// A whole test: a few waits, page loads and screenshots.
export const TEST_TIMEOUT = 6 * TIMEOUT;

// The flags the brief of these tests fixes; puppeteer adds its own automation
// defaults (no extensions, no popups blocked, ...) except its --headless=new.
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

// A committed profile: tests/data/pstats/NAME, or a path as it is.
export function fixture(name) {
  return name.includes('/') ? path.resolve(SOURCE_ROOT, name) : path.join(SOURCE_ROOT, 'tests', 'data', 'pstats', name);
}

export function profvizPath() {
  const p = process.env.PROFVIZ || path.join(SOURCE_ROOT, 'build', 'cli', 'profviz');
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    throw new Error(`no profviz binary at ${p}: build it (meson compile -C build) or set PROFVIZ`);
  }
  return p;
}

export function chromiumPath() {
  const p = process.env.CHROMIUM || '/usr/bin/chromium';
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    throw new Error(`no Chromium at ${p}: apt-get install chromium (./dev test does), or set CHROMIUM`);
  }
  return p;
}

export function artifactsRoot() {
  if (process.env.PV_BROWSER_ARTIFACTS) return path.resolve(process.env.PV_BROWSER_ARTIFACTS);
  return path.join(process.env.MESON_BUILD_ROOT || process.cwd(), 'browser-artifacts');
}

let puppeteerModule = null;
async function puppeteer() {
  if (!puppeteerModule) {
    try {
      puppeteerModule = (await import('puppeteer-core')).default;
    } catch (e) {
      throw new Error('puppeteer-core is not installed: run `PUPPETEER_SKIP_DOWNLOAD=1 npm ci` in ' +
        `${SOURCE_ROOT} (./dev test does) (${e.message})`);
    }
  }
  return puppeteerModule;
}

// ---------------------------------------------------------------------------
// Cleanup that works from signal and exit handlers: synchronous only.

const live = new Set();   // {name, killNow()}

function register(name, killNow) {
  const entry = { name, killNow };
  live.add(entry);
  return () => live.delete(entry);
}

function killEverythingNow() {
  for (const entry of [...live]) {
    try {
      entry.killNow();
    } catch {
      // best effort: the process may be gone already
    }
    live.delete(entry);
  }
}

let handlersInstalled = false;
function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killEverythingNow);
  for (const [sig, num] of [['SIGTERM', 15], ['SIGINT', 2], ['SIGHUP', 1]]) {
    process.on(sig, () => {
      process.stderr.write(`browser harness: ${sig}: stopping profviz and Chromium\n`);
      killEverythingNow();
      process.exit(128 + num);
    });
  }
}

function killQuietly(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

// Processes whose command line contains `marker` (a temporary directory only
// this harness made, so they are ours), zombies aside.
export function processesNaming(marker) {
  const found = [];
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of entries) {
    if (!/^[0-9]+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes(marker)) found.push({ pid: Number(name), cmd: cmd.replace(/\0/g, ' ').trim() });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function killNaming(marker) {
  for (const p of processesNaming(marker)) killQuietly(p.pid, 'SIGKILL');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------
// The server.

// Starts `profviz view -s -p 0 --db TMP/profiles.db FILE...` and waits for its
// URLs, one per file, in the order given.  With `serve` (arguments for
// `profviz serve`, such as tokens), stores the files with `profviz load`
// first, then starts `profviz serve -p 0 --db TMP/profiles.db SERVE...` and
// waits for its URL.  Resolves to {origin, urls, ids, pid, binary, dir,
// stderr(), stop()}.
export async function startProfviz(files, { binary = profvizPath(), timeoutMs = 60000, serve = null } = {}) {
  installHandlers();
  for (const f of files) {
    if (!fs.existsSync(f)) throw new Error(`no profile at ${f}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profviz-browser-'));
  const db = path.join(dir, 'profiles.db');
  const env = { ...process.env, XDG_CACHE_HOME: dir };
  delete env.BROWSER;
  let stored = [];
  if (serve !== null) {
    const load = spawnSync(binary, ['load', '-q', '--db', db, ...files], { env, encoding: 'utf8', timeout: timeoutMs });
    stored = load.stdout.split('\n').filter((l) => /^[0-9]+$/.test(l.trim())).map(Number);
    if (load.status !== 0 || stored.length !== files.length) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`profviz load ${files.join(' ')}: status ${load.status}, ids ${JSON.stringify(stored)}\n${load.stderr}`);
    }
  }
  const args = serve === null ? ['view', '-s', '-p', '0', '--db', db, ...files] : ['serve', '-p', '0', '--db', db, ...serve];
  // setpriv (util-linux, always on Debian) makes the kernel send SIGTERM to
  // profviz when node dies, however it dies.
  const setpriv = '/usr/bin/setpriv';
  const [cmd, argv] = fs.existsSync(setpriv)
    ? [setpriv, ['--pdeathsig', 'TERM', binary, ...args]]
    : [binary, args];
  const proc = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    proc.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });
  const unregister = register('profviz', () => {
    if (exited === null) killQuietly(proc.pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let err = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => {
    err = (err + chunk).slice(-65536);
  });
  const stderr = () => err;

  let stopped = null;
  const server = {
    binary, dir, pid: proc.pid, urls: [], ids: [], origin: null, stderr,
    get exited() { return exited; },
    // SIGTERM, as Ctrl-C; SIGKILL after 10 s.  Resolves to {code, signal}.
    stop() {
      if (!stopped) {
        stopped = (async () => {
          if (exited === null) {
            killQuietly(proc.pid, 'SIGTERM');
            try {
              await withTimeout(exitPromise, 10000, 'profviz after SIGTERM');
            } catch {
              killQuietly(proc.pid, 'SIGKILL');
              await exitPromise;
            }
          }
          fs.rmSync(dir, { recursive: true, force: true });
          unregister();
          return exited;
        })();
      }
      return stopped;
    },
  };

  let out = '';
  proc.stdout.setEncoding('utf8');
  const ready = new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`profviz ${args.join(' ')}: ${why}\nits stderr:\n${stderr() || '(nothing)'}`));
    const timer = setTimeout(() => fail(`printed ${server.urls.length} of ${files.length} URLs in ${timeoutMs / 1000} s`), timeoutMs);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl).trim();
        out = out.slice(nl + 1);
        const m = /^(https?:\/\/[^/\s]+)\/p\/([0-9]+)$/.exec(line);
        const served = serve !== null ? /^(https?:\/\/[^/\s]+)\/$/.exec(line) : null;
        if (served) {
          server.origin = served[1];
          server.ids.push(...stored);
          server.urls.push(...stored.map((id) => `${served[1]}/p/${id}`));
        }
        if (!m) continue;
        server.origin = m[1];
        server.urls.push(line);
        server.ids.push(Number(m[2]));
      }
      if (server.origin !== null && server.urls.length === files.length) {
        clearTimeout(timer);
        resolve(server);
      }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      fail(e.error ? `could not start: ${e.error.message}` : `exited (code ${e.code}, signal ${e.signal}) before printing its URLs`);
    });
    // A file that fails to load prints no URL: "serving on" then tells that
    // no more will come.
    proc.stderr.on('data', () => {
      if (/serving on/.test(stderr()) && server.urls.length < files.length) {
        setTimeout(() => {
          if (server.urls.length < files.length) {
            clearTimeout(timer);
            fail(`only ${server.urls.length} of ${files.length} files loaded`);
          }
        }, 500);
      }
    });
  });
  try {
    return await ready;
  } catch (e) {
    await server.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------
// The browser.

// Launches Chromium with a fresh profile in a temporary directory.  Resolves
// to {browser, pid, dir, close()}; close() resolves to the processes that were
// still alive after the browser closed (killed then; normally none).
export async function launchChromium({ executablePath = chromiumPath(), timeoutMs = 60000 } = {}) {
  installHandlers();
  const pptr = await puppeteer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profviz-chromium-'));
  const unregister = register('chromium', () => {
    killNaming(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  let browser;
  try {
    browser = await pptr.launch({
      executablePath,
      headless: true,
      ignoreDefaultArgs: ['--headless=new'],
      args: [...CHROMIUM_ARGS],
      userDataDir: path.join(dir, 'profile'),
      // Chrome writes crash-handler state under ~/.config: keep it in the
      // temporary directory too (and so findable by its name).
      env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_CACHE_HOME: path.join(dir, 'cache') },
      pipe: true,
      timeout: timeoutMs,
      protocolTimeout: Math.max(60000, 3 * TIMEOUT),
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      defaultViewport: null,
    });
  } catch (e) {
    killNaming(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    unregister();
    throw new Error(`could not start ${executablePath}: ${e.message}`);
  }
  const pid = browser.process()?.pid;
  let closed = null;
  return {
    browser, pid, dir,
    close() {
      if (!closed) {
        closed = (async () => {
          try {
            await withTimeout(browser.close(), 15000, 'Chromium close');
          } catch {
            // killed below
          }
          let left = processesNaming(dir);
          for (let i = 0; i < 30 && left.length > 0; i++) {
            await sleep(100);
            left = processesNaming(dir);
          }
          for (const p of left) killQuietly(p.pid, 'SIGKILL');
          fs.rmSync(dir, { recursive: true, force: true });
          unregister();
          return left;
        })();
      }
      return closed;
    },
  };
}

// ---------------------------------------------------------------------------
// Problems on a page.

// Console errors that say nothing about the page: Chromium asks for
// /favicon.ico on its own, and the server has none.
function ignorable(text, url) {
  return /Failed to load resource/.test(text) && /\/favicon\.ico$/.test(url || '');
}

// Starts collecting a page's problems; returns the (live) list of strings.
// `allow`: regular expressions for console errors a test expects.
export function watchPage(page, { allow = [] } = {}) {
  const problems = [];
  const allowed = (s) => allow.some((re) => re.test(s));
  page.on('pageerror', (err) => {
    problems.push(`uncaught page error: ${err?.message ?? err}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || '';
    const text = `${msg.text()}${where ? ` (${where}${msg.location().lineNumber !== undefined ? `:${msg.location().lineNumber + 1}` : ''})` : ''}`;
    if (ignorable(msg.text(), where) || allowed(text)) return;
    problems.push(`console error: ${text}`);
  });
  page.on('dialog', async (dialog) => {
    problems.push(`a ${dialog.type()} dialog opened: ${JSON.stringify(dialog.message())}`);
    try {
      await dialog.dismiss();
    } catch {
      // the page went away
    }
  });
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`server error: ${res.status()} for ${res.url()}`);
  });
  page.on('error', (err) => {
    problems.push(`the tab crashed: ${err.message}`);
  });
  return problems;
}

// What a failing test's message shows of the page (the DOM contract's parts).
export async function pageSnapshot(page) {
  try {
    return await withTimeout(page.evaluate(() => {
      const el = (id) => document.getElementById(id);
      const c = el('chart-canvas');
      const m = el('message');
      const t = el('table');
      return {
        url: location.href,
        page: document.body ? document.body.dataset.page : undefined,
        canvas: c ? { state: c.dataset.state, root: c.dataset.root, view: c.dataset.view, boxes: c.dataset.boxes } : null,
        message: m ? { kind: m.dataset.kind, text: m.textContent.trim().slice(0, 200) } : null,
        table: t ? t.dataset.state : null,
        crumbs: [...document.querySelectorAll('#breadcrumb .crumb')].map((b) => b.textContent.trim().slice(0, 40)),
        text: (document.body ? document.body.innerText : '').replace(/\s+/g, ' ').trim().slice(0, 160),
      };
    }), 5000, 'page snapshot');
  } catch (e) {
    return { error: e.message };
  }
}

// ---------------------------------------------------------------------------
// node:test wiring.

function slug(s) {
  return String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'x';
}

// Registers before/after hooks that start profviz on `files` (with `serve`:
// profviz serve with those arguments, see startProfviz) and Chromium, and
// returns the handle the tests use.
export function setupBrowserTests(moduleUrl, { files, serve = null }) {
  const base = path.basename(fileURLToPath(moduleUrl)).replace(/\.test\.mjs$/, '');
  const artifacts = path.join(artifactsRoot(), base);
  const h = {
    server: null,
    chromium: null,
    artifacts,
    get origin() { return h.server.origin; },
    // The id of a profile by its file's base name.
    id(name) {
      const i = files.findIndex((f) => path.basename(f) === name);
      if (i < 0) throw new Error(`${name} is not one of this file's profiles`);
      return h.server.ids[i];
    },
    // The page of a profile (an id or a file's base name), with a query.
    url(profile, query = '') {
      const id = typeof profile === 'number' ? profile : h.id(profile);
      return `${h.origin}/p/${id}${query ? `?${query}` : ''}`;
    },
    withPage: (t, fn, opts) => withPage(h, t, fn, opts),
  };

  before(async () => {
    fs.rmSync(artifacts, { recursive: true, force: true });
    fs.mkdirSync(artifacts, { recursive: true });
    h.server = await startProfviz(files, { serve });
    h.chromium = await launchChromium();
  }, { timeout: 120000 });

  after(async () => {
    const left = h.chromium ? await h.chromium.close() : [];
    const exit = h.server ? await h.server.stop() : null;
    if (left.length > 0) {
      throw new Error(`Chromium left ${left.length} processes behind (killed): ${left.map((p) => p.cmd.slice(0, 80)).join('; ')}`);
    }
    if (exit && exit.code !== 0) {
      throw new Error(`profviz did not stop cleanly (code ${exit.code}, signal ${exit.signal}):\n${h.server.stderr()}`);
    }
  }, { timeout: 60000 });

  return h;
}

let shotCounter = 0;

// Runs fn(page, tools) on a fresh page in a fresh browser context, then fails
// the test if the page had problems.  tools: {problems, shot(step), downloads}.
// opts.allow: console errors (regular expressions) the test expects;
// opts.downloads: true to let the page download files into tools.downloads;
// opts.check: false to only print the page's problems, not fail on them (the
// harness's own tests, which must pass whatever the page does).
async function withPage(h, t, fn, { allow = [], downloads = false, check = true } = {}) {
  if (!h.chromium) throw new Error('the browser did not start (see the before hook\'s error)');
  const downloadDir = downloads ? fs.mkdtempSync(path.join(h.chromium.dir, 'downloads-')) : null;
  const ctx = await h.chromium.browser.createBrowserContext(
    downloadDir ? { downloadBehavior: { policy: 'allow', downloadPath: downloadDir } } : {});
  const name = slug(t.name);
  try {
    const page = await ctx.newPage();
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    page.setDefaultTimeout(TIMEOUT);
    page.setDefaultNavigationTimeout(TIMEOUT);
    const problems = watchPage(page, { allow });
    const shot = async (step) => {
      const file = path.join(h.artifacts, `${name}-${String(++shotCounter).padStart(2, '0')}-${slug(step)}.png`);
      await withTimeout(page.screenshot({ path: file, fullPage: true }), TIMEOUT, `screenshot ${step}`);
      t.diagnostic(`screenshot: ${file}`);
      return file;
    };
    try {
      await fn(page, { problems, shot, downloads: downloadDir });
      // Errors a last action caused arrive asynchronously.
      await sleep(100);
    } catch (thrown) {
      const e = thrown instanceof Error ? thrown : new Error(String(thrown));
      const state = await pageSnapshot(page);
      let file = '';
      try {
        file = await shot('failed');
      } catch (se) {
        file = `(no screenshot: ${se.message})`;
      }
      e.message += `\n  page: ${JSON.stringify(state)}\n  screenshot: ${file}` +
        (problems.length ? `\n  page problems:\n    ${problems.join('\n    ')}` : '');
      throw e;
    }
    if (problems.length > 0 && !check) {
      t.diagnostic(`the page had ${problems.length} problem(s), not checked here:`);
      for (const p of problems) t.diagnostic(`  ${p}`);
    } else if (problems.length > 0) {
      let file = '';
      try {
        file = await shot('problems');
      } catch {
        // reported without it
      }
      throw new Error(`the page had ${problems.length} problem(s):\n    ${problems.join('\n    ')}\n  screenshot: ${file}`);
    }
  } finally {
    await withTimeout(ctx.close(), 15000, 'closing the browser context').catch(() => {});
  }
}
