// render/labels.js: fitting names into boxes, measuring cheaply.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeFromView } from '../../web/js/model/tree.js';
import {
  ELLIPSIS, LINE_SPACING, boxLabel, boxText, boxTime, fitLabel, fontPx, labelLines, linesThatFit, measurer, sharedStarts,
  sharedStartsOf,
} from '../../web/js/render/labels.js';
import { fakeContext, measureText } from './fake-canvas.js';
import { box, fixtureJson, rng, wholeView } from './support.js';

// A measure with its own width per code unit (as a proportional font has
// per character), counting its calls.
function randomMeasure(random) {
  const widths = new Map();
  const measure = (text) => {
    measure.calls++;
    let w = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!widths.has(c)) widths.set(c, 1 + random() * 12);
      w += widths.get(c);
    }
    return w;
  };
  measure.calls = 0;
  return measure;
}

function randomText(random, length) {
  const alphabet = ['a', 'W', 'i', '_', '.', ' ', '<', '漢', '😀', 'é', '\u0301'];
  let s = '';
  while (s.length < length) s += random.pick(alphabet);
  return s;
}

// What fitLabel must return, found by trying every cut from the longest.
function bruteFit(text, maxWidth, measure) {
  if (text === '' || !(maxWidth > 0)) return '';
  if (measure(text) <= maxWidth) return text;
  for (let k = text.length - 1; k >= 1; k--) {
    const high = text.charCodeAt(k - 1);
    const low = text.charCodeAt(k);
    if (high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) continue;
    if (measure(text.slice(0, k) + ELLIPSIS) <= maxWidth) return text.slice(0, k) + ELLIPSIS;
  }
  return '';
}

