"""Cases recorded with Chainer 7.8.1 for the tests of `chainfuse.distributions`.

Each case is written once against Chainer's API and runs under both frameworks: the
recorder (`make_distributions.py`) passes the ``chainer`` package as ``ch``, the tests
(tests/distributions/) pass ``chainfuse``.  A case draws its parameters from a
``numpy.random.RandomState`` seeded by its name and builds its distribution(s) with
``build(ch, *params)``; float parameters are handed over as Variables.

- `Case`: a distribution and the quantities to evaluate: properties (``mean``,
  ``variance``, ``entropy``...) and methods of a point ``x`` (``log_prob``, ``cdf``...)
  or of a probability ``u`` (``icdf``).  For every finite quantity the recorder also
  saves the gradient of ``sum(quantity * w)`` (fixed random ``w``) for each parameter.
- `KLCase`: ``build`` returns two distributions; the quantity is their
  ``kl_divergence`` (and its gradients).
- `SampleCase`: ``numpy.random.seed(0)`` then ``dist.sample(shape)``: where Chainer
  draws from numpy's global generator without reparameterizing (Gamma, Beta...), the
  same seed gives the same numbers.

This file imports neither framework, so the tests run without Chainer installed.
"""
import zlib

import numpy

X_METHODS = ('log_prob', 'prob', 'cdf', 'log_cdf', 'survival_function',
             'log_survival_function')


def rng_for(name):
    return numpy.random.RandomState(zlib.crc32(name.encode()))


# ---- parameter and point makers: rng -> array ----

def uniform(*shape, lo=-1.0, hi=1.0, dtype='float32'):
    return lambda rng: rng.uniform(lo, hi, shape).astype(dtype)


def simplex(*shape, dtype='float32'):
    def make(rng):
        p = rng.uniform(0.1, 1.0, shape)
        return (p / p.sum(axis=-1, keepdims=True)).astype(dtype)
    return make


def integers(*shape, lo=0, hi=4, dtype='int32'):
    return lambda rng: rng.randint(lo, hi, shape).astype(dtype)


def one_hot(*shape, dtype='float32'):
    def make(rng):
        k = rng.randint(0, shape[-1], shape[:-1])
        return numpy.eye(shape[-1], dtype=dtype)[k]
    return make


def tril(*shape, dtype='float32'):
    """Lower-triangular matrices with a positive diagonal (Cholesky factors)."""
    def make(rng):
        a = numpy.tril(rng.uniform(-1, 1, shape))
        d = numpy.arange(shape[-1])
        a[..., d, d] = rng.uniform(0.5, 1.5, shape[:-1])
        return a.astype(dtype)
    return make


def const(value, dtype='float32'):
    return lambda rng: numpy.array(value, dtype=dtype)


class Case:
    def __init__(self, name, build, params, quantities, x=None, u=None):
        self.name, self.build, self.params = name, build, params
        self.quantities, self.x, self.u = tuple(quantities), x, u

    def make(self):
        rng = rng_for(self.name)
        params = [p(rng) for p in self.params]
        x = self.x(rng) if self.x is not None else None
        u = self.u(rng) if self.u is not None else None
        return params, x, u

    def evaluate(self, ch, dist, quantity, x, u):
        if quantity in X_METHODS:
            return getattr(dist, quantity)(x)
        if quantity == 'icdf':
            return dist.icdf(u)
        return getattr(dist, quantity)


class KLCase:
    quantities = ('kl',)

    def __init__(self, name, build, params):
        self.name, self.build, self.params = name, build, params

    def make(self):
        rng = rng_for(self.name)
        return [p(rng) for p in self.params], None, None

    def evaluate(self, ch, pair, quantity, x, u):
        return ch.kl_divergence(*pair)


class SampleCase:
    def __init__(self, name, build, params, shape):
        self.name, self.build, self.params, self.shape = name, build, params, shape

    def make(self):
        rng = rng_for(self.name)
        return [p(rng) for p in self.params], None, None


D = lambda ch: ch.distributions  # noqa: E731
B = (2, 3)
ALL_X = X_METHODS + ('icdf',)
MOMENTS = ('mean', 'variance', 'stddev', 'entropy')


