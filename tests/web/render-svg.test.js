// render/svg.js: the exported SVG is well-formed, escaped, and the picture
// on screen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT, treeFromView } from '../../web/js/model/tree.js';
import { layoutIcicle } from '../../web/js/layout/icicle.js';
import { layoutSunburst } from '../../web/js/layout/sunburst.js';
import { viewColors } from '../../web/js/layout/packages.js';
import { THEMES, boxStyle } from '../../web/js/render/palette.js';
import { icicleBoxes, paintIcicle } from '../../web/js/render/icicle-paint.js';
import { FOCUS, HOVER_SAME, MATCH } from '../../web/js/render/marks.js';
import { paintSunburst, sunburstBoxes } from '../../web/js/render/sunburst-paint.js';
import { icicleSvg, sunburstSvg, xmlEscape } from '../../web/js/render/svg.js';
import { fakeContext, measureText } from './fake-canvas.js';
import { box, fixtureJson, randomView, rng, wholeView } from './support.js';

// Characters XML 1.0 does not allow anywhere.
const NOT_XML = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// A string as it reads back from the document.
function asXml(s) {
  return s.replace(new RegExp(NOT_XML.source, 'g'), '\uFFFD');
}

// Path data as svg.js writes it: commands with plain numbers, no NaN.
const PATH_DATA = /^(?:[MALZhv](?:-?\d+(?:\.\d+)?(?: |(?=[MALZhv])|$))*)+$/;

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s) {
  return s.replace(/&(\w+);/g, (_, name) => ENTITIES[name]);
}