function hasLoneSurrogate(s) {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

test('a label is the longest prefix that fits, with an ellipsis when cut', () => {
  const random = rng(40);
  for (let trial = 0; trial < 2000; trial++) {
    const measure = randomMeasure(random);
    const text = randomText(random, random.int(60));
    const maxWidth = random() * 400 - 20;
    const label = fitLabel(text, maxWidth, measure);
    assert.equal(label, bruteFit(text, maxWidth, measure), `${JSON.stringify(text)} in ${maxWidth}`);
    if (label !== '') assert.ok(measure(label) <= maxWidth);
    if (label !== text && label !== '') {
      assert.ok(label.endsWith(ELLIPSIS) && text.startsWith(label.slice(0, -1)));
      assert.ok(!hasLoneSurrogate(label), 'a surrogate pair is never cut in half');
    }
  }
});

test('fitting measures O(log n) strings, not one per character', () => {
  const random = rng(41);
  for (const length of [1, 2, 10, 100, 1000, 100000]) {
    const text = 'x'.repeat(length);
    for (const maxWidth of [0.5, 3, 50, 5000]) {
      const measure = randomMeasure(random);
      fitLabel(text, maxWidth, measure);
      assert.ok(measure.calls <= 2 + Math.ceil(Math.log2(length + 1)), `${length} chars in ${maxWidth}: ${measure.calls} calls`);
    }
  }
});

test('whole, cut, or nothing: the edges of fitting', () => {
  const measure = measureText;  // 7 px a character
  assert.equal(fitLabel('main', 28, measure), 'main');
  assert.equal(fitLabel('main', 27.9, measure), 'ma…');
  assert.equal(fitLabel('main', 14, measure), 'm…');
  assert.equal(fitLabel('main', 13.9, measure), '');
  assert.equal(fitLabel('', 100, measure), '');
  for (const w of [0, -5, NaN, undefined]) assert.equal(fitLabel('main', w, measure), '');
  // A pair costs one 7 px character here: cutting between its halves would
  // fit, and must not happen.
  assert.equal(fitLabel('😀😀😀', 14, measure), '😀…');
  assert.equal(fitLabel('😀😀😀', 13, measure), '');
  assert.equal(fitLabel('a😀bc', 21, measure), 'a😀…');
  assert.equal(fitLabel('a😀bc', 20, measure), 'a…');
});

test('a box shows at least three characters of a cut name, or nothing', () => {
  const measure = measureText;
  assert.equal(boxText('function_name', 28, measure), 'fun…');
  assert.equal(boxText('function_name', 27.9, measure), '', 'two characters and an ellipsis say too little');
  assert.equal(boxText('ab', 14, measure), 'ab', 'a short name shown whole is fine');
  assert.equal(boxText('😀😀😀😀😀', 28, measure), '😀😀😀…', 'characters, not code units');
  assert.equal(boxText('😀😀😀😀😀', 27, measure), '');
});

// What fitLabel(text, w, measure, 'end') must return, by trying every cut
// from the longest, then starting at a word when a word starts inside it.
function bruteFitEnd(text, maxWidth, measure) {
  if (text === '' || !(maxWidth > 0)) return '';
  if (measure(text) <= maxWidth) return text;
  for (let k = 1; k < text.length; k++) {
    const high = text.charCodeAt(k - 1);
    const low = text.charCodeAt(k);
    if (high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) continue;
    if (measure(ELLIPSIS + text.slice(k)) > maxWidth) continue;
    const end = text.slice(k);
    const sep = end.search(/[._]/);
    if (sep < 0) return ELLIPSIS + end;
    const rest = end.slice(sep + 1);
    return ELLIPSIS + ([...rest].length >= 3 ? rest : end.slice(sep));
  }
  return '';
}

test('a name cut at its start keeps the longest end that fits, from a word', () => {
  const random = rng(42);
  for (let trial = 0; trial < 2000; trial++) {
    const measure = randomMeasure(random);
    const text = randomText(random, random.int(60));
    const maxWidth = random() * 400 - 20;
    const label = fitLabel(text, maxWidth, measure, 'end');
    assert.equal(label, bruteFitEnd(text, maxWidth, measure), `${JSON.stringify(text)} in ${maxWidth}`);
    if (label !== '') assert.ok(measure(label) <= maxWidth);
    if (label !== text && label !== '') {
      assert.ok(label.startsWith(ELLIPSIS) && text.endsWith(label.slice(1)));
      assert.ok(!hasLoneSurrogate(label), 'a surrogate pair is never cut in half');
    }
  }
  const measure = measureText;
  assert.equal(fitLabel('_find_and_load_unlocked', 80, measure, 'end'), '…unlocked');
  assert.equal(fitLabel('_find_and_load', 70, measure, 'end'), '…and_load');
  assert.equal(fitLabel('math.sin', 40, measure, 'end'), '…sin', 'no dot after the ellipsis');
  assert.equal(fitLabel('build_field_17', 42, measure, 'end'), '…_17', 'no piece of a word');
  assert.equal(fitLabel('😀😀😀', 14, measure, 'end'), '…😀');
  assert.equal(fitLabel('😀😀😀', 13, measure, 'end'), '');
});

test('names that start alike lose their start when cut, names like no other keep it', () => {
  assert.deepEqual([...sharedStarts(['math.sin', 'math.cos', 'main', 'build_report', 'math.sin'])].sort(), ['math.cos', 'math.sin']);
  assert.deepEqual([...sharedStarts(['_find_and_load', '_find_and_load_unlocked', 'exec'])].sort(),
    ['_find_and_load', '_find_and_load_unlocked']);
  assert.deepEqual([...sharedStarts(['abc', 'abd', 'x'])], [], 'three characters in common are a word, not a repeat');
  assert.deepEqual([...sharedStarts([])], []);
  // In a tree: built-ins by their short names, each function once.
  const kids = ['<built-in method math.sin>', '<built-in method math.cos>', '<built-in method builtins.len>']
    .map((name, k) => box(k + 1, 1, [], { name, file: '~', line: 0 }));
  const tree = treeFromView(wholeView({ ...box(null, 4, [...kids, box(9, 1, [], { name: 'build_report' })]), name: '(all)', file: '' }));
  const nodes = Array.from({ length: tree.size }, (_, i) => i);
  const shared = sharedStartsOf(tree, nodes);
  assert.deepEqual([...shared].sort(), ['math.cos', 'math.sin']);
  const [sin, , len, report] = tree.children(0);
  assert.deepEqual(labelLines(tree, sin, 35, 1, measureText, shared), ['…sin'], 'the repeated "math." goes');
  assert.deepEqual(labelLines(tree, report, 56, 1, measureText, shared), ['build_r…'], 'a name like no other keeps its start');
  assert.deepEqual(labelLines(tree, len, 100, 1, measureText, shared), [`len ${boxTime(tree, len)}`]);
});

test('a box says its name and time on two lines, one, or its name alone, as its room allows', () => {
  const tree = treeFromView(wholeView({
    ...box(null, 1.172, [box(1, 0.526, [], { name: 'build_report' }), box(2, 0.08, [], { name: 'noop', exact: false })]),
    name: '(all)', file: '',
  }));
  const [report, noop] = tree.children(0);
  const m = measureText;  // 7 px a character
  assert.equal(boxTime(tree, report), '526 ms');
  assert.equal(boxTime(tree, noop), '≈ 80.0 ms', 'an estimate says so');
  assert.deepEqual(labelLines(tree, report, 200, 2, m), ['build_report', '526 ms']);
  assert.deepEqual(labelLines(tree, report, 200, 1, m), ['build_report 526 ms']);
  assert.deepEqual(labelLines(tree, report, 100, 1, m), ['build_report'], 'no room for the time beside it');
  assert.deepEqual(labelLines(tree, report, 84, 2, m), ['build_report', '526 ms']);
  assert.deepEqual(labelLines(tree, report, 50, 2, m), ['build_…', '526 ms'], 'a time is whole or not there');
  assert.deepEqual(labelLines(tree, report, 35, 2, m), ['buil…'], 'the time does not fit');
  assert.deepEqual(labelLines(tree, report, 20, 2, m), [], 'no room for a name, no label');
  assert.deepEqual(labelLines(tree, 0, 200, 1, m), ['(all) 1.17 s']);
  // How many lines a box holds: two at 2 × 1.25 em and two pixels.
  assert.equal(linesThatFit(2 * 12 * LINE_SPACING + 2, 12), 2);
  assert.equal(linesThatFit(2 * 12 * LINE_SPACING + 1.9, 12), 1);
  assert.equal(linesThatFit(12, 12), 1);
  assert.equal(linesThatFit(11.9, 12), 0);
});

test('a box label is its name, as it is, hostile or synthetic', () => {
  const tree = treeFromView(fixtureJson('hostile-tree.json'));
  const names = Array.from({ length: tree.size }, (_, i) => boxLabel(tree, i));
  assert.equal(names[0], '(all)');
  for (const name of ['</script><img src=x onerror=alert(1)>', 'name\nwith\tcontrol', '-2+3 \udcff', 'constructor', '(3 smaller)']) {
    assert.ok(names.includes(name), JSON.stringify(name));
  }
  // Built-ins by their short names (layout/names.js).
  assert.ok(names.includes('len') && names.includes('list.append'));
  const top = treeFromView(fixtureJson('compileall-top.json'));
  const smaller = Array.from({ length: top.size }, (_, i) => i).filter((i) => top.nMerged[i] > 0);
  assert.ok(smaller.length > 0);
  for (const i of smaller) assert.match(boxLabel(top, i), /^\(\d+ smaller\)$/);
});

test('font sizes are read in pixels', () => {
  assert.equal(fontPx('12px system-ui'), 12);
  assert.equal(fontPx('bold 11.5px "Segoe UI", sans-serif'), 11.5);
  assert.equal(fontPx('italic 600 .5px x'), 0.5);
  assert.throws(() => fontPx('1em serif'), TypeError);
  assert.throws(() => fontPx('serif 12pt'), TypeError);
});

test('widths are measured once per string and font', () => {
  const ctx = fakeContext();
  ctx.font = '12px a';
  const m = measurer(ctx);
  assert.equal(m('main'), 28);
  assert.equal(m('main'), 28);
  assert.equal(measurer(ctx)('main'), 28, 'a new measurer for the same font shares the widths');
  assert.deepEqual(ctx.measured, ['main']);
  ctx.font = '14px a';
  measurer(ctx)('main');
  assert.deepEqual(ctx.measured, ['main', 'main'], 'another font, measured again');
  const other = fakeContext();
  other.font = '14px a';
  measurer(other)('main');
  assert.deepEqual(other.measured, ['main'], 'another context, its own widths');
});
