// The colours of a compared chart (layout/diff.js's steps): warm for
// slower, cool for faster, deeper with the size of the change; a distinct
// hue for new call paths; a frame colour for boxes whose base had calls
// that are gone.  Worked out in OKLCH at the lightness of each theme's
// boxes (render/palette.js), so the theme's text reads on every step
// (the tests hold them to WCAG contrast 4.5).

import { DIFF_STEPS, diffStep, hasRemoved } from '../layout/diff.js';
import { BASE_BELOW, BASE_PRESENT, EXACT } from '../model/tree.js';
import { THEMES, oklchHex } from './palette.js';

// OKLCH hues: red-orange for slower, blue for faster, purple for new.
const WARM = 35;
const COOL = 250;
const NEW_HUE = 310;
const REMOVED_HUE = 150;
// Per step away from no change, [lightness, chroma] in each theme: the
// first step barely tinted, each next one more saturated and further from
// the background, so that steps stay apart where a hue's chroma runs out
// of sRGB.  Light fills stay light enough for dark text, dark ones dark
// enough for light text (contrast >= 4.5, tested).
const STEPS = Object.freeze({
  light: Object.freeze([[0.91, 0.04], [0.85, 0.08], [0.78, 0.12], [0.71, 0.16]]),
  dark: Object.freeze([[0.47, 0.04], [0.44, 0.08], [0.41, 0.11], [0.38, 0.14]]),
});
const NEW_TONE = Object.freeze({ light: [0.8, 0.12], dark: [0.42, 0.12] });

function makeDiffTheme(theme) {
  const scale = (hue) => Object.freeze(STEPS[theme].map(([l, c]) => oklchHex(l, c, hue)));
  return Object.freeze({
    warm: scale(WARM),
    cool: scale(COOL),
    none: THEMES[theme].neutral,
    absent: oklchHex(NEW_TONE[theme][0], NEW_TONE[theme][1], NEW_HUE),
    // A frame, not a fill: it must stand out on any fill, so it is far
    // from the boxes' lightness.
    removed: oklchHex(theme === 'light' ? 0.5 : 0.82, 0.16, REMOVED_HUE),
  });
}

export const DIFF_THEMES = Object.freeze({
  light: makeDiffTheme('light'),
  dark: makeDiffTheme('dark'),
});

if (STEPS.light.length !== DIFF_STEPS.length || STEPS.dark.length !== DIFF_STEPS.length) {
  throw new Error('diff-palette: one tone per step of layout/diff.js');
}

// The fill of a step (layout/diff.js's diffStep, or 'absent').
export function stepColor(step, theme) {
  const t = DIFF_THEMES[theme];
  if (step === 'absent' || step === null) return t.absent;
  if (step === 0) return t.none;
  return step > 0 ? t.warm[step - 1] : t.cool[-step - 1];
}

// How to paint node i of a compared view: its step's fill, the theme's
// text, hatching when either side's figure is an estimate, and the
// "removed" frame colour (or null).
export function diffBoxStyle(tree, i, theme, compare) {
  const state = tree.baseState[i];
  const baseEstimated = state === BASE_BELOW || (state === BASE_PRESENT && tree.baseLo[i] !== tree.baseHi[i]);
  return {
    fill: stepColor(diffStep(tree, i, compare), theme),
    text: THEMES[theme].text,
    hatch: !tree.has(i, EXACT) || baseEstimated,
    removed: hasRemoved(tree, i) ? DIFF_THEMES[theme].removed : null,
  };
}
