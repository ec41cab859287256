"""trailer.py — reads a recorded profile as docs/recorded-tree.md lays it
out: the pstats dict, then the trailer.  A reader for the tests; the
loader's own is in C."""
import io
import marshal
import struct
import zlib

MAGIC = b'\x89PVTREE\n'
OVERFLOW_KEY = ('~', 0, '<paths past the cap>')


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
