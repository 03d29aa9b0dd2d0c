from chainfuse.ops import array as A
from chainfuse.ops import reduction as R


def cumsum(x, axis=None):
    """Running sum along `axis` (None: of the flattened x).  The gradient is the running
    sum of the output gradient taken from the other end."""
    if axis is None or x.ndim == 0:
        x = A.reshape(x, shape=(x.size,))
        axis = 0
    return R.cumsum(x, axis=int(axis))
