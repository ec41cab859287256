"""gen_recorded.py — a recorded profile for the benchmarks: a pstats dump
with a trailer (docs/recorded-tree.md) holding a random call tree of N
nodes over the dump's functions, written by tests/groundtruth/trailer.py's
writer.  The tree's figures are consistent within the tree (a node's ct
holds its children's), not with the dict: the loader checks keys and
shape, and the benchmarks time reading, storing and serving nodes.

    python3 bench/gen_recorded.py DUMP.prof NODES OUT.prof [--seed S]
"""
import argparse
import marshal
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests',
                                'groundtruth'))
import trailer  # noqa: E402


def random_tree(n_funcs, n_nodes, rng):
    """Pre-order nodes: each new node a child of a node on the current
    stack (at most 40 deep, as real programs' trees are shallow and wide),
    siblings with distinct functions."""
    parents, funcs, stack, kids = [], [], [], {}
    for i in range(n_nodes):
        while stack and (len(stack) >= 40 or rng.random() < 0.5):
            stack.pop()
        parent = stack[-1] if stack else -1
        used = kids.setdefault(parent, set())
        f = rng.randrange(n_funcs)
        while f in used:
            f = rng.randrange(n_funcs)
        used.add(f)
        parents.append(parent)
        funcs.append(f)
        stack.append(i)
    tt = [rng.randint(1, 1000) * 1e-6 for _ in range(n_nodes)]
    ct = list(tt)
    for i in range(n_nodes - 1, -1, -1):
        if parents[i] >= 0:
            ct[parents[i]] += ct[i]
    return [(parents[i], funcs[i], rng.randint(1, 50), tt[i], ct[i]) for i in range(n_nodes)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dump')
    ap.add_argument('nodes', type=int)
    ap.add_argument('out')
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    with open(a.dump, 'rb') as f:
        dump = f.read()
    stats = marshal.loads(dump)
    keys = list(stats)
    nodes = random_tree(len(keys), a.nodes, random.Random(a.seed))
    with open(a.out, 'wb') as f:
        f.write(dump + trailer.trailer(keys, nodes, trailer.meta(max_paths=a.nodes)))


if __name__ == '__main__':
    main()
