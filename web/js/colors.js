// Box colours: a hue per package, a shade per function.
//
// Why by package: the eye groups a chart by where the code lives (the
// project, the standard library, a dependency), which is what one asks
// first of a profile.  Why a shade per function too: within one package
// (all of a small script is one package) neighbouring boxes of different
// functions must still look different, so each function gets one of a few
// lighter, darker, more or less saturated versions of its package's hue,
// by a hash of the function: the same shade in every view.
//
// Hues are given to the packages of the view on screen, not fixed per
// package: a fixed hash of a package name onto a dozen hues puts two
// packages of one chart on the same hue more often than not (builtins and
// marshal, importlib and posix, re and _io did).  So the packages shown
// are ranked by the area their boxes take (their time summed over the
// levels drawn), and each in turn takes the free hue nearest the one its
// name hashes to, keeping a free hue between taken ones while it can.  A
// package thus keeps its hue from view to view unless a larger one wants
// it, two packages in view never share one, and the same view always gets
// the same hues.  Past the palette's size, the smallest packages are drawn
// in shades of the neutral grey, which the legend calls "other".
//
// The package of a function is its file's directory ("/usr/lib/python3.11/
// json/decoder.py" -> "/usr/lib/python3.11/json"), or the file itself when it
// has none; for a frozen module the parent of its dotted name
// ("<frozen importlib._bootstrap>" -> "importlib"); for a built-in (file "~")
// the module its name gives (layout/names.js: "<built-in method
// builtins.len>" -> "builtins").  Synthetic boxes ("(all)", "(N smaller)")
// are the plain neutral grey.
//
// Colours are worked out in OKLCH, where equal lightness looks equally
// light whatever the hue, so one lightness per theme keeps every shade
// readable under the theme's text (WCAG contrast >= 4.5, checked by the
// tests).  Estimated boxes keep their colour and get hatch: true; the
// renderer draws the hatching.

import { builtinParts } from './layout/names.js';
import { EXACT } from './model/tree.js';

// OKLCH hues (degrees) of the palette, about 33° apart round the circle:
// red, orange, yellow, lime, green, teal, cyan, blue, indigo, purple, pink.
const HUES = Object.freeze([25, 60, 95, 125, 150, 185, 215, 250, 280, 310, 345]);

// Shades of a hue: lightness added and chroma scaled, one per function.
const SHADES = Object.freeze([[0, 1], [-0.05, 1.2], [0.035, 0.75], [-0.025, 0.85], [0.02, 1.3]]);

// Each theme's lightness and chroma for the boxes: pastel under dark text,
// deep under light text.
const TONES = Object.freeze({ light: { l: 0.85, c: 0.09 }, dark: { l: 0.44, c: 0.085 } });

export const PALETTE_SIZE = HUES.length;

function makeTheme(tone, text, hatch) {
  const greys = Object.freeze(SHADES.map(([dl]) => oklchHex(tone.l + dl, 0, 0)));
  const palette = HUES.map((h) => Object.freeze(SHADES.map(([dl, k]) => oklchHex(tone.l + dl, tone.c * k, h))));
  return Object.freeze({
    // Per hue, its shades; the first is the hue's own colour (the legend's).
    palette: Object.freeze(palette.map((s) => s[0])),
    shades: Object.freeze(palette),
    neutral: oklchHex(tone.l, 0, 0),
    neutralShades: greys,
    text,
    // Light enough that a chart of mostly estimates stays readable: the
    // stripes say "estimate" without hiding the colours.
    hatch,
  });
}

export const THEMES = Object.freeze({
  light: makeTheme(TONES.light, '#1b1b1b', 'rgba(0, 0, 0, 0.16)'),
  dark: makeTheme(TONES.dark, '#f2f2f2', 'rgba(255, 255, 255, 0.16)'),
});

// OKLCH (Björn Ottosson's OKLab in polar form) as #rrggbb.  A colour
// outside sRGB has its chroma lowered until it fits, so the hue stays.
export function oklchHex(l, c, hueDegrees) {
  const h = (hueDegrees * Math.PI) / 180;
  let lo = 0;
  let hi = c;
  let rgb = oklabToLinearRgb(l, c * Math.cos(h), c * Math.sin(h));
  if (!inGamut(rgb)) {
    for (let k = 0; k < 24; k++) {
      const mid = (lo + hi) / 2;
      const t = oklabToLinearRgb(l, mid * Math.cos(h), mid * Math.sin(h));
      if (inGamut(t)) lo = mid;
      else hi = mid;
    }
    rgb = oklabToLinearRgb(l, lo * Math.cos(h), lo * Math.sin(h));
  }
  return `#${rgb.map((v) => Math.round(255 * toSrgb(v)).toString(16).padStart(2, '0')).join('')}`;
}

