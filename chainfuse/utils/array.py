"""Small array helpers of ``chainer.utils`` (on plain arrays, not Variables)."""
import numpy


def force_array(x, dtype=None):
    """`x` as an array: a scalar becomes a 0-d array (of `dtype` if given); an array is
    cast to `dtype` without copying when it already has it."""
    if numpy.isscalar(x):
        return numpy.array(x) if dtype is None else numpy.array(x, dtype)
    return x if dtype is None else x.astype(dtype, copy=False)


def force_type(dtype, value):
    """`value` (a scalar or an array) with the dtype `dtype`."""
    if numpy.isscalar(value):
        return dtype.type(value)
    return value if value.dtype == dtype else value.astype(dtype, copy=False)


def size_of_shape(shape):
    """The number of elements of an array of `shape`, as a Python int."""
    size = 1
    for n in shape:
        size *= n
    return int(size)


def sum_to(x, shape):
    """Sums the array `x` down to `shape` (the reverse of broadcasting `shape` to
    ``x.shape``).  For Variables use ``F.sum_to``."""
    if x.shape == tuple(shape):
        return x
    if not hasattr(x, 'ndim') or hasattr(x, 'creator'):
        raise TypeError('chainfuse.utils.sum_to takes an array; for a Variable use '
                        'chainfuse.functions.sum_to')
    lead = x.ndim - len(shape)
    lead_axes = tuple(range(lead))
    axes = tuple(i + lead for i, n in enumerate(shape) if n == 1)
    y = x.sum(lead_axes + axes, keepdims=True)
    return y.squeeze(lead_axes) if lead else y
