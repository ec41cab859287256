// Shared by the web tests: fixtures, a seeded random generator, and API-shaped
// trees built by hand.  Not a test file itself (meson lists *.test.js only).

import { readFileSync } from 'node:fs';

// An answer of the real API, captured by fixtures/make_fixtures.py.
export function fixture(name) {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson(name) {
  return JSON.parse(fixture(name));
}

// mulberry32: the same seed gives the same cases on every run and machine, so
// a failure can be replayed; the seed is in the test's name.
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[next.int(list.length)];
  return next;
}

// A box as the tree endpoint sends it.  `self` is what the children leave.
export function box(id, time, children = [], extra = {}) {
  const covered = children.reduce((s, c) => s + c.time, 0);
  return {
    id, file: `pkg${id}/mod.py`, line: id === null ? 0 : id + 1, name: id === null ? '(all)' : `f${id}`,
    time, self: Math.max(0, time - covered), calls: 1, exact: true, calls_exact: true, more: false,
    lo: time, hi: time, n_merged: 0, children, ...extra,
  };
}

export function wholeView(root) {
  return { path: [], root };
}

// A random whole-profile view: `exact` makes children add up to exactly
// their parent's time (no self time), else each parent keeps some self time
// and now and then children exceed their parent, as the API allows.
export function randomView(random, { maxDepth = 6, maxChildren = 6, exact = false } = {}) {
  let nextId = 0;
  const grow = (time, depth) => {
    const n = depth >= maxDepth ? 0 : random.int(maxChildren + 1);
    const weights = Array.from({ length: n }, () => 0.05 + random() ** 3);
    const total = weights.reduce((a, b) => a + b, 0);
    const share = exact ? 1 : random() < 0.1 ? 1 + random() * 0.2 : random();
    // Largest first, as the API orders children.
    weights.sort((a, b) => b - a);
    return box(nextId++, time, weights.map((w) => grow((time * share * w) / total, depth + 1)));
  };
  const root = grow(1 + random() * 10, 0);
  return wholeView({ ...root, id: null, name: '(all)', file: '', line: 0 });
}

// A tree where functions come back below themselves, as the API will send
// it once it expands a function already on the path (recursion, exec under
// exec): (all) -> exec (3) -> <module> (7) -> exec (3) -> main (9) -> exec
// (3), and (all) -> <module> (7) beside it.  Ids on a path repeat: 3,7,3,9.
export function repeatedView() {
  const named = (id, time, children, name, extra = {}) => box(id, time, children, { name, ...extra });
  const innerExec = named(3, 1, [], 'exec', { more: true });
  const main = named(9, 4, [innerExec], 'main');
  const exec2 = named(3, 5, [main], 'exec');
  const module = named(7, 6, [exec2], '<module>');
  const exec1 = named(3, 8, [module], 'exec');
  return wholeView({ ...box(null, 10, [exec1, named(7, 2, [], '<module>')]), name: '(all)', file: '' });
}
