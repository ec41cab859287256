import math

from . import units


class Point:
    __slots__ = ('x', 'y')

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)

    def dist(self, other):
        return math.hypot(self.x - other.x, self.y - other.y)

    def to(self, unit):
        return units.convert_point(self, 'cm', unit)


def polygon_area(points):
    n = len(points)
    s = 0.0
    for i in range(n):
        a, b = points[i], points[(i + 1) % n]
        s += a.x * b.y - b.x * a.y
    return abs(s) / 2
