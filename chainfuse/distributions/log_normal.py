import math

import chainfuse.functions as F
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter

LOGPROBC = -0.5 * math.log(2 * math.pi)


class LogNormal(ScalarDistribution):
    """Log-normal distribution: ``log x ~ N(mu, sigma^2)``.

    ``sample_n`` is ``exp(mu + sigma * eps)`` with eps from the registry's ``normal``
    op (reparameterized: gradients reach mu and sigma).
    """

    _param_names = ('mu', 'sigma')
    _support = 'positive'

    def __init__(self, mu, sigma):
        self._given = dict(mu=mu, sigma=sigma)

    mu = parameter('mu')
    sigma = parameter('sigma')

    @cached_property
    def _log_sigma(self):
        return F.log(self.sigma)

    @cached_property
    def entropy(self):
        return 0.5 - LOGPROBC + self._log_sigma + self.mu

    def log_prob(self, x):
        logx = F.log(x)
        return (LOGPROBC - self._log_sigma - logx
                - 0.5 * (logx - self.mu) ** 2 / self.sigma ** 2)

    @cached_property
    def mean(self):
        return F.exp(self.mu + 0.5 * self.sigma ** 2)

    @cached_property
    def variance(self):
        return F.exp(2 * self.mu + self.sigma ** 2) * (F.exp(self.sigma ** 2) - 1)

    def sample_n(self, n):
        eps = _sampling.standard_normal((n,) + self.mu.shape, like=self.mu)
        return F.exp(self.sigma * eps + self.mu)


@register_kl(LogNormal, LogNormal)
def _kl_log_normal_log_normal(dist1, dist2):
    return (0.5 * ((dist1.mu - dist2.mu) ** 2 + dist1.sigma ** 2) / dist2.sigma ** 2
            - 0.5 + dist2._log_sigma - dist1._log_sigma)
