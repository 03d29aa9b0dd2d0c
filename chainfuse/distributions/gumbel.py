import math

import chainfuse.functions as F
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter

EULER = 0.57721566490153286060651209008240243104215933593992


class Gumbel(ScalarDistribution):
    """Gumbel distribution: ``p(x) = exp(-z - exp(-z)) / scale``, ``z = (x - loc) /
    scale``.

    ``sample_n`` is ``loc + scale * (-log(-log u))`` with u in (0, 1) from the
    registry's ``uniform`` op (gradients reach loc and scale).
    """

    _param_names = ('loc', 'scale')
    _support = 'real'

    def __init__(self, loc, scale):
        self._given = dict(loc=loc, scale=scale)

    loc = parameter('loc')
    scale = parameter('scale')

    @cached_property
    def _log_scale(self):
        return F.log(self.scale)

    @cached_property
    def entropy(self):
        return self._log_scale + (EULER + 1)

    def log_prob(self, x):
        z = (x - self.loc) / self.scale
        return -self._log_scale - z - F.exp(-z)

    @cached_property
    def mean(self):
        return self.loc + EULER * self.scale

    @cached_property
    def variance(self):
        return (math.pi ** 2 / 6) * self.scale ** 2

    def sample_n(self, n):
        u = _sampling.uniform_open((n,) + self.loc.shape, like=self.loc)
        return self.scale * -F.log(-F.log(u)) + self.loc


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(dist1, dist2):
    ratio = dist1.scale / dist2.scale
    return (dist2._log_scale - dist1._log_scale
            + EULER * (ratio - 1.)
            + F.exp((dist2.loc - dist1.loc) / dist2.scale + F.lgamma(ratio + 1.))
            - 1
            + (dist1.loc - dist2.loc) / dist2.scale)
