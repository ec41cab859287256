// What the UI marks on boxes for the painters, one byte per tree node
// (a Uint8Array of tree.size, indexed by node, or null for no marks).
//
// Why a byte array and not flags on the nodes: marks are UI state (hover,
// search, keyboard focus), and UI state lives in state/ and the views, never
// on model nodes (so model/ and layout/ stay pure and shareable between
// views); a typed array is rebuilt cheaply when they change and read in
// O(1) per box while painting.

export const HOVER_SAME = 1;  // another box of the function under the pointer: outlined
export const MATCH = 2;       // matches the search: when searching, boxes without it are faded
export const FOCUS = 4;       // the box keyboard focus is on: outlined, more heavily

// The marks of a tree's boxes: MATCH where `matches` (model/search.js, one
// byte per node) says so, HOVER_SAME on every box of the hovered node's
// function (node `hover`'s function id: a function repeated on its own
// path, by recursion, is marked at each of its boxes), FOCUS on node
// `focus`.  hover and focus are node indices or null.
export function markBoxes(tree, { hover, focus, matches }) {
  const marks = new Uint8Array(tree.size);
  if (matches && matches.length === tree.size) {
    for (let i = 0; i < tree.size; i++) if (matches[i]) marks[i] |= MATCH;
  }
  if (hover !== null && hover >= 0 && hover < tree.size && tree.fid[hover] >= 0) {
    const fid = tree.fid[hover];
    for (let i = 0; i < tree.size; i++) if (tree.fid[i] === fid) marks[i] |= HOVER_SAME;
  }
  if (focus !== null && focus >= 0 && focus < tree.size) marks[focus] |= FOCUS;
  return marks;
}
