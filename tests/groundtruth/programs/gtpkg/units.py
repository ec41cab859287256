_FACTORS = {'mm': 0.1, 'cm': 1.0, 'm': 100.0}


def convert(value, src, dst):
    return value * _FACTORS[src] / _FACTORS[dst]


def convert_point(p, src, dst):
    from .geometry import Point  # the other cycle, at call time
    return Point(convert(p.x, src, dst), convert(p.y, src, dst))
