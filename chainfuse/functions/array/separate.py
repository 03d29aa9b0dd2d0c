from chainfuse.functions._util import check_axis
from chainfuse.ops import array as A


def separate(x, axis=0):
    """Splits x along `axis` into x.shape[axis] arrays with that axis removed (the inverse
    of stack); returns a tuple of Variables."""
    axis = check_axis('separate', axis, x.ndim)
    n = x.shape[axis]
    pieces = A.split(x, indices=tuple(range(1, n)), axis=axis)
    shape = tuple(x.shape[:axis]) + tuple(x.shape[axis + 1:])
    return tuple(A.reshape(p, shape=shape) for p in pieces)
