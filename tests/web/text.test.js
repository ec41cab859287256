// layout/text.js: characters that reorder text are shown, not obeyed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleText } from '../../web/js/layout/text.js';
import { functionLabel } from '../../web/js/layout/table.js';
import { treeFromView } from '../../web/js/model/tree.js';
import { fixtureJson } from './support.js';

test('every bidi control becomes a visible mark; other text is kept', () => {
  assert.equal(visibleText('dir/x(\u202eeman)4:py.'), 'dir/x(⟨U+202E⟩eman)4:py.');
  for (const c of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) {
    assert.doesNotMatch(visibleText(`a${c}b`), /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  }
  const plain = 'caf\u00e9 \u05e9\u05dc\u05d5\u05dd </script> \ud83d\ude00 \udce9';
  assert.equal(visibleText(plain), plain);
});

test('the hostile fixture has an override, and labels no longer carry it', () => {
  const tree = treeFromView(fixtureJson('hostile-tree.json'));
  const files = Array.from({ length: tree.size }, (_, i) => tree.file(i));
  const spoofed = files.find((f) => f.includes('\u202e'));
  assert.ok(spoofed, 'hostile-tree.json holds U+202E');
  assert.ok(!functionLabel(spoofed, 4, 'f').includes('\u202e'));
  assert.ok(functionLabel(spoofed, 4, 'f').includes('⟨U+202E⟩'));
});
