"""A small package run as `python -m gtpkg.main`: eight modules importing
each other, with two import cycles (shapes <-> registry at module level,
geometry <-> units inside a function), classes, properties, generators."""
from .config import DEFAULTS

__all__ = ['DEFAULTS']
