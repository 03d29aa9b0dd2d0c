from chainfuse.ops import reduction
from chainfuse.functions._util import normalize_axis_arg


def sum(x, axis=None, keepdims=False):
    """Sum of elements over `axis` (None: all), as numpy.sum."""
    return reduction.sum(x, axis=normalize_axis_arg(axis), keepdims=bool(keepdims))
