"""Reduction primitives: sum, prod, max, min, argmax, argmin over axes, and cumsum and
cumprod along one.

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


# ---- prod, cumprod ----

def _slice_axis(v, axis, start, stop):
    from chainfuse.ops.array import Slice, getitem
    key = (Slice(None, None, None),) * axis + (Slice(start, stop, None),)
    return getitem(v, key=key)


def _exclusive_cumprod(v, axis):
    """``[1, v0, v0 v1, ...]`` along `axis` (the product of the elements before each)."""
    from chainfuse.ops.array import concat
    from chainfuse.ops.elementwise import add, mul
    n = v.shape[axis]
    first = _slice_axis(v, axis, 0, 1)
    ones = add(mul(first, 0.0), 1.0)
    return concat(ones, cumprod(_slice_axis(v, axis, 0, n - 1), axis=axis), axis=axis) \
        if n > 1 else ones


def _prod_vjp(ctx, gy):
    from chainfuse.ops.array import broadcast_to, reshape, transpose
    from chainfuse.ops.elementwise import mul
    x, = ctx.inputs
    shape = ctx.in_avals[0].shape
    axis = normalize_axis('prod', ctx.attrs['axis'], len(shape))
    gy = broadcast_to(_kept(gy, shape, axis, ctx.attrs['keepdims']), shape=shape)
    if not axis:
        return (gy,)
    # the reduced axes first and flattened into one: (n, kept...)
    kept = tuple(a for a in range(len(shape)) if a not in axis)
    order = axis + kept
    n = 1
    for a in axis:
        n *= shape[a]
    moved = transpose(x, axes=order)
    flat = reshape(moved, shape=(n,) + tuple(shape[a] for a in kept))
    before = _exclusive_cumprod(flat, 0)
    after = _reverse(_exclusive_cumprod(_reverse(flat, 0), 0), 0)
    g = reshape(mul(before, after), shape=tuple(shape[a] for a in order))
    inverse = tuple(order.index(a) for a in range(len(shape)))
    return (mul(transpose(g, axes=inverse), gy),)


prod = defop('prod', kind=REDUCTION,
             impl=lambda xp, x, axis, keepdims: _as_array(xp, x.prod(axis=axis,
                                                                     keepdims=keepdims)),
             infer=_sum_infer, vjp=_prod_vjp, attrs=dict(axis=None, keepdims=False),
             doc='prod(x, axis=None|int|tuple, keepdims=False); the gradient is exact at '
                 'zeros (running products, no division)')


def _cumprod_vjp(ctx, gy):
    # y_k = prod_{j<=k} x_j: dL/dx_i = sum_{k>=i} gy_k y_k / x_i, written without the
    # division: (sum_{k>=i} gy_k prod_{i<j<=k} x_j) * y_{i-1}, the sum being a running
    # "multiply then add" from the end (cumprodsum on the reversed arrays)
    from chainfuse.ops.array import concat
    from chainfuse.ops.elementwise import add, mul
    x, = ctx.inputs
    y = ctx.out_vars[0]
    axis = ctx.attrs['axis'] % len(ctx.in_avals[0].shape)
    n = ctx.in_avals[0].shape[axis]
    if n <= 1:
        return (gy,)
    tail = _slice_axis(x, axis, 1, n)
    g = _reverse(cumprodsum(_reverse(tail, axis), _reverse(gy, axis), axis=axis), axis)
    first = _slice_axis(y, axis, 0, 1)
    shifted = concat(add(mul(first, 0.0), 1.0), _slice_axis(y, axis, 0, n - 1), axis=axis)
    return (mul(g, shifted),)


def _cumprod_infer(x, axis):
    return _cumsum_infer(x, axis)


cumprod = defop('cumprod', kind=REDUCTION,
                impl=lambda xp, x, axis: xp.cumprod(x, axis=axis, dtype=x.dtype),
                infer=_cumprod_infer, vjp=_cumprod_vjp, retain_outputs=(0,),
                attrs=dict(axis=0),
                doc='cumprod(x, axis=0): running product along one axis')


def _cumprodsum_infer(xmul, xadd, axis):
    ok = xmul.dtype == xadd.dtype and xadd.ndim == xmul.ndim and -xadd.ndim <= axis < \
        xadd.ndim and xmul.shape[axis % xadd.ndim] + 1 == xadd.shape[axis % xadd.ndim] and \
        all(a == b for k, (a, b) in enumerate(zip(xmul.shape, xadd.shape))
            if k != axis % xadd.ndim)
    if not ok:
        raise OpTypeError('cumprodsum', f'xadd must have one more element than xmul along '
                                        f'axis {axis} and equal other axes and dtype, got '
                                        f'{xmul} and {xadd}')
    return xadd


def _cumprodsum_impl(xp, xmul, xadd, axis):
    axis = axis % xadd.ndim
    lead = (slice(None),) * axis
    y = xp.empty_like(xadd)
    acc = xadd[lead + (0,)].copy()
    y[lead + (0,)] = acc
    for i in range(xmul.shape[axis]):
        acc *= xmul[lead + (i,)]
        acc += xadd[lead + (i + 1,)]
        y[lead + (i + 1,)] = acc
    return y


def _cumprodsum_vjp(ctx, gy):
    from chainfuse.ops.elementwise import mul
    xmul, _ = ctx.inputs
    y = ctx.out_vars[0]
    axis = ctx.attrs['axis'] % len(ctx.in_avals[1].shape)
    n = ctx.in_avals[1].shape[axis]
    gadd = _reverse(cumprodsum(_reverse(xmul, axis), _reverse(gy, axis), axis=axis), axis)
    gmul = mul(_slice_axis(gadd, axis, 1, n), _slice_axis(y, axis, 0, n - 1))
    return gmul if ctx.needs_grad(0) else None, gadd if ctx.needs_grad(1) else None


cumprodsum = defop('cumprodsum', kind=REDUCTION, impl=_cumprodsum_impl,
                   infer=_cumprodsum_infer, vjp=_cumprodsum_vjp, retain_outputs=(0,),
                   attrs=dict(axis=0),
                   doc='cumprodsum(xmul, xadd, axis): y_0 = xadd_0, y_i = y_{i-1} xmul_{i-1} '
                       '+ xadd_i (the running sums in the gradient of cumprod)')