function oklabToLinearRgb(L, a, b) {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

function inGamut(rgb) {
  return rgb.every((v) => v >= -1e-9 && v <= 1 + 1e-9);
}

function toSrgb(v) {
  const x = Math.min(1, Math.max(0, v));
  return x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055;
}

// The package of a function (see above): what the legend shows.
export function packageOf(file, name) {
  if (file === '~') return builtinParts(name).module;
  const frozen = /^<frozen ([\w.]+)>$/.exec(file);
  if (frozen) return frozenPackage(frozen[1]);
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  if (cut > 0) return file.slice(0, cut);
  return cut === 0 ? file.slice(0, 1) : file;
}

// A module frozen into the interpreter ("<frozen importlib._bootstrap>",
// "<frozen os>") has no directory: its package is the dotted name's parent,
// and the top-level ones, all standard library, share one.
function frozenPackage(module) {
  const cut = module.lastIndexOf('.');
  return cut > 0 ? module.slice(0, cut) : '<frozen>';
}

// FNV-1a over a string's UTF-16 code units, then murmur3's finaliser so
// that similar strings (lib/a, lib/b) spread out instead of landing on
// neighbours.
function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// The hue a package would like: the same in every session and on every
// machine, so that most packages look the same from chart to chart.
export function colorIndex(pkg) {
  return hash(pkg) % PALETTE_SIZE;
}

// The shade of a function, by what names it (file, line, name).
export function shadeIndex(file, line, name) {
  return hash(`${file}\0${line}\0${name}`) % SHADES.length;
}

// Hues for packages in order of importance: each takes the free hue
// nearest its own (colorIndex), the next one up the palette on a tie,
// preferring hues with no taken neighbour while there are any.  Returns a
// Map package -> palette index, -1 once the palette is used up.  Each
// package's hue depends only on those before it, so a list extended at its
// end keeps the hues of its start.
export function assignHues(packages) {
  const taken = new Uint8Array(PALETTE_SIZE);
  const out = new Map();
  const free = (k) => taken[k] === 0;
  const alone = (k) => free(k) && free((k + 1) % PALETTE_SIZE) && free((k + PALETTE_SIZE - 1) % PALETTE_SIZE);
  for (const pkg of packages) {
    if (out.has(pkg)) continue;
    const want = colorIndex(pkg);
    const order = [want];
    for (let d = 1; d <= PALETTE_SIZE >> 1; d++) order.push((want + d) % PALETTE_SIZE, (want - d + PALETTE_SIZE) % PALETTE_SIZE);
    const k = order.find(alone) ?? order.find(free) ?? -1;
    if (k >= 0) taken[k] = 1;
    out.set(pkg, k);
  }
  return out;
}

// A function's package, one packageOf per file (built-ins, which share the
// file "~", per name).
function packageReader(tree) {
  const byFile = new Map();
  return (i) => {
    const key = tree.file(i) === '~' ? `~${tree.name(i)}` : tree.file(i);
    let pkg = byFile.get(key);
    if (pkg === undefined) byFile.set(key, (pkg = packageOf(tree.file(i), tree.name(i))));
    return pkg;
  };
}

// The colours of a view: the subtree of node `root` down `levels` levels
// below it.  Returns { hue, shade, packages }: hue (Int8Array, per node of
// the tree) the palette index, -1 for neutral; shade (Uint8Array) the shade
// index; packages the view's packages largest first, { label, index, time }
// with index their hue (-1: beyond the palette, "other") and time their
// area in seconds (summed over the levels shown).  Packages of boxes
// outside the view (still drawn while a zoom animates) come after the
// view's, so they never take a hue from one in view.
export function viewColors(tree, root, levels) {
  const packageAt = packageReader(tree);
  const area = new Map();
  const bottom = tree.depth[root] + levels;
  for (let i = root; i < tree.end[root]; i++) {
    if (tree.fid[i] < 0 || tree.depth[i] > bottom) continue;
    const t = tree.time[i] > 0 && tree.time[i] < Infinity ? tree.time[i] : 0;
    const pkg = packageAt(i);
    area.set(pkg, (area.get(pkg) ?? 0) + t);
  }
  const ranked = [...area.keys()].sort((a, b) => area.get(b) - area.get(a) || (a < b ? -1 : a > b ? 1 : 0));
  const outside = new Set();
  for (let i = 0; i < tree.size; i++) if (tree.fid[i] >= 0 && !area.has(packageAt(i))) outside.add(packageAt(i));
  const hues = assignHues([...ranked, ...[...outside].sort()]);
  const hue = new Int8Array(tree.size);
  const shade = new Uint8Array(tree.size);
  const shadeOf = new Map();  // function id -> shade: one hash per function
  for (let i = 0; i < tree.size; i++) {
    const fid = tree.fid[i];
    if (fid < 0) {
      hue[i] = -1;
      continue;
    }
    hue[i] = hues.get(packageAt(i));
    let s = shadeOf.get(fid);
    if (s === undefined) shadeOf.set(fid, (s = shadeIndex(tree.file(i), tree.line[i], tree.name(i))));
    shade[i] = s;
  }
  return { hue, shade, packages: ranked.map((label) => ({ label, index: hues.get(label), time: area.get(label) })) };
}

// How to paint node i: fill and text colours of the theme, and whether to
// hatch it because its time is an estimate.
export function boxStyle(tree, colors, i, theme) {
  const t = THEMES[theme];
  const k = colors.hue[i];
  let fill = t.neutral;
  if (k >= 0) fill = t.shades[k][colors.shade[i]];
  else if (tree.fid[i] >= 0) fill = t.neutralShades[colors.shade[i]];
  return { fill, text: t.text, hatch: !tree.has(i, EXACT) };
}
