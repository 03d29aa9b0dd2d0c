"""bias and scale: an array y broadcast along the axes of x from `axis` on."""
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def along(fn, x, y, axis):
    """y reshaped to broadcast against x with its axes at x's axes [axis, axis + y.ndim)."""
    axis = int(axis)
    if axis < 0:
        axis += x.ndim
    if not 0 <= axis <= x.ndim or tuple(x.shape[axis:axis + y.ndim]) != tuple(y.shape):
        raise OpTypeError(fn, f'y of shape {tuple(y.shape)} must match the axes of x '
                              f'{tuple(x.shape)} starting at axis {axis}')
    shape = (1,) * axis + tuple(y.shape) + (1,) * (x.ndim - axis - y.ndim)
    return y if shape == tuple(y.shape) else A.reshape(y, shape=shape)


def bias(x, y, axis=1):
    """x + y, with y's axes aligned to x's axes from `axis` on (y.shape ==
    x.shape[axis:axis + y.ndim]) and broadcast over the rest."""
    return E.add(x, along('bias', x, y, axis))
