import math

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter
from chainfuse.ops import elementwise as E


def _laplace_cdf(z):
    """The standard Laplace CDF: ``exp(z) / 2`` below 0, ``1 - exp(-z) / 2`` above
    (each branch on a clamped argument, so the unused one never overflows and its
    gradient stays 0; the derivative is ``exp(-|z|) / 2``, also at 0)."""
    below = 0.5 * F.exp(F.minimum(z, 0.0))
    above = 0.5 - 0.5 * F.expm1(-F.maximum(z, 0.0))
    return E.where(z < 0, below, above)


def _laplace_icdf(u):
    """The standard Laplace quantile: ``log(2u)`` below 1/2, ``-log(2 - 2u)`` above,
    written with ``h = 1 - 2u`` as ``log1p(-h)`` and ``-log1p(h)`` (both finite for u in
    (0, 1); the derivative is ``1 / (1/2 - |u - 1/2|)``)."""
    h = 1 - 2 * as_variable(u)
    return E.where(h > 0, F.log1p(-h), -F.log1p(h))


class Laplace(ScalarDistribution):
    """Laplace distribution: ``p(x) = exp(-|x - loc| / scale) / (2 scale)``.

    ``sample_n`` is ``loc + scale * icdf(u)`` with u in (0, 1) from the registry's
    ``uniform`` op (gradients reach loc and scale).
    """

    _param_names = ('loc', 'scale')
    _support = 'real'

    def __init__(self, loc, scale):
        self._given = dict(loc=loc, scale=scale)

    loc = parameter('loc')
    scale = parameter('scale')

    def cdf(self, x):
        return _laplace_cdf((x - self.loc) / self.scale)

    def icdf(self, x):
        return self.loc + self.scale * _laplace_icdf(x)

    def log_prob(self, x):
        return -F.log(2 * self.scale) - abs(x - self.loc) / self.scale

    def prob(self, x):
        return 0.5 / self.scale * F.exp(-abs(x - self.loc) / self.scale)

    @cached_property
    def entropy(self):
        return 1. + F.log(2 * self.scale)

    @cached_property
    def mean(self):
        return self.loc

    @cached_property
    def mode(self):
        return self.loc

    @cached_property
    def stddev(self):
        return math.sqrt(2) * self.scale

    @cached_property
    def variance(self):
        return 2 * self.scale ** 2

    def sample_n(self, n):
        u = _sampling.uniform_open((n,) + self.loc.shape, like=self.loc)
        return self.scale * _laplace_icdf(u) + self.loc


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(dist1, dist2):
    diff = abs(dist1.loc - dist2.loc)
    return (F.log(dist2.scale) - F.log(dist1.scale)
            + diff / dist2.scale
            + dist1.scale / dist2.scale * F.exp(-diff / dist1.scale)
            - 1)
