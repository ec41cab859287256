// Which hue and shade each box takes: a hue per package, a shade per
// function (render/palette.js turns them into colours per theme).
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

import { builtinParts } from './names.js';

// How many hues the palette has (render/palette.js's HUES: red, orange,
// yellow, lime, green, teal, cyan, blue, indigo, purple, pink) and how many
// shades of each (its SHADES).
export const PALETTE_SIZE = 11;
export const SHADE_COUNT = 5;
// The shade of every box when colouring by package: the middle one.
export const PACKAGE_SHADE = 2;

// The package of a function (see above): what the legend shows.
export function packageOf(file, name) {
  if (file === '~') return builtinParts(name).module;
  if (file === '') return framePackage(name);
  const frozen = /^<frozen ([\w.]+)>$/.exec(file);
  if (frozen) return frozenPackage(frozen[1]);
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  if (cut > 0) return file.slice(0, cut);
  return cut === 0 ? file.slice(0, 1) : file;
}

// A frame with no file (folded stacks name frames only) is in the package
// its name gives, where the profiler that wrote it puts a place in it, so
// that a folded chart has a hue per package as a pstats one has:
//   "<frozen importlib._bootstrap>:_find_and_load:1007"  (austin: file:function:line) -> importlib
//   "work (app/jobs.py:12)"                            (py-spy: function (file:line)) -> app
//   "io/netty/channel/nio/NioEventLoop:.run_[j]"       (Java, perf-map-agent) -> io/netty/channel/nio
//   "tcp_sendmsg_[k]"                                  (perf: the kernel) -> [kernel]
// and in no package ('', the legend's "(no file)") otherwise.
function framePackage(name) {
  if (name.endsWith('_[k]')) return '[kernel]';
  const place = /^(.+):[^:]+:\d+$/.exec(name) ?? /^.*? \((.+):\d+\)$/.exec(name);
  if (place) return packageOf(place[1], '');
  return name.includes('/') ? packageOf(name, '') : '';
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
  return hash(`${file}\0${line}\0${name}`) % SHADE_COUNT;
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
// file "~", and frames with no file, per name).
function packageReader(tree) {
  const byFile = new Map();
  return (i) => {
    const file = tree.file(i);
    const key = file === '~' || file === '' ? `${file}\0${tree.name(i)}` : file;
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
// area in the profile's unit (summed over the levels shown).  Packages of boxes
// outside the view (still drawn while a zoom animates) come after the
// view's, so they never take a hue from one in view.  byPackage: one colour
// per package (PACKAGE_SHADE for all its functions), so that the eye sees
// which library takes the width rather than which function.
export function viewColors(tree, root, levels, { byPackage = false } = {}) {
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
    if (byPackage) {
      shade[i] = PACKAGE_SHADE;
      continue;
    }
    let s = shadeOf.get(fid);
    if (s === undefined) shadeOf.set(fid, (s = shadeIndex(tree.file(i), tree.line[i], tree.name(i))));
    shade[i] = s;
  }
  return { hue, shade, packages: ranked.map((label) => ({ label, index: hues.get(label), time: area.get(label) })) };
}

