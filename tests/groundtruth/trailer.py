"""trailer.py — recorded profiles for the tests, without the C recorder,
and a reader of them (read_recorded) to check what the C recorder writes.

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
with a small cap folds them, nul_name.prof (a function name holding NUL), and damaged/: one file per way a trailer can
be damaged (docs/recorded-tree.md's list), built on fib, with
damaged/expected.tsv giving the byte offset and the words the loader's
message must hold.  `--check` makes them all again in a temporary folder
and compares them with the committed ones.  Used by the tests only.
"""
import filecmp
import io
import marshal
import os
import struct
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import truthfile  # noqa: E402

MAGIC = b'\x89PVTREE\n'
OVERFLOW_KEY = ('~', 0, '<paths past the cap>')
VERSION = 1


def read_recorded(path):
    """(stats dict, payload tuple) of the file at path; ValueError saying
    what is wrong and where if it breaks the spec."""
    with open(path, 'rb') as f:
        data = f.read()
    stats, rest = _load_one(data)
    d = len(data) - len(rest)
    if rest[:8] != MAGIC:
        raise ValueError('%s: offset %d: no trailer magic' % (path, d))
    if len(rest) < 16:
        raise ValueError('%s: offset %d: the trailer is cut short' % (path, d + 8))
    (size,) = struct.unpack('<Q', rest[8:16])
    if len(rest) != 16 + size + 4:
        raise ValueError('%s: offset %d: payload length %d, but %d bytes follow' % (path, d + 8, size, len(rest) - 16))
    body = rest[16:16 + size]
    (crc,) = struct.unpack('<I', rest[16 + size:])
    if crc != zlib.crc32(body) & 0xffffffff:
        raise ValueError('%s: offset %d: CRC mismatch' % (path, d + 16 + size))
    payload, extra = _load_one(body)
    if extra:
        raise ValueError('%s: offset %d: bytes after the payload object' % (path, d + 16))
    _check_payload(path, stats, payload)
    return stats, payload


def _load_one(data):
    """The first marshal object of data and the bytes after it (marshal.load
    on a file stops where the object ends, as pstats' own read does)."""
    f = io.BytesIO(data)
    obj = marshal.load(f)
    return obj, data[f.tell():]


def _check_payload(path, stats, payload):
    def bad(what):
        raise ValueError('%s: trailer payload: %s' % (path, what))
    if not isinstance(payload, tuple) or len(payload) != 4:
        bad('not a 4-tuple')
    version, funcs, nodes, meta = payload
    if version != 1:
        bad('version %r' % (version,))
    for k in funcs:
        if k != OVERFLOW_KEY and k not in stats:
            bad('key %r not in the stats' % (k,))
    siblings = set()
    for i, n in enumerate(nodes):
        if not isinstance(n, tuple) or len(n) != 5:
            bad('node %d is not a 5-tuple' % i)
        parent, func, calls, tt, ct = n
        if not -1 <= parent < i or not 0 <= func < len(funcs):
            bad('node %d: parent %d, func %d' % (i, parent, func))
        if calls < 1 or not 0 <= tt <= ct or ct == float('inf'):
            bad('node %d: figures %r' % (i, n))
        if (parent, func) in siblings:
            bad('node %d repeats a sibling' % i)
        siblings.add((parent, func))
    for key, kind in (('threads', int), ('max_paths', int), ('overflow_calls', int), ('timer', str),
                      ('recorder', str)):
        if not isinstance(meta.get(key), kind):
            bad('meta %r: %r' % (key, meta.get(key)))


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


def _m2(obj):
    """Marshal version 2: no back-references, so an object's bytes inside
    its container are its own dumps, and offsets can be added up."""
    return marshal.dumps(obj, 2)


class Payload:
    """A payload in marshal version 2 with the byte offset of its parts."""

    def __init__(self, funcs, nodes, meta_doc, version=VERSION):
        self.parts = [version, tuple(funcs), tuple(tuple(n) for n in nodes), meta_doc]
        self.bytes = _m2(tuple(self.parts))
        assert self.bytes[:1] == b'('

    def offset(self, part, item=None, field=None):
        """Offset in the payload of parts[part], or of its item, or of the
        item's field (nodes)."""
        at = 5 + sum(len(_m2(p)) for p in self.parts[:part])
        if item is None:
            return at
        items = self.parts[part]
        at += 5 + sum(len(_m2(x)) for x in items[:item])
        if field is None:
            return at
        return at + 5 + sum(len(_m2(x)) for x in items[item][:field])


