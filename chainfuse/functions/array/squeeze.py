import numpy

from chainfuse.core.variable import as_variable
from chainfuse.functions._util import check_axis
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def squeeze(x, axis=None):
    """Removes length-1 axes: all of them (axis=None), or the given ones (which must have
    length 1)."""
    if axis is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
    else:
        axis = (axis,) if isinstance(axis, (int, numpy.integer)) else tuple(axis)
        axes = tuple(check_axis('squeeze', a, x.ndim) for a in axis)
        for a in axes:
            if x.shape[a] != 1:
                raise OpTypeError('squeeze', f'cannot squeeze axis {a} of shape '
                                             f'{tuple(x.shape)}: its length is not 1')
    if not axes:
        return as_variable(x)
    shape = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    return A.reshape(x, shape=shape)
