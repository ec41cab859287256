from .config import merged


def rows(shapes, **opts):
    cfg = merged(**opts)
    fmt = '%%-8s %%10.%df %%s' % cfg['precision']
    for s in shapes:
        yield fmt % (s.kind, s.scaled(cfg['scale']).area, cfg['unit'])


def table(shapes, **opts):
    return '\n'.join(rows(shapes, **opts))
