from chainfuse.functions._util import normalize_axis_arg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def prod(x, axis=None, keepdims=False):
    """Product of elements over `axis` (None: all), as numpy.prod.  The gradient is the
    product of the other elements, computed with running products from both ends, so
    it is exact where x has zeros (no division by x)."""
    if x.dtype.kind != 'f':
        raise OpTypeError('prod', f'x must be a floating-point array, got {x.dtype.name}')
    return R.prod(x, axis=normalize_axis_arg(axis), keepdims=bool(keepdims))
