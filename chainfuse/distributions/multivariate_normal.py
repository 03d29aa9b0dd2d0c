import math

import numpy

import chainfuse.functions as F
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import Distribution, register_kl
from chainfuse.distributions.utils import cached_property, parameter, constant
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg

ENTROPYC = 0.5 * math.log(2 * math.pi * math.e)
LOGPROBC = -0.5 * math.log(2 * math.pi)


def _lower(a):
    """The lower triangle of each matrix of `a` (the upper one zeroed, so no gradient
    reaches it: only the lower triangle of ``scale_tril`` is read, as Chainer's
    triangular solve reads it)."""
    d = a.shape[-1]
    mask = constant(numpy.tril(numpy.ones((d, d), dtype=bool)), like=a)
    return E.where(mask, a, 0.0)


def _triangular_inv(a):
    """Inverses of the lower-triangular matrices in the last two axes of `a`."""
    return linalg.inv(_lower(a))


def _triangular_logdet(a):
    return F.sum(F.log(abs(F.diagonal(a, axis1=-2, axis2=-1))), axis=-1)


def _squared_norm(m):
    """``sum(m ** 2)`` over the last two axes."""
    return F.sum(m ** 2, axis=(-2, -1))


class MultivariateNormal(Distribution):
    """Multivariate normal distribution ``N(loc, L L^T)`` given ``scale_tril=L`` (lower
    triangular).  Batch shape ``loc.shape[:-1]``, event shape ``loc.shape[-1:]``.

    ``log_prob`` is ``-d/2 log(2 pi) - log|det L| - |L^-1 (x - loc)|^2 / 2``, with L's
    inverse from the registry's ``inv`` (on its lower triangle).  ``sample_n`` is
    ``loc + L eps`` with eps from the registry's ``normal`` op (reparameterized).
    """

    def __init__(self, loc, **kwargs):
        scale_tril = kwargs.pop('scale_tril', None)
        if kwargs:
            raise TypeError(f'MultivariateNormal() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        if scale_tril is None:
            raise ValueError('MultivariateNormal: `scale_tril` must have a value.')
        self._given = dict(loc=loc, scale_tril=scale_tril)

    def __copy__(self):
        return self._copy_to(MultivariateNormal(self.loc, scale_tril=self.scale_tril))

    loc = parameter('loc')

    scale_tril = parameter('scale_tril')

    @cached_property
    def _logdet_scale(self):
        return _triangular_logdet(self.scale_tril)

    @property
    def d(self):
        return self.scale_tril.shape[-1]

    @property
    def batch_shape(self):
        return self.loc.shape[:-1]

    @property
    def event_shape(self):
        return self.loc.shape[-1:]

    @property
    def params(self):
        return {'loc': self.loc, 'scale_tril': self.scale_tril}

    @property
    def support(self):
        return 'real'

    @cached_property
    def entropy(self):
        return self._logdet_scale + ENTROPYC * self.d

    def log_prob(self, x):
        inv = _triangular_inv(self.scale_tril)
        m = F.matmul(inv, F.expand_dims(x - self.loc, axis=-1))
        return LOGPROBC * self.d - self._logdet_scale - 0.5 * _squared_norm(m)

    @cached_property
    def mean(self):
        return self.loc

    @property
    def covariance(self):
        return F.matmul(self.scale_tril, F.swapaxes(self.scale_tril, -1, -2))

    def sample_n(self, n):
        eps = _sampling.standard_normal((n,) + self.loc.shape + (1,), like=self.loc)
        return self.loc + F.squeeze(F.matmul(self.scale_tril, eps), axis=-1)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(dist1, dist2):
    inv2 = _triangular_inv(dist2.scale_tril)
    trace = _squared_norm(F.matmul(inv2, dist1.scale_tril))
    mah = _squared_norm(F.matmul(inv2, F.expand_dims(dist1.loc - dist2.loc, axis=-1)))
    return (dist2._logdet_scale - dist1._logdet_scale
            + 0.5 * trace + 0.5 * mah - 0.5 * dist1.d)
