"""Axis permutations: transpose, swapaxes, rollaxis, moveaxis (all one `transpose` op)."""
import numpy

from chainfuse.core.variable import as_variable
from chainfuse.functions._util import check_axis
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def _permute(x, axes):
    axes = tuple(axes)
    if axes == tuple(range(x.ndim)):
        return as_variable(x)
    return A.transpose(x, axes=axes)


def transpose(x, axes=None):
    """Permutes the axes of x (default: reverses them), as numpy.transpose."""
    if axes is None:
        return _permute(x, range(x.ndim)[::-1])
    axes = tuple(axes)
    if len(axes) != x.ndim:
        raise OpTypeError('transpose', f'axes {axes} must name each of the {x.ndim} axes of '
                                       f'shape {tuple(x.shape)} once')
    return _permute(x, tuple(check_axis('transpose', a, x.ndim) for a in axes))


def swapaxes(x, axis1, axis2):
    """Interchanges two axes of x."""
    axis1 = check_axis('swapaxes', axis1, x.ndim)
    axis2 = check_axis('swapaxes', axis2, x.ndim)
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return _permute(x, axes)


def rollaxis(x, axis, start=0):
    """Moves `axis` so that it comes before the axis at position `start` (numpy.rollaxis)."""
    axis = check_axis('rollaxis', axis, x.ndim)
    start = int(start)
    if not -x.ndim <= start <= x.ndim:
        raise OpTypeError('rollaxis', f'start {start} is out of bounds for an array of ndim '
                                      f'{x.ndim}')
    start %= x.ndim + 1
    if axis < start:
        start -= 1
    axes = [a for a in range(x.ndim) if a != axis]
    axes.insert(start, axis)
    return _permute(x, axes)


def moveaxis(x, source, destination):
    """Moves axes `source` to positions `destination` (ints or sequences), the other axes
    keeping their order (numpy.moveaxis)."""
    src = _axes('moveaxis', source, x.ndim)
    dst = _axes('moveaxis', destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError(f'moveaxis: source {source} and destination {destination} must '
                         'name the same number of axes')
    order = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _permute(x, order)


def _axes(fn, axes, ndim):
    axes = (axes,) if isinstance(axes, (int, numpy.integer)) else tuple(axes)
    out = tuple(check_axis(fn, a, ndim) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f'{fn}: repeated axis in {axes}')
    return out
