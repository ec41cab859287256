// Real files of other formats, read by profviz's own readers and drawn: the
// page says their format, writer and unit, in the summary, the headers and
// the boxes; a stack format's call paths are exact from the file's stacks,
// a callgrind file's are inferred as pstats' are.  Screenshots of each.
//
// The fixtures come with the readers (tests/data/formats/, committed with
// each reader's tests); a checkout without one skips its test.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { formatValue, formatWithUnit } from '../../web/js/layout/format.js';
import { variantNote } from '../../web/js/layout/summary.js';
import { tableColumns } from '../../web/js/layout/table.js';
import { readUnits } from '../../web/js/model/units.js';
import { TEST_TIMEOUT, fixture, setupBrowserTests } from './harness.mjs';
import { api, openProfile, recordChartText, text, until } from './pages.mjs';

const FILES = [
  { path: 'tests/data/formats/folded/inferno__austin-flames.txt', format: 'folded', writer: 'austin' },
  { path: 'tests/data/formats/folded/flamegraph__perf-java-stacks-01-collapsed-all.txt', format: 'folded', writer: '' },
  { path: 'tests/data/formats/speedscope/speedscope__0.6.0-two-sampled.speedscope.json', format: 'speedscope' },
  { path: 'tests/data/formats/cpuprofile/node_prog.cpuprofile', format: 'cpuprofile' },
  { path: 'tests/data/formats/callgrind/c_prog.callgrind', format: 'callgrind' },
  { path: 'tests/data/formats/callgrind/yappi_prog.callgrind', format: 'callgrind' },
].map((f) => ({ ...f, file: fixture(f.path), name: f.path.slice(f.path.lastIndexOf('/') + 1) }))
  .filter((f) => fs.existsSync(f.file));

const h = FILES.length > 0 ? setupBrowserTests(import.meta.url, { files: FILES.map((f) => f.file) }) : null;
const T = { timeout: TEST_TIMEOUT };

if (FILES.length === 0) test('profiles of other formats', { skip: 'no fixtures of other formats in tests/data/formats' }, () => {});

for (const f of FILES) {
  test(`${f.name}: its unit, writer and exact paths on the page`, T, (t) => h.withPage(t, async (page, { shot }) => {
    await recordChartText(page);
    const id = h.id(f.name);
    await openProfile(page, h.url(f.name));
    const summary = await api(page, `/api/profiles/${id}`);
    assert.equal(summary.format, f.format);
    const stacks = f.format !== 'callgrind';
    assert.equal(summary.tree, stacks ? 'recorded' : 'inferred', 'a stack format\'s tree is the file\'s, callgrind\'s inferred');
    const units = readUnits(summary);

    const line = await until(page, 'the summary', () => document.getElementById('summary').textContent, (v) => v !== '');
    const variant = variantNote(units);
    const head = [f.format, summary.writer, variant].filter((p) => p !== '').join(' · ');
    assert.ok(line.startsWith(`${head} · `), `${line} starts with ${head}`);
    if (f.writer !== undefined) assert.equal(summary.writer, f.writer);
    assert.ok(line.endsWith(` · ${formatWithUnit(summary.total_tt, units)}`), line);

    const headers = await page.$$eval('#stats thead th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(headers, tableColumns(units).map((c) => c.label));
    if (units.unit === 'samples') assert.deepEqual(headers.slice(0, 3), ['samples', 'self (samples)', 'total (samples)']);
    if (units.kind === 'event') assert.equal(headers[1], `self (${units.unit})`);

    const top = await api(page, `/api/profiles/${id}/tree?depth=2`);
    const first = top.root.children[0];
    const texts = await until(page, 'the first box\'s label', () => [...window.__chartText], (v) => v.includes(first.name));
    assert.equal(texts[texts.indexOf(first.name) + 1], `${first.exact ? '' : '≈ '}${formatValue(first.time, units)}`, 'in its unit');
    const legend = await text(page, '#legend');
    if (stacks) assert.match(legend, /Exact: 100% of the .* drawn\. Exact call paths/);
    else assert.doesNotMatch(legend, /Exact call paths|Recorded call paths/);
    await shot(f.name);
  }));
}
