import chainfuse.functions as F
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import Distribution, register_kl
from chainfuse.distributions.utils import cached_property, parameter


def _lbeta(x):
    return F.sum(F.lgamma(x), axis=-1) - F.lgamma(F.sum(x, axis=-1))


def _draw(xp, alpha, n):
    """Chainer's order of draws: ``n`` vectors per row of alpha, row after row."""
    k = alpha.shape[-1]
    rows = [xp.random.dirichlet(a, size=(n,)) for a in alpha.reshape(-1, k)]
    eps = xp.stack(rows, axis=1) if rows else xp.zeros((n, 0, k))
    return eps.reshape((n,) + alpha.shape).astype(alpha.dtype)


class Dirichlet(Distribution):
    """Dirichlet distribution on the simplex of the last axis of `alpha`:
    ``p(x) = prod_i x_i^(alpha_i - 1) / B(alpha)``.  Batch shape ``alpha.shape[:-1]``,
    event shape ``alpha.shape[-1:]``.

    ``sample_n`` draws ``numpy.random.dirichlet`` row by row like Chainer (not
    reparameterized; a graph break inside a compiled call).
    """

    def __init__(self, alpha):
        self._given = dict(alpha=alpha)

    alpha = parameter('alpha')

    @cached_property
    def alpha0(self):
        return F.sum(self.alpha, axis=-1)

    @property
    def batch_shape(self):
        return self.alpha.shape[:-1]

    @property
    def event_shape(self):
        return self.alpha.shape[-1:]

    @property
    def params(self):
        return {'alpha': self.alpha}

    @property
    def support(self):
        return '[0, 1]'

    @cached_property
    def entropy(self):
        return (_lbeta(self.alpha)
                + (self.alpha0 - self.event_shape[0]) * F.digamma(self.alpha0)
                - F.sum((self.alpha - 1) * F.digamma(self.alpha), axis=-1))

    def log_prob(self, x):
        return -_lbeta(self.alpha) + F.sum((self.alpha - 1) * F.log(x), axis=-1)

    @cached_property
    def mean(self):
        return self.alpha / F.expand_dims(self.alpha0, axis=-1)

    @cached_property
    def variance(self):
        alpha0 = F.expand_dims(self.alpha0, axis=-1)
        return self.alpha * (alpha0 - self.alpha) / alpha0 ** 2 / (alpha0 + 1)

    def sample_n(self, n):
        return _sampling.global_draw('Dirichlet.sample', lambda xp, a: _draw(xp, a, n),
                                     self.alpha)


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(dist1, dist2):
    digamma0 = F.expand_dims(F.digamma(dist1.alpha0), axis=-1)
    return (-_lbeta(dist1.alpha) + _lbeta(dist2.alpha)
            + F.sum((dist1.alpha - dist2.alpha) * (F.digamma(dist1.alpha) - digamma0),
                    axis=-1))
