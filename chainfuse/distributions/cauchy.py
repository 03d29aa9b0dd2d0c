import math
import warnings

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import Distribution
from chainfuse.distributions.utils import cached_property, full_like


def _cauchy_icdf(x):
    return F.tan((as_variable(x) - 0.5) * math.pi)


class Cauchy(Distribution):
    """Cauchy distribution: ``p(x) = scale / (pi ((x - loc)^2 + scale^2))``.  Its mean
    and variance are undefined: they are NaN, with a RuntimeWarning, as in Chainer.

    ``sample_n`` is ``loc + scale * tan(pi (u - 1/2))`` with u from the registry's
    ``uniform`` op (gradients reach loc and scale).
    """

    def __init__(self, loc, scale):
        self.__loc, self.__scale = loc, scale

    @cached_property
    def loc(self):
        return as_variable(self.__loc)

    @cached_property
    def scale(self):
        return as_variable(self.__scale)

    @property
    def batch_shape(self):
        return self.loc.shape

    @property
    def event_shape(self):
        return ()

    @property
    def params(self):
        return {'loc': self.loc, 'scale': self.scale}

    @property
    def support(self):
        return 'real'

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
