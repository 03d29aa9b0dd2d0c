import math
import warnings

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.utils import ScalarDistribution, cached_property, full_like, parameter


def _cauchy_icdf(x):
    return F.tan((as_variable(x) - 0.5) * math.pi)


class Cauchy(ScalarDistribution):
    """Cauchy distribution: ``p(x) = scale / (pi ((x - loc)^2 + scale^2))``.  Its mean
    and variance are undefined: they are NaN, with a RuntimeWarning, as in Chainer.

    ``sample_n`` is ``loc + scale * tan(pi (u - 1/2))`` with u from the registry's
    ``uniform`` op (gradients reach loc and scale).
    """

    _param_names = ('loc', 'scale')
    _support = 'real'

    def __init__(self, loc, scale):
        self._given = dict(loc=loc, scale=scale)

    loc = parameter('loc')
    scale = parameter('scale')

    def cdf(self, x):
        return F.arctan((x - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, x):
        return self.loc + self.scale * _cauchy_icdf(x)

    def log_prob(self, x):
        return (-math.log(math.pi) + F.log(self.scale)
                - F.log((x - self.loc) ** 2 + self.scale ** 2))

    @cached_property
    def entropy(self):
        return F.log(4 * math.pi * self.scale)

    @cached_property
    def mean(self):
        warnings.warn('Mean of the cauchy distribution is undefined.', RuntimeWarning)
        return full_like(self.loc, float('nan'))

    @cached_property
    def variance(self):
        warnings.warn('Variance of the cauchy distribution is undefined.', RuntimeWarning)
        return full_like(self.loc, float('nan'))

    def sample_n(self, n):
        u = _sampling.uniform_open((n,) + self.loc.shape, like=self.loc)
        return self.scale * _cauchy_icdf(u) + self.loc
