"""Rows for F.math (chainfuse/functions/math/); F.sum's rows are in table_core.py."""
import math

import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, ints, nonzero, positive, uniform
from tests.ops import _special_ref as SR

_erf = numpy.vectorize(math.erf, otypes=[numpy.float64])

NO_F16 = (numpy.float32, numpy.float64)
EYE3 = 3.0 * numpy.eye(3)


def _axes(axis, ndim):
    if axis is None:
        return None
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _average(x, axis=None, weights=None, keepdims=False):
    if weights is None:
        return numpy.mean(x, axis=_axes(axis, x.ndim), keepdims=keepdims)
    if axis is None:
        return (x * weights).sum(keepdims=keepdims) / weights.sum()
    a = axis if isinstance(axis, int) else axis[0]
    shape = [s if i == a % x.ndim else 1 for i, s in enumerate(x.shape)]
    return (x * weights.reshape(shape)).sum(axis=a, keepdims=keepdims) / weights.sum()


def _weighted(x, w, axis=None):
    return F.average(x, axis=axis, weights=w)


def _weighted_ref(x, w, axis=None):
    return _average(x, axis=axis, weights=w)


def _logsumexp(x, axis=None):
    axis = _axes(axis, x.ndim)
    return numpy.log(numpy.exp(x).sum(axis=axis))


def _matmul(a, b, transa=False, transb=False):
    if transa and a.ndim > 1:
        a = numpy.swapaxes(a, -1, -2)
    if transb and b.ndim > 1:
        b = numpy.swapaxes(b, -1, -2)
    return numpy.matmul(a, b)


def _batch_matmul(a, b, transa=False, transb=False):
    a = a.reshape(a.shape[:2] + (-1,))
    b = b.reshape(b.shape[:2] + (-1,))
    return _matmul(a, b, transa, transb)


def _along(x, y, axis):
    return y.reshape((1,) * axis + y.shape + (1,) * (x.ndim - axis - y.ndim))


def _cumsum(x, axis=None):
    return numpy.cumsum(x, axis=axis)


def _clip(x, x_min, x_max):
    lo = -numpy.inf if x_min is None else x_min
    hi = numpy.inf if x_max is None else x_max
    return numpy.clip(x, lo, hi)


