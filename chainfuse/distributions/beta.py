import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import (
    ScalarDistribution, cached_property, logical_and, parameter, safe_log)
from chainfuse.ops import elementwise as E


def _lbeta(a, b):
    return F.lgamma(a) + F.lgamma(b) - F.lgamma(a + b)


class Beta(ScalarDistribution):
    """Beta distribution on [0, 1]: ``p(x) = x^(a-1) (1-x)^(b-1) / B(a, b)``.

    ``log_prob`` is -inf outside [0, 1].  ``sample_n`` draws ``numpy.random.beta``
    like Chainer (not reparameterized; a graph break inside a compiled call).
    """

    _param_names = ('a', 'b')
    _support = '[0, 1]'

    def __init__(self, a, b):
        self._given = dict(a=a, b=b)

    a = parameter('a')
    b = parameter('b')

    @cached_property
    def _a_plus_b(self):
        return self.a + self.b

    @cached_property
    def entropy(self):
        apb = self._a_plus_b
        return (_lbeta(self.a, self.b)
                - (self.a - 1) * F.digamma(self.a)
                - (self.b - 1) * F.digamma(self.b)
                + (apb - 2) * F.digamma(apb))

    def log_prob(self, x):
        x = as_variable(x)
        inside = logical_and(x >= 0, x <= 1)
        logp = ((self.a - 1) * safe_log(x, inside)
                + (self.b - 1) * safe_log(1 - x, inside)
                - _lbeta(self.a, self.b))
        return E.where(inside, logp, -numpy.inf)

    @cached_property
    def mean(self):
        return self.a / self._a_plus_b

    @cached_property
    def variance(self):
        apb = self._a_plus_b
        return self.a * self.b / apb ** 2 / (apb + 1)

    def sample_n(self, n):
        shape = (n,) + self.a.shape
        return _sampling.global_draw(
            'Beta.sample', lambda xp, a, b: xp.random.beta(a, b, size=shape).astype(a.dtype),
            self.a, self.b)


@register_kl(Beta, Beta)
def _kl_beta_beta(dist1, dist2):
    apb1, apb2 = dist1._a_plus_b, dist2._a_plus_b
    return (-_lbeta(dist1.a, dist1.b) + _lbeta(dist2.a, dist2.b)
            + (dist1.a - dist2.a) * F.digamma(dist1.a)
            + (dist1.b - dist2.b) * F.digamma(dist1.b)
            + (apb2 - apb1) * F.digamma(apb1))
