import math

import chainfuse.functions as F
from chainfuse.distributions import _sampling
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter


class Chisquare(ScalarDistribution):
    """Chi-square distribution with `k` degrees of freedom:
    ``p(x) = x^(k/2 - 1) exp(-x/2) / (2^(k/2) Gamma(k/2))``.

    ``sample_n`` draws ``numpy.random.chisquare`` like Chainer (not reparameterized; a
    graph break inside a compiled call).
    """

    _param_names = ('k',)
    _support = 'positive'

    def __init__(self, k):
        self._given = dict(k=k)

    k = parameter('k')

    @cached_property
    def _half_k(self):
        return 0.5 * self.k

    @cached_property
    def entropy(self):
        h = self._half_k
        return h + math.log(2.) + F.lgamma(h) + (1 - h) * F.digamma(h)

    def log_prob(self, x):
        h = self._half_k
        return -F.lgamma(h) - h * math.log(2.) + (h - 1) * F.log(x) - 0.5 * x

    @cached_property
    def mean(self):
        return self.k

    @cached_property
    def variance(self):
        return 2 * self.k

    def sample_n(self, n):
        shape = (n,) + self.k.shape
        return _sampling.global_draw(
            'Chisquare.sample',
            lambda xp, k: xp.random.chisquare(k, size=shape).astype(k.dtype), self.k)
