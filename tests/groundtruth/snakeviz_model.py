"""snakeviz_model.py — the call tree snakeviz draws for a pstats dict, in
Python, so evaluate.py can hold profviz's tree and snakeviz's against one
truth.

What snakeviz (jiffyclub/snakeviz: stats.py json_stats(), static/snakeviz.js
sv_find_root(), the worker's sv_build_hierarchy() in templates/viz.html)
does, step by step:

  - json_stats() drops the functions that neither call nor are called
    ("profiler cruft"), and lists each function's children in the order
    calc_callees() meets them (the dict's order);
  - the root is a function nobody calls (sv_find_root), else the one with
    the largest cumtime (lodash's _.max: the first of equals); the chart is
    that root's subtree only, and the root's box is its cumtime;
  - a child's box is the edge's ct (stats[child]['callers'][parent][3]),
    scaled by parent_time / total_children_time when the children's ct add
    up to more than the parent's box; a child is drawn when its share of
    the parent is above the cutoff (0 here: every child with time > 0);
  - it never stops at recursion: `call_stack.add(node_name)` returns a new
    Immutable.Set that the code throws away, so the set stays empty and a
    function already on the path is expanded again below itself.  With no
    depth limit the tree is infinite; a box's time is found by walking its
    path, so only the boxes asked for are computed.

One choice is ours: when several functions are never called, snakeviz takes
the first of an Immutable.Set, an order of string hashes; this model takes
the one with the largest cumtime, the most favourable to snakeviz.
"""


class SnakevizTree:
    def __init__(self, stats):
        """stats: a pstats dict (marshal.load of a dump), in file order."""
        children = {}  # caller -> {callee: edge ct}, in calc_callees() order
        for func, (_, _, _, _, callers) in stats.items():
            children.setdefault(func, {})
            for caller, edge in callers.items():
                children.setdefault(caller, {})[func] = edge[3]
        called = {c for kids in children.values() for c in kids}
        kept = [f for f in children if children[f] or f in called]
        self.children = {f: children[f] for f in kept}
        self.ct = {f: stats[f][3] if f in stats else 0.0 for f in kept}
        uncalled = [f for f in kept if f not in called]
        pool = uncalled or kept
        self.root = max(pool, key=lambda f: self.ct[f]) if pool else None
        self.total_children = {}  # summed in the worker's for-in order
        for f, kids in self.children.items():
            t = 0.0
            for ct in kids.values():
                t += ct
            self.total_children[f] = t
        self._time = {}  # path -> box time, or None when snakeviz draws no such box

    def time(self, path):
        """The time of the box at `path` (a tuple of keys from the top), or
        None when snakeviz has no such box."""
        if path in self._time:
            return self._time[path]
        if len(path) == 1:
            t = self.ct[path[0]] if path[0] == self.root else None
        else:
            parent = self.time(path[:-1])
            t = None if parent is None else self.child_times(path[-2], parent).get(path[-1])
        self._time[path] = t
        return t

    def child_times(self, func, node_time):
        """{child: box time} of the children snakeviz draws under a box of
        func worth node_time."""
        kids = self.children[func]
        total = self.total_children[func]
        out = {}
        for child, ct in kids.items():
            t = ct * (node_time / total) if total > node_time else ct
            if node_time and t / node_time > 0:
                out[child] = t
        return out
