// The harness itself, whatever the page looks like: the real binary starts on
// port 0 and prints its URLs, Chromium loads the page and the API, screenshots
// are written, page problems are caught and fail a test, waits fail with a
// clear message, and nothing is left running or on disk afterwards, also
// when the process running the tests is killed.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  TEST_TIMEOUT, fixture, launchChromium, processesNaming, setupBrowserTests, startProfviz,
} from './harness.mjs';
import { expectPage, goto, sleep } from './pages.mjs';

const FILES = [fixture('recursion.prof'), fixture('wide.prof'), fixture('tests/web/fixtures/hostile.prof')];
const h = setupBrowserTests(import.meta.url, { files: FILES });

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purpose.
  try {
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid, ms = 5000) {
  for (let waited = 0; alive(pid) && waited < ms; waited += 100) await sleep(100);
  return !alive(pid);
}

test('profviz view -s -p 0 prints one URL per file and serves the API', { timeout: TEST_TIMEOUT }, async () => {
  assert.equal(h.server.urls.length, FILES.length);
  assert.match(h.origin, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
  assert.deepEqual(h.server.ids, [1, 2, 3]);
  const res = await fetch(`${h.origin}/api/profiles`);
  assert.equal(res.status, 200);
  const names = (await res.json()).profiles.map((p) => p.name).sort();
  assert.deepEqual(names, ['hostile.prof', 'recursion.prof', 'wide.prof']);
  assert.equal(h.url('wide.prof', 'v=1'), `${h.origin}/p/2?v=1`);
});

test('Chromium loads the page and the API from it; screenshots are saved', { timeout: TEST_TIMEOUT }, (t) =>
  h.withPage(t, async (page, { shot }) => {
    const res = await goto(page, `${h.origin}/`);
    assert.equal(res.headers()['content-security-policy'], "default-src 'self'");
    const fromPage = await page.evaluate(async () => (await (await fetch('/api/profiles')).json()).profiles.length);
    assert.equal(fromPage, FILES.length);
    const file = await shot('index');
    const png = fs.readFileSync(file);
    assert.ok(png.length > 1000, `${file} is only ${png.length} bytes`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await goto(page, h.url('recursion.prof'));
    await shot('profile page');
    const ua = await page.evaluate(() => navigator.userAgent);
    assert.match(ua, /HeadlessChrome/);
  }, { check: false }));  // the page's own errors are the other files' business

test('page errors, console errors, CSP violations and dialogs are caught and fail the test', { timeout: TEST_TIMEOUT }, async (t) => {
  let seen = [];
  await assert.rejects(h.withPage(t, async (page, { problems }) => {
    // A JSON document of the server: its CSP, none of the web UI's scripts.
    await goto(page, `${h.origin}/api/profiles`);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('boom from the page');
      }, 0);
      console.error('oops from the page');
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.append(s);
      setTimeout(() => alert('hello'), 0);
    });
    const wanted = [/uncaught page error/, /console error: oops/, /Content Security Policy/, /dialog opened/];
    for (let i = 0; i < 50 && !wanted.every((re) => problems.some((p) => re.test(p))); i++) await sleep(100);
    seen = [...problems];
  }), (e) => /the page had [0-9]+ problem/.test(e.message));
  const all = seen.join('\n');
  assert.match(all, /uncaught page error: .*boom from the page/);
  assert.match(all, /console error: oops from the page/);
  assert.match(all, /console error: .*Content Security Policy/);
  assert.match(all, /a alert dialog opened: "hello"/);
});

test('a wait for the DOM contract fails with a clear message, in time', { timeout: TEST_TIMEOUT }, (t) =>
  h.withPage(t, async (page) => {
    await goto(page, `${h.origin}/`);
    const start = Date.now();
    await assert.rejects(expectPage(page, 'no-such-page', { timeout: 1000 }),
      /does not follow the DOM contract|expected the no-such-page page/);
    assert.ok(Date.now() - start < 5000, `took ${Date.now() - start} ms`);
  }, { check: false }));

test('closing stops profviz and Chromium and removes their directories', { timeout: TEST_TIMEOUT }, async () => {
  const server = await startProfviz([fixture('recursion.prof')]);
  const chromium = await launchChromium();
  const page = await chromium.browser.newPage();
  await page.goto(server.urls[0]);
  assert.ok(processesNaming(chromium.dir).length >= 2, 'Chromium runs several processes');
  const left = await chromium.close();
  const exit = await server.stop();
  assert.deepEqual(left, [], 'no process outlives browser.close()');
  assert.deepEqual(processesNaming(chromium.dir), []);
  assert.ok(await gone(chromium.pid), `Chromium ${chromium.pid} still runs`);
  assert.ok(await gone(server.pid), `profviz ${server.pid} still runs`);
  assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
  assert.ok(!fs.existsSync(chromium.dir), `${chromium.dir} is left`);
  assert.ok(!fs.existsSync(server.dir), `${server.dir} is left`);
});

// A node process that starts both, prints their pids and directories, and waits.
async function killedRunner(signal) {
  const harness = fileURLToPath(new URL('./harness.mjs', import.meta.url));
  const script = `
    import { startProfviz, launchChromium } from ${JSON.stringify(harness)};
    const s = await startProfviz([${JSON.stringify(fixture('recursion.prof'))}]);
    const c = await launchChromium();
    await (await c.browser.newPage()).goto(s.urls[0]);
    console.log(JSON.stringify({ server: s.pid, serverDir: s.dir, chromium: c.pid, chromiumDir: c.dir }));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the runner printed nothing in 60 s: ${err}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      }
    });
    child.on('exit', (code) => reject(new Error(`the runner exited (${code}): ${err}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
  child.kill(signal);
  const result = await exited;
  return { info, result, err };
}

for (const signal of ['SIGTERM', 'SIGKILL']) {
  test(`a runner killed by ${signal} leaves no process behind`, { timeout: TEST_TIMEOUT }, async () => {
    const { info, result, err } = await killedRunner(signal);
    try {
      assert.ok(await gone(info.chromium), `Chromium ${info.chromium} outlived its runner`);
      assert.ok(await gone(info.server), `profviz ${info.server} outlived its runner`);
      for (let i = 0; i < 50 && processesNaming(info.chromiumDir).length > 0; i++) await sleep(100);
      assert.deepEqual(processesNaming(info.chromiumDir), []);
      if (signal === 'SIGTERM') {
        assert.deepEqual(result, { code: 128 + 15, sig: null }, err);
        assert.ok(!fs.existsSync(info.chromiumDir) && !fs.existsSync(info.serverDir), 'directories removed');
      }
    } finally {
      // After SIGKILL nobody could remove them.
      fs.rmSync(info.chromiumDir, { recursive: true, force: true });
      fs.rmSync(info.serverDir, { recursive: true, force: true });
    }
  });
}
