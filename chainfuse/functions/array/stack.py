"""Joining arrays along a new or an existing axis: stack, hstack, vstack, dstack."""
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def _list(fn, xs):
    xs = list(xs)
    if not xs:
        raise ValueError(f'{fn}: xs must hold at least one array')
    return xs


def _reshape(x, shape):
    return x if tuple(x.shape) == tuple(shape) else A.reshape(x, shape=tuple(shape))


def stack(xs, axis=0):
    """Joins same-shaped arrays along a new axis at position `axis`."""
    xs = _list('stack', xs)
    ndim = xs[0].ndim
    axis = int(axis)
    if not -ndim - 1 <= axis <= ndim:
        raise OpTypeError('stack', f'axis {axis} is out of bounds for stacking arrays of ndim '
                                   f'{ndim}')
    axis %= ndim + 1
    for i, x in enumerate(xs):
        if tuple(x.shape) != tuple(xs[0].shape):
            raise OpTypeError('stack', f'all arrays must have one shape: input {i} has '
                                       f'{tuple(x.shape)}, input 0 {tuple(xs[0].shape)}')
    shape = tuple(xs[0].shape[:axis]) + (1,) + tuple(xs[0].shape[axis:])
    return A.concat(*[_reshape(x, shape) for x in xs], axis=axis)


def hstack(xs):
    """Joins arrays column-wise: along axis 0 for 1-D arrays, else along axis 1."""
    xs = [_reshape(x, (1,)) if x.ndim == 0 else x for x in _list('hstack', xs)]
    return A.concat(*xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    """Joins arrays row-wise (axis 0); 1-D arrays of length N are read as (1, N)."""
    xs = [_reshape(x, (1,) * (2 - x.ndim) + tuple(x.shape)) if x.ndim < 2 else x
          for x in _list('vstack', xs)]
    return A.concat(*xs, axis=0)


def _atleast_3d(x):
    if x.ndim == 0:
        return _reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return _reshape(x, (1, x.shape[0], 1))
    if x.ndim == 2:
        return _reshape(x, tuple(x.shape) + (1,))
    return x


def dstack(xs):
    """Joins arrays depth-wise (axis 2); (N,) is read as (1, N, 1), (M, N) as (M, N, 1)."""
    return A.concat(*[_atleast_3d(x) for x in _list('dstack', xs)], axis=2)