CASES = [
    Case(F.exp, [uniform(3, 4)], ref=numpy.exp),
    Case(F.log, [positive(3, 4)], ref=numpy.log),
    Case(F.log2, [positive(3, 4)], ref=numpy.log2),
    Case(F.log10, [positive(3, 4)], ref=numpy.log10),
    Case(F.log1p, [positive(3, 4)], ref=numpy.log1p),
    Case(F.expm1, [uniform(3, 4)], ref=numpy.expm1),
    Case(F.sqrt, [positive(3, 4)], ref=numpy.sqrt),
    Case(F.rsqrt, [positive(3, 4)], ref=lambda x: 1 / numpy.sqrt(x)),
    Case(F.square, [uniform(3, 4)], ref=numpy.square),
    Case(F.squared_difference, [uniform(3, 4), uniform(3, 4)],
         ref=lambda a, b: (a - b) ** 2),
    Case(F.absolute, [nonzero(3, 4)], ref=numpy.abs),
    Case(F.sin, [uniform(3, 4)], ref=numpy.sin),
    Case(F.cos, [uniform(3, 4)], ref=numpy.cos),
    Case(F.tan, [uniform(3, 4)], ref=numpy.tan),
    Case(F.arcsin, [uniform(3, 4, low=-0.9, high=0.9)], ref=numpy.arcsin),
    Case(F.arccos, [uniform(3, 4, low=-0.9, high=0.9)], ref=numpy.arccos),
    Case(F.arctan, [uniform(3, 4, low=-3, high=3)], ref=numpy.arctan),
    Case(F.arctan2, [nonzero(3, 4), uniform(3, 4)], ref=numpy.arctan2),
    Case(F.arctanh, [uniform(3, 4, low=-0.9, high=0.9)], ref=numpy.arctanh),
    Case(F.fmod, [uniform(3, 4, low=-5, high=5), nonzero(3, 4)], ref=numpy.fmod),
    Case(F.erf, [uniform(3, 4, low=-2, high=2)], ref=_erf),
    Case(F.erfc, [uniform(3, 4, low=-2, high=4)], ref=SR.erfc),
    Case(F.erfcx, [uniform(3, 4, low=-2, high=5)], ref=SR.erfcx),
    Case(F.erfinv, [uniform(3, 4, low=-0.9, high=0.9)], ref=SR.erfinv),
    Case(F.erfcinv, [uniform(3, 4, low=0.1, high=1.9)], ref=SR.erfcinv),
    Case(F.lgamma, [positive(3, 4, low=0.2, high=6)], ref=SR.lgamma),
    Case(F.digamma, [positive(3, 4, low=0.3, high=6)], ref=SR.digamma),
    Case(F.polygamma, [ints(2, 3, low=0, high=3), positive(2, 3, low=0.5, high=4)],
         ref=SR.polygamma, tol={numpy.float64: (1e-10, 1e-8)}),
    Case(lambda q: F.zeta(2.5, q), [positive(2, 3, low=0.3, high=4)],
         ref=lambda q: SR.zeta(2.5, q), name='zeta', covers='zeta'),
    Case(F.ndtr, [uniform(3, 4, low=-4, high=4)], ref=SR.ndtr),
    Case(F.ndtri, [uniform(3, 4, low=0.05, high=0.95)],
         ref=lambda p: -math.sqrt(2) * SR.erfcinv(2 * p)),
    Case(F.log_ndtr, [uniform(3, 4, low=-6, high=4)], ref=SR.log_ndtr),
    Case(F.sinh, [uniform(3, 4)], ref=numpy.sinh),
    Case(F.cosh, [uniform(3, 4)], ref=numpy.cosh),
    Case(F.clip, [uniform(3, 4)], attrs=dict(x_min=-0.5, x_max=0.5), ref=_clip),
    Case(F.clip, [uniform(3, 4)], attrs=dict(x_min=None, x_max=0.25), ref=_clip,
         name='clip_max_only'),
    Case(F.maximum, [uniform(3, 4), uniform(3, 4)], ref=numpy.maximum),
    Case(F.maximum, [uniform(3, 4), uniform(4)], ref=numpy.maximum, name='maximum_broadcast'),
    Case(F.minimum, [uniform(3, 4), uniform(3, 4)], ref=numpy.minimum),
    Case(F.average, [uniform(3, 4)], ref=_average),
    Case(F.average, [uniform(2, 3, 4)], attrs=dict(axis=(0, 2), keepdims=True), ref=_average,
         name='average_axes_keepdims'),
    Case(_weighted, [uniform(3, 4), positive(4)], attrs=dict(axis=1), ref=_weighted_ref,
         covers='average', name='average_weights_axis'),
    Case(_weighted, [uniform(3, 4), positive(3, 4)], ref=_weighted_ref, covers='average',
         name='average_weights_all'),
    Case(F.mean, [uniform(3, 4)], attrs=dict(axis=-1), ref=_average),
    Case(F.max, [uniform(3, 4)], ref=lambda x: numpy.max(x)),
    Case(F.max, [uniform(2, 3, 4)], attrs=dict(axis=1, keepdims=True),
         ref=lambda x, axis, keepdims: numpy.max(x, axis=axis, keepdims=keepdims),
         name='max_axis_keepdims'),
    Case(F.min, [uniform(2, 3, 4)], attrs=dict(axis=(0, 2)),
         ref=lambda x, axis: numpy.min(x, axis=axis)),
    Case(F.argmax, [uniform(3, 4)], attrs=dict(axis=1),
         ref=lambda x, axis: numpy.argmax(x, axis=axis).astype(numpy.int32), grad=False),
    Case(F.argmax, [uniform(3, 4)], ref=lambda x: numpy.argmax(x).astype(numpy.int32),
         grad=False, name='argmax_flat'),
    Case(F.argmin, [uniform(3, 4)], attrs=dict(axis=0),
         ref=lambda x, axis: numpy.argmin(x, axis=axis).astype(numpy.int32), grad=False),
    Case(F.matmul, [uniform(3, 4), uniform(4, 2)], ref=_matmul),
    Case(F.matmul, [uniform(4, 3), uniform(2, 4)], attrs=dict(transa=True, transb=True),
         ref=_matmul, name='matmul_trans'),
    Case(F.matmul, [uniform(2, 3, 4), uniform(4, 2)], ref=_matmul, name='matmul_batched'),
    Case(F.matmul, [uniform(4), uniform(2, 4, 3)], ref=_matmul, name='matmul_vec_mat'),
    Case(F.matmul, [uniform(3, 4), uniform(4)], attrs=dict(transa=False), ref=_matmul,
         name='matmul_mat_vec'),
    Case(F.matmul, [uniform(4), uniform(4)], ref=_matmul, name='matmul_dot'),
    Case(F.batch_matmul, [uniform(2, 3, 4), uniform(2, 4, 2)], ref=_batch_matmul),
    Case(F.batch_matmul, [uniform(2, 3), uniform(2, 3)], attrs=dict(transa=True),
         ref=_batch_matmul, name='batch_matmul_vectors'),
    Case(F.bias, [uniform(2, 3, 4), uniform(3)], ref=lambda x, y: x + _along(x, y, 1)),
    Case(F.bias, [uniform(2, 3, 4), uniform(3, 4)], attrs=dict(axis=1),
         ref=lambda x, y, axis: x + _along(x, y, axis), name='bias_2d'),
    Case(F.scale, [uniform(2, 3, 4), uniform(4)], attrs=dict(axis=2),
         ref=lambda x, y, axis: x * _along(x, y, axis)),
    Case(F.scale, [uniform(2, 3), uniform(2)], attrs=dict(axis=0),
         ref=lambda x, y, axis: x * _along(x, y, axis), name='scale_axis0'),
    Case(F.logsumexp, [uniform(3, 4)], ref=_logsumexp),
    Case(F.logsumexp, [uniform(2, 3, 4, low=-20, high=20)], attrs=dict(axis=1),
         ref=_logsumexp, dtypes=NO_F16, name='logsumexp_axis_large'),
    Case(F.logsumexp, [uniform(2, 3, 4)], attrs=dict(axis=(0, 2)), ref=_logsumexp,
         name='logsumexp_axes'),
    Case(F.cumsum, [uniform(3, 4)], ref=_cumsum),
    Case(F.cumsum, [uniform(3, 4)], attrs=dict(axis=1), ref=_cumsum, name='cumsum_axis1'),
    Case(F.sign, [nonzero(3, 4)], ref=numpy.sign, grad=False),
    Case(F.floor, [uniform(3, 4, low=-3, high=3)], ref=numpy.floor, grad=False),
    Case(F.ceil, [uniform(3, 4, low=-3, high=3)], ref=numpy.ceil, grad=False),
    Case(F.fix, [uniform(3, 4, low=-3, high=3)], ref=numpy.fix, grad=False),
    Case(F.identity, [uniform(3, 4)], ref=lambda x: x),
    Case(F.identity, [uniform(3), uniform(2, 2)], ref=lambda x, y: (x, y),
         name='identity_two'),
    Case(F.linear_interpolate, [uniform(3, 4, low=0, high=1), uniform(3, 4), uniform(3, 4)],
         ref=lambda p, x, y: p * x + (1 - p) * y),
    Case(F.batch_l2_norm_squared, [uniform(3, 2, 2)],
         ref=lambda x: (x.reshape(3, -1) ** 2).sum(axis=1)),
    Case(F.sum, [const(numpy.arange(6.0).reshape(2, 3))], attrs=dict(axis=-1),
         ref=lambda x, axis: x.sum(axis=axis), name='sum_const'),
    Case(F.add, [uniform(3, 4), uniform(3, 4), uniform(3, 4)], ref=lambda a, b, c: a + b + c),
    Case(F.prod, [nonzero(3, 4)], attrs=dict(axis=1), ref=lambda x, axis: x.prod(axis=axis)),
    Case(F.prod, [nonzero(2, 3, 2)], ref=lambda x: x.prod(), name='prod_all'),
    Case(F.cumprod, [nonzero(3, 4)], attrs=dict(axis=0),
         ref=lambda x, axis: numpy.cumprod(x, axis=axis)),
    Case(F.cumprod, [nonzero(2, 3)], ref=lambda x: numpy.cumprod(x), name='cumprod_flat'),
    Case(F.sum_to, [uniform(2, 3, 4)], attrs=dict(shape=(3, 1)),
         ref=lambda x, shape: x.sum(axis=0).sum(axis=1, keepdims=True)),
    Case(lambda a, b: F.einsum('...ij,...jk', a, b), [uniform(2, 3, 4), uniform(2, 4, 2)],
         ref=lambda a, b: numpy.einsum('...ij,...jk', a, b), name='einsum', covers='einsum'),
    Case(F.tensordot, [uniform(2, 3, 4), uniform(3, 4, 2)], ref=numpy.tensordot),
    Case(F.tensordot, [uniform(2, 3, 4), uniform(4, 3)], attrs=dict(axes=((1, 2), (1, 0))),
         ref=lambda a, b, axes: numpy.tensordot(a, b, axes), name='tensordot_axes'),
    Case(lambda a: F.det(a + EYE3.astype(a.dtype)), [uniform(3, 3)],
         ref=lambda a: numpy.linalg.det(a + EYE3), name='det', covers='det'),
    Case(F.batch_det, [uniform(2, 3, 3)], ref=numpy.linalg.det),
    Case(lambda a: F.inv(a + EYE3.astype(a.dtype)), [uniform(3, 3)],
         ref=lambda a: numpy.linalg.inv(a + EYE3), name='inv', covers='inv'),
    Case(lambda a: F.batch_inv(a + EYE3.astype(a.dtype)), [uniform(2, 3, 3)],
         ref=lambda a: numpy.linalg.inv(a + EYE3), name='batch_inv', covers='batch_inv'),
    Case(lambda a: F.cholesky(F.matmul(a, a, transb=True) + EYE3.astype(a.dtype)),
         [uniform(3, 3)], ref=lambda a: numpy.linalg.cholesky(a @ a.T + EYE3),
         name='cholesky', covers='cholesky'),
    Case(lambda r, i: F.fft((r, i)), [uniform(2, 4), uniform(2, 4)],
         ref=lambda r, i: (numpy.fft.fft(r + 1j * i).real, numpy.fft.fft(r + 1j * i).imag),
         name='fft', covers='fft', dtypes=NO_F16),
    Case(lambda r, i: F.ifft((r, i)), [uniform(3), uniform(3)],
         ref=lambda r, i: (numpy.fft.ifft(r + 1j * i).real,
                           numpy.fft.ifft(r + 1j * i).imag),
         name='ifft', covers='ifft', dtypes=NO_F16),
]
