from . import registry, render
from .geometry import Point


def build(specs):
    shapes = [registry.create(kind, *args) for kind, args in specs]
    total = sum(s.area for s in shapes)
    far = max(Point(i, i * i).to('mm').dist(Point(0, 0)) for i in range(10))
    return shapes, total, far


def summary(specs, **opts):
    shapes, total, far = build(specs)
    return '%s\ntotal %.3f, far %.1f, kinds %s' % (render.table(shapes, **opts), total, far,
                                                    ','.join(registry.kinds()))
