"""max, min, argmax, argmin over axes (reduction ops)."""
from chainfuse.functions._util import normalize_axis_arg
from chainfuse.ops import reduction as R


def max(x, axis=None, keepdims=False):
    """Maximum over `axis` (None: every axis; int or tuple).  The gradient goes to every
    position equal to the maximum."""
    return R.max(x, axis=normalize_axis_arg(axis), keepdims=bool(keepdims))


def min(x, axis=None, keepdims=False):
    """Minimum over `axis` (None: every axis; int or tuple).  The gradient goes to every
    position equal to the minimum."""
    return R.min(x, axis=normalize_axis_arg(axis), keepdims=bool(keepdims))


def argmax(x, axis=None):
    """int32 index of the maximum along `axis` (None: of the flattened x); no gradient."""
    return R.argmax(x, axis=normalize_axis_arg(axis), keepdims=False)


def argmin(x, axis=None):
    """int32 index of the minimum along `axis` (None: of the flattened x); no gradient."""
    return R.argmin(x, axis=normalize_axis_arg(axis), keepdims=False)
