"""Reduction primitives: sum, max, min, argmax, argmin over axes, and cumsum along one.

``axis`` is None (every axis), an int or a tuple of ints; ``keepdims`` keeps the reduced
axes with length 1.  The gradient of ``max``/``min`` flows to every position equal to the
result (ties all receive it, as in Chainer); ``argmax``/``argmin`` return int32 indices
and have no gradient.
"""
import numpy

from chainfuse.ops.registry import Aval, OpTypeError, REDUCTION, defop, normalize_axis


def reduced_shape(shape, axis, keepdims):
    if keepdims:
        return tuple(1 if i in axis else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axis)


def _as_array(xp, y):
    return y if isinstance(y, xp.ndarray) else xp.asarray(y)


def _kept(v, shape, axis, keepdims):
    """Reshapes a reduced value back to rank len(shape) (length-1 reduced axes)."""
    from chainfuse.ops.array import reshape
    if keepdims:
        return v
    return reshape(v, shape=reduced_shape(shape, axis, True))


# ---- sum ----

def _sum_infer(x, axis, keepdims):
    axis = normalize_axis('sum', axis, x.ndim)
    return Aval(reduced_shape(x.shape, axis, keepdims), x.dtype)


def _sum_impl(xp, x, axis, keepdims):
    return x.sum(axis=axis, keepdims=keepdims)


def _sum_vjp(ctx, gy):
    from chainfuse.ops.array import broadcast_to
    shape = ctx.in_avals[0].shape
    axis = normalize_axis('sum', ctx.attrs['axis'], len(shape))
    gy = _kept(gy, shape, axis, ctx.attrs['keepdims'])
    return (broadcast_to(gy, shape=shape),)


sum = defop('sum', kind=REDUCTION, impl=_sum_impl, infer=_sum_infer, vjp=_sum_vjp,
            attrs=dict(axis=None, keepdims=False), doc='sum(x, axis=None|int|tuple, keepdims=bool)')


# ---- max and min ----

def _extremum_infer(name):
    def infer(x, axis, keepdims):
        axis = normalize_axis(name, axis, x.ndim)
        if any(x.shape[a] == 0 for a in axis):
            raise OpTypeError(name, f'cannot reduce over a zero-length axis of shape '
                                    f'{x.shape} (there is no identity for {name})')
        return Aval(reduced_shape(x.shape, axis, keepdims), x.dtype)
    return infer


def _extremum_vjp(name):
    def vjp(ctx, gy):
        from chainfuse.ops.elementwise import equal, where
        x, = ctx.inputs
        shape = ctx.in_avals[0].shape
        axis = normalize_axis(name, ctx.attrs['axis'], len(shape))
        keepdims = ctx.attrs['keepdims']
        y = _kept(ctx.out_vars[0], shape, axis, keepdims)
        mask = equal(x, y)  # every position tied with the extremum gets the gradient
        return (where(mask, _kept(gy, shape, axis, keepdims), 0.0),)
    return vjp


max = defop('max', kind=REDUCTION,
            impl=lambda xp, x, axis, keepdims: _as_array(xp, x.max(axis=axis, keepdims=keepdims)),
            infer=_extremum_infer('max'), vjp=_extremum_vjp('max'), retain_outputs=(0,),
            attrs=dict(axis=None, keepdims=False),
            doc='max(x, axis=None|int|tuple, keepdims=False); ties share the gradient')

min = defop('min', kind=REDUCTION,
            impl=lambda xp, x, axis, keepdims: _as_array(xp, x.min(axis=axis, keepdims=keepdims)),
            infer=_extremum_infer('min'), vjp=_extremum_vjp('min'), retain_outputs=(0,),
            attrs=dict(axis=None, keepdims=False),
            doc='min(x, axis=None|int|tuple, keepdims=False); ties share the gradient')


# ---- argmax and argmin ----

def _arg_infer(name):
    def infer(x, axis, keepdims):
        _extremum_infer(name)(x, axis, keepdims)
        axes = normalize_axis(name, axis, x.ndim)
        return Aval(reduced_shape(x.shape, axes, keepdims), numpy.int32)
    return infer


def _arg_impl(fn):
    """argmax/argmin over several axes: the reduced axes are moved last and flattened, so
    the index counts through them in C order (axis=None: the flat index, as numpy)."""
    def impl(xp, x, axis, keepdims):
        axes = normalize_axis(fn, axis, x.ndim)
        rest = tuple(a for a in range(x.ndim) if a not in axes)
        n = 1
        for a in axes:
            n *= x.shape[a]
        flat = x.transpose(rest + axes).reshape(tuple(x.shape[a] for a in rest) + (n,))
        y = getattr(xp, fn)(flat, axis=-1).astype(numpy.int32)
        return _as_array(xp, y.reshape(reduced_shape(x.shape, axes, keepdims)))
    return impl


argmax = defop('argmax', kind=REDUCTION, impl=_arg_impl('argmax'), infer=_arg_infer('argmax'),
               differentiable=False, attrs=dict(axis=None, keepdims=False),
               doc='argmax(x, axis=None|int|tuple, keepdims=False) -> int32 indices')
argmin = defop('argmin', kind=REDUCTION, impl=_arg_impl('argmin'), infer=_arg_infer('argmin'),
               differentiable=False, attrs=dict(axis=None, keepdims=False),
               doc='argmin(x, axis=None|int|tuple, keepdims=False) -> int32 indices')


# ---- cumsum ----

def _cumsum_infer(x, axis):
    if not -x.ndim <= axis < x.ndim:
        raise OpTypeError('cumsum', f'axis {axis} is out of bounds for an array of shape '
                                    f'{x.shape}')
    return x


def _reverse(v, axis):
    from chainfuse.ops.array import Slice, getitem
    key = (Slice(None, None, None),) * axis + (Slice(None, None, -1),)
    return getitem(v, key=key)


def _cumsum_vjp(ctx, gy):
    # the adjoint of a running sum is the running sum taken from the other end
    axis = ctx.attrs['axis'] % gy.ndim
    return (_reverse(cumsum(_reverse(gy, axis), axis=axis), axis),)


cumsum = defop('cumsum', kind=REDUCTION,
               impl=lambda xp, x, axis: xp.cumsum(x, axis=axis, dtype=x.dtype),
               infer=_cumsum_infer, vjp=_cumsum_vjp, attrs=dict(axis=0),
               doc='cumsum(x, axis=0): running sum along one axis, in the dtype of x')
