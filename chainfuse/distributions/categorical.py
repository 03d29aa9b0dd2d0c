import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import Distribution, register_kl
from chainfuse.distributions.utils import cached_property, constant, modified_xlogx
from chainfuse.ops import elementwise as E


def one_hot_mask(x, n, like):
    """``x[..., None] == arange(n)``: the bool one-hot of the integer values `x`."""
    x = as_variable(x)
    if x.dtype != numpy.int32:
        x = E.astype(x, dtype=numpy.int32)
    k = constant(numpy.arange(n, dtype=numpy.int32), like)
    return E.equal(F.expand_dims(x, -1), k)


def inverse_cdf_draw(p, n):
    """`n` category indices (int64, shape ``(n,) + p.shape[:-1]``) drawn from the
    probabilities `p` (last axis): the number of cumulative sums ``p_0 + ... + p_k``,
    ``k < K - 1``, not above a uniform draw u, so index k has probability p_k.  The
    uniform number comes from the registry's ``uniform`` op (fresh on every replay)."""
    c = F.cumsum(p, axis=-1)[..., :-1]
    u = _sampling.uniform((n,) + p.shape[:-1] + (1,), like=p)
    passed = E.astype(c <= u, dtype=p.dtype)
    return E.astype(F.sum(passed, axis=-1), dtype=numpy.int64)


class Categorical(Distribution):
    """Categorical distribution over the indices of the last axis of `p` (or of
    ``softmax(logit)`` given ``logit=``): ``P(x = i) = p_i``.  The batch shape is
    ``p.shape[:-1]``; values are integer indices.

    ``sample_n`` inverts the CDF at a uniform draw of the registry's ``uniform`` op
    (int64 indices, as Chainer's ``numpy.random.choice`` returns).
    """

    def __init__(self, p=None, **kwargs):
        logit = kwargs.pop('logit', None)
        if kwargs:
            raise TypeError(f'Categorical() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        if not (p is None) ^ (logit is None):
            raise ValueError('Categorical: give either `p` or `logit` (not both).')
        self._given = dict(p=p, logit=logit)

    @cached_property
    def p(self):
        if self._given['p'] is not None:
            return as_variable(self._given['p'])
        return F.exp(self.log_p)

    @cached_property
    def log_p(self):
        if self._given['p'] is not None:
            return F.log(self._given['p'])
        return F.log_softmax(self._given['logit'], axis=-1)

    @property
    def batch_shape(self):
        return self.p.shape[:-1]

    @property
    def event_shape(self):
        return ()

    @property
    def params(self):
        return {'p': self.p}

    @cached_property
    def entropy(self):
        return -F.sum(modified_xlogx(self.p), axis=-1)

    def log_prob(self, x):
        """``log p[..., x]`` for integer values `x` (shape ``sample_shape +
        batch_shape``, or anything broadcasting against the batch shape)."""
        hit = one_hot_mask(x, self.p.shape[-1], like=self.log_p)
        return F.sum(E.where(hit, self.log_p, 0.0), axis=-1)

    def sample_n(self, n):
        return inverse_cdf_draw(self.p, n)


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(dist1, dist2):
    return F.sum(dist1.p * (dist1.log_p - dist2.log_p), axis=-1)