// A small strict XML reader, enough for what svg.js writes: the
// declaration, elements with double-quoted attributes, text, and the five
// entities.  Throws on anything else (a raw '<' or '&' in text or a value,
// unbalanced tags).  Returns the root as { name, attrs, children, text }.
function parseXml(doc) {
  assert.ok(doc.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'), 'the XML declaration comes first');
  assert.ok(!NOT_XML.test(doc), 'only characters XML allows');
  const token = /<\/([A-Za-z][\w-]*)>|<([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w:-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const safe = (s, what) => assert.ok(!/&(?!(?:amp|lt|gt|quot|apos);)/.test(s) && !s.includes('>'), `${what}: ${s}`);
  const top = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [top];
  token.lastIndex = doc.indexOf('\n') + 1;
  while (token.lastIndex < doc.length) {
    const at = token.lastIndex;
    const m = token.exec(doc);
    assert.ok(m !== null, `not XML at ${at}: ${JSON.stringify(doc.slice(at, at + 60))}`);
    const [, close, open, attrs, selfClosing, text] = m;
    const parent = stack[stack.length - 1];
    if (text !== undefined) {
      safe(text, 'text');
      parent.text += unescape(text);
      if (parent.name === '#document') assert.match(text, /^\s*$/, 'nothing but space around the root');
    } else if (close !== undefined) {
      assert.equal(close, parent.name, 'tags nest');
      stack.pop();
    } else {
      const el = { name: open, attrs: {}, children: [], text: '' };
      for (const [, k, v] of attrs.matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g)) {
        safe(v, `attribute ${k}`);
        assert.ok(!(k in el.attrs), `attribute ${k} once`);
        el.attrs[k] = unescape(v);
      }
      parent.children.push(el);
      if (selfClosing === '') stack.push(el);
    }
  }
  assert.equal(stack.length, 1, 'every element is closed');
  assert.equal(top.children.length, 1, 'one root');
  return top.children[0];
}

// The box groups of a document: <g> elements with a <title>.
function boxGroups(svg) {
  const out = [];
  const walk = (el) => {
    if (el.name === 'g' && el.children[0]?.name === 'title') out.push(el);
    else el.children.forEach(walk);
  };
  walk(svg);
  return out;
}

function icicleScene(tree, extra = {}) {
  return {
    tree, rects: layoutIcicle(tree, 0), viewport: { x: 0, y: 0, width: 1200, rowHeight: 20 }, width: 1200, height: 400,
    colors: viewColors(tree, 0, 1000), theme: 'light', marks: null, searching: false, font: '12px "Some Font", sans-serif', ...extra,
  };
}

function sunburstScene(tree, extra = {}) {
  return {
    tree, arcs: layoutSunburst(tree, 0), viewport: { cx: 400, cy: 400, ringWidth: 70 }, width: 800, height: 800,
    colors: viewColors(tree, 0, 1000), theme: 'dark', marks: null, searching: false, font: '11px sans-serif', ...extra,
  };
}

function trees(seed, count) {
  const random = rng(seed);
  const real = ['recursion-full.json', 'compileall-top.json', 'hostile-tree.json', 'edge-tree.json']
    .map((name) => [name, treeFromView(fixtureJson(name))]);
  return [...real, ...Array.from({ length: count }, (_, k) => [`seed ${seed} #${k}`, treeFromView(randomView(random))])];
}

const charts = [
  ['icicle', icicleScene, icicleSvg, icicleBoxes, paintIcicle],
  ['sunburst', sunburstScene, sunburstSvg, sunburstBoxes, paintSunburst],
];

test('XML escaping: markup characters become entities, characters XML forbids become U+FFFD', () => {
  assert.equal(xmlEscape('</script><img src=x onerror=alert(1)>'), '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(xmlEscape('a&b "c" \'d\''), 'a&amp;b &quot;c&quot; &apos;d&apos;');
  assert.equal(xmlEscape('&amp;'), '&amp;amp;', 'an entity in a name is text, escaped again');
  assert.equal(xmlEscape('tab\tLF\nCR\r'), 'tab\tLF\nCR\r', 'the three allowed controls stay');
  assert.equal(xmlEscape('\0\x01\x08\x0B\x0C\x0E\x1F\x7F'), '\uFFFD'.repeat(7) + '\x7F');
  assert.equal(xmlEscape('\uFFFE\uFFFF\uFFFD'), '\uFFFD\uFFFD\uFFFD');
  assert.equal(xmlEscape('lone \uD800 high, lone \uDC00 low'), 'lone \uFFFD high, lone \uFFFD low');
  assert.equal(xmlEscape('\uDC00\uD800 backwards'), '\uFFFD\uFFFD backwards');
  assert.equal(xmlEscape('pair 😀 \uD83D\uDE00 end \uD83D'), 'pair 😀 😀 end \uFFFD');
  assert.equal(xmlEscape('漢字 günther'), '漢字 günther');
});

test('the SVG is well-formed XML, with one box group per box on screen, in its colour', () => {
  for (const [chart, makeScene, toSvg, boxesOf] of charts) {
    for (const [label, tree] of trees(70, 10)) {
      const scene = makeScene(tree);
      const svg = parseXml(toSvg(scene, measureText));
      assert.equal(svg.name, 'svg');
      assert.equal(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
      assert.equal(svg.attrs.viewBox, `0 0 ${scene.width} ${scene.height}`);
      const boxes = boxesOf(scene, measureText);
      const groups = boxGroups(svg);
      assert.equal(groups.length, boxes.length, `${chart} ${label}: one group per visible box`);
      assert.ok(groups.length > 0);
      groups.forEach((g, j) => {
        const node = boxes[j].node;
        if (node < 0) {
          assert.match(g.children[0].text, /^(boxes each too thin to draw|not loaded):/, `${chart} ${label}: the title says what a band is`);
          assert.equal(g.children[1].attrs.fill, THEMES[scene.theme].neutral);
          return;
        }
        assert.ok(g.children[0].text.startsWith(`${asXml(tree.name(node))}\n`), `${chart} ${label}: the title names the box`);
        assert.equal(g.children[1].attrs.fill, boxStyle(tree, scene.colors, node, scene.theme).fill);
        for (const el of g.children.slice(1)) {
          for (const v of [el.attrs.x, el.attrs.y, el.attrs.width, el.attrs.height]) {
            if (v !== undefined) assert.ok(Number.isFinite(Number(v)), v);
          }
          if (el.attrs.d !== undefined) assert.match(el.attrs.d, PATH_DATA);
        }
      });
    }
  }
});

test('hostile names arrive escaped, never as markup', () => {
  const tree = treeFromView(fixtureJson('hostile-tree.json'));
  for (const [chart, makeScene, toSvg] of charts) {
    const doc = toSvg(makeScene(tree), measureText);
    assert.ok(!doc.includes('<script'), chart);
    assert.ok(!doc.includes('<img'), chart);
    assert.ok(doc.includes('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'), chart);
    assert.ok(doc.includes('&lt;script&gt;alert(&quot;f&quot;)&lt;/script&gt;.py:1'), `${chart}: files too`);
    assert.ok(doc.includes('-2+3 \uFFFD'), `${chart}: a lone surrogate becomes U+FFFD`);
    assert.ok(doc.includes('font: 12px &quot;Some Font&quot;, sans-serif') || chart === 'sunburst');
    // Every '<' left in the document opens one of our elements.
    const tags = new Set([...doc.matchAll(/<\/?([^\s/>]*)/g)].map((m) => m[1]));
    const ours = new Set(['?xml', 'svg', 'defs', 'pattern', 'g', 'title', 'rect', 'path', 'text']);
    assert.ok([...tags].every((t) => ours.has(t)), `${chart}: ${[...tags]}`);
    const svg = parseXml(doc);
    const titles = boxGroups(svg).map((g) => g.children[0].text);
    const title = '</script><img src=x onerror=alert(1)>\na/"q\'uote,comma.py:2\n500 ms';
    assert.ok(titles.includes(title), 'and reads back as the name');
  }
  const nasty = treeFromView(wholeView(box(null, 1, [box(1, 1, [], { name: 'a\0b\x1bc\uFFFEd\uD800', file: 'f\x07.py' })])));
  const doc = icicleSvg(icicleScene(nasty), measureText);
  parseXml(doc);
  assert.ok(doc.includes('a\uFFFDb\uFFFDc\uFFFDd\uFFFD\nf\uFFFD.py:2'));
});

test('the SVG is the canvas picture: same boxes, colours, hatching, labels, fading, outlines', () => {
  const random = rng(71);
  for (const [chart, makeScene, toSvg, , paint] of charts) {
    for (const [label, tree] of trees(72, 8)) {
      const marks = new Uint8Array(tree.size);
      for (let i = 0; i < tree.size; i++) marks[i] = random.pick([0, MATCH, MATCH, HOVER_SAME, FOCUS]);
      const scene = makeScene(tree, { marks, searching: true });
      const svg = parseXml(toSvg(scene, measureText));
      const groups = boxGroups(svg);
      const patterns = new Set((svg.children.find((c) => c.name === 'defs')?.children ?? []).map((c) => `url(#${c.attrs.id})`));
      const ctx = fakeContext(scene.width, scene.height);
      paint(ctx, scene);
      // A box on the canvas is a rectangle or a sector, whose outer arc is
      // its one clockwise arc.
      const filled = ctx.ops.filter((o) => o.op === 'fill' && o.rule === 'nonzero' && typeof o.style === 'string').flatMap((o) => o.path)
        .filter((p) => p.kind === 'rect' || (p.kind === 'arc' && !p.ccw));
      assert.equal(groups.length, filled.length, `${chart} ${label}: as many boxes as the canvas fills`);
      const texts = ctx.ops.filter((o) => o.op === 'fillText').map((o) => o.text);
      const svgTexts = groups.flatMap((g) => g.children.filter((c) => c.name === 'text').map((c) => c.text));
      assert.deepEqual(svgTexts.sort(), texts.sort(), `${chart} ${label}: the same labels`);
      const boxes = chart === 'icicle' ? icicleBoxes(scene, measureText) : sunburstBoxes(scene, measureText);
      groups.forEach((g, j) => {
        const node = boxes[j].node;
        const outline = g.children.find((c) => c.attrs['fill-rule'] === 'evenodd');
        const shapes = g.children.slice(1).filter((c) => c.name !== 'text' && c !== outline);
        const fills = shapes.map((c) => c.attrs.fill ?? '');
        for (const f of fills) if (f.startsWith('url(')) assert.ok(patterns.has(f), `${chart}: ${f} is defined`);
        const hatched = fills.some((f) => f.startsWith('url('));
        assert.equal(hatched, node >= 0 && !tree.has(node, EXACT), `${chart} ${label}: hatch on estimates only (node ${node})`);
        const faded = node < 0 || (marks[node] & MATCH) === 0;
        for (const c of g.children.slice(1)) {
          assert.equal(c.attrs.opacity, faded && c !== outline ? '0.3' : undefined, `${chart}: fading, but not of outlines`);
        }
        assert.equal(outline !== undefined, node >= 0 && (marks[node] & (FOCUS | HOVER_SAME)) !== 0, `${chart}: outlines on marked boxes`);
        if (outline !== undefined) {
          assert.equal(outline.attrs.fill, THEMES[scene.theme].text);
          // A frame: the box's outline, then the same inset.
          const subpaths = (d) => d.split('M').length - 1;
          assert.equal(subpaths(outline.attrs.d), 2 * (shapes[0].name === 'rect' ? 1 : subpaths(shapes[0].attrs.d)));
        }
      });
    }
  }
});

test('the hatch pattern is defined once and only when used', () => {
  const exact = treeFromView(fixtureJson('hostile-tree.json'));
  assert.ok(!icicleSvg(icicleScene(exact), measureText).includes('<pattern'), 'no estimates, no pattern');
  const tree = treeFromView(fixtureJson('recursion-full.json'));
  const doc = icicleSvg(icicleScene(tree), measureText);
  assert.equal(doc.match(/<pattern /g).length, 1);
  const svg = parseXml(doc);
  const pattern = svg.children.find((c) => c.name === 'defs').children[0];
  assert.equal(pattern.attrs.id, 'hatch0');
  assert.equal(pattern.attrs.patternUnits, 'userSpaceOnUse');
  assert.equal(boxGroups(svg).filter((g) => g.children.some((c) => c.attrs.fill === 'url(#hatch0)')).length,
    icicleBoxes(icicleScene(tree), measureText).filter((b) => b.node >= 0 && !tree.has(b.node, EXACT)).length);
});
