import math

import numpy

import chainfuse.functions as F
from chainfuse.distributions.distribution import Distribution, kl_divergence, register_kl
from chainfuse.distributions.utils import cached_property, constant


class Independent(Distribution):
    """Reinterprets the rightmost `reinterpreted_batch_ndims` batch axes of
    `distribution` as event axes: ``log_prob`` (``log_cdf``, ``entropy``...) sums the
    base distribution's over those axes, ``prob`` (``cdf``, ``survival_function``...)
    multiplies.  With None, every batch axis but the first is reinterpreted.

    The VAE idiom: ``Independent(Normal(mu, log_scale=ln_sigma))`` is a diagonal
    Gaussian per example; its ``log_prob`` of a ``(batch, n)`` value is ``(batch,)``.
    """

    def __init__(self, distribution, reinterpreted_batch_ndims=None):
        ndims = len(distribution.batch_shape)
        if reinterpreted_batch_ndims is None:
            reinterpreted_batch_ndims = max(0, ndims - 1)
        elif reinterpreted_batch_ndims > ndims:
            raise ValueError(
                f'Independent: reinterpreted_batch_ndims ({reinterpreted_batch_ndims}) must '
                f'be at most the number of batch dimensions of the distribution '
                f'({ndims}, batch_shape {tuple(distribution.batch_shape)}).')
        self.__distribution = distribution
        self.__reinterpreted_batch_ndims = int(reinterpreted_batch_ndims)
        kept = ndims - self.__reinterpreted_batch_ndims
        self.__batch_shape = tuple(distribution.batch_shape[:kept])
        self.__event_shape = (tuple(distribution.batch_shape[kept:])
                              + tuple(distribution.event_shape))

    @property
    def distribution(self):
        return self.__distribution

    @property
    def reinterpreted_batch_ndims(self):
        return self.__reinterpreted_batch_ndims

    @property
    def batch_shape(self):
        return self.__batch_shape

    @property
    def event_shape(self):
        return self.__event_shape

    def _reduce(self, op, stat):
        if self.reinterpreted_batch_ndims == 0:
            return stat
        return op(stat, axis=tuple(range(-self.reinterpreted_batch_ndims, 0)))

    @cached_property
    def covariance(self):
        """Block diagonal: one block per reinterpreted element, each the base
        distribution's covariance (which must be defined, as for MultivariateNormal)."""
        base = self.distribution
        n = math.prod(base.batch_shape[len(self.batch_shape):])
        dim = math.prod(base.event_shape)
        cov = F.reshape(base.covariance, self.batch_shape + (1, n, dim, dim))
        cov = F.broadcast_to(cov, self.batch_shape + (n, n, dim, dim))
        k = len(self.batch_shape)
        cov = F.transpose(cov, tuple(range(k)) + (k, k + 2, k + 1, k + 3))
        cov = F.reshape(cov, self.batch_shape + (n * dim, n * dim))
        i = numpy.arange(n * dim) // dim
        blocks = (i[:, None] == i[None, :]).astype(cov.dtype)
        return cov * constant(blocks, like=cov)

    @property
    def entropy(self):
        return self._reduce(F.sum, self.distribution.entropy)

    def cdf(self, x):
        return self._reduce(F.prod, self.distribution.cdf(x))

    def icdf(self, x):
        raise RuntimeError('Independent.icdf: the cumulative distribution function of a '
                           'multivariate variable is not invertible.')

    def log_cdf(self, x):
        return self._reduce(F.sum, self.distribution.log_cdf(x))

    def log_prob(self, x):
        return self._reduce(F.sum, self.distribution.log_prob(x))

    def log_survival_function(self, x):
        return self._reduce(F.sum, self.distribution.log_survival_function(x))

    def perplexity(self, x):
        return self._reduce(F.prod, self.distribution.perplexity(x))

    def prob(self, x):
        return self._reduce(F.prod, self.distribution.prob(x))

    def survival_function(self, x):
        return self._reduce(F.prod, self.distribution.survival_function(x))

    @property
    def mean(self):
        return self.distribution.mean

    @property
    def mode(self):
        return self.distribution.mode

    @property
    def params(self):
        return self.distribution.params

    @property
    def stddev(self):
        return self.distribution.stddev

    @property
    def support(self):
        return self.distribution.support

    @property
    def variance(self):
        return self.distribution.variance

    @property
    def xp(self):
        return self.distribution.xp

    def sample_n(self, n):
        return self.distribution.sample_n(n)


@register_kl(Independent, Independent)
def _kl_independent_independent(dist1, dist2):
    """The KL of the base distributions, summed over the reinterpreted axes."""
    p, q = dist1.distribution, dist2.distribution
    if dist1.event_shape != dist2.event_shape:
        raise ValueError(f'kl_divergence(Independent, Independent): the event shapes '
                         f'differ ({dist1.event_shape} and {dist2.event_shape}).')
    if p.event_shape != q.event_shape:
        raise NotImplementedError(
            f'kl_divergence(Independent, Independent): the base distributions have '
            f'different event shapes ({p.event_shape} and {q.event_shape}), which is not '
            f'supported.')
    n_axes = len(dist1.event_shape) - len(p.event_shape)
    kl = kl_divergence(p, q)
    if n_axes == 0:
        return kl
    return F.sum(kl, axis=tuple(range(-n_axes, 0)))
