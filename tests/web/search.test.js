// model/search.js: which boxes a search matches and the share of time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeFromView } from '../../web/js/model/tree.js';
import { asciiLower, matchedFunctions, searchShare, searchTree } from '../../web/js/model/search.js';
import { searchNote, searchTitle } from '../../web/js/layout/notes.js';
import { box, fixtureJson, rng, wholeView } from './support.js';

test('an empty query matches nothing and shares nothing', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const r = searchTree(tree, '');
  assert.equal(r.count, 0);
  assert.equal(r.time, 0);
  assert.equal(r.query, '');
  assert.ok(r.matches.every((m) => m === 0));
});

test('names and files match ignoring case; synthetic boxes never', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const r = searchTree(tree, 'FIB');
  assert.equal(r.query, 'FIB');
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
});

test('case is ignored for ASCII letters only, as the API\'s q does', () => {
  assert.equal(asciiLower('Hello_WORLD.py'), 'hello_world.py');
  assert.equal(asciiLower('ÉCOLE Straße ΣΑΣ'), 'École straße ΣΑΣ', 'other letters as they are');
  const kids = [box(1, 2, [], { name: 'École' }), box(2, 3, [], { name: 'école' }), box(3, 1, [], { name: 'ECOLE' })];
  const tree = treeFromView(wholeView({ ...box(null, 6, kids), name: '(all)', file: '' }));
  const names = (q) => Array.from({ length: tree.size }, (_, i) => i).filter((i) => searchTree(tree, q).matches[i]).map((i) => tree.name(i));
  assert.deepEqual(names('école'), ['école'], 'É is not é to the server');
  assert.deepEqual(names('ÉCOLE'), ['École'], 'É matches only É, and COLE cole');
  assert.deepEqual(names('Cole'), ['École', 'école', 'ECOLE']);
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

// A page of the functions API for rows of cumulative times (sorted, largest
// first, as the loader asks for them), of `total` matches in all.
function page(cts, total = cts.length) {
  return { total, rows: cts.map((ct, k) => ({ id: k, file: 'f.py', line: k, name: `f${k}`, nc: 1, cc: 1, tt: 0, ct })) };
}

test('one matching function: its cumtime\'s share, exactly, whatever the chart says', () => {
  // pydoc's markup: cumtime 19.5 ms of 46.0 ms, while the chart's boxes
  // down to depth 10 hold 3.9 ms of it.
  const f = matchedFunctions(page([0.0195]));
  assert.deepEqual(f, { count: 1, largest: 0.0195, name: 'f0', id: 0, sum: 0.0195 });
  for (const chart of [0, 0.0039, 0.03, 1]) {
    assert.deepEqual(searchShare(f, chart, 0.046), { kind: 'exact', share: 0.0195 / 0.046, name: 'f0', id: 0 });
  }
  assert.equal(searchNote(searchShare(f, 0, 0.046)), "42.4% of total time (f0's cumtime)");
  assert.match(searchTitle(searchShare(f, 0, 0.046)), /^One function matches: its cumulative time over the profile's total/);
  // A cumtime over the total (a root function, in real dumps) is all of it.
  assert.equal(searchShare(matchedFunctions(page([2])), 0, 1.5).share, 1);
  assert.deepEqual(searchShare(matchedFunctions(page([])), 0.5, 1), { kind: 'none' });
  assert.equal(searchNote(searchShare(matchedFunctions(page([])), 0.5, 1)), 'no function matches');
  assert.equal(searchNote(null), '', 'nothing while the answer is on its way');
});

test('several functions: the chart\'s figure held within max(ct) and the sum of cts', () => {
  const f = matchedFunctions(page([0.5, 0.25, 0.125]));
  assert.equal(f.largest, 0.5);
  assert.equal(f.sum, 0.875);
  assert.deepEqual(searchShare(f, 0.6, 1), { kind: 'estimate', share: 0.6, lo: 0.5, hi: 0.875, count: 3 });
  assert.deepEqual(searchShare(f, 0.1, 1), { kind: 'estimate', share: 0.5, lo: 0.5, hi: 0.875, count: 3 }, 'at least the largest');
  assert.deepEqual(searchShare(f, 0.95, 1), { kind: 'estimate', share: 0.875, lo: 0.5, hi: 0.875, count: 3 }, 'at most the sum');
  assert.deepEqual(searchShare(f, 0.3, 0.6), { kind: 'estimate', share: 0.5 / 0.6, lo: 0.5 / 0.6, hi: 1, count: 3 }, 'never over 100%');
  assert.equal(searchNote(searchShare(f, 0.6, 1)),
    '≈ 60.0% of total time (between 50.0% and 87.5%; 3 functions)');
  assert.match(searchTitle(searchShare(f, 0.6, 1)), /^3 functions match\. Their share is at least the largest one's cumulative time and at most the sum/);
  // More matches than the page holds: each of the rest counts as much as
  // the page's last, so the bound still holds.
  const many = matchedFunctions(page([0.4, 0.1, 0.01], 10));
  assert.equal(many.count, 10);
  assert.ok(Math.abs(many.sum - (0.51 + 7 * 0.01)) < 1e-12);
  // Damaged times ("nan", negative) count as nothing.
  assert.deepEqual(matchedFunctions(page(['inf', 0.2, 'nan', -1])).largest, 0.2);
});

test('the bounds hold the true share of random nested calls', () => {
  const random = rng(33);
  for (let trial = 0; trial < 300; trial++) {
    const cts = Array.from({ length: 1 + random.int(6) }, () => random()).sort((a, b) => b - a);
    const total = Math.max(...cts) + random() * 3;
    // Any true union of those calls is at least the largest and at most all.
    const union = Math.min(total, cts[0] + random() * cts.slice(1).reduce((a, b) => a + b, 0));
    const s = searchShare(matchedFunctions(page(cts)), union * random() * 2, total);
    const lo = cts[0] / total;
    const hi = Math.min(1, cts.reduce((a, b) => a + b, 0) / total);
    if (cts.length === 1) {
      assert.equal(s.share, lo);
    } else {
      assert.ok(s.lo <= union / total + 1e-12 && union / total <= s.hi + 1e-12);
      assert.ok(Math.abs(s.lo - lo) < 1e-12 && Math.abs(s.hi - hi) < 1e-12);
      assert.ok(s.lo <= s.share && s.share <= s.hi);
    }
  }
});
