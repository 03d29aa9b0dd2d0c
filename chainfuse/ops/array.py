"""Movement primitives: ops that rearrange elements without arithmetic.

(`sum_to`, the adjoint of broadcasting, sums; it lives here beside `broadcast_to`.)
"""
import numpy

from chainfuse.ops.registry import Aval, MOVEMENT, OpTypeError, REQUIRED, defop


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


# ---- reshape ----

def _reshape_infer(x, shape):
    if _prod(shape) != x.size:
        raise OpTypeError('reshape', f'cannot reshape an array of shape {x.shape} '
                                     f'(size {x.size}) into shape {shape}')
    return Aval(shape, x.dtype)


reshape = defop('reshape', kind=MOVEMENT, impl=lambda xp, x, shape: x.reshape(shape),
                infer=_reshape_infer, attrs=dict(shape=REQUIRED),
                vjp=lambda ctx, gy: (reshape(gy, shape=ctx.in_avals[0].shape),))


def resolve_shape(shape, size, op='reshape'):
    """Resolves one -1 in a target shape, as numpy does."""
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise OpTypeError(op, f'can only specify one unknown dimension, got {shape}')
    if -1 in shape:
        known = _prod(s for s in shape if s != -1)
        if known == 0 or size % known:
            raise OpTypeError(op, f'cannot reshape an array of size {size} into shape {shape}')
        shape = tuple(size // known if s == -1 else s for s in shape)
    return shape


# ---- transpose ----

def _transpose_infer(x, axes):
    if sorted(axes) != list(range(x.ndim)):
        raise OpTypeError('transpose', f'axes {axes} are not a permutation of the '
                                       f'{x.ndim} axes of shape {x.shape}')
    return Aval(tuple(x.shape[a] for a in axes), x.dtype)


def _transpose_vjp(ctx, gy):
    axes = ctx.attrs['axes']
    inverse = tuple(int(i) for i in numpy.argsort(axes))
    return (transpose(gy, axes=inverse),)


transpose = defop('transpose', kind=MOVEMENT, impl=lambda xp, x, axes: x.transpose(axes),
                  infer=_transpose_infer, vjp=_transpose_vjp,
                  attrs=dict(axes=REQUIRED))


# ---- broadcast_to and its adjoint sum_to ----

def _broadcast_to_infer(x, shape):
    ok = len(shape) >= x.ndim and all(
        s == t or s == 1 for s, t in zip(x.shape[::-1], shape[::-1]))
    if not ok:
        raise OpTypeError('broadcast_to', f'cannot broadcast shape {x.shape} to {shape}')
    return Aval(shape, x.dtype)


broadcast_to = defop('broadcast_to', kind=MOVEMENT,
                     impl=lambda xp, x, shape: xp.broadcast_to(x, shape),
                     infer=_broadcast_to_infer, attrs=dict(shape=REQUIRED),
                     vjp=lambda ctx, gy: (sum_to(gy, shape=ctx.in_avals[0].shape),))


def sum_to_axes(in_shape, shape):
    """Axes to sum (with keepdims) and leading axes to drop to bring `in_shape` to `shape`."""
    lead = len(in_shape) - len(shape)
    axes = tuple(lead + i for i, s in enumerate(shape) if s == 1 and in_shape[lead + i] != 1)
    return tuple(range(lead)), axes


def _sum_to_impl(xp, x, shape):
    if x.shape == shape:
        return x
    lead, axes = sum_to_axes(x.shape, shape)
    y = x.sum(axis=lead + axes, keepdims=True)
    return y.reshape(shape) if lead else y


def _sum_to_infer(x, shape):
    ok = len(shape) <= x.ndim and all(
        s == t or s == 1 for s, t in zip(shape[::-1], x.shape[::-1]))
    if not ok:
        raise OpTypeError('sum_to', f'cannot sum shape {x.shape} to {shape}')
    return Aval(shape, x.dtype)


sum_to = defop('sum_to', kind=MOVEMENT, impl=_sum_to_impl, infer=_sum_to_infer,
               attrs=dict(shape=REQUIRED),
               vjp=lambda ctx, gy: (broadcast_to(gy, shape=ctx.in_avals[0].shape),))
