// Box colours: one per package, the same in every view and every session.
//
// Why by package: the eye groups a chart by where the code lives (the
// project, the standard library, a dependency), which is what one asks
// first of a profile.  Why a hash and not "next free colour": the colour of a
// package must not depend on what else the profile holds, the order boxes
// were drawn in or how far the user zoomed, so that two screenshots of one
// profile, or of two runs of one program, can be compared by colour.
//
// The package of a function is its file's directory ("/usr/lib/python3.11/
// json/decoder.py" -> "/usr/lib/python3.11/json"), or the file itself when it
// has none; for a frozen module the parent of its dotted name
// ("<frozen importlib._bootstrap>" -> "importlib"); for a built-in (file "~")
// it is the module its name gives:
// "<built-in method builtins.len>" -> "builtins", "<method 'read' of
// '_io.BufferedReader' objects>" -> "_io", Python 2's "<time.sleep>" ->
// "time".  Synthetic boxes ("(all)", "(N smaller)") take a neutral grey.
//
// Each palette entry exists in a light and a dark version of the same hue,
// both readable under the theme's text colour (WCAG contrast >= 4.5, checked
// by the tests).  Estimated boxes keep their colour and get hatch: true; the
// renderer draws the hatching.

import { EXACT } from './model/tree.js';

export const THEMES = Object.freeze({
  light: Object.freeze({
    // ColorBrewer Set3 without its grey, which is the neutral colour here.
    palette: Object.freeze(['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462',
      '#b3de69', '#fccde5', '#bc80bd', '#ccebc5', '#ffed6f']),
    neutral: '#d4d4d4',
    text: '#1b1b1b',
    hatch: 'rgba(0, 0, 0, 0.35)',
  }),
  dark: Object.freeze({
    // The same hues, darkened until the light text reads on them.
    palette: Object.freeze(['#2c7266', '#6b6b1f', '#595095', '#b24134', '#336c94', '#8c5d29',
      '#537121', '#b23474', '#924d94', '#367428', '#736821']),
    neutral: '#4d4d4d',
    text: '#f2f2f2',
    hatch: 'rgba(255, 255, 255, 0.35)',
  }),
});

const PALETTE_SIZE = THEMES.light.palette.length;

// The package of a function (see above): what the legend shows.
export function packageOf(file, name) {
  if (file === '~') return builtinModule(name);
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

function builtinModule(name) {
  const inner = name.startsWith('<') && name.endsWith('>') ? name.slice(1, -1) : name;
  const dotted = /^method '[^']*' of '([^']*)' objects$/.exec(inner)
    ?? /^built-in (?:method|function) ([\w.]+)$/.exec(inner)
    ?? /^([\w.]+)$/.exec(inner);
  const cut = dotted ? dotted[1].lastIndexOf('.') : -1;
  // No module in the name: a method of a built-in type (str, list) or a
  // built-in function of Python 2 (<len>).
  return cut > 0 ? dotted[1].slice(0, cut) : 'builtins';
}

// Palette index of a package: FNV-1a over its UTF-16 code units, then
// murmur3's finaliser so that similar names (lib/a, lib/b) spread over the
// palette instead of landing on neighbours.
export function colorIndex(pkg) {
  let h = 0x811c9dc5;
  for (let i = 0; i < pkg.length; i++) h = Math.imul(h ^ pkg.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % PALETTE_SIZE;
}

// The palette index of every node of a tree, -1 for synthetic boxes:
// computed once per tree (one hash per distinct file) rather than per frame.
export function treeColors(tree) {
  const byFile = new Map();
  const out = new Int8Array(tree.size);
  for (let i = 0; i < tree.size; i++) {
    if (tree.fid[i] < 0) {
      out[i] = -1;
      continue;
    }
    // Built-ins share file "~": their key is the name, not the file.
    const key = tree.file(i) === '~' ? `~${tree.name(i)}` : tree.file(i);
    let c = byFile.get(key);
    if (c === undefined) {
      c = colorIndex(packageOf(tree.file(i), tree.name(i)));
      byFile.set(key, c);
    }
    out[i] = c;
  }
  return out;
}

// How to paint node i: fill and text colours of the theme, and whether to
// hatch it because its time is an estimate.
export function boxStyle(tree, colors, i, theme) {
  const t = THEMES[theme];
  return {
    fill: colors[i] < 0 ? t.neutral : t.palette[colors[i]],
    text: t.text,
    hatch: !tree.has(i, EXACT),
  };
}
