"""Builds nested data, dumps it (the C encoder, and the pure-Python one
that indent= selects), loads it back with hooks, and a custom encoder."""
import json
from decimal import Decimal
from fractions import Fraction


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Point):
            return {'__point__': [o.x, o.y]}
        if isinstance(o, Fraction):
            return str(o)
        return super().default(o)


def tree(depth, width):
    if depth == 0:
        return [depth, 'leaf', 1.5, None, True]
    return {'name': 'n%d' % depth, 'size': depth * width,
            'kids': [tree(depth - 1, width) for _ in range(width)]}


def revive(obj):
    if '__point__' in obj:
        return Point(*obj['__point__'])
    return obj


def main():
    data = {'tree': tree(4, 3), 'points': [Point(i, -i) for i in range(12)],
            'ratio': Fraction(3, 7), 'text': 'caf\u00e9 \u2603 "quoted"\n'}
    compact = json.dumps(data, cls=Encoder)
    pretty = json.dumps(data, cls=Encoder, indent=2, sort_keys=True)
    for text in (compact, pretty):
        back = json.loads(text, object_hook=revive)
        assert back['points'][3].y == -3
    pairs = json.loads(pretty, object_pairs_hook=lambda kv: dict(sorted(kv)))
    exact = json.loads('[1.25, 2.5e3, 12345678901234567890]', parse_float=Decimal)
    try:
        json.loads('{"a": [1, 2,, 3]}')
    except json.JSONDecodeError as e:
        pos = e.pos
    print(len(compact), len(pretty), len(pairs), exact[1], pos)


main()