def damaged(dump, funcs, nodes):
    """(name, file bytes, offset, words) for every damage the spec lists."""
    d = len(dump)
    base = d + 16

    def framed(p):
        return dump + frame(p.bytes)

    good = Payload(funcs, nodes, meta())
    body = good.bytes
    out = [
        ('bad_magic', dump + b'\x89PVTREX\n' + frame(body)[8:], d, 'bad magic'),
        ('crlf_magic', dump + b'\x89PVTREE\r\n' + frame(body)[8:], d, 'bad magic'),
        ('high_bit_stripped', dump + b'\x09PVTREE\n' + frame(body)[8:], d, 'bad magic'),
        ('short_length', dump + MAGIC + b'\x01\x02\x03', d + 8, 'truncated'),
        ('length_past_end', dump + MAGIC + struct.pack('<Q', len(body) + 100) + body +
         struct.pack('<I', zlib.crc32(body)), d + 8, 'past the end'),
        ('bytes_after_crc', dump + frame(body) + b'x', base + len(body) + 4,
         'after the trailer\'s CRC'),
        ('crc_mismatch', dump + frame(body, crc=zlib.crc32(body) ^ 1), base + len(body),
         'CRC-32 mismatch'),
        ('not_a_tuple', dump + frame(_m2([1, 2])), base, 'not (version, funcs, nodes, meta)'),
    ]
    p = Payload(funcs, nodes, meta(), version=2)
    out.append(('version_2', framed(p), base + p.offset(0), 'version 2'))

    def with_node(k, field, value, words):
        ns = [list(n) for n in nodes]
        ns[k][field] = value
        p = Payload(funcs, ns, meta())
        return framed(p), base + p.offset(2, k, field), words

    last = len(nodes) - 1
    for name, k, field, value, words in [
            ('parent_not_before', 1, 0, 1, 'not -1 or a node before it'),
            ('parent_below_minus_one', 1, 0, -2, 'not -1 or a node before it'),
            ('func_out_of_range', 1, 1, len(funcs), 'not an index into'),
            ('calls_zero', 1, 2, 0, 'not >= 1'),
            ('negative_tt', 1, 3, -1.0, 'not a finite time'),
            ('infinite_ct', 1, 4, float('inf'), 'not a finite time'),
            ('nan_ct', last, 4, float('nan'), 'not a finite time'),
            ('float_calls', 1, 2, 1.5, 'not an int')]:
        out.append((name,) + with_node(k, field, value, words))
    ns = list(nodes) + [(-1, nodes[0][1], 1, 0.0, 0.0)]
    p = Payload(funcs, ns, meta())
    out.append(('siblings_same_func', framed(p), base + p.offset(2, len(ns) - 1),
                'same parent and function'))
    ns = list(nodes) + [(1, nodes[0][1], 1, 0.0, 0.0)]
    p = Payload(funcs, ns, meta())
    out.append(('not_preorder', framed(p), base + p.offset(2, len(ns) - 1), 'pre-order'))
    ghost = [('nowhere.py', 1, 'ghost')] + funcs[1:]
    p = Payload(ghost, nodes, meta())
    out.append(('key_not_in_dict', framed(p), base + p.offset(1, 0), 'not a key of the stats dict'))
    bad_key = [('a.py', 'one', 'f')] + funcs[1:]
    p = Payload(bad_key, nodes, meta())
    out.append(('key_not_a_key', framed(p), base + p.offset(1, 0), 'not a (str, int, str) key'))
    ns = [list(n) for n in nodes]
    ns[1] = tuple(ns[1][:4])
    p = Payload(funcs, ns, meta())
    out.append(('node_of_four', framed(p), base + p.offset(2, 1), 'not (parent, func, calls'))
    m = meta()
    del m['timer']
    p = Payload(funcs, nodes, m)
    out.append(('meta_without_timer', framed(p), base + p.offset(3), 'meta has no "timer"'))
    return out


def recorded_bytes(name, src_dir):
    with open(os.path.join(src_dir, name + '.prof'), 'rb') as f:
        dump = f.read()
    _, doc = truthfile.load(src_dir, name)
    funcs, nodes = nodes_of(doc)
    return dump, funcs, nodes


def write_all(out_dir):
    src_dir = os.path.join(ROOT, 'tests', 'data', 'groundtruth')
    os.makedirs(os.path.join(out_dir, 'damaged'), exist_ok=True)
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
    # A name holding NUL, which the loader shows as U+2400 in the dict's
    # key and must match in the trailer's.
    key = ('a.py', 1, 'f\x00g')
    with open(os.path.join(out_dir, 'nul_name.prof'), 'wb') as f:
        f.write(marshal.dumps({key: (1, 1, 0.5, 0.5, {})}) +
                trailer([key], [(-1, 0, 1, 0.5, 0.5)], meta()))
    dump, funcs, nodes = recorded_bytes('fib', src_dir)
    lines = []
    for name, data, offset, words in damaged(dump, funcs, nodes):
        with open(os.path.join(out_dir, 'damaged', name + '.prof'), 'wb') as f:
            f.write(data)
        lines.append('%s.prof\t%d\t%s\n' % (name, offset, words))
    with open(os.path.join(out_dir, 'damaged', 'expected.tsv'), 'w') as f:
        f.write(''.join(lines))


def check(committed):
    """Exit status 0 when trailer.py makes the committed files again."""
    with tempfile.TemporaryDirectory() as tmp:
        write_all(tmp)
        for sub in ('', 'damaged'):
            names = sorted(os.listdir(os.path.join(tmp, sub)))
            names = [n for n in names if os.path.isfile(os.path.join(tmp, sub, n))]
            match, mismatch, errors = filecmp.cmpfiles(os.path.join(tmp, sub),
                                                       os.path.join(committed, sub), names,
                                                       shallow=False)
            if mismatch or errors:
                print('trailer.py makes other bytes for %s' % ', '.join(mismatch + errors))
                return 1
    return 0


def main(argv):
    if len(argv) > 2 and argv[1] == '--check':
        return check(argv[2])
    write_all(argv[1] if len(argv) > 1 else os.path.join(ROOT, 'tests', 'data', 'recorded'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
