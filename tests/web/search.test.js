// model/search.js: which boxes a search matches and the share of time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeFromView } from '../../web/js/model/tree.js';
import { searchTree } from '../../web/js/model/search.js';
import { box, fixtureJson, wholeView } from './support.js';

test('an empty query matches nothing and shares nothing', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const r = searchTree(tree, '');
  assert.equal(r.count, 0);
  assert.equal(r.share, 0);
  assert.ok(r.matches.every((m) => m === 0));
});

test('names and files match ignoring case; synthetic boxes never', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const r = searchTree(tree, 'FIB');
  let expected = 0;
  for (let i = 0; i < tree.size; i++) {
    const hit = tree.fid[i] >= 0 && (tree.name(i).toLowerCase().includes('fib') || tree.file(i).toLowerCase().includes('fib'));
    assert.equal(r.matches[i] === 1, hit, `node ${i} ${tree.name(i)}`);
    if (hit) expected++;
  }
  assert.ok(expected > 1, 'fib appears more than once (it recurses)');
  assert.equal(r.count, expected);
  // The program's own functions live in w_recursion.py (built-ins in "~"),
  // and every one of them runs under a top-level box of that file.
  const all = searchTree(tree, 'w_recursion');
  const inFile = (i) => tree.fid[i] >= 0 && tree.file(i).includes('w_recursion');
  assert.equal(all.count, Array.from({ length: tree.size }, (_, i) => i).filter(inFile).length);
  const topLevel = tree.children(0).filter(inFile).reduce((s, c) => s + tree.time[c], 0);
  assert.equal(all.time, topLevel);
  assert.equal(all.share, Math.min(1, topLevel / tree.time[0]));
});

test('nested matches count once: the share is of the top-most matches', () => {
  // f1 (6) calls f2 (4) which calls f1 again (3): "f1" matches twice, but
  // the inner 3 s are inside the outer 6 s.
  const inner = box(1, 3);
  const view = wholeView({ ...box(null, 10, [box(1, 6, [box(2, 4, [inner])]), box(3, 2)]), name: '(all)', file: '' });
  const tree = treeFromView(view);
  const r = searchTree(tree, 'f1');
  assert.equal(r.count, 2);
  assert.equal(r.time, 6);
  assert.equal(r.share, 0.6);
  const both = searchTree(tree, 'f');
  assert.equal(both.time, 8);  // f1 (6) and f3 (2); f2 and the inner f1 are inside f1
});

test('hostile names are matched as plain text, not patterns', () => {
  const tree = treeFromView(fixtureJson('hostile-tree.json'));
  const names = Array.from({ length: tree.size }, (_, i) => tree.name(i));
  const target = names.find((n) => n.includes('<'));
  assert.ok(target, 'the hostile fixture holds markup');
  const r = searchTree(tree, target);
  assert.ok(r.count >= 1);
  assert.equal(searchTree(tree, '.*').count, names.filter((n, i) => tree.fid[i] >= 0 && (n.includes('.*') || tree.file(i).includes('.*'))).length);
});
