"""Shape classes register themselves here; imports shapes at the bottom
(a cycle: shapes imports this module first)."""
_KINDS = {}


def register(cls):
    _KINDS[cls.kind] = cls
    return cls


def create(kind, *args):
    return _KINDS[kind](*args)


def kinds():
    return sorted(_KINDS)


from . import shapes  # noqa: E402  (the cycle)
