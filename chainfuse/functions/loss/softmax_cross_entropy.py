from chainfuse.functions._util import v1_kwargs
import numpy

from chainfuse.functions.activation.log_softmax import log_softmax
from chainfuse.functions.loss import _common as C
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def _check(x, t, class_weight):
    C.check_float('softmax_cross_entropy', x)
    C.check_labels('softmax_cross_entropy', t)
    ok = x.ndim >= 2 and t.ndim == x.ndim - 1 and t.shape[0] == x.shape[0] and \
        tuple(x.shape[2:]) == tuple(t.shape[1:])
    if not ok:
        raise OpTypeError('softmax_cross_entropy',
                          f'x must be (N, C, ...) and t (N, ...) with the same trailing '
                          f'axes, got x {tuple(x.shape)} and t {tuple(t.shape)}')
    if class_weight is not None:
        shape = getattr(class_weight, 'shape', None)
        if shape != (x.shape[1],) or class_weight.dtype.kind != 'f':
            raise OpTypeError('softmax_cross_entropy',
                              f'class_weight must be a float array of shape ({x.shape[1]},), '
                              f'got {getattr(class_weight, "dtype", type(class_weight))} '
                              f'{shape}')


def _flat_indices(x, t_safe):
    """Indices of ``x[n, t[n, r], r]`` in x flattened, for x viewed as (N, C, R).

    ``n * C * R + r`` is a constant of t's shape (it depends on shapes only); adding
    ``t * R`` picks the class.  int64, so large inputs cannot overflow.
    """
    n, c = x.shape[0], x.shape[1]
    rest = x.size // max(n * c, 1)
    xp = C.array_module(x)
    base = (xp.arange(n, dtype=numpy.int64)[:, None] * (c * rest) +
            xp.arange(rest, dtype=numpy.int64)[None, :]).reshape(t_safe.shape)
    return E.add(E.mul(E.astype(t_safe, dtype=numpy.dtype(numpy.int64)), rest), base)


def _soft_target(x, t, class_weight, reduce, soft_target_loss):
    """The loss against a distribution t of x's shape (Chainer's soft targets)."""
    C.check_float('softmax_cross_entropy', t, 't')
    if class_weight is not None:
        raise ValueError('softmax_cross_entropy: class_weight is not supported with soft '
                         '(float) targets t; weight the targets instead (Chainer ignores it '
                         'silently)')
    log_y = log_softmax(x, axis=1)
    if t.dtype != x.dtype:
        t = E.astype(t, dtype=x.dtype)
    if soft_target_loss == 'kl-divergence':
        terms = E.mul(t, E.sub(E.log(E.add(t, _SOFT_EPS)), log_y))
    else:
        terms = E.neg(E.mul(t, log_y))
    losses = R.sum(terms, axis=(1,))
    if reduce == 'no':
        return losses
    return C.total_of(losses, float(max(losses.size, 1)))


_SOFT_EPS = 1e-7   # Chainer's guard inside log(t) of the KL divergence


def softmax_cross_entropy(x, t, normalize=True, cache_score=True, class_weight=None,
                          ignore_label=-1, reduce='mean', enable_double_backprop=False,
                          soft_target_loss='cross-entropy', **kwargs):
    """Cross entropy of ``softmax(x, axis=1)`` against integer labels t.

    x is (N, C) or (N, C, d1, ...) and t is (N,) or (N, d1, ...).  The loss of one
    entry is ``-log_softmax(x)[n, t, ...]`` (times ``class_weight[t]`` when given);
    entries whose label is `ignore_label` count 0.  ``reduce='mean'`` sums them and
    divides by the number of non-ignored labels (``normalize=True``) or by N;
    ``reduce='no'`` returns them with t's shape.

    Every label must be in ``[0, C)`` or equal `ignore_label`, else a ValueError (the
    ``check_index`` op, which is a step of compiled plans too).

    Soft targets: a float t of x's shape is a distribution over the classes (axis 1).
    The loss of one entry is ``-sum_c t * log_softmax(x)`` (``soft_target_loss=
    'cross-entropy'``) or ``sum_c t * (log(t + 1e-7) - log_softmax(x))``
    (``'kl-divergence'``); ``reduce='mean'`` averages over the N * d1 * ... entries.
    The gradient is the exact one, ``sum_c(t) * softmax(x) - t``, which is Chainer's
    ``softmax(x) - t`` when each target sums to 1.

    Composed of ops: log_softmax, then a ``take`` of the labelled entries from the
    flattened scores, then masking and the reduction, so the result is differentiable
    to any order (``cache_score`` and ``enable_double_backprop`` are accepted for
    Chainer compatibility and change nothing).
    """
    if kwargs:
        v1_kwargs('softmax_cross_entropy', kwargs)
    C.check_reduce('softmax_cross_entropy', reduce)
    if soft_target_loss not in ('cross-entropy', 'kl-divergence'):
        raise ValueError("softmax_cross_entropy: soft_target_loss must be 'cross-entropy' or "
                         f"'kl-divergence', got {soft_target_loss!r}")
    if t.dtype.kind == 'f' and tuple(t.shape) == tuple(x.shape):
        C.check_float('softmax_cross_entropy', x)
        return _soft_target(x, t, class_weight, reduce, soft_target_loss)
    _check(x, t, class_weight)
    log_y = log_softmax(x, axis=1)
    t = A.check_index(t, size=int(x.shape[1]), ignore=int(ignore_label),
                      fn='softmax_cross_entropy', what='label', of='classes')
    t_safe = C.safe_labels(t, ignore_label)
    picked = A.take(A.reshape(log_y, shape=(x.size,)), _flat_indices(x, t_safe), axis=0)
    valid = C.valid_mask(t, ignore_label, x.dtype)
    weight = valid
    if class_weight is not None:
        cw = class_weight.astype(x.dtype, copy=False)
        weight = E.mul(valid, A.take(cw, t_safe, axis=0))
    losses = E.neg(E.mul(picked, weight))
    if reduce == 'no':
        return losses
    count = C.count_of(valid) if normalize else float(max(x.shape[0], 1))
    return C.total_of(losses, count)
