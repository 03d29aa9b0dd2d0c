"""Rows for F.normalization (chainfuse/functions/normalization/)."""
import warnings

import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, positive, uniform


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


def _lrn(x, n=5, k=2, alpha=1e-4, beta=.75):
    half = n // 2
    sq = numpy.pad(x * x, ((0, 0), (half, half)) + ((0, 0),) * (x.ndim - 2))
    total = sum(sq[:, j:j + x.shape[1]] for j in range(2 * half + 1))
    return x / (k + alpha * total) ** beta


def _gn(x, groups, gamma, beta, eps=1e-5):
    n, c = x.shape[:2]
    r = x.reshape(n, groups, -1)
    y = ((r - r.mean(axis=2, keepdims=True)) / numpy.sqrt(r.var(axis=2, keepdims=True) + eps))
    shape = (1, c) + (1,) * (x.ndim - 2)
    return y.reshape(x.shape) * gamma.reshape(shape) + beta.reshape(shape)


# far from the batch statistics, so r and d sit at their clip bounds: constant near the
# point, which makes the numerical gradient (moving x moves the batch statistics) agree
# with the defined one (r and d are not differentiated)
RUN_MEAN = numpy.array([3.0, -3.0, 2.5])
RUN_VAR = numpy.array([4.0, 5.0, 6.0])


def _brn(x, gamma, beta, rmax, dmax, eps=2e-5, running_mean=None, running_var=None):
    axes = (0, 2)
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    std = numpy.sqrt(var + eps)
    run_std = numpy.sqrt(running_var.reshape(1, -1, 1) + eps)
    r = numpy.clip(std / run_std, 1 / rmax, rmax)
    d = numpy.clip((mean - running_mean.reshape(1, -1, 1)) / run_std, -dmax, dmax)
    return gamma.reshape(1, -1, 1) * ((x - mean) / std * r + d) + beta.reshape(1, -1, 1)


def _brn_call(x, gamma, beta, rmax, dmax):
    return F.batch_renormalization(x, gamma, beta, rmax, dmax,
                                   running_mean=RUN_MEAN.astype(x.dtype),
                                   running_var=RUN_VAR.astype(x.dtype))


def _fixed_brn(*args):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)    # deprecated, as in Chainer
        return F.fixed_batch_renormalization(*args)


def _dbn(x, groups):
    b, c = x.shape[:2]
    rows = numpy.moveaxis(x, 1, 0).reshape(groups, c // groups, -1)
    centered = rows - rows.mean(axis=2, keepdims=True)
    cov = centered @ numpy.swapaxes(centered, 1, 2) / rows.shape[2] + 2e-5 * numpy.eye(
        c // groups)
    w, v = numpy.linalg.eigh(cov)
    proj = v @ (w[:, :, None] ** -0.5 * numpy.swapaxes(v, 1, 2))
    y = (proj @ centered).reshape((c, b) + x.shape[2:])
    return numpy.moveaxis(y, 0, 1)


DBN_MEAN = numpy.array([[0.1, -0.2], [0.3, 0.0]])
DBN_PROJ = numpy.array([[[1.2, 0.1], [0.1, 0.8]], [[0.9, -0.2], [-0.2, 1.1]]])


CASES = [
    Case(F.decorrelated_batch_normalization, [uniform(6, 4, 2)], attrs=dict(groups=2),
         ref=_dbn, dtypes=(numpy.float32, numpy.float64), double=False),
    Case(F.fixed_decorrelated_batch_normalization,
         [uniform(3, 4, 2), const(DBN_MEAN), const(DBN_PROJ)], attrs=dict(groups=2),
         ref=lambda x, m, p, groups: numpy.moveaxis(
             (p @ (numpy.moveaxis(x, 1, 0).reshape(2, 2, -1) - m[:, :, None])).reshape(
                 (4, 3, 2)), 0, 1)),
    Case(F.local_response_normalization, [uniform(2, 7, 3)], ref=_lrn),
    Case(F.local_response_normalization, [uniform(2, 4, 2, 2, low=-3, high=3)],
         attrs=dict(n=3, k=1, alpha=0.5, beta=0.5), ref=_lrn, name='lrn_args'),
    Case(lambda x, g, b: F.group_normalization(x, 3, g, b), [uniform(2, 6, 2, 2),
                                                             positive(6), uniform(6)],
         ref=lambda x, g, b: _gn(x, 3, g, b), name='group_normalization',
         covers='group_normalization'),
    Case(_brn_call, [uniform(4, 3, 2), positive(3), uniform(3)],
         attrs=dict(rmax=1.5, dmax=0.5),
         ref=lambda x, g, b, rmax, dmax: _brn(x, g, b, rmax, dmax, running_mean=RUN_MEAN,
                                              running_var=RUN_VAR),
         name='batch_renormalization', covers='batch_renormalization'),
    Case(_fixed_brn, [uniform(3, 3, 2), positive(3), uniform(3), uniform(3), positive(3)],
         ref=_fixed_bn, name='fixed_batch_renormalization',
         covers='fixed_batch_renormalization'),
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
