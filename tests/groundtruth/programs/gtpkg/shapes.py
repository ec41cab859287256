import math

from .geometry import Point, polygon_area
from .registry import register


class Shape:
    kind = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind:
            register(cls)

    @property
    def area(self):
        raise NotImplementedError

    def scaled(self, k):
        raise NotImplementedError

    def __repr__(self):
        return '%s(area=%.2f)' % (type(self).__name__, self.area)


class Circle(Shape):
    kind = 'circle'

    def __init__(self, r):
        self.r = r

    @property
    def area(self):
        return math.pi * self.r ** 2

    def scaled(self, k):
        return Circle(self.r * k)


class Polygon(Shape):
    kind = 'polygon'

    def __init__(self, *coords):
        self.points = [Point(coords[i], coords[i + 1]) for i in range(0, len(coords), 2)]

    @property
    def area(self):
        return polygon_area(self.points)

    def scaled(self, k):
        return Polygon(*[c * k for p in self.points for c in (p.x, p.y)])


class Rect(Polygon):
    kind = 'rect'

    def __init__(self, w, h):
        super().__init__(0, 0, w, 0, w, h, 0, h)

    def scaled(self, k):
        b = self.points[2]
        return Rect(b.x * k, b.y * k)
