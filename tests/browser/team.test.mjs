// The workflow a team uses, end to end: `profviz upload` from a shell into a
// `profviz serve --token`, then the index page filtered by label (a chip
// clicked), searched, and labels edited on a profile's page with the token.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { TEST_TIMEOUT, fixture, profvizPath, setupBrowserTests } from './harness.mjs';
import { api, expectPage, goto, until } from './pages.mjs';

const WRITE = 'team-t0ken';
const h = setupBrowserTests(import.meta.url, { files: [fixture('recursion.prof')], serve: ['--token', WRITE] });
const T = { timeout: TEST_TIMEOUT };

// Runs `profviz upload` through sh, as a CI job's script line would, with
// the server and token from the environment.  Returns the links printed.
function uploadFromShell(labels, ...files) {
  const line = `"$PROFVIZ" upload ${labels.map((l) => `--label '${l}'`).join(' ')} ${files.map((f) => `'${f}'`).join(' ')}`;
  const r = spawnSync('sh', ['-c', line], {
    encoding: 'utf8', timeout: 60000,
    env: { ...process.env, PROFVIZ: profvizPath(), PROFVIZ_SERVER: h.origin, PROFVIZ_TOKEN: WRITE },
  });
  assert.equal(r.status, 0, `${line}: exit ${r.status}\n${r.stderr}`);
  const links = r.stdout.trim().split('\n');
  assert.equal(links.length, files.length, r.stdout);
  for (const link of links) assert.match(link, new RegExp(`^${h.origin}/p/[0-9]+$`));
  return links.map((l) => Number(l.slice(l.lastIndexOf('/') + 1)));
}

function rows(page) {
  return page.evaluate(() => [...document.querySelectorAll('#profiles tr[data-id]')].map((tr) => ({
    id: Number(tr.dataset.id),
    labels: [...tr.querySelectorAll('.label')].map((l) => l.textContent.replace('×', '')),
  })));
}

async function giveToken(page) {
  await until(page, 'the token form', () => !document.getElementById('token-form').hidden, (v) => v);
  await page.type('#token', WRITE);
  await page.click('#token-form button[type="submit"]');
  await until(page, 'the form gone', () => document.getElementById('token-form').hidden, (v) => v);
}

test('uploaded from a shell with labels, the index filters by a clicked label', T, (t) => h.withPage(t, async (page, { shot }) => {
  const api1 = uploadFromShell(['service=api', 'branch=main'], fixture('wide.prof'), fixture('deep.prof'));
  const [web] = uploadFromShell(['service=web', 'branch=main', 'commit=9f3c2ab'], fixture('real_pydoc.prof'));
  await goto(page, `${h.origin}/`);
  await expectPage(page, 'index');
  await giveToken(page);
  await until(page, 'four rows', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 4);
  const all = await rows(page);
  assert.deepEqual(all.find((r) => r.id === web).labels, ['branch=main', 'commit=9f3c2ab', 'service=web']);
  await shot('all');

  // A chip on a row: only the profiles that carry it, and the URL says so.
  const chip = await page.$(`#profiles tr[data-id="${api1[0]}"] .label[data-key="service"] .label-pick`);
  await chip.click();
  await until(page, 'the list filtered by service=api', () =>
    [...document.querySelectorAll('#profiles tr[data-id]')].map((tr) => Number(tr.dataset.id)).sort().join(','),
  (ids) => ids === [...api1].sort().join(','));
  assert.equal(new URL(page.url()).search, '?label=service%3Aapi');
  assert.deepEqual(await page.$$eval('#filters .label-filter', (b) => b.map((x) => x.textContent)), ['service=api ×']);
  await shot('filtered');

  // Opened as a link, the same list; the search box narrows it further.
  await goto(page, `${h.origin}/?label=service%3Aapi`);
  await until(page, 'two rows from the link', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 2);
  await page.type('#profile-search', 'deep');
  await until(page, 'one row for "deep"', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 1);
  assert.equal(new URL(page.url()).search, '?q=deep&label=service%3Aapi');
  // Removing the filter (its button) keeps the search.
  await page.click('#filters .label-filter');
  await until(page, 'the filter gone', () => window.location.search, (s) => s === '?q=deep');
  // Back returns to the filtered list.
  await page.goBack();
  await until(page, 'Back to the filter', () => window.location.search, (s) => s === '?q=deep&label=service%3Aapi');
}));

