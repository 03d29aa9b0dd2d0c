from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def expand_dims(x, axis):
    """x with a new length-1 axis at position `axis` (in [-ndim - 1, ndim])."""
    axis = int(axis)
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise OpTypeError('expand_dims', f'axis {axis} is out of bounds for an array of '
                                         f'ndim {x.ndim}')
    axis %= x.ndim + 1
    shape = tuple(x.shape[:axis]) + (1,) + tuple(x.shape[axis:])
    return A.reshape(x, shape=shape)
