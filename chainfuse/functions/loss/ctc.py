"""Connectionist temporal classification (Graves et al.; Chainer's
``connectionist_temporal_classification``).

The loss ``-log p(t | x)`` is the forward algorithm in log space over the extended
label sequence ``path = (blank, t_1, blank, t_2, ..., t_L, blank)``: at every step the
log probability of each path position is the logsumexp of staying, advancing one, and
skipping a blank (not between equal labels), plus the log softmax of x at that label.
Written with ops, so the gradient (which only x gets) comes from their rules.  "log 0"
is a large negative constant, as in Chainer, so no inf - inf appears.
"""
import numpy

from chainfuse.core.variable import Variable
from chainfuse.functions.activation.log_softmax import log_softmax
from chainfuse.functions.array.stack import stack
from chainfuse.functions.loss import _common as C
from chainfuse.functions.math.logsumexp import logsumexp
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError

_ALL = A.Slice(None, None, None)


def _host(v):
    return numpy.asarray(v.array if isinstance(v, Variable) else v)


def _path(t, blank, xp):
    """(B, 2L + 1): blanks around and between the labels."""
    b, length = t.shape
    blanks = xp.full((b, length, 1), blank, dtype=numpy.int32)
    labels = A.reshape(E.astype(t, dtype=numpy.dtype(numpy.int32)), shape=(b, length, 1))
    inner = A.reshape(A.concat(blanks, labels, axis=2), shape=(b, 2 * length))
    return A.concat(inner, xp.full((b, 1), blank, dtype=numpy.int32), axis=1)


def _shift(v, k, zero):
    """v moved k positions right along axis 1, `zero` shifted in."""
    b, s = v.shape
    head = A.broadcast_to(A.reshape(zero, shape=(1, 1)), shape=(b, k))
    return A.concat(head, A.getitem(v, key=(_ALL, A.Slice(None, s - k, None))), axis=1)


def connectionist_temporal_classification(x, t, blank_symbol, input_length=None,
                                          label_length=None, reduce='mean'):
    """CTC loss of unnormalized scores x (a time-major list of T (B, V) arrays; softmax
    is applied here) against labels t (B, L) int32.  `input_length` (B,) and
    `label_length` (B,) give each sequence's true lengths (default: all T and L);
    ``reduce='mean'`` averages over the batch, ``'no'`` returns (B,)."""
    if not isinstance(x, (list, tuple)) or not x:
        raise TypeError('connectionist_temporal_classification: x must be a non-empty list '
                        'of (B, V) arrays')
    if not isinstance(blank_symbol, int) or not 0 <= blank_symbol < x[0].shape[1]:
        raise TypeError(f'connectionist_temporal_classification: blank_symbol must be an int '
                        f'in [0, {x[0].shape[1]}), got {blank_symbol!r}')
    C.check_reduce('connectionist_temporal_classification', reduce)
    if x[0].ndim != 2 or t.ndim != 2 or t.shape[0] != x[0].shape[0]:
        raise OpTypeError('connectionist_temporal_classification',
                          f'x[i] must be (B, V) and t (B, L), got {tuple(x[0].shape)} and '
                          f'{tuple(t.shape)}')
    xp = x[0].xp if isinstance(x[0], Variable) else numpy
    steps, (batch, vocab) = len(x), x[0].shape
    if input_length is None:
        input_length = numpy.full(batch, steps, numpy.int32)
    if label_length is None:
        label_length = numpy.full(batch, t.shape[1], numpy.int32)
    input_length, label_length = _host(input_length), _host(label_length)
    logp = log_softmax(stack(list(x)), axis=2)                          # (T, B, V)
    dtype = logp.dtype
    zero = xp.asarray(-10000.0 if dtype == numpy.float16 else -1e10, dtype=dtype)
    path = _path(t, blank_symbol, xp)                                   # (B, S)
    s = path.shape[1]
    path_length = 2 * label_length + 1
    skip_ok = E.logical_not(E.equal(
        A.getitem(path, key=(_ALL, A.Slice(2, None, None))),
        A.getitem(path, key=(_ALL, A.Slice(None, s - 2, None)))))
    skip_ok = A.concat(xp.zeros((batch, 2), dtype=bool), skip_ok, axis=1)
    outside = xp.asarray(numpy.arange(s)[None, :] >= path_length[:, None])
    flat_index = E.add(path, xp.asarray(numpy.arange(batch, dtype=numpy.int32)[:, None] * vocab))
    alpha = xp.full((batch, s), zero, dtype=dtype)
    alpha[:, 0] = 0
    for i in range(steps):
        stay = alpha
        step1 = _shift(alpha, 1, zero)
        step2 = E.where(skip_ok, _shift(alpha, 2, zero), zero)
        prob = logsumexp(stack([stay, step1, step2]), axis=0)
        prob = E.where(outside, zero, prob)
        emit = A.take(A.reshape(A.getitem(logp, key=(i,)), shape=(batch * vocab,)),
                      flat_index, axis=0)
        active = xp.asarray((i < input_length)[:, None])
        alpha = E.where(active, E.add(prob, emit), alpha)
    rows = numpy.arange(batch) * s
    last = A.take(A.reshape(alpha, shape=(batch * s,)),
                  xp.asarray((rows + path_length - 1).astype(numpy.int32)), axis=0)
    before = A.take(A.reshape(alpha, shape=(batch * s,)),
                    xp.asarray((rows + numpy.maximum(path_length - 2, 0)).astype(numpy.int32)),
                    axis=0)
    both = stack([last, E.where(xp.asarray(path_length >= 2), before, zero)], axis=1)
    losses = E.neg(logsumexp(both, axis=1))
    if reduce == 'no':
        return losses
    return E.div(R.sum(losses), float(batch))