test('labels are shown and edited in a profile page\'s header', T, (t) => h.withPage(t, async (page, { shot }) => {
  const [id] = uploadFromShell(['host=ci-7'], fixture('seed_small.prof'));
  // The token, as the index page keeps it for the session.
  await goto(page, `${h.origin}/`);
  await expectPage(page, 'index');
  await giveToken(page);
  await goto(page, `${h.origin}/p/${id}`);
  await expectPage(page, 'profile');
  await until(page, 'the header\'s labels', () => [...document.querySelectorAll('#labels .label')].map((l) => l.textContent),
    (l) => l.length === 1 && l[0].startsWith('host=ci-7'));
  await page.click('#labels .label-add');
  await page.type('#labels .label-input', 'bad key=x\n');
  await until(page, 'the mistake said', () => document.querySelector('#labels .label-problem')?.textContent ?? '',
    (s) => /letters, digits/.test(s));
  await page.$eval('#labels .label-input', (i) => { i.value = ''; });
  await page.type('#labels .label-input', 'branch=release/2.1\n');
  await until(page, 'the new label', () => [...document.querySelectorAll('#labels .label')].map((l) => l.dataset.key).join(','),
    (s) => s === 'branch,host');
  assert.deepEqual((await api(page, `/api/profiles/${id}`)).labels, { branch: 'release/2.1', host: 'ci-7' });
  await shot('header');
  await page.click('#labels .label[data-key="host"] .label-remove');
  await until(page, 'host removed', () => document.querySelectorAll('#labels .label').length, (n) => n === 1);
  assert.deepEqual((await api(page, `/api/profiles/${id}`)).labels, { branch: 'release/2.1' });
  // A label clicked opens the index filtered by it.
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#labels .label-pick')]);
  await expectPage(page, 'index');
  await until(page, 'the index filtered by branch', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 1);
  assert.equal(new URL(page.url()).search, '?label=branch%3Arelease%2F2.1');
}));

test('pages of 50: the pager walks them and the URL keeps the page', T, (t) => h.withPage(t, async (page, { shot }) => {
  // 55 distinct uploads: one dump with different trailing bytes (the
  // loader ignores what follows the dump), labelled as one batch.
  const bytes = fs.readFileSync(fixture('recursion.prof'));
  for (let i = 0; i < 55; i++) {
    const body = Buffer.concat([bytes, Buffer.from(`\n# run ${i}\n`)]);
    const r = await fetch(`${h.origin}/api/profiles?name=run-${i}.prof&label=batch:b7`, {
      method: 'POST', body, headers: { Authorization: `Bearer ${WRITE}` },
    });
    assert.equal(r.status, 201, await r.text());
  }
  await goto(page, `${h.origin}/?label=batch%3Ab7`);
  await expectPage(page, 'index');
  await until(page, 'the first page of 50', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 50);
  assert.match(await page.$eval('#page-span', (s) => s.textContent), /^1–50 of 55 · page 1 of 2$/);
  assert.equal(await page.$eval('#page-prev', (b) => b.disabled), true);
  await page.click('#page-next');
  await until(page, 'the second page', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 5);
  assert.equal(new URL(page.url()).search, '?label=batch%3Ab7&page=2');
  assert.match(await page.$eval('#page-span', (s) => s.textContent), /^51–55 of 55/);
  const names = await page.$$eval('#profiles td.name a', (a) => a.map((x) => x.textContent));
  assert.deepEqual(names, ['run-4.prof', 'run-3.prof', 'run-2.prof', 'run-1.prof', 'run-0.prof'], 'oldest last');
  await shot('page-2');
  await page.goBack();
  await until(page, 'Back to page 1', () => document.querySelectorAll('#profiles tr[data-id]').length, (n) => n === 50);
}));
