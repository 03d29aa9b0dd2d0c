from chainfuse.ops import reduction
from chainfuse.functions._util import normalize_axis_arg


def sum(x, axis=None, keepdims=False):
    """Sum of elements over `axis` (None: all), as numpy.sum."""
    return reduction.sum(x, axis=normalize_axis_arg(axis), keepdims=bool(keepdims))


def sum_to(x, shape):
    """Sums x down to `shape` (the inverse of broadcast_to): leading axes are summed
    away and axes where `shape` has 1 are summed with keepdims."""
    from chainfuse.ops import array as A
    if isinstance(shape, int):
        shape = (shape,)
    return A.sum_to(x, shape=tuple(int(s) for s in shape))
