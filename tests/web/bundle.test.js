// tools/bundle.py, the build step that makes the page's modules one script
// for the HTML report: the forms the code base uses are rewritten and run
// as the modules do; every other form, a cycle or a missing export fails
// the build with the file and line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = path.join(ROOT, 'tools', 'bundle.py');

// Bundles `files` ({relative path: text}) from entry main.js, the root
// being their folder (or its subfolder `root`); returns {status, stderr, script}.
function bundle(files, { entry = 'main.js', root = '.' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profviz-bundle-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const out = path.join(dir, 'out.js');
    const r = spawnSync('python3', [BUNDLE, '--root', path.join(dir, root), '--entry', path.join(dir, entry), '-o', out], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr, script: r.status === 0 ? fs.readFileSync(out, 'utf8') : null };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('named imports, aliases and every export form run as the modules would', () => {
  const r = bundle({
    'main.js': [
      "import { twice, K as k } from './lib/math.js';",
      'import {',
      '  Greeter,',
      '  later,',
      "} from './lib/greet.js';",
      'globalThis.out = [twice(k), new Greeter().hi(), later];',
    ].join('\n'),
    'lib/math.js': "export const K = 21;\nexport function twice(x) { return 2 * x; }\n",
    'lib/greet.js': "import { K } from './math.js';\nexport class Greeter { hi() { return `hi ${K}`; } }\n"
      + 'export async function later() { return K; }\nexport let counter = 0;\n',
  });
  assert.equal(r.status, 0, r.stderr);
  const ctx = vm.createContext({});
  vm.runInContext(r.script, ctx);
  assert.equal(ctx.out[0], 42);
  assert.equal(ctx.out[1], 'hi 21');
  assert.equal(typeof ctx.out[2], 'function');
  // Dependencies first, each module once.
  assert.equal(r.script.match(/^\/\/ lib\/math\.js$/gm).length, 1);
  assert.ok(r.script.indexOf('// lib/math.js') < r.script.indexOf('// lib/greet.js'));
  assert.ok(r.script.indexOf('// lib/greet.js') < r.script.indexOf('// main.js'));
});

test('forms the bundler does not know fail the build, naming the file and line', () => {
  const cases = [
    ["export default function f() {}\n", /main\.js:1: an import or export form/],
    ["import * as m from './m.js';\n", /main\.js:1: an import or export form/],
    ["const x = 1;\nexport { x };\n", /main\.js:2: an import or export form/],
    ["const m = import('./m.js');\n", /main\.js:1: an import or export form/],
    ["import { f } from 'lodash';\n", /main\.js:1: an import or export form/],
    ["import { f, } from './m.js';\nimport { nope } from './m.js';\n", /imports nope, which m\.js does not export/],
    ["import { f as 1x } from './m.js';\n", /main\.js:1: cannot bundle the import of 'f as 1x'/],
  ];
  for (const [main, message] of cases) {
    const r = bundle({ 'main.js': main, 'm.js': 'export function f() {}\n' });
    assert.notEqual(r.status, 0, `bundled: ${main}`);
    assert.match(r.stderr, message, main);
  }
});

test('an import cycle or a module outside the root fails the build', () => {
  const cycle = bundle({
    'main.js': "import { a } from './a.js';\na();\n",
    'a.js': "import { b } from './b.js';\nexport function a() { b(); }\n",
    'b.js': "import { a } from './a.js';\nexport function b() { a(); }\n",
  });
  assert.notEqual(cycle.status, 0);
  assert.match(cycle.stderr, /import cycle: main\.js -> a\.js -> b\.js -> a\.js/);
  const outside = bundle({ 'in/main.js': "import { f } from '../m.js';\n", 'm.js': 'export function f() {}\n' },
    { entry: 'in/main.js', root: 'in' });
  assert.notEqual(outside.status, 0);
  assert.match(outside.stderr, /m\.js is outside/);
});

test('the page itself bundles into one script that parses, with every module main.js reaches', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'profviz-bundle-')), 'page.js');
  try {
    const r = spawnSync('python3', [BUNDLE, '--root', path.join(ROOT, 'web', 'js'), '--entry',
      path.join(ROOT, 'web', 'js', 'main.js'), '-o', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const script = fs.readFileSync(out, 'utf8');
    assert.doesNotThrow(() => new vm.Script(script));
    for (const m of ['main.js', 'model/offline-api.js', 'model/api.js', 'state/url-sync.js', 'ui/chart-view.js']) {
      assert.match(script, new RegExp(`^// ${m.replace('.', '\\.')}$`, 'm'), m);
    }
    assert.doesNotMatch(script, /^\s*(import|export)\b/m);
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
});