CASES = [
    # Normal
    Case('normal', lambda ch, loc, scale: D(ch).Normal(loc, scale),
         [uniform(*B), uniform(*B, lo=0.5, hi=2.0)], ALL_X + MOMENTS,
         x=uniform(*B, lo=-3, hi=3), u=uniform(*B, lo=0.05, hi=0.95)),
    Case('normal_log_scale', lambda ch, loc, ls: D(ch).Normal(loc, log_scale=ls),
         [uniform(*B), uniform(*B)], ALL_X + MOMENTS + ('scale', 'log_scale'),
         x=uniform(4, *B, lo=-3, hi=3), u=uniform(*B, lo=0.05, hi=0.95)),
    Case('normal_float64', lambda ch, loc, scale: D(ch).Normal(loc, scale),
         [uniform(*B, dtype='float64'), uniform(*B, lo=0.5, hi=2.0, dtype='float64')],
         ALL_X + MOMENTS, x=uniform(*B, lo=-3, hi=3, dtype='float64'),
         u=uniform(*B, lo=0.05, hi=0.95, dtype='float64')),
    # Bernoulli
    Case('bernoulli_p', lambda ch, p: D(ch).Bernoulli(p),
         [uniform(*B, lo=0.1, hi=0.9)],
         ('log_prob', 'prob', 'logit') + MOMENTS, x=integers(*B, hi=2, dtype='float32')),
    Case('bernoulli_logit', lambda ch, logit: D(ch).Bernoulli(logit=logit),
         [uniform(*B, lo=-3, hi=3)],
         ('log_prob', 'prob', 'p') + MOMENTS, x=integers(4, *B, hi=2, dtype='float32')),
    Case('bernoulli_binary_check',
         lambda ch, logit: D(ch).Bernoulli(logit=logit, binary_check=True),
         [uniform(*B, lo=-3, hi=3)], ('log_prob', 'prob'),
         x=const([[0, 0.5, 1], [1, 0.25, 0]])),
    Case('bernoulli_infinite_logit', lambda ch, logit: D(ch).Bernoulli(logit=logit),
         [const([[numpy.inf, -numpy.inf, numpy.inf], [-numpy.inf, 0.0, 2.0]])],
         ('log_prob',), x=const([[1, 0, 0], [1, 1, 0]])),
    # Beta
    Case('beta', lambda ch, a, b: D(ch).Beta(a, b),
         [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=3)],
         ('log_prob', 'mean', 'variance', 'entropy'), x=uniform(*B, lo=0.05, hi=0.95)),
    Case('beta_outside', lambda ch, a, b: D(ch).Beta(a, b),
         [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=3)], ('log_prob',),
         x=const([[-0.5, 0.5, 1.5], [0.2, 2.0, -1.0]])),
    # Categorical
    Case('categorical_p', lambda ch, p: D(ch).Categorical(p),
         [simplex(*B, 4)], ('log_prob', 'entropy', 'p', 'log_p'), x=integers(*B)),
    Case('categorical_logit', lambda ch, logit: D(ch).Categorical(logit=logit),
         [uniform(*B, 4, lo=-2, hi=2)], ('log_prob', 'entropy', 'p', 'log_p'),
         x=integers(5, *B)),
    # Cauchy
    Case('cauchy', lambda ch, loc, scale: D(ch).Cauchy(loc, scale),
         [uniform(*B), uniform(*B, lo=0.5, hi=2)], ('log_prob', 'cdf', 'icdf', 'entropy'),
         x=uniform(*B, lo=-3, hi=3), u=uniform(*B, lo=0.05, hi=0.95)),
    # Chisquare
    Case('chisquare', lambda ch, k: D(ch).Chisquare(k), [uniform(*B, lo=1, hi=5)],
         ('log_prob', 'mean', 'variance', 'entropy'), x=uniform(*B, lo=0.1, hi=5)),
    # Dirichlet
    Case('dirichlet', lambda ch, alpha: D(ch).Dirichlet(alpha),
         [uniform(*B, 4, lo=0.5, hi=3)], ('log_prob', 'mean', 'variance', 'entropy'),
         x=simplex(*B, 4)),
    # Exponential
    Case('exponential', lambda ch, lam: D(ch).Exponential(lam),
         [uniform(*B, lo=0.5, hi=2)],
         ('log_prob', 'cdf', 'icdf', 'mean', 'variance', 'entropy'),
         x=uniform(*B, lo=0.1, hi=3), u=uniform(*B, lo=0.05, hi=0.95)),
    Case('exponential_negative_x', lambda ch, lam: D(ch).Exponential(lam),
         [uniform(*B, lo=0.5, hi=2)], ('log_prob',), x=uniform(*B, lo=-2, hi=2)),
    # Gamma
    Case('gamma', lambda ch, k, theta: D(ch).Gamma(k, theta),
         [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=2)],
         ('log_prob', 'mean', 'variance', 'entropy'), x=uniform(*B, lo=0.1, hi=4)),
    Case('gamma_negative_x', lambda ch, k, theta: D(ch).Gamma(k, theta),
         [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=2)], ('log_prob',),
         x=const([[-1, 1, 2], [0.5, -0.5, 3]])),
    # Geometric
    Case('geometric', lambda ch, p: D(ch).Geometric(p), [uniform(*B, lo=0.2, hi=0.8)],
         ('log_prob', 'mean', 'variance'), x=integers(*B, lo=1, hi=6, dtype='float32')),
    # Gumbel
    Case('gumbel', lambda ch, loc, scale: D(ch).Gumbel(loc, scale),
         [uniform(*B), uniform(*B, lo=0.5, hi=2)], ('log_prob', 'mean', 'variance', 'entropy'),
         x=uniform(*B, lo=-2, hi=4)),
    # Independent
    Case('independent_normal',
         lambda ch, loc, scale: D(ch).Independent(D(ch).Normal(loc, scale), 1),
         [uniform(*B, 4), uniform(*B, 4, lo=0.5, hi=2)], X_METHODS + MOMENTS,
         x=uniform(*B, 4, lo=-3, hi=3)),
    Case('independent_normal_default',
         lambda ch, loc, scale: D(ch).Independent(D(ch).Normal(loc, scale)),
         [uniform(*B, 4), uniform(*B, 4, lo=0.5, hi=2)], ('log_prob', 'entropy', 'mean'),
         x=uniform(5, *B, 4, lo=-3, hi=3)),
    Case('independent_bernoulli',
         lambda ch, logit: D(ch).Independent(D(ch).Bernoulli(logit=logit), 1),
         [uniform(*B, 4, lo=-3, hi=3)], ('log_prob', 'mean', 'entropy'),
         x=integers(*B, 4, hi=2, dtype='float32')),
    Case('independent_mvn_covariance',
         lambda ch, loc, tr: D(ch).Independent(
             D(ch).MultivariateNormal(loc, scale_tril=tr), 1),
         [uniform(*B, 2), tril(*B, 2, 2)], ('log_prob', 'covariance'),
         x=uniform(*B, 2, lo=-2, hi=2)),
    # Laplace
    Case('laplace', lambda ch, loc, scale: D(ch).Laplace(loc, scale),
         [uniform(*B), uniform(*B, lo=0.5, hi=2)],
         ('log_prob', 'prob', 'cdf', 'icdf', 'mode') + MOMENTS,
         x=uniform(*B, lo=-3, hi=3), u=uniform(*B, lo=0.05, hi=0.95)),
    # LogNormal
    Case('log_normal', lambda ch, mu, sigma: D(ch).LogNormal(mu, sigma),
         [uniform(*B), uniform(*B, lo=0.5, hi=1.5)], ('log_prob', 'mean', 'variance', 'entropy'),
         x=uniform(*B, lo=0.1, hi=4)),
    # MultivariateNormal
    Case('multivariate_normal',
         lambda ch, loc, tr: D(ch).MultivariateNormal(loc, scale_tril=tr),
         [uniform(2, 3), tril(2, 3, 3)], ('log_prob', 'mean', 'covariance', 'entropy'),
         x=uniform(2, 3, lo=-2, hi=2)),
    Case('multivariate_normal_samples',
         lambda ch, loc, tr: D(ch).MultivariateNormal(loc, scale_tril=tr),
         [uniform(2, 3), tril(2, 3, 3)], ('log_prob',), x=uniform(4, 2, 3, lo=-2, hi=2)),
    # OneHotCategorical
    Case('one_hot_categorical', lambda ch, p: D(ch).OneHotCategorical(p),
         [simplex(*B, 4)], ('log_prob', 'mean', 'variance'), x=one_hot(*B, 4)),
    # Pareto
    Case('pareto', lambda ch, scale, alpha: D(ch).Pareto(scale, alpha),
         [uniform(*B, lo=0.5, hi=1.5), uniform(*B, lo=2.5, hi=4)],
         ('log_prob', 'mean', 'variance', 'entropy'), x=uniform(*B, lo=1.6, hi=4)),
    Case('pareto_heavy_tail', lambda ch, scale, alpha: D(ch).Pareto(scale, alpha),
         [const([[1, 1, 1], [0.5, 0.5, 0.5]]), const([[0.5, 1.5, 3], [0.8, 2.5, 1.2]])],
         ('log_prob', 'mean', 'variance'), x=const([[0.5, 2, 3], [0.4, 1, 2]])),
    # Poisson
    Case('poisson', lambda ch, lam: D(ch).Poisson(lam), [uniform(*B, lo=0.5, hi=4)],
         ('log_prob', 'mean', 'variance'), x=integers(*B, hi=7, dtype='float32')),
    Case('poisson_int_x', lambda ch, lam: D(ch).Poisson(lam), [uniform(*B, lo=0.5, hi=4)],
         ('log_prob',), x=integers(3, *B, hi=7)),
    # Uniform
    Case('uniform_low_high', lambda ch, low, high: D(ch).Uniform(low=low, high=high),
         [uniform(*B, lo=-1, hi=0), uniform(*B, lo=0.5, hi=2)],
         ('log_prob', 'cdf', 'icdf') + MOMENTS, x=uniform(*B, lo=-0.2, hi=0.4),
         u=uniform(*B, lo=0.05, hi=0.95)),
    Case('uniform_loc_scale', lambda ch, loc, scale: D(ch).Uniform(loc=loc, scale=scale),
         [uniform(*B, lo=-1, hi=0), uniform(*B, lo=0.5, hi=2)],
         ('log_prob', 'cdf', 'icdf', 'low', 'high') + MOMENTS,
         x=uniform(*B, lo=-0.9, hi=0.4), u=uniform(*B, lo=0.05, hi=0.95)),
    Case('uniform_outside', lambda ch, low, high: D(ch).Uniform(low=low, high=high),
         [const([[0, 0, 0], [-1, -1, -1]]), const([[1, 1, 1], [2, 2, 2]])],
         ('log_prob', 'cdf'), x=const([[-0.5, 0.5, 1.5], [-2, 0, 3]])),
]


