import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter
from chainfuse.ops import elementwise as E


class Exponential(ScalarDistribution):
    """Exponential distribution with rate `lam`: ``p(x) = lam exp(-lam x)`` for x >= 0
    (``log_prob`` is -inf below 0).

    ``sample_n`` is ``-log(1 - u) / lam`` with u from the registry's ``uniform`` op
    (gradients reach lam, as Chainer's ``eps / lam`` does).
    """

    _param_names = ('lam',)
    _support = 'positive'

    def __init__(self, lam):
        self._given = dict(lam=lam)

    lam = parameter('lam')

    @cached_property
    def _log_lam(self):
        return F.log(self.lam)

    def cdf(self, x):
        return -F.expm1(-self.lam * x)

    def icdf(self, x):
        return -1 / self.lam * F.log1p(-as_variable(x))

    def log_prob(self, x):
        logp = self._log_lam - self.lam * x
        return E.where(as_variable(x) >= 0, logp, -numpy.inf)

    @cached_property
    def entropy(self):
        return 1 - self._log_lam

    @cached_property
    def mean(self):
        return 1 / self.lam

    @cached_property
    def variance(self):
        return self.mean ** 2

    def sample_n(self, n):
        u = _sampling.uniform((n,) + self.lam.shape, like=self.lam)
        return -F.log1p(-u) / self.lam


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(dist1, dist2):
    return dist1._log_lam - dist2._log_lam + dist2.lam / dist1.lam - 1.
