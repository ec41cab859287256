// The colour legend: which package each colour of the chart stands for, and
// how much of the time under the zoom root is spent in its code.
//
// Why self time: it is the time spent in a package's own code, so the
// figures of the packages add up to the time of the boxes shown and a
// package is large because its code is slow, not because it calls slow
// code (with total time, the package of main() would always win).
// Boxes the tree left out (below the fetched depth) are not counted: the
// legend describes the chart it stands beside.

import { SMALLER } from '../model/tree.js';
import { packageOf } from '../colors.js';

// The legend of the subtree of `root`, as a list of { label, index, self,
// packages }: at most `limit` packages, largest self time first (ties by
// name, so the list does not shuffle as one zooms), each with its palette
// index (colors from treeColors) and packages 1; then, when anything is
// left, { label: 'other', index: -1 (the neutral colour), self, packages }
// for the packages beyond the limit and the "(N smaller)" boxes, which
// stand for functions of any package.  Times that are not finite and
// positive (damaged profiles) count as 0.
export function legendEntries(tree, colors, root, limit) {
  const byPackage = new Map();
  const byFile = new Map();
  let merged = 0;
  for (let i = root; i < tree.end[root]; i++) {
    const self = tree.self[i] > 0 && tree.self[i] < Infinity ? tree.self[i] : 0;
    if (tree.fid[i] < 0) {
      if (tree.has(i, SMALLER)) merged += self;
      continue;  // else the "(all)" root, which is no code
    }
    // One packageOf per file, as in treeColors (built-ins by name).
    const key = tree.file(i) === '~' ? `~${tree.name(i)}` : tree.file(i);
    let pkg = byFile.get(key);
    if (pkg === undefined) byFile.set(key, (pkg = packageOf(tree.file(i), tree.name(i))));
    const entry = byPackage.get(pkg);
    if (entry === undefined) byPackage.set(pkg, { label: pkg, index: colors[i], self, packages: 1 });
    else entry.self += self;
  }
  const all = [...byPackage.values()].sort((a, b) => b.self - a.self || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const entries = all.slice(0, Math.max(0, limit));
  const rest = all.slice(entries.length);
  if (rest.length > 0 || merged > 0) {
    entries.push({ label: 'other', index: -1, self: rest.reduce((s, e) => s + e.self, merged), packages: rest.length });
  }
  return entries;
}
