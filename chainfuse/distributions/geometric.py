import chainfuse.functions as F
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import ScalarDistribution, cached_property, parameter
from chainfuse.ops import array as A


class Geometric(ScalarDistribution):
    """Geometric distribution over 1, 2, 3...: ``P(x = k) = p (1 - p)^(k - 1)``.

    ``sample_n`` inverts the CDF, ``floor(log(1 - u) / log(1 - p)) + 1`` with u from the
    registry's ``uniform`` op (values of p's dtype, no gradient, as Chainer's
    ``numpy.random.geometric``).
    """

    _param_names = ('p',)
    _support = 'positive integer'

    def __init__(self, p):
        self._given = dict(p=p)

    p = parameter('p')

    def log_prob(self, x):
        return (x - 1) * F.log(1 - self.p) + F.log(self.p)

    @cached_property
    def mean(self):
        return 1 / self.p

    @cached_property
    def variance(self):
        return (1 - self.p) / self.p ** 2

    def sample_n(self, n):
        p = A.stop_gradient(self.p)
        u = _sampling.uniform((n,) + self.p.shape, like=p)
        return F.floor(F.log1p(-u) / F.log1p(-p)) + 1


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(dist1, dist2):
    return ((1 / dist1.p - 1) * (F.log(1 - dist1.p) - F.log(1 - dist2.p))
            + F.log(dist1.p) - F.log(dist2.p))
