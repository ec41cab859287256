DEFAULTS = {'scale': 2, 'unit': 'cm', 'precision': 3}


def merged(**overrides):
    out = dict(DEFAULTS)
    out.update(overrides)
    return out
