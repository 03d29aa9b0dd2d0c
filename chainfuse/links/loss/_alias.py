"""Drawing from a discrete distribution with Walker's alias method, with ops.

`AliasSampler(probs).sample(shape)` draws int32 indices distributed as `probs`: one
uniform number u per draw from the ``uniform`` random op (a fresh key per call, so a
compiled model draws new samples on every replay), bucket ``k = floor(u * n)`` and, by
the table built here, ``values[2k]`` or ``values[2k + 1]`` as ``u * n - k`` is below
or above ``threshold[k]`` (the table construction is Chainer's WalkerAlias).
"""
import numpy

from chainfuse import random as cf_random
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops


def alias_table(probs):
    prob = numpy.array(probs, numpy.float32)
    if prob.ndim != 1 or prob.size == 0 or (prob < 0).any() or prob.sum() <= 0:
        raise ValueError('the sampling weights must be a non-empty 1-d list of non-negative '
                         'numbers with a positive sum')
    prob /= prob.sum()
    n = len(prob)
    threshold = numpy.empty(n, numpy.float32)
    values = numpy.empty(n * 2, numpy.int32)
    il = ir = 0
    for p, i in sorted(zip(prob, range(n))):
        p = p * n
        while p > 1 and ir < il:
            values[ir * 2 + 1] = i
            p -= 1.0 - threshold[ir]
            ir += 1
        threshold[il] = p
        values[il * 2] = i
        il += 1
    for i in range(ir, n):
        values[i * 2 + 1] = 0
    return threshold, values


class AliasSampler:
    """``sample(shape)`` -> int32 indices drawn with probabilities proportional to
    `probs` (see the module docstring)."""

    def __init__(self, probs):
        self.threshold, self.values = alias_table(probs)

    def sample(self, shape, xp=numpy, device='@numpy'):
        n = len(self.threshold)
        u = random_ops.uniform(cf_random.next_key(), shape=tuple(shape),
                               dtype=numpy.dtype(numpy.float64), device=device)
        scaled = E.mul(u, float(n))
        bucket = E.minimum(E.floor(scaled), float(n - 1))
        index = E.astype(bucket, dtype=numpy.dtype(numpy.int32))
        upper = E.less(A.take(xp.asarray(self.threshold.astype(numpy.float64)), index, axis=0),
                       E.sub(scaled, bucket))
        pick = E.add(E.mul(index, 2), E.astype(upper, dtype=numpy.dtype(numpy.int32)))
        return A.take(xp.asarray(self.values), pick, axis=0)
