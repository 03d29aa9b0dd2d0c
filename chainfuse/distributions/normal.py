import math

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter

ENTROPYC = 0.5 * math.log(2 * math.pi * math.e)
LOGPROBC = -0.5 * math.log(2 * math.pi)
PROBC = 1.0 / math.sqrt(2 * math.pi)


class Normal(ScalarDistribution):
    """Normal distribution ``N(loc, scale^2)``, given `scale` or ``log_scale=`` (exactly
    one): ``p(x) = exp(-(x - loc)^2 / (2 scale^2)) / sqrt(2 pi scale^2)``.

    ``sample_n`` is reparameterized, ``loc + scale * eps`` with ``eps`` from the
    registry's ``normal`` op, so gradients reach loc and scale and a compiled call draws
    fresh ``eps`` on every replay.
    """

    _param_names = ('loc', 'scale')

    def __init__(self, loc, scale=None, **kwargs):
        log_scale = kwargs.pop('log_scale', None)
        if kwargs:
            raise TypeError(f'Normal() got unexpected keyword argument(s) {sorted(kwargs)}')
        if not (scale is None) ^ (log_scale is None):
            raise ValueError('Normal: give either `scale` or `log_scale` (not both).')
        self._given = dict(loc=loc, scale=scale, log_scale=log_scale)

    loc = parameter('loc')

    @cached_property
    def scale(self):
        if self._given['scale'] is not None:
            return as_variable(self._given['scale'])
        return F.exp(self.log_scale)

    @cached_property
    def log_scale(self):
        if self._given['log_scale'] is not None:
            return as_variable(self._given['log_scale'])
        return F.log(self.scale)

    def _z(self, x):
        return (x - self.loc) / self.scale

    def cdf(self, x):
        return F.ndtr(self._z(x))

    def log_cdf(self, x):
        return F.log_ndtr(self._z(x))

    def survival_function(self, x):
        return F.ndtr((self.loc - x) / self.scale)

    def log_survival_function(self, x):
        return F.log_ndtr((self.loc - x) / self.scale)

    def icdf(self, x):
        return self.loc + self.scale * F.ndtri(x)

    def log_prob(self, x):
        return LOGPROBC - self.log_scale - 0.5 * (x - self.loc) ** 2 / self.variance

    def prob(self, x):
        return (PROBC / self.scale) * F.exp(-0.5 * (x - self.loc) ** 2 / self.variance)

    @cached_property
    def entropy(self):
        return self.log_scale + ENTROPYC

    @cached_property
    def mean(self):
        return self.loc

    @cached_property
    def stddev(self):
        return self.scale

    @cached_property
    def variance(self):
        return self.scale ** 2

    def sample_n(self, n):
        eps = _sampling.standard_normal((n,) + self.loc.shape, like=self.loc)
        return self.loc + self.scale * eps


@register_kl(Normal, Normal)
def _kl_normal_normal(dist1, dist2):
    return (dist2.log_scale - dist1.log_scale
            + 0.5 * (dist1.variance + (dist1.loc - dist2.loc) ** 2) / dist2.variance
            - 0.5)
