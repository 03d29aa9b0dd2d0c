import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E


class Poisson(ScalarDistribution):
    """Poisson distribution: ``P(x) = lam^x exp(-lam) / x!`` over 0, 1, 2...  ``log_prob``
    takes counts of any numeric dtype (no gradient flows to them, as in Chainer).

    ``sample_n`` draws ``numpy.random.poisson`` like Chainer (not reparameterized; a
    graph break inside a compiled call), as values of lam's dtype.
    """

    _param_names = ('lam',)
    _support = 'non negative integer'

    def __init__(self, lam):
        self._given = dict(lam=lam)

    lam = parameter('lam')

    @cached_property
    def _log_lam(self):
        return F.log(self.lam)

    def log_prob(self, x):
        x = A.stop_gradient(as_variable(x))
        if x.dtype != self.lam.dtype:
            x = E.astype(x, dtype=self.lam.dtype)
        return x * self._log_lam - F.lgamma(x + 1) - self.lam

    @cached_property
    def mean(self):
        return self.lam

    @cached_property
    def variance(self):
        return self.lam

    def sample_n(self, n):
        shape = (n,) + self.batch_shape
        return _sampling.global_draw(
            'Poisson.sample',
            lambda xp, lam: xp.random.poisson(lam, size=shape).astype(lam.dtype), self.lam)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(dist1, dist2):
    return dist1.lam * (dist1._log_lam - dist2._log_lam) - dist1.lam + dist2.lam
