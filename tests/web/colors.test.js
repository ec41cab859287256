// layout/packages.js (a hue per package in view, a shade per function) and
// render/palette.js (their colours, readable in both themes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT, graftView, treeFromView } from '../../web/js/model/tree.js';
import {
  PALETTE_SIZE, SHADE_COUNT, assignHues, colorIndex, packageOf, shadeIndex, viewColors,
} from '../../web/js/layout/packages.js';
import { THEMES, boxStyle, oklchHex } from '../../web/js/render/palette.js';
import { box, fixtureJson, rng, wholeView } from './support.js';

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

test('a frame with no file is in the package its name gives, when it gives one', () => {
  const cases = [
    ['<frozen importlib._bootstrap>:_find_and_load:1007', 'importlib'],
    ['/usr/lib/python3.11/json/decoder.py:decode:337', '/usr/lib/python3.11/json'],
    ['work (app/jobs.py:12)', 'app'],
    ['<module> (/srv/app/main.py:3)', '/srv/app'],
    ['io/netty/channel/nio/NioEventLoop:.run_[j]', 'io/netty/channel/nio'],
    ['tcp_sendmsg_[k]', '[kernel]'],
    ['main', ''],
    ['std::function<void ()>::operator()', ''],
    ['P6360', ''],
    ['', ''],
  ];
  for (const [name, pkg] of cases) assert.equal(packageOf('', name), pkg, name);
  assert.equal(packageOf('app.py', 'work (x/y.py:1)'), 'app.py', 'a frame with a file is in its file\'s package');
});

