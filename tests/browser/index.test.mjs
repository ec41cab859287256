// The index page lists the stored profiles and takes uploads; an API error
// (an unknown profile, a damaged upload) is a message on the page, not a
// blank page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import { api, expectDrawn, expectPage, goto, isShown, until, waitChart } from './pages.mjs';

const h = setupBrowserTests(import.meta.url, { files: [fixture('recursion.prof'), fixture('wide.prof')] });
const T = { timeout: TEST_TIMEOUT };
// The failed request behind an API error is a console error of Chromium's own.
const HTTP_ERROR = /Failed to load resource: the server responded with a status of 4[0-9][0-9]/;

function listed(page) {
  return page.evaluate(() => [...document.querySelectorAll('#profiles tr[data-id]')].map((tr) => ({
    id: tr.dataset.id,
    href: tr.querySelector(`a[href="/p/${tr.dataset.id}"]`) ? `/p/${tr.dataset.id}` : null,
    text: tr.textContent,
  })));
}

function message(page) {
  return page.evaluate(() => {
    const m = document.getElementById('message');
    return m ? { kind: m.dataset.kind ?? null, text: m.textContent.trim() } : null;
  });
}

test('the index page lists every profile with a link to its page', T, (t) => h.withPage(t, async (page, { shot }) => {
  await goto(page, `${h.origin}/`);
  await expectPage(page, 'index');
  const stored = (await api(page, '/api/profiles')).profiles;
  const rows = await until(page, `#profiles with ${stored.length} rows`, () =>
    document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === stored.length).then(() => listed(page));
  assert.deepEqual(rows.map((r) => r.id).sort(), stored.map((p) => String(p.id)).sort());
  for (const p of stored) {
    const row = rows.find((r) => r.id === String(p.id));
    assert.equal(row.href, `/p/${p.id}`, `row ${p.id} has no a[href="/p/${p.id}"]`);
    assert.ok(row.text.includes(p.name), `row ${p.id} does not show ${p.name}: ${JSON.stringify(row.text)}`);
  }
  await shot('index');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`#profiles a[href="/p/${h.id('wide.prof')}"]`)]);
  await expectPage(page, 'profile');
  await waitChart(page);
  assert.equal(new URL(page.url()).pathname, `/p/${h.id('wide.prof')}`);
}));

test('uploading a file through #upload-file opens its page', T, (t) => h.withPage(t, async (page, { shot }) => {
  await goto(page, `${h.origin}/`);
  await expectPage(page, 'index');
  assert.ok(await page.$('#drop'), 'no #drop zone');
  const before = (await api(page, '/api/profiles')).profiles.map((p) => p.id);
  const input = await page.$('#upload-file');
  assert.ok(input, 'no #upload-file input');
  await input.uploadFile(fixture('seed_small.prof'));
  const path = await until(page, 'the new profile\'s page after the upload', () => window.location.pathname,
    (p) => /^\/p\/[0-9]+$/.test(p));
  const id = Number(path.slice(3));
  assert.ok(!before.includes(id), `the upload opened an old profile, ${id}`);
  await expectPage(page, 'profile');
  await waitChart(page);
  await expectDrawn(page, 'the uploaded profile');
  const stored = (await api(page, '/api/profiles')).profiles.find((p) => p.id === id);
  assert.equal(stored?.name, 'seed_small.prof');
  await shot('uploaded');
}));

test('a damaged upload says why, and stores nothing', T, (t) => h.withPage(t, async (page, { shot }) => {
  await goto(page, `${h.origin}/`);
  await expectPage(page, 'index');
  const before = (await api(page, '/api/profiles')).profiles.length;
  const input = await page.$('#upload-file');
  assert.ok(input, 'no #upload-file input');
  // The loader refuses it: "byte 652: file truncated: 4 more bytes expected,
  // 3 left".  Where the page says so (#message or next to the upload) is its
  // choice; that it shows the loader's words is not.
  await input.uploadFile(fixture('bad_trunc_half.prof'));
  await until(page, 'the loader\'s message ("byte 652: file truncated") on the page after a damaged upload',
    () => document.body.innerText, (s) => /byte 652: file truncated/.test(s));
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal((await api(page, '/api/profiles')).profiles.length, before);
  await shot('damaged upload');
}, { allow: [HTTP_ERROR] }));

test('an unknown profile shows an error message, not a blank page', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await goto(page, `${h.origin}/p/999999`);
    await expectPage(page, 'profile');
    const m = await until(page, '#message[data-kind=error] for /p/999999', () => {
      const el = document.getElementById('message');
      return el ? { kind: el.dataset.kind, text: el.textContent.trim() } : null;
    }, (v) => v !== null && v.kind === 'error');
    assert.ok(m.text.length >= 5, `#message says only ${JSON.stringify(m.text)}`);
    assert.ok(await isShown(page, '#message'), '#message is hidden');
    const seen = await message(page);
    assert.equal(seen.kind, 'error', 'the error did not stay');
    await shot('unknown profile');
  }, { allow: [HTTP_ERROR] }));

test('uploading a file stored before says so and links to it, opening nothing', T, (t) => h.withPage(t, async (page, { shot }) => {
  await goto(page, `${h.origin}/`);
  await expectPage(page, 'index');
  const before = (await api(page, '/api/profiles')).profiles.length;
  // recursion.prof is one of the server's own: the same bytes again.
  await (await page.$('#upload-file')).uploadFile(fixture('recursion.prof'));
  const said = await until(page, 'the upload status to say the profile was already stored', () => {
    const s = document.getElementById('upload-status');
    return s.dataset.kind === 'existed' ? { text: s.textContent, links: [...s.querySelectorAll('a')].map((a) => a.getAttribute('href')) } : null;
  }, (v) => v !== null);
  assert.match(said.text, /recursion\.prof was already stored here, as profile [0-9]+: nothing was added/);
  assert.deepEqual(said.links, [`/p/${h.id('recursion.prof')}`]);
  assert.equal(new URL(page.url()).pathname, '/', 'nothing opened');
  assert.equal((await api(page, '/api/profiles')).profiles.length, before, 'nothing stored');
  await shot('already stored');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#upload-status a')]);
  await expectPage(page, 'profile');
  await waitChart(page);
  assert.equal(new URL(page.url()).pathname, `/p/${h.id('recursion.prof')}`);
}));
