"""trailer.py — recorded profiles for the tests, without the C recorder.

docs/recorded-tree.md specifies the trailer `profviz record` writes after a
pstats dump.  This module writes the same bytes from the ground truth
(tests/data/groundtruth: cProfile dumps and the true figures of every call
path, measured by recorder.py with a virtual clock), so the loader, the
store and the tree endpoint can be tested against the truth exactly:

    python3 tests/groundtruth/trailer.py [OUT_DIR]

writes OUT_DIR/NAME.prof (default tests/data/recorded) for every truth
NAME: the truth's dump, byte for byte, then a trailer holding its paths.
A path's own time is its ticks less its children's, so every figure is
the double the truth holds.  It also writes overflow.prof, the truth
`chain` with its deepest paths folded into overflow nodes as a recorder
with a small cap folds them.  Used by the tests only (and by
tests/unit/test_tree_recorded.c's fixtures, committed).
"""
import marshal
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import truthfile  # noqa: E402

MAGIC = b'\x89PVTREE\n'
OVERFLOW_KEY = ('~', 0, '<paths past the cap>')
VERSION = 1


def meta(max_paths=100000, overflow_calls=0):
    return {'threads': 1, 'max_paths': max_paths, 'overflow_calls': overflow_calls,
            'timer': 'virtual clock (tests/groundtruth)', 'recorder': 'trailer.py'}


def payload(funcs, nodes, meta_doc, version=VERSION):
    """The marshalled payload object (marshal version 4, as the recorder)."""
    return marshal.dumps((version, tuple(funcs), tuple(tuple(n) for n in nodes), meta_doc), 4)


def frame(body, crc=None):
    """Magic, length, payload, CRC-32: the trailer around payload bytes."""
    if crc is None:
        crc = zlib.crc32(body) & 0xffffffff
    return MAGIC + struct.pack('<Q', len(body)) + body + struct.pack('<I', crc)


def trailer(funcs, nodes, meta_doc):
    return frame(payload(funcs, nodes, meta_doc))


def nodes_of(doc):
    """(funcs, nodes) of a paths document: funcs are its function keys,
    nodes (parent, func, calls, tt, ct) in its order, which is pre-order."""
    unit = doc['unit']
    paths = doc['paths']
    at = {tuple(p['path']): i for i, p in enumerate(paths)}
    child_ticks = [0] * len(paths)
    for p in paths:
        if len(p['path']) > 1:
            child_ticks[at[tuple(p['path'][:-1])]] += p['ticks']
    nodes = []
    for i, p in enumerate(paths):
        parent = at[tuple(p['path'][:-1])] if len(p['path']) > 1 else -1
        assert parent < i, 'paths are not in pre-order'
        nodes.append((parent, p['path'][-1], p['calls'],
                      float(p['ticks'] - child_ticks[i]) * unit, p['time']))
    funcs = [tuple(f) for f in doc['functions']]
    return funcs, nodes


def fold(funcs, nodes, max_depth):
    """The tree a recorder that had no room past depth `max_depth` writes:
    every node deeper is counted in an overflow child of its ancestor at
    that depth (calls of the first folded level, times inclusive)."""
    funcs = funcs + [OVERFLOW_KEY]
    over = len(funcs) - 1
    depth, out, new_index, overflow_of = [], [], {}, {}
    folded_calls = 0
    for i, (parent, func, calls, tt, ct) in enumerate(nodes):
        d = 0 if parent < 0 else depth[parent] + 1
        depth.append(d)
        if d <= max_depth:
            new_index[i] = len(out)
            out.append([-1 if parent < 0 else new_index[parent], func, calls, tt, ct])
            continue
        anchor = i
        while depth[anchor] > max_depth + 1:
            anchor = nodes[anchor][0]
        top = nodes[anchor][0]
        if top not in overflow_of:
            overflow_of[top] = len(out)
            out.append([new_index[top], over, 0, 0.0, 0.0])
        o = out[overflow_of[top]]
        o[3] += tt
        if anchor == i:
            o[2] += calls
            o[4] += ct
            folded_calls += calls
    return funcs, out, folded_calls


def recorded_bytes(name, src_dir):
    with open(os.path.join(src_dir, name + '.prof'), 'rb') as f:
        dump = f.read()
    _, doc = truthfile.load(src_dir, name)
    funcs, nodes = nodes_of(doc)
    return dump, funcs, nodes


def main(argv):
    out_dir = argv[1] if len(argv) > 1 else os.path.join(ROOT, 'tests', 'data', 'recorded')
    src_dir = os.path.join(ROOT, 'tests', 'data', 'groundtruth')
    os.makedirs(out_dir, exist_ok=True)
    for name in truthfile.names(src_dir):
        dump, funcs, nodes = recorded_bytes(name, src_dir)
        with open(os.path.join(out_dir, name + '.prof'), 'wb') as f:
            f.write(dump + trailer(funcs, nodes, meta()))
    dump, funcs, nodes = recorded_bytes('chain', src_dir)
    funcs, nodes, folded = fold(funcs, nodes, 3)
    # Overflow nodes sit anywhere among their siblings: the recorder adds
    # one when a new path first finds the cap full.
    with open(os.path.join(out_dir, 'overflow.prof'), 'wb') as f:
        f.write(dump + trailer(funcs, nodes, meta(max_paths=len(nodes) - 1,
                                                  overflow_calls=folded)))


if __name__ == '__main__':
    main(sys.argv)
