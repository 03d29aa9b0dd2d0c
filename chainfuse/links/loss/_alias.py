"""Drawing from a discrete distribution with Walker's alias method, with ops.

`AliasSampler(probs).sample(shape)` draws int32 indices distributed as `probs`: one
uniform number u per draw from the ``uniform`` random op (a fresh key per call, so a
compiled model draws new samples on every replay), bucket ``k = floor(u * n)`` and, by
the table of `chainfuse.utils.WalkerAlias`, ``values[2k]`` or ``values[2k + 1]`` as
``u * n - k`` is below or above ``threshold[k]``.  (WalkerAlias's own ``sample`` draws
from numpy's global generator, as Chainer's does, which a compiled plan cannot replay.)
"""
import numpy

from chainfuse import random as cf_random
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops
from chainfuse.utils.walker_alias import WalkerAlias


class AliasSampler:
    """``sample(shape)`` -> int32 indices drawn with probabilities proportional to
    `probs` (see the module docstring)."""

    def __init__(self, probs):
        table = WalkerAlias(probs)
        self.threshold, self.values = table.threshold, table.values

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
