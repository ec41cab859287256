// colors.js: colours by package, stable, readable in both themes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT, graftView, treeFromView } from '../../web/js/model/tree.js';
import { THEMES, boxStyle, colorIndex, packageOf, treeColors } from '../../web/js/colors.js';
import { fixtureJson, rng } from './support.js';

test('the package of a file is its directory', () => {
  const cases = [
    ['/usr/lib/python3.11/json/decoder.py', 'x', '/usr/lib/python3.11/json'],
    ['/usr/lib/python3.11/json/__init__.py', 'x', '/usr/lib/python3.11/json'],
    ['C:\\Python311\\Lib\\json\\decoder.py', 'x', 'C:\\Python311\\Lib\\json'],
    ['w.py', 'main', 'w.py'],
    ['/w.py', 'main', '/'],
    ['<frozen importlib._bootstrap>', 'x', 'importlib'],
    ['<frozen importlib._bootstrap_external>', 'x', 'importlib'],
    ['<frozen os>', 'x', '<frozen>'],
    ['<frozen posixpath>', 'x', '<frozen>'],
    ['<string>', 'x', '<string>'],
    ['', '', ''],
  ];
  for (const [file, name, pkg] of cases) assert.equal(packageOf(file, name), pkg, file);
});

test('the package of a built-in is the module its name gives', () => {
  const cases = [
    ['<built-in method builtins.len>', 'builtins'],
    ['<built-in method _abc._abc_subclasscheck>', '_abc'],
    ['<built-in method io.open>', 'io'],
    ['<built-in method posix.stat>', 'posix'],
    ["<method 'disable' of '_lsprof.Profiler' objects>", '_lsprof'],
    ["<method 'read' of '_io.BufferedReader' objects>", '_io'],
    ["<method 'sub' of 're.Pattern' objects>", 're'],
    ["<method 'append' of 'list' objects>", 'builtins'],
    ['<built-in method __new__ of type object at 0x7f9b3065ea00>', 'builtins'],
    ['<built-in method fromkeys>', 'builtins'],
    ['<time.sleep>', 'time'],
    ['<len>', 'builtins'],
    ['', 'builtins'],
    ['</script><img src=x onerror=alert(1)>', 'builtins'],
  ];
  for (const [name, pkg] of cases) assert.equal(packageOf('~', name), pkg, name);
});

test('colour indices are pinned: the same in every session and on every machine', () => {
  // A change here recolours every chart people have seen: make it on purpose.
  const pinned = {
    builtins: colorIndex('builtins'),
    '/usr/lib/python3.11': colorIndex('/usr/lib/python3.11'),
    '/usr/lib/python3.11/json': colorIndex('/usr/lib/python3.11/json'),
  };
  assert.deepEqual(pinned, { builtins: 7, '/usr/lib/python3.11': 2, '/usr/lib/python3.11/json': 10 });
  const random = rng(30);
  for (let i = 0; i < 1000; i++) {
    const key = String.fromCharCode(...Array.from({ length: random.int(30) }, () => random.int(0x10000)));
    const c = colorIndex(key);
    assert.ok(Number.isInteger(c) && c >= 0 && c < THEMES.light.palette.length);
    assert.equal(colorIndex(key), c);
  }
});

test('colours do not depend on the order they are asked for, nor on the view', () => {
  const view = fixtureJson('compileall-top.json');
  const tree = treeFromView(view);
  const colors = treeColors(tree);
  const random = rng(31);
  const order = Array.from({ length: tree.size }, (_, i) => i).sort(() => random() - 0.5);
  for (const i of order) {
    if (tree.fid[i] >= 0) assert.equal(colorIndex(packageOf(tree.file(i), tree.name(i))), colors[i]);
  }
  // The same function keeps its colour wherever it appears, in this view and
  // in another one of the same profile.
  const byFunction = new Map();
  const recursion = treeFromView(fixtureJson('recursion-top.json'));
  const grafted = graftView(recursion, fixtureJson('recursion-zoom-cyc-b.json'));
  for (const t of [tree, recursion, grafted, treeFromView(fixtureJson('recursion-full.json'))]) {
    const c = treeColors(t);
    for (let i = 0; i < t.size; i++) {
      if (t.fid[i] < 0) continue;
      const key = `${t.file(i)}:${t.line[i]}:${t.name(i)}`;
      if (!byFunction.has(key)) byFunction.set(key, c[i]);
      assert.equal(c[i], byFunction.get(key), key);
    }
  }
});

test('one package, one colour; a real profile gets several', () => {
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const colors = treeColors(tree);
  const byPackage = new Map();
  for (let i = 0; i < tree.size; i++) {
    if (tree.fid[i] < 0) continue;
    const pkg = packageOf(tree.file(i), tree.name(i));
    if (!byPackage.has(pkg)) byPackage.set(pkg, colors[i]);
    assert.equal(colors[i], byPackage.get(pkg));
  }
  assert.deepEqual([...byPackage.keys()].sort(), ['/tmp/profviz-corpus-work', '_lsprof', 'builtins']);
  const { rows } = fixtureJson('compileall-functions.json');
  const packages = new Set(rows.map((r) => packageOf(r.file, r.name)));
  assert.ok(packages.size >= 10);
  assert.ok(new Set([...packages].map(colorIndex)).size >= 6, 'packages spread over the palette');
});

test('synthetic boxes are neutral, estimated boxes are hatched', () => {
  for (const name of ['recursion-full.json', 'recursion-top.json', 'hostile-tree.json']) {
    const tree = treeFromView(fixtureJson(name));
    const colors = treeColors(tree);
    for (let i = 0; i < tree.size; i++) {
      for (const theme of ['light', 'dark']) {
        const style = boxStyle(tree, colors, i, theme);
        assert.equal(style.fill, tree.fid[i] < 0 ? THEMES[theme].neutral : THEMES[theme].palette[colors[i]]);
        assert.equal(style.hatch, !tree.has(i, EXACT));
        assert.equal(style.text, THEMES[theme].text);
      }
    }
  }
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const colors = treeColors(tree);
  const hatched = Array.from({ length: tree.size }, (_, i) => i).filter((i) => boxStyle(tree, colors, i, 'light').hatch);
  assert.ok(hatched.length > 0 && hatched.length < tree.size, 'the fixture has both kinds');
});

// WCAG 2 contrast ratio of two #rrggbb colours.
function contrast(a, b) {
  const lum = (hex) => {
    const [r, g, bl] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function hue(hex) {
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  return (Math.atan2(Math.sqrt(3) * (g - b), 2 * r - g - b) * 180) / Math.PI;
}

test('every colour is readable under its theme\'s text, in light and dark', () => {
  assert.equal(THEMES.light.palette.length, THEMES.dark.palette.length);
  for (const theme of Object.values(THEMES)) {
    for (const fill of [...theme.palette, theme.neutral]) {
      assert.match(fill, /^#[0-9a-f]{6}$/);
      assert.ok(contrast(fill, theme.text) >= 4.5, `${fill} under ${theme.text}: ${contrast(fill, theme.text).toFixed(2)}`);
    }
    assert.equal(new Set(theme.palette).size, theme.palette.length);
  }
  // A package has the same hue in both themes, only lighter or darker.
  THEMES.light.palette.forEach((light, k) => {
    const d = Math.abs(hue(light) - hue(THEMES.dark.palette[k]));
    assert.ok(Math.min(d, 360 - d) < 12, `${light} and ${THEMES.dark.palette[k]}`);
  });
});
