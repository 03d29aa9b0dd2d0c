"""Decorrelated batch normalization (Huang et al.): ZCA whitening of channel groups.

The C channels are split into `groups` groups of C/g; within a group the batch (and
spatial) samples are centered and multiplied by the inverse square root of their
covariance, ``cov^-1/2 = V diag(w^-1/2) V^T`` from the symmetric eigendecomposition
(the ``eigh`` op, whose gradient rule gives the exact gradient).  The running mean and
the running projection (times ``m / (m - 1)``, as Chainer) are updated in place.
"""
import numpy

from chainfuse.config import no_backprop_mode
from chainfuse.functions._util import array_module
from chainfuse.functions.normalization.batch_normalization import _update_running
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def _grouped(name, x, groups):
    """x (b, c, ...) -> (groups, c / groups, m) and a function putting it back."""
    if x.ndim < 2 or x.dtype.kind != 'f':
        raise OpTypeError(name, f'x must be a float array (N, C, ...), got {x.dtype.name} '
                                f'{tuple(x.shape)}')
    b, c = x.shape[:2]
    if c % groups:
        raise OpTypeError(name, f'the {c} channels do not split into {groups} groups')
    spatial = tuple(range(2, x.ndim))
    m = x.size // c
    moved = A.transpose(x, axes=(1, 0) + spatial)
    rows = A.reshape(moved, shape=(groups, c // groups, m))

    def back(y):
        y = A.reshape(y, shape=(c, b) + tuple(x.shape[2:]))
        return A.transpose(y, axes=(1, 0) + spatial)
    return rows, back, m


def decorrelated_batch_normalization(x, **kwargs):
    """``decorrelated_batch_normalization(x, groups=16, eps=2e-5, running_mean=None,
    running_projection=None, decay=0.9)``: the whitened x, same shape (see the module
    docstring)."""
    groups = kwargs.pop('groups', 16)
    eps = kwargs.pop('eps', 2e-5)
    running_mean = kwargs.pop('running_mean', None)
    running_projection = kwargs.pop('running_projection', None)
    decay = kwargs.pop('decay', 0.9)
    if kwargs:
        raise TypeError(f'decorrelated_batch_normalization() got unexpected keyword '
                        f'argument(s) {sorted(kwargs)}')
    rows, back, m = _grouped('decorrelated_batch_normalization', x, groups)
    size = rows.shape[1]
    mean = E.div(R.sum(rows, axis=(2,), keepdims=True), float(m))
    centered = E.sub(rows, mean)
    eye = array_module(x).asarray(numpy.eye(size, dtype=x.dtype) * eps)
    cov = E.add(E.div(linalg.matmul(centered, centered, transb=True), float(m)), eye)
    w, v = linalg.eigh(cov)
    scaled = E.mul(v, A.reshape(E.rsqrt(w), shape=(groups, 1, size)))
    projection = linalg.matmul(scaled, v, transb=True)          # V diag(w^-1/2) V^T
    y = back(linalg.matmul(projection, centered))
    with no_backprop_mode():
        if running_mean is not None:
            _update_running(running_mean, mean, decay, 1.0)
        if running_projection is not None:
            _update_running(running_projection, projection, decay, m / max(m - 1.0, 1.0))
    return y


def fixed_decorrelated_batch_normalization(x, mean, projection, **kwargs):
    """``fixed_decorrelated_batch_normalization(x, mean, projection, groups=16)``: the
    test-mode whitening with given statistics, mean (groups, C/g) and projection
    (groups, C/g, C/g)."""
    groups = kwargs.pop('groups', 16)
    if kwargs:
        raise TypeError(f'fixed_decorrelated_batch_normalization() got unexpected keyword '
                        f'argument(s) {sorted(kwargs)}')
    rows, back, _ = _grouped('fixed_decorrelated_batch_normalization', x, groups)
    size = rows.shape[1]
    centered = E.sub(rows, A.reshape(mean, shape=(groups, size, 1)))
    return back(linalg.matmul(projection, centered))
