import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter, safe_log
from chainfuse.ops import elementwise as E


class Gamma(ScalarDistribution):
    """Gamma distribution with shape `k` and scale `theta`:
    ``p(x) = x^(k-1) exp(-x / theta) / (Gamma(k) theta^k)`` for x >= 0 (``log_prob`` is
    -inf below 0).

    ``sample_n`` is ``theta * numpy.random.gamma(k)`` like Chainer (gradients reach
    theta only; the draw is a graph break inside a compiled call).
    """

    _param_names = ('k', 'theta')
    _support = 'positive'

    def __init__(self, k, theta):
        self._given = dict(k=k, theta=theta)

    k = parameter('k')
    theta = parameter('theta')

    @cached_property
    def entropy(self):
        return (self.k + F.log(self.theta) + F.lgamma(self.k)
                + (1 - self.k) * F.digamma(self.k))

    def log_prob(self, x):
        x = as_variable(x)
        nonnegative = x >= 0
        logp = (-F.lgamma(self.k) - self.k * F.log(self.theta)
                + (self.k - 1) * safe_log(x, nonnegative) - x / self.theta)
        return E.where(nonnegative, logp, -numpy.inf)

    @cached_property
    def mean(self):
        return self.k * self.theta

    @cached_property
    def variance(self):
        return self.mean * self.theta

    def sample_n(self, n):
        shape = (n,) + self.batch_shape
        eps = _sampling.global_draw(
            'Gamma.sample', lambda xp, k: xp.random.gamma(k, size=shape).astype(k.dtype),
            self.k)
        return F.broadcast_to(self.theta, eps.shape) * eps


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(dist1, dist2):
    return ((dist1.k - dist2.k) * F.digamma(dist1.k)
            - (F.lgamma(dist1.k) - F.lgamma(dist2.k))
            + dist2.k * (F.log(dist2.theta) - F.log(dist1.theta))
            + dist1.k * (dist1.theta / dist2.theta - 1))
