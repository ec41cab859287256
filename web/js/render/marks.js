// What the UI marks on boxes for the painters, one byte per tree node
// (a Uint8Array of tree.size, indexed by node, or null for no marks).
//
// Why a byte array and not flags on the nodes: marks are UI state (hover,
// search, keyboard focus) and are never written onto the model (style
// guide §3.9); a typed array is rebuilt cheaply when they change and read
// in O(1) per box while painting.

export const HOVER_SAME = 1;  // another box of the function under the pointer: outlined
export const MATCH = 2;       // matches the search: when searching, boxes without it are faded
export const FOCUS = 4;       // the box keyboard focus is on: outlined, more heavily
