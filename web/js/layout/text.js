// Profile strings as they are shown: with the characters that reorder text
// made visible.
//
// Why: a name holding a right-to-left override (U+202E) or another bidi
// control shows its characters in another order than they are stored:
// "dir/x(\u202Ename with control)4:py." reads as "...4:yp." backwards, and
// the same trick can make one file name pass for another (the "Trojan
// Source" attack, CVE-2021-42574).  A profile viewer must show what the
// profile says, so each such character becomes a visible ⟨U+XXXX⟩ mark.
// Search and the API keep the raw string; only what is drawn changes.

const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(s) {
  return s.replace(BIDI_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