def _pair(make):
    return lambda ch, *ps: make(D(ch), ps)


KL_CASES = [
    KLCase('kl_normal', _pair(lambda d, p: (d.Normal(p[0], p[1]), d.Normal(p[2], p[3]))),
           [uniform(*B), uniform(*B, lo=0.5, hi=2), uniform(*B), uniform(*B, lo=0.5, hi=2)]),
    KLCase('kl_vae_prior', _pair(lambda d, p: (
        d.Independent(d.Normal(p[0], log_scale=p[1])),
        d.Independent(d.Normal(p[2], scale=p[3]), reinterpreted_batch_ndims=1))),
        [uniform(4, 3), uniform(4, 3), const([0, 0, 0]), const([1, 1, 1])]),
    KLCase('kl_independent', _pair(lambda d, p: (
        d.Independent(d.Normal(p[0], p[1]), 2), d.Independent(d.Normal(p[2], p[3]), 2))),
        [uniform(*B, 4), uniform(*B, 4, lo=0.5, hi=2), uniform(*B, 4),
         uniform(*B, 4, lo=0.5, hi=2)]),
    KLCase('kl_bernoulli', _pair(lambda d, p: (d.Bernoulli(logit=p[0]), d.Bernoulli(p[1]))),
           [uniform(*B, lo=-3, hi=3), uniform(*B, lo=0.1, hi=0.9)]),
    KLCase('kl_beta', _pair(lambda d, p: (d.Beta(p[0], p[1]), d.Beta(p[2], p[3]))),
           [uniform(*B, lo=0.5, hi=3)] * 4),
    KLCase('kl_categorical', _pair(lambda d, p: (d.Categorical(p[0]),
                                                 d.Categorical(logit=p[1]))),
           [simplex(*B, 4), uniform(*B, 4, lo=-2, hi=2)]),
    KLCase('kl_dirichlet', _pair(lambda d, p: (d.Dirichlet(p[0]), d.Dirichlet(p[1]))),
           [uniform(*B, 4, lo=0.5, hi=3)] * 2),
    KLCase('kl_exponential', _pair(lambda d, p: (d.Exponential(p[0]), d.Exponential(p[1]))),
           [uniform(*B, lo=0.5, hi=2)] * 2),
    KLCase('kl_gamma', _pair(lambda d, p: (d.Gamma(p[0], p[1]), d.Gamma(p[2], p[3]))),
           [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=2)] * 2),
    KLCase('kl_geometric', _pair(lambda d, p: (d.Geometric(p[0]), d.Geometric(p[1]))),
           [uniform(*B, lo=0.2, hi=0.8)] * 2),
    KLCase('kl_gumbel', _pair(lambda d, p: (d.Gumbel(p[0], p[1]), d.Gumbel(p[2], p[3]))),
           [uniform(*B), uniform(*B, lo=0.5, hi=2)] * 2),
    KLCase('kl_laplace', _pair(lambda d, p: (d.Laplace(p[0], p[1]), d.Laplace(p[2], p[3]))),
           [uniform(*B), uniform(*B, lo=0.5, hi=2)] * 2),
    KLCase('kl_log_normal', _pair(lambda d, p: (d.LogNormal(p[0], p[1]),
                                                d.LogNormal(p[2], p[3]))),
           [uniform(*B), uniform(*B, lo=0.5, hi=1.5)] * 2),
    KLCase('kl_multivariate_normal', _pair(lambda d, p: (
        d.MultivariateNormal(p[0], scale_tril=p[1]),
        d.MultivariateNormal(p[2], scale_tril=p[3]))),
        [uniform(*B, 3), tril(*B, 3, 3)] * 2),
    KLCase('kl_one_hot_categorical', _pair(lambda d, p: (d.OneHotCategorical(p[0]),
                                                         d.OneHotCategorical(p[1]))),
           [simplex(*B, 4)] * 2),
    KLCase('kl_pareto', _pair(lambda d, p: (d.Pareto(p[0], p[1]), d.Pareto(p[2], p[3]))),
           [uniform(*B, lo=1.0, hi=1.5), uniform(*B, lo=0.5, hi=3),
            uniform(*B, lo=0.5, hi=1.0), uniform(*B, lo=0.5, hi=3)]),
    KLCase('kl_pareto_infinite', _pair(lambda d, p: (d.Pareto(p[0], p[1]),
                                                     d.Pareto(p[2], p[3]))),
           [const([[1, 1, 1], [2, 2, 2]]), const([[1, 2, 3]] * 2),
            const([[0.5, 2, 1], [1, 3, 2]]), const([[2, 1, 1]] * 2)]),
    KLCase('kl_poisson', _pair(lambda d, p: (d.Poisson(p[0]), d.Poisson(p[1]))),
           [uniform(*B, lo=0.5, hi=4)] * 2),
    KLCase('kl_uniform', _pair(lambda d, p: (d.Uniform(low=p[0], high=p[1]),
                                             d.Uniform(low=p[2], high=p[3]))),
           [uniform(*B, lo=-0.5, hi=0), uniform(*B, lo=0.5, hi=1),
            uniform(*B, lo=-1.5, hi=-0.5), uniform(*B, lo=1, hi=2)]),
    KLCase('kl_uniform_infinite', _pair(lambda d, p: (d.Uniform(low=p[0], high=p[1]),
                                                      d.Uniform(low=p[2], high=p[3]))),
           [const([[0, -1, 0], [0, 0, -2]]), const([[1, 1, 3], [1, 1, 1]]),
            const([[-1, 0, 0], [0, -1, -1]]), const([[2, 2, 2], [1, 1, 1]])]),
]


SAMPLE_CASES = [
    SampleCase('sample_gamma', lambda ch, k, theta: D(ch).Gamma(k, theta),
               [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=2)], (4,)),
    SampleCase('sample_beta', lambda ch, a, b: D(ch).Beta(a, b),
               [uniform(*B, lo=0.5, hi=3), uniform(*B, lo=0.5, hi=3)], (2, 2)),
    SampleCase('sample_chisquare', lambda ch, k: D(ch).Chisquare(k),
               [uniform(*B, lo=1, hi=5)], 5),
    SampleCase('sample_dirichlet', lambda ch, alpha: D(ch).Dirichlet(alpha),
               [uniform(*B, 4, lo=0.5, hi=3)], (3,)),
    SampleCase('sample_poisson', lambda ch, lam: D(ch).Poisson(lam),
               [uniform(*B, lo=0.5, hi=4)], (4,)),
]
