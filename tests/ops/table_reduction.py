"""Rows for max, min, argmax, argmin and cumsum (chainfuse/ops/reduction.py); sum's rows
are in table_movement_core.py."""
import numpy

from chainfuse.testing import Case, const, nonzero, uniform


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(a % ndim for a in axis))


def _max(x, axis, keepdims):
    return numpy.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis, keepdims):
    return numpy.min(x, axis=axis, keepdims=keepdims)


def _arg(fn):
    """numpy's arg-reduction over several axes: reduced axes moved last and flattened."""
    def ref(x, axis, keepdims):
        axes = _axes(axis, x.ndim)
        rest = tuple(a for a in range(x.ndim) if a not in axes)
        flat = x.transpose(rest + axes).reshape(tuple(x.shape[a] for a in rest) + (-1,))
        y = fn(flat, axis=-1)
        shape = tuple(1 if a in axes else s for a, s in enumerate(x.shape)) if keepdims else \
            tuple(x.shape[a] for a in rest)
        return y.reshape(shape).astype(numpy.int32)
    return ref


TIES = numpy.array([[1.0, 3.0, 3.0], [-2.0, -2.0, 0.5]])

CASES = [
    Case('max', [uniform(3, 4)], attrs=dict(axis=None, keepdims=False), ref=_max),
    Case('max', [uniform(3, 4)], attrs=dict(axis=(1,), keepdims=False), ref=_max,
         name='max_axis1'),
    Case('max', [uniform(2, 3, 4)], attrs=dict(axis=(0, 2), keepdims=True), ref=_max,
         name='max_keepdims'),
    Case('max', [uniform(2, 3)], attrs=dict(axis=(-1,), keepdims=False), ref=_max,
         name='max_neg_axis'),
    Case('min', [uniform(3, 4)], attrs=dict(axis=None, keepdims=False), ref=_min),
    Case('min', [uniform(2, 3, 4)], attrs=dict(axis=(1,), keepdims=True), ref=_min,
         name='min_keepdims'),
    # forward only: ties sit on a kink (every tied position gets the whole gradient)
    Case('max', [const(TIES)], attrs=dict(axis=(1,), keepdims=False), ref=_max,
         grad=False, name='max_ties'),
    Case('argmax', [uniform(3, 4)], attrs=dict(axis=None, keepdims=False),
         ref=_arg(numpy.argmax), grad=False),
    Case('argmax', [uniform(3, 4)], attrs=dict(axis=(1,), keepdims=False),
         ref=_arg(numpy.argmax), grad=False, name='argmax_axis1'),
    Case('argmax', [uniform(2, 3, 4)], attrs=dict(axis=(0, 2), keepdims=True),
         ref=_arg(numpy.argmax), grad=False, name='argmax_two_axes'),
    Case('argmin', [uniform(3, 4)], attrs=dict(axis=(0,), keepdims=False),
         ref=_arg(numpy.argmin), grad=False),
    Case('argmin', [uniform(2, 3)], attrs=dict(axis=None, keepdims=True),
         ref=_arg(numpy.argmin), grad=False, name='argmin_all_keepdims'),
    Case('cumsum', [uniform(3, 4)], attrs=dict(axis=1),
         ref=lambda x, axis: numpy.cumsum(x, axis=axis)),
    Case('cumsum', [uniform(2, 3, 2)], attrs=dict(axis=-2),
         ref=lambda x, axis: numpy.cumsum(x, axis=axis), name='cumsum_neg_axis'),
    Case('prod', [nonzero(3, 4)], attrs=dict(axis=(1,), keepdims=False),
         ref=lambda x, axis, keepdims: numpy.prod(x, axis=axis, keepdims=keepdims)),
    Case('prod', [nonzero(2, 3, 2)], attrs=dict(axis=(0, 2), keepdims=True),
         ref=lambda x, axis, keepdims: numpy.prod(x, axis=axis, keepdims=keepdims),
         name='prod_two_axes'),
    Case('prod', [const([[1.0, 0.0, 3.0], [2.0, 0.0, 0.0]])], attrs=dict(axis=None),
         ref=lambda x, axis: numpy.prod(x), name='prod_zeros'),
    Case('cumprod', [nonzero(3, 4)], attrs=dict(axis=1),
         ref=lambda x, axis: numpy.cumprod(x, axis=axis)),
    Case('cumprod', [const([[2.0, 0.0, 3.0, 0.5]])], attrs=dict(axis=-1),
         ref=lambda x, axis: numpy.cumprod(x, axis=axis), name='cumprod_zero'),
    Case('cumprodsum', [uniform(3, 2), uniform(4, 2)], attrs=dict(axis=0),
         ref=lambda m, a, axis: _cumprodsum(m, a)),
]


def _cumprodsum(m, a):
    y = a.copy()
    for i in range(1, len(a)):
        y[i] = y[i - 1] * m[i - 1] + a[i]
    return y
