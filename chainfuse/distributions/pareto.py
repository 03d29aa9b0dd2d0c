import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter, safe_log
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E


class Pareto(ScalarDistribution):
    """Pareto distribution: ``p(x) = alpha scale^alpha / x^(alpha + 1)`` for
    ``x >= scale`` (``log_prob`` is -inf below).  The mean is inf for ``alpha <= 1``,
    the variance for ``alpha <= 2``.

    ``sample_n`` is ``scale * exp(E / alpha)`` with E standard exponential from the
    registry's ``uniform`` op: gradients reach scale only, as with Chainer's
    ``scale * (numpy.random.pareto(alpha) + 1)``.
    """

    _param_names = ('scale', 'alpha')
    _support = '[scale, inf]'

    def __init__(self, scale, alpha):
        self._given = dict(scale=scale, alpha=alpha)

    scale = parameter('scale')
    alpha = parameter('alpha')

    @cached_property
    def _log_scale(self):
        return F.log(self.scale)

    @cached_property
    def _log_alpha(self):
        return F.log(self.alpha)

    @cached_property
    def entropy(self):
        return -self._log_alpha + self._log_scale + 1. / self.alpha + 1.

    def log_prob(self, x):
        x = as_variable(x)
        inside = x >= self.scale
        logp = (self._log_alpha + self.alpha * self._log_scale
                - (self.alpha + 1) * safe_log(x, inside))
        return E.where(inside, logp, -numpy.inf)

    @cached_property
    def mean(self):
        finite = self.alpha > 1
        return E.where(finite, self.alpha * self.scale / E.where(finite, self.alpha - 1, 1.0),
                       numpy.inf)

    @cached_property
    def variance(self):
        finite = self.alpha > 2
        a = E.where(finite, self.alpha, 3.0)
        return E.where(finite, self.scale ** 2 * a / (a - 1) ** 2 / (a - 2), numpy.inf)

    def sample_n(self, n):
        u = _sampling.uniform((n,) + self.scale.shape, like=self.scale)
        return self.scale * F.exp(-F.log1p(-u) / A.stop_gradient(self.alpha))


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(dist1, dist2):
    kl = (dist2.alpha * (dist1._log_scale - dist2._log_scale)
          + dist1._log_alpha - dist2._log_alpha
          + (dist2.alpha - dist1.alpha) / dist1.alpha)
    return E.where(dist1.scale >= dist2.scale, kl, numpy.inf)
