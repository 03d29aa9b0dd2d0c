import math

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import Distribution
from chainfuse.distributions.utils import cached_property


class Chisquare(Distribution):
    """Chi-square distribution with `k` degrees of freedom:
    ``p(x) = x^(k/2 - 1) exp(-x/2) / (2^(k/2) Gamma(k/2))``.

    ``sample_n`` draws ``numpy.random.chisquare`` like Chainer (not reparameterized; a
    graph break inside a compiled call).
    """

    def __init__(self, k):
        self.__k = k

    @cached_property
    def k(self):
        return as_variable(self.__k)

    @cached_property
    def _half_k(self):
        return 0.5 * self.k

    @property
    def batch_shape(self):
        return self.k.shape

    @property
    def event_shape(self):
        return ()

    @property
    def params(self):
        return {'k': self.k}

    @property
    def support(self):
        return 'positive'

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
