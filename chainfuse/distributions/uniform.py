import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import (
    ScalarDistribution, cached_property, logical_and, logical_or)
from chainfuse.ops import elementwise as E


class Uniform(ScalarDistribution):
    """Uniform distribution on [low, high], given ``low=`` and ``high=`` or ``loc=`` and
    ``scale=`` (``high = loc + scale``), keyword arguments as in Chainer.
    ``log_prob`` is -inf outside [low, high].

    ``sample_n`` is ``icdf(u)`` with u from the registry's ``uniform`` op (gradients
    reach the bounds).
    """

    _support = '[low, high]'

    def __init__(self, **kwargs):
        names = ('low', 'high', 'loc', 'scale')
        unknown = sorted(set(kwargs) - set(names))
        if unknown:
            raise TypeError(f'Uniform() got unexpected keyword argument(s) {unknown}')
        low, high, loc, scale = (kwargs.get(n) for n in names)
        self._use_low_high = low is not None and high is not None
        self._use_loc_scale = loc is not None and scale is not None
        if not self._use_low_high ^ self._use_loc_scale:
            raise ValueError('Uniform: give either `low, high` or `loc, scale` (not both).')
        self._given = dict(low=low, high=high, loc=loc, scale=scale)

    @cached_property
    def low(self):
        return as_variable(self._given['low']) if self._use_low_high else self.loc

    @cached_property
    def high(self):
        return as_variable(self._given['high']) if self._use_low_high else self.loc + self.scale

    @cached_property
    def loc(self):
        return as_variable(self._given['loc']) if self._use_loc_scale else self.low

    @cached_property
    def scale(self):
        return as_variable(self._given['scale']) if self._use_loc_scale else self.high - self.low

    @property
    def _param_names(self):
        return ('low', 'high') if self._use_low_high else ('loc', 'scale')

    def cdf(self, x):
        return F.clip((x - self.loc) / self.scale, 0., 1.)

    def icdf(self, x):
        return x * self.scale + self.loc

    def log_prob(self, x):
        x = as_variable(x)
        inside = logical_and(x >= self.low, x <= self.high)
        return E.where(inside, -F.log(self.scale), -numpy.inf)

    @cached_property
    def entropy(self):
        return F.log(self.scale)

    @cached_property
    def mean(self):
        return (self.high + self.low) / 2

    @cached_property
    def stddev(self):
        return F.sqrt(self.variance)

    @cached_property
    def variance(self):
        return self.scale ** 2 / 12

    def sample_n(self, n):
        return self.icdf(_sampling.uniform((n,) + self.low.shape, like=self.low))


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(dist1, dist2):
    outside = logical_or(dist1.high > dist2.high, dist1.low < dist2.low)
    kl = -F.log(dist1.high - dist1.low) + F.log(dist2.high - dist2.low)
    return E.where(outside, numpy.inf, kl)
