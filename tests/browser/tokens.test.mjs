// A server that wants tokens (profviz serve --token W --read-token R): the
// index page's token form says whether a token is missing or the one given
// was refused, for reading and for uploading, and the right tokens work.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import { expectPage, goto, isShown, until } from './pages.mjs';

const READ = 'r3ad-t0ken';
const WRITE = 'wr1te-t0ken';
const h = setupBrowserTests(import.meta.url, {
  files: [fixture('recursion.prof')],
  serve: ['--token', WRITE, '--read-token', READ],
});
const T = { timeout: TEST_TIMEOUT };
// The refused requests are console errors of Chromium's own.
const HTTP_401 = /Failed to load resource: the server responded with a status of 401/;

function tokenForm(page) {
  return page.evaluate(() => {
    const f = document.getElementById('token-form');
    return f && !f.hidden ? { reason: f.dataset.reason ?? null, text: document.getElementById('token-why').textContent } : null;
  });
}

async function giveToken(page, token) {
  await page.type('#token', token);
  await page.click('#token-form button[type="submit"]');
}

test('a missing read token and a refused one are told apart; the right one shows the list', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await goto(page, `${h.origin}/`);
    await expectPage(page, 'index');
    let form = await until(page, 'the token form', () => {
      const f = document.getElementById('token-form');
      return f && !f.hidden ? f.dataset.reason : null;
    }, (v) => v !== null);
    assert.equal(form, 'missing');
    assert.match((await tokenForm(page)).text, /needs a token to show its profiles/);
    assert.doesNotMatch((await tokenForm(page)).text, /refused/);
    await shot('missing');
    await giveToken(page, 'not-the-token');
    form = await until(page, 'the form to say the token was refused', () => document.getElementById('token-form').dataset.reason,
      (v) => v === 'refused');
    assert.match((await tokenForm(page)).text, /That token was refused/);
    assert.equal(await isShown(page, '#profiles'), false, 'no list without a good token');
    await shot('refused');
    await giveToken(page, READ);
    await until(page, 'the list with the read token', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 1);
    assert.equal(await page.$eval('#token-form', (f) => f.hidden), true, 'the form goes once the token works');
  }, { allow: [HTTP_401] }));

test('an upload with the read token is refused as such, and works with the write token', T, (t) =>
  h.withPage(t, async (page, { shot }) => {
    await goto(page, `${h.origin}/`);
    await expectPage(page, 'index');
    await until(page, 'the token form', () => !document.getElementById('token-form').hidden, (v) => v);
    await giveToken(page, READ);
    await until(page, 'the list', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 1);
    // The read token reads; the drop zone is offered, and the upload refused.
    const input = await page.$('#upload-file');
    await input.uploadFile(fixture('seed_small.prof'));
    const form = await until(page, 'the form after a refused upload', () => {
      const f = document.getElementById('token-form');
      return f.hidden ? null : { reason: f.dataset.reason, text: f.textContent };
    }, (v) => v !== null && v.reason === 'refused');
    assert.match(form.text, /That token was refused for uploading and deleting/);
    assert.match(await page.$eval('#upload-status', (e) => e.textContent), /The token given was refused/);
    await shot('upload refused');
    await giveToken(page, WRITE);
    await until(page, 'the list again', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 1);
    await (await page.$('#upload-file')).uploadFile(fixture('seed_small.prof'));
    await until(page, 'the new profile\'s page', () => window.location.pathname, (p) => /^\/p\/[0-9]+$/.test(p));
  }, { allow: [HTTP_401] }));
