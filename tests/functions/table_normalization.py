"""Rows for F.normalization (chainfuse/functions/normalization/)."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, positive, uniform


def _bn_axes(x, gamma, axis):
    if axis is None:
        return (0,) + tuple(range(gamma.ndim + 1, x.ndim))
    return tuple(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis))


def _expand(v, x, axes):
    return v.reshape(tuple(1 if i in axes else s for i, s in enumerate(x.shape)))


def _bn(x, gamma, beta, eps=2e-5, axis=None):
    axes = _bn_axes(x, gamma, axis)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return _expand(gamma, x, axes) * (x - mean) / numpy.sqrt(var + eps) + \
        _expand(beta, x, axes)


def _fixed_bn(x, gamma, beta, mean, var, eps=2e-5, axis=None):
    axes = _bn_axes(x, gamma, axis)
    e = lambda v: _expand(v, x, axes)  # noqa: E731
    return e(gamma) * (x - e(mean)) / numpy.sqrt(e(var) + eps) + e(beta)


def _layer_norm(x, gamma, beta, eps=1e-5):
    rows = x.reshape(len(x), -1)
    y = (rows - rows.mean(axis=1, keepdims=True)) / numpy.sqrt(rows.var(axis=1, keepdims=True)
                                                                + eps)
    return (y * gamma.reshape(-1) + beta.reshape(-1)).reshape(x.shape)


def _normalize(x, eps=1e-5, axis=1):
    return x / (numpy.sqrt((x * x).sum(axis=axis, keepdims=True)) + eps)


CASES = [
    Case(F.batch_normalization, [uniform(5, 3), uniform(3), uniform(3)], ref=_bn,
         tol={numpy.float16: (3e-2, 3e-2)}),
    Case(F.batch_normalization, [uniform(2, 3, 2, 2), uniform(3), uniform(3)], ref=_bn,
         attrs=dict(eps=1e-3), tol={numpy.float16: (3e-2, 3e-2)}, name='bn_4d'),
    Case(F.batch_normalization, [uniform(2, 3, 4), uniform(3, 4), uniform(3, 4)], ref=_bn,
         tol={numpy.float16: (3e-2, 3e-2)}, name='bn_2d_gamma'),
    Case(F.batch_normalization, [uniform(4, 3, 2), uniform(3, 2), uniform(3, 2)],
         attrs=dict(axis=0), ref=_bn, tol={numpy.float16: (3e-2, 3e-2)}, name='bn_axis0'),
    Case(F.fixed_batch_normalization,
         [uniform(2, 3, 2), uniform(3), uniform(3), uniform(3), positive(3)], ref=_fixed_bn),
    Case(F.fixed_batch_normalization,
         [uniform(4, 3), uniform(3), uniform(3), uniform(3), positive(3)],
         attrs=dict(eps=1e-2), ref=_fixed_bn, name='fixed_bn_2d'),
    Case(F.layer_normalization, [uniform(3, 5), uniform(5), uniform(5)], ref=_layer_norm,
         tol={numpy.float16: (3e-2, 3e-2)}),
    Case(F.layer_normalization, [uniform(2, 3, 2), uniform(6), uniform(6)], ref=_layer_norm,
         attrs=dict(eps=1e-3), tol={numpy.float16: (3e-2, 3e-2)}, name='layer_norm_3d'),
    Case(F.normalize, [uniform(3, 4)], ref=_normalize),
    Case(F.normalize, [uniform(2, 3, 2)], attrs=dict(axis=(1, 2), eps=1e-3), ref=_normalize,
         name='normalize_axes'),
]