test('frames with no file take the hues of the packages their names give', () => {
  const frame = (id, time, name, children = []) => box(id, time, children, { file: '', line: 0, name });
  const tree = treeFromView(wholeView(box(null, 10, [
    frame(0, 6, 'io/netty/nio/Loop:.run_[j]', [frame(1, 4, 'tcp_sendmsg_[k]')]),
    frame(2, 4, 'work (app/jobs.py:12)', [frame(3, 1, 'main')]),
  ])));
  const colors = viewColors(tree, 0, 5);
  assert.deepEqual(colors.packages.map((p) => p.label).sort(), ['', '[kernel]', 'app', 'io/netty/nio']);
  const hues = new Set([1, 2, 3, 4].map((n) => colors.hue[n]));
  assert.equal(hues.size, 4, 'four packages, four hues');
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

test('preferred hues are pinned: the same in every session and on every machine', () => {
  // A change here recolours most charts people have seen: make it on purpose.
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
    assert.ok(Number.isInteger(c) && c >= 0 && c < PALETTE_SIZE);
    assert.equal(colorIndex(key), c);
    const shade = shadeIndex(key, i, key);
    assert.ok(Number.isInteger(shade) && shade >= 0 && shade < THEMES.light.shades[0].length);
  }
});

// The packages drawn in the view of `root`, `levels` deep, the slow way.
function packagesInView(tree, root, levels) {
  const area = new Map();
  for (let i = root; i < tree.end[root]; i++) {
    if (tree.fid[i] < 0 || tree.depth[i] - tree.depth[root] > levels) continue;
    const pkg = packageOf(tree.file(i), tree.name(i));
    const t = tree.time[i] > 0 && tree.time[i] < Infinity ? tree.time[i] : 0;
    area.set(pkg, (area.get(pkg) ?? 0) + t);
  }
  return area;
}

// Many packages: one per function of a wide tree, each in its own directory.
function manyPackages(n) {
  const kids = Array.from({ length: n }, (_, k) => box(k + 1, n + 1 - k, [], { file: `/p${k}/m.py` }));
  return treeFromView(wholeView({ ...box(null, kids.reduce((s, c) => s + c.time, 0), kids), name: '(all)', file: '' }));
}

test('no two packages in view share a hue, and the largest get one first', () => {
  const random = rng(31);
  const trees = [
    ...['compileall-top.json', 'recursion-full.json', 'hostile-tree.json', 'edge-tree.json'].map((n) => [n, treeFromView(fixtureJson(n))]),
    ...[3, 6, 11, 12, 40].map((n) => [`${n} packages`, manyPackages(n)]),
  ];
  for (const [label, tree] of trees) {
    for (let trial = 0; trial < 8; trial++) {
      const root = trial === 0 ? 0 : random.int(tree.size);
      const levels = 1 + random.int(10);
      const colors = viewColors(tree, root, levels);
      const area = packagesInView(tree, root, levels);
      assert.deepEqual(new Set(colors.packages.map((p) => p.label)), new Set(area.keys()), `${label}: the view's packages`);
      const hues = colors.packages.filter((p) => p.index >= 0).map((p) => p.index);
      assert.equal(new Set(hues).size, hues.length, `${label}: a hue per package`);
      assert.equal(hues.length, Math.min(PALETTE_SIZE, area.size), `${label}: every hue used before any package goes grey`);
      for (let k = 1; k < colors.packages.length; k++) {
        assert.ok(colors.packages[k - 1].time >= colors.packages[k].time, `${label}: largest first`);
        if (colors.packages[k].index >= 0) assert.ok(colors.packages[k - 1].index >= 0, `${label}: greys come last`);
      }
      // Every box of the view is in its package's hue.
      const hueOf = new Map(colors.packages.map((p) => [p.label, p.index]));
      for (let i = root; i < tree.end[root]; i++) {
        if (tree.fid[i] < 0) assert.equal(colors.hue[i], -1);
        else if (tree.depth[i] - tree.depth[root] <= levels) assert.equal(colors.hue[i], hueOf.get(packageOf(tree.file(i), tree.name(i))));
      }
    }
  }
});

test('the same view always gets the same colours; a package keeps its hue when it can', () => {
  const tree = treeFromView(fixtureJson('compileall-top.json'));
  const a = viewColors(tree, 0, 10);
  const b = viewColors(tree, 0, 10);
  assert.deepEqual(a, b, 'redraws of one view');
  // The largest package gets the hue its name prefers; a package alone in
  // its view always does.
  const three = viewColors(manyPackages(3), 0, 1);
  assert.equal(three.packages[0].index, colorIndex(three.packages[0].label));
  for (const pkg of ['builtins', '/usr/lib/python3.11/json', '<frozen>']) assert.equal(assignHues([pkg]).get(pkg), colorIndex(pkg));
  // Hues are spread out while there is room: no two of three neighbours.
  const taken = three.packages.map((p) => p.index).sort((x, y) => x - y);
  for (let k = 0; k < taken.length; k++) {
    const d = (taken[(k + 1) % taken.length] - taken[k] + PALETTE_SIZE) % PALETTE_SIZE;
    assert.ok(d >= 2, `hues ${taken} are spread`);
  }
});

test('hues are handed out in order: a longer list keeps the hues of its start', () => {
  const random = rng(32);
  for (let trial = 0; trial < 200; trial++) {
    const names = Array.from({ length: random.int(20) }, (_, k) => `/pkg${random.int(50)}/${k}`);
    const all = assignHues(names);
    for (let n = 0; n <= names.length; n++) {
      const part = assignHues(names.slice(0, n));
      for (const [pkg, hue] of part) assert.equal(all.get(pkg), hue);
    }
    const used = [...all.values()].filter((h) => h >= 0);
    assert.equal(new Set(used).size, used.length);
  }
});

test('functions of one package get shades of its hue, the same wherever they appear', () => {
  const recursion = treeFromView(fixtureJson('recursion-top.json'));
  const grafted = graftView(recursion, fixtureJson('recursion-zoom-cyc-b.json'));
  const byFunction = new Map();
  const shadesSeen = new Set();
  for (const t of [recursion, grafted, treeFromView(fixtureJson('recursion-full.json'))]) {
    const c = viewColors(t, 0, 20);
    for (let i = 0; i < t.size; i++) {
      if (t.fid[i] < 0) continue;
      const key = `${t.file(i)}:${t.line[i]}:${t.name(i)}`;
      if (!byFunction.has(key)) byFunction.set(key, c.shade[i]);
      assert.equal(c.shade[i], byFunction.get(key), key);
      assert.equal(c.shade[i], shadeIndex(t.file(i), t.line[i], t.name(i)));
      if (t.file(i).includes('w_recursion')) shadesSeen.add(c.shade[i]);
    }
  }
  assert.ok(shadesSeen.size >= 3, 'the functions of one file are told apart by shade');
  // Shades of a hue are distinct colours, and stay that hue.
  for (const theme of Object.values(THEMES)) {
    theme.shades.forEach((shades, k) => {
      assert.equal(new Set(shades).size, shades.length);
      assert.equal(shades[0], theme.palette[k]);
      for (const s of shades) {
        const d = Math.abs(hue(s) - hue(theme.palette[k]));
        assert.ok(Math.min(d, 360 - d) < 20, `${s} is a shade of ${theme.palette[k]}`);
      }
    });
  }
});

test('synthetic boxes are plain neutral, packages past the palette shades of it; estimated boxes are hatched', () => {
  for (const name of ['recursion-full.json', 'recursion-top.json', 'hostile-tree.json']) {
    const tree = treeFromView(fixtureJson(name));
    const colors = viewColors(tree, 0, 20);
    for (let i = 0; i < tree.size; i++) {
      for (const theme of ['light', 'dark']) {
        const style = boxStyle(tree, colors, i, theme);
        const t = THEMES[theme];
        const want = tree.fid[i] < 0 ? t.neutral
          : colors.hue[i] < 0 ? t.neutralShades[colors.shade[i]] : t.shades[colors.hue[i]][colors.shade[i]];
        assert.equal(style.fill, want);
        assert.equal(style.hatch, !tree.has(i, EXACT));
        assert.equal(style.text, t.text);
      }
    }
  }
  const tree = manyPackages(14);
  const colors = viewColors(tree, 0, 1);
  const grey = colors.packages.filter((p) => p.index < 0);
  assert.equal(grey.length, 14 - PALETTE_SIZE);
  assert.deepEqual(grey.map((p) => p.label), ['/p11', '/p12', '/p13'], 'the smallest go grey');
  const recursion = treeFromView(fixtureJson('recursion-full.json'));
  const rc = viewColors(recursion, 0, 20);
  const hatched = Array.from({ length: recursion.size }, (_, i) => i).filter((i) => boxStyle(recursion, rc, i, 'light').hatch);
  assert.ok(hatched.length > 0 && hatched.length < recursion.size, 'the fixture has both kinds');
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
    for (const fill of [...theme.shades.flat(), ...theme.neutralShades, theme.neutral]) {
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

test('OKLCH colours come out in sRGB, out-of-gamut ones with less chroma, not another hue', () => {
  assert.equal(oklchHex(1, 0, 0), '#ffffff');
  assert.equal(oklchHex(0, 0, 0), '#000000');
  assert.equal(oklchHex(0.627955, 0.257683, 29.2339), '#ff0000');
  for (const h of [0, 60, 120, 180, 240, 300]) {
    const vivid = oklchHex(0.7, 0.4, h);
    assert.match(vivid, /^#[0-9a-f]{6}$/);
    const d = Math.abs(hue(vivid) - hue(oklchHex(0.7, 0.05, h)));
    assert.ok(Math.min(d, 360 - d) < 15, `hue ${h}: ${vivid}`);
  }
});

test('the palette has a colour for every hue and shade the layout hands out', () => {
  for (const theme of ['light', 'dark']) {
    assert.equal(THEMES[theme].palette.length, PALETTE_SIZE, theme);
    assert.equal(THEMES[theme].shades.length, PALETTE_SIZE, theme);
    for (const shades of THEMES[theme].shades) assert.equal(shades.length, SHADE_COUNT, theme);
    assert.equal(THEMES[theme].neutralShades.length, SHADE_COUNT, theme);
  }
});
