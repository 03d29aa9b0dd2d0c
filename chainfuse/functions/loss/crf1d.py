"""Linear-chain conditional random fields (Chainer's ``crf1d`` and ``argmax_crf1d``).

``xs`` is a time-major list of (B_t, K) scores with non-increasing B_t (sequences sorted
by decreasing length), ``cost[i, j]`` the score of the transition from label i to j.
The log partition function is the forward algorithm, one logsumexp per step over
``alpha[:, :, None] + cost``; rows of sequences that ended keep their alpha.
"""
import numpy

from chainfuse.core.variable import Variable
from chainfuse.functions.array.select_item import select_item
from chainfuse.functions.loss import _common as C
from chainfuse.functions.math.logsumexp import logsumexp
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError

_ALL = A.Slice(None, None, None)


def _split_rows(v, batch):
    return (A.getitem(v, key=(A.Slice(None, batch, None),)),
            A.getitem(v, key=(A.Slice(batch, None, None),)))


def _check(cost, xs):
    if cost.ndim != 2 or cost.shape[0] != cost.shape[1]:
        raise OpTypeError('crf1d', f'cost must be (K, K), got {tuple(cost.shape)}')
    if not xs:
        raise ValueError('crf1d: xs must hold at least one step')
    for t, x in enumerate(xs):
        if x.ndim != 2 or x.shape[1] != cost.shape[0]:
            raise OpTypeError('crf1d', f'xs[{t}] must be (B_t, {cost.shape[0]}), got '
                                       f'{tuple(x.shape)}')
        if t and x.shape[0] > xs[t - 1].shape[0]:
            raise OpTypeError('crf1d', 'batch sizes of xs must not increase (sort the '
                                       'sequences by decreasing length)')


def _transition(alpha, cost):
    """alpha[:, :, None] + cost[None]: (B, K, K)."""
    b, k = alpha.shape
    return E.add(A.reshape(alpha, shape=(b, k, 1)), A.reshape(cost, shape=(1, k, k)))


def crf1d(cost, xs, ys, reduce='mean'):
    """Negative log-likelihood of the label sequences ys (time-major list of (B_t,)
    ints) under the CRF: ``log Z - score(ys)`` per sequence, averaged over the batch
    (``reduce='mean'``) or not (``'no'``)."""
    C.check_reduce('crf1d', reduce)
    _check(cost, xs)
    k = cost.shape[0]
    n_batch = xs[0].shape[0]
    alpha = xs[0]
    finished = []
    for x in xs[1:]:
        batch = x.shape[0]
        if alpha.shape[0] > batch:
            alpha, rest = _split_rows(alpha, batch)
            finished.append(rest)
        alpha = E.add(logsumexp(_transition(alpha, cost), axis=1), x)
    if finished:
        alpha = A.concat(*([alpha] + finished[::-1]), axis=0)
    logz = logsumexp(alpha, axis=1)
    flat_cost = A.reshape(cost, shape=(k * k,))
    score = select_item(xs[0], ys[0])
    done = []
    for x, y, y_prev in zip(xs[1:], ys[1:], ys[:-1]):
        batch = x.shape[0]
        if score.shape[0] > batch:
            y_prev = A.getitem(y_prev, key=(A.Slice(None, batch, None),))
            score, rest = _split_rows(score, batch)
            done.append(rest)
        step = A.take(flat_cost, E.add(E.mul(y_prev, k), y), axis=0)
        score = E.add(score, E.add(select_item(x, y), step))
    if done:
        score = A.concat(*([score] + done[::-1]), axis=0)
    losses = E.sub(logz, score)
    if reduce == 'no':
        return losses
    return E.div(R.sum(losses), float(n_batch))


def _host(v):
    return v.array if isinstance(v, Variable) else v


def argmax_crf1d(cost, xs):
    """The best label sequences (Viterbi): returns ``(score, path)`` with score (B,) the
    best total score per sequence and path a time-major list of (B_t,) int arrays."""
    _check(cost, xs)
    alpha = xs[0]
    alphas, back = [], []
    for x in xs[1:]:
        batch = x.shape[0]
        if alpha.shape[0] > batch:
            alpha, rest = _split_rows(alpha, batch)
            alphas.append(rest)
        else:
            alphas.append(None)
        scores = _transition(alpha, cost)
        back.append(R.argmax(scores, axis=(1,)))
        alpha = E.add(R.max(scores, axis=(1,)), x)
    inds = R.argmax(alpha, axis=(1,))
    path = [_host(inds)]
    for m, a in zip(back[::-1], alphas[::-1]):
        inds = select_item(m, inds)
        if a is not None:
            inds = A.concat(inds, E.astype(R.argmax(a, axis=(1,)), dtype=inds.dtype), axis=0)
        path.append(_host(inds))
    path.reverse()
    score = R.max(alpha, axis=(1,))
    for a in alphas[::-1]:
        if a is not None:
            score = A.concat(score, R.max(a, axis=(1,)), axis=0)
    return score, [numpy.asarray(p).astype(numpy.int32) if isinstance(p, numpy.ndarray) else p
                   for p in path]
