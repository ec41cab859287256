// Search over the boxes of a tree: which boxes match, and how much of the
// profile's time they stand for.
//
// A box matches when its function name or file holds the query, ignoring
// case (as the table's filter does on the server).  The matched share
// counts each stretch of time once: a match inside a matching box (a
// recursive function, or two matching functions calling each other) is
// already inside its ancestor's time, so only the top-most matches of each
// branch are added up.

// { matches: Uint8Array (1 for a matching box), count, time, share }:
// share is time over the time of node 0 (the whole profile), 0 when the
// query is empty.
export function searchTree(tree, query) {
  const matches = new Uint8Array(tree.size);
  const q = query.toLowerCase();
  if (q === '') return { matches, count: 0, time: 0, share: 0 };
  const byString = new Map();
  const holds = (index) => {
    let hit = byString.get(index);
    if (hit === undefined) {
      hit = tree.strings[index].toLowerCase().includes(q);
      byString.set(index, hit);
    }
    return hit;
  };
  let count = 0;
  let time = 0;
  // Preorder: a node's subtree is [i, end[i]); once a match is counted,
  // its subtree's matches are marked but not added again.
  let coveredUntil = 0;
  for (let i = 0; i < tree.size; i++) {
    if (tree.fid[i] < 0 || !(holds(tree.nameIndex[i]) || holds(tree.fileIndex[i]))) continue;
    matches[i] = 1;
    count++;
    if (i >= coveredUntil) {
      const t = tree.time[i];
      if (t > 0 && t < Infinity) time += t;
      coveredUntil = tree.end[i];
    }
  }
  const total = tree.time[0];
  return { matches, count, time, share: total > 0 && total < Infinity ? Math.min(1, time / total) : 0 };
}
