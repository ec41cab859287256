// state/store.js: get, set, subscribe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/js/state/store.js';

test('set merges a patch into a new frozen state', () => {
  const initial = { view: 'icicle', depth: 10 };
  const store = createStore(initial);
  const first = store.get();
  assert.deepEqual(first, initial);
  assert.notEqual(first, initial, 'the caller\'s object is not kept');
  assert.ok(Object.isFrozen(first));
  store.set({ depth: 5 });
  assert.deepEqual(store.get(), { view: 'icicle', depth: 5 });
  assert.deepEqual(first, { view: 'icicle', depth: 10 }, 'old states never change');
  store.set((s) => ({ depth: s.depth + 1 }));
  assert.equal(store.get().depth, 6);
  assert.throws(() => { store.get().depth = 1; }, TypeError, 'modules are strict: writing a frozen state throws');
});

test('listeners hear each change once, with the state before it', () => {
  const store = createStore({ a: 1, b: 2 });
  const heard = [];
  const stop = store.subscribe((state, prev) => heard.push([prev.a, state.a]));
  store.set({ a: 2 });
  store.set({ a: 2 });  // no change: nobody is told
  store.set({});
  store.set({ b: 2 });
  store.set({ a: NaN });
  store.set({ a: NaN });  // NaN is NaN: no change
  stop();
  store.set({ a: 3 });
  assert.deepEqual(heard, [[1, 2], [2, NaN]]);
});

test('a listener that sets the state does not make others miss or repeat a change', () => {
  const store = createStore({ root: 'a', label: '' });
  const seen = [];
  // First listener: derives a label from the root, as a view might.
  store.subscribe((s) => { if (s.label !== `at ${s.root}`) store.set({ label: `at ${s.root}` }); });
  store.subscribe((s, prev) => seen.push(`${prev.root}/${prev.label} -> ${s.root}/${s.label}`));
  store.set({ root: 'b' });
  assert.deepEqual(seen, ['a/ -> b/at b'], 'told once, of the final state');
  assert.equal(store.get().label, 'at b');
});

test('unsubscribing during a notification is safe', () => {
  const store = createStore({ n: 0 });
  const calls = [];
  let stopB;
  store.subscribe(() => { calls.push('A'); stopB(); });
  stopB = store.subscribe(() => calls.push('B'));
  store.subscribe(() => calls.push('C'));
  store.set({ n: 1 });
  store.set({ n: 2 });
  assert.deepEqual(calls, ['A', 'C', 'A', 'C']);
});
