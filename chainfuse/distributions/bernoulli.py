import numpy

import chainfuse.functions as F
from chainfuse.core.variable import as_variable
from chainfuse.distributions import _sampling
from chainfuse.distributions.distribution import register_kl
from chainfuse.distributions.utils import (
    ScalarDistribution, cached_property, logical_or, modified_xlogx, safe_log)
from chainfuse.ops import elementwise as E


def _as_values(x, dtype):
    """`x` as a Variable of the parameters' dtype (bool or int data is cast)."""
    x = as_variable(x)
    return x if x.dtype == dtype else E.astype(x, dtype=dtype)


def _bernoulli_log_prob(logit, x, binary_check=False):
    """``log p(x) = logit * (x - 1) - log(1 + exp(-logit))``, with ``softplus`` for the
    last term (so a very negative logit does not overflow), the limits at infinite
    logits (``log x`` at +inf, ``log(1 - x)`` at -inf) and, with `binary_check`,
    ``-inf`` where x is neither 0 nor 1."""
    x = _as_values(x, logit.dtype)
    pos_inf, neg_inf = E.equal(logit, numpy.inf), E.equal(logit, -numpy.inf)
    finite = E.where(logical_or(pos_inf, neg_inf), 0.0, logit)
    y = finite * (x - 1) - F.softplus(-finite)
    y = E.where(pos_inf, _log_or_minus_inf(x, x > 0),
                E.where(neg_inf, _log_or_minus_inf(1 - x, x < 1), y))
    if binary_check:
        y = E.where(_is_binary(x), y, -numpy.inf)
    return y


def _log_or_minus_inf(v, positive):
    return E.where(positive, safe_log(v, positive), -numpy.inf)


def _is_binary(x):
    return logical_or(E.equal(x, 0.0), E.equal(x, 1.0))


class Bernoulli(ScalarDistribution):
    """Bernoulli distribution over {0, 1}: ``P(x = 1) = p``, given `p` or `logit`
    (``log(p / (1 - p))``), exactly one.  ``binary_check=True`` makes ``log_prob`` -inf
    and ``prob`` 0 at values other than 0 and 1.

    ``sample_n`` compares a uniform draw (registry ``uniform`` op) with p and returns
    int64 values, as Chainer's ``numpy.random.binomial`` does.
    """

    _param_names = ('logit',)
    _support = '{0, 1}'

    def __init__(self, p=None, logit=None, binary_check=False):
        if not (p is None) ^ (logit is None):
            raise ValueError('Bernoulli: give either `p` or `logit` (not both).')
        self._given = dict(p=p, logit=logit)
        self.binary_check = binary_check

    @cached_property
    def p(self):
        if self._given['p'] is not None:
            return as_variable(self._given['p'])
        return F.sigmoid(self.logit)

    @cached_property
    def logit(self):
        if self._given['logit'] is not None:
            return as_variable(self._given['logit'])
        return F.log(self.p) - F.log1p(-self.p)

    @property
    def batch_shape(self):
        return self.p.shape

    @property
    def entropy(self):
        p = self.p
        return -modified_xlogx(p) - modified_xlogx(1 - p)

    def log_prob(self, x):
        return _bernoulli_log_prob(self.logit, x, self.binary_check)

    def prob(self, x):
        x = _as_values(x, self.p.dtype)
        prob = x * self.p + (1 - x) * (1 - self.p)
        if self.binary_check:
            prob = prob * E.astype(_is_binary(x), dtype=prob.dtype)
        return prob

    @cached_property
    def mean(self):
        return self.p

    @cached_property
    def stddev(self):
        return self.variance ** 0.5

    @cached_property
    def variance(self):
        return self.p * (1 - self.p)

    def sample_n(self, n):
        u = _sampling.uniform((n,) + self.p.shape, like=self.p)
        return E.astype(u < self.p, dtype=numpy.int64)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(dist1, dist2):
    return ((dist1.logit - dist2.logit) * (dist1.p - 1.)
            - F.softplus(-dist1.logit)
            + F.softplus(-dist2.logit))

