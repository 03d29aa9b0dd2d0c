import numpy

import chainfuse.functions as F
from chainfuse.distributions.categorical import inverse_cdf_draw, one_hot_mask
from chainfuse.distributions.distribution import Distribution, register_kl
from chainfuse.distributions.utils import cached_property, parameter
from chainfuse.ops import elementwise as E


class OneHotCategorical(Distribution):
    """Categorical distribution over one-hot vectors of the last axis of `p`.  Batch
    shape ``p.shape[:-1]``, event shape ``p.shape[-1:]``; ``log_prob(x) = sum(x log p)``.

    ``sample_n`` inverts the CDF at a uniform draw of the registry's ``uniform`` op and
    returns one-hot vectors of p's dtype.
    """

    def __init__(self, p):
        self._given = dict(p=p)

    p = parameter('p')

    @cached_property
    def log_p(self):
        return F.log(self.p)

    @property
    def batch_shape(self):
        return self.p.shape[:-1]

    @property
    def event_shape(self):
        return self.p.shape[-1:]

    @property
    def params(self):
        return {'p': self.p}

    def log_prob(self, x):
        return F.sum(self.log_p * x, axis=-1)

    @cached_property
    def mean(self):
        return self.p

    @cached_property
    def variance(self):
        return self.p * (1. - self.p)

    def sample_n(self, n):
        index = inverse_cdf_draw(self.p, n)
        hit = one_hot_mask(index, self.event_shape[0], like=self.p)
        return E.astype(hit, dtype=numpy.dtype(self.p.dtype))


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_one_hot_categorical_one_hot_categorical(dist1, dist2):
    return F.sum(dist1.p * (dist1.log_p - dist2.log_p), axis=-1)
