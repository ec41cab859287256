// The colours of the chart's boxes per theme: each hue's shades
// (layout/packages.js decides which hue and shade a box takes), the neutral
// greys, the text and the hatching of estimates.
//
// Colours are worked out in OKLCH, where equal lightness looks equally
// light whatever the hue, so one lightness per theme keeps every shade
// readable under the theme's text (WCAG contrast >= 4.5, checked by the
// tests).  Estimated boxes keep their colour and get hatch: true; the
// renderer draws the hatching.

import { EXACT } from '../model/tree.js';

// OKLCH hues (degrees) of the palette, about 33° apart round the circle:
// red, orange, yellow, lime, green, teal, cyan, blue, indigo, purple, pink.
// As many as layout/packages.js's PALETTE_SIZE, and SHADES as many as its
// SHADE_COUNT (the tests check): it hands out the indices.
const HUES = Object.freeze([25, 60, 95, 125, 150, 185, 215, 250, 280, 310, 345]);

// Shades of a hue: lightness added and chroma scaled, one per function.
const SHADES = Object.freeze([[0, 1], [-0.05, 1.2], [0.035, 0.75], [-0.025, 0.85], [0.02, 1.3]]);

// Each theme's lightness and chroma for the boxes: pastel under dark text,
// deep under light text.
const TONES = Object.freeze({ light: { l: 0.85, c: 0.09 }, dark: { l: 0.44, c: 0.085 } });

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
