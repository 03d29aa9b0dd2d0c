"""Reduction primitives: sum, max, min, argmax, argmin over axes."""
import numpy

from chainfuse.ops.registry import Aval, REDUCTION, defop, normalize_axis


def reduced_shape(shape, axis, keepdims):
    if keepdims:
        return tuple(1 if i in axis else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axis)


def _sum_infer(x, axis, keepdims):
    axis = normalize_axis('sum', axis, x.ndim)
    return Aval(reduced_shape(x.shape, axis, keepdims), x.dtype)


def _sum_impl(xp, x, axis, keepdims):
    return x.sum(axis=axis, keepdims=keepdims)


def _sum_vjp(ctx, gy):
    from chainfuse.ops.array import broadcast_to, reshape
    shape = ctx.in_avals[0].shape
    axis = normalize_axis('sum', ctx.attrs['axis'], len(shape))
    if not ctx.attrs['keepdims']:
        gy = reshape(gy, shape=reduced_shape(shape, axis, True))
    return (broadcast_to(gy, shape=shape),)


sum = defop('sum', kind=REDUCTION, impl=_sum_impl, infer=_sum_infer, vjp=_sum_vjp,
            attrs=dict(axis=None, keepdims=False), doc='sum(x, axis=None|int|tuple, keepdims=bool)')

_ = numpy
