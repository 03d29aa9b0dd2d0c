"""Samples: shapes, their distribution (statistical tests with a fixed seed), gradients
through reparameterized samples, and Chainer's numbers for numpy-drawn samples.

The statistical tests draw N samples for three parameter settings and require, at
once: the sample mean within 5 standard errors of ``mean``; the sample variance within
5 standard errors of ``variance`` (its error estimated from the sample's fourth
moment); for continuous distributions a Kolmogorov-Smirnov distance to the exact CDF
(written here in numpy) below the 0.1% critical value; for discrete ones every
frequency within 5 standard errors of ``prob``.  A wrong scale, shift, parameter
order or inverse CDF fails them; the fixed seed keeps them repeatable.
"""
import math

import numpy
import pytest

import chainfuse as cf
import chainfuse.distributions as D
from chainfuse import gradient_check
from tests.distributions._recorded import REF, SAMPLE_CASES

N = 20000
f32 = numpy.float32


def _a(*values):
    return numpy.array(values, f32)


def _ndtr(z):
    return 0.5 * (1 + numpy.vectorize(math.erf)(z / math.sqrt(2)))


# name -> (distribution with batch shape (3,), exact CDF in numpy or None)
CONTINUOUS = {
    'normal': (lambda: D.Normal(_a(-1, 0, 2), _a(0.5, 1, 2)),
               lambda x: _ndtr((x - _a(-1, 0, 2)) / _a(0.5, 1, 2))),
    'log_normal': (lambda: D.LogNormal(_a(-0.5, 0, 0.5), _a(0.2, 0.3, 0.25)),
                   lambda x: _ndtr((numpy.log(x) - _a(-0.5, 0, 0.5)) / _a(0.2, 0.3, 0.25))),
    'uniform': (lambda: D.Uniform(low=_a(-1, 0, 2), high=_a(0, 3, 2.5)),
                lambda x: numpy.clip((x - _a(-1, 0, 2)) / _a(1, 3, 0.5), 0, 1)),
    'exponential': (lambda: D.Exponential(_a(0.5, 1, 3)),
                    lambda x: 1 - numpy.exp(-_a(0.5, 1, 3) * x)),
    'laplace': (lambda: D.Laplace(_a(-1, 0, 2), _a(0.5, 1, 2)),
                lambda x: numpy.where(x < _a(-1, 0, 2),
                                      0.5 * numpy.exp((x - _a(-1, 0, 2)) / _a(0.5, 1, 2)),
                                      1 - 0.5 * numpy.exp(-(x - _a(-1, 0, 2)) / _a(0.5, 1, 2)))),
    'cauchy': (lambda: D.Cauchy(_a(-1, 0, 2), _a(0.5, 1, 2)),
               lambda x: numpy.arctan((x - _a(-1, 0, 2)) / _a(0.5, 1, 2)) / numpy.pi + 0.5),
    'gumbel': (lambda: D.Gumbel(_a(-1, 0, 2), _a(0.5, 1, 2)),
               lambda x: numpy.exp(-numpy.exp(-(x - _a(-1, 0, 2)) / _a(0.5, 1, 2)))),
    'pareto': (lambda: D.Pareto(_a(0.5, 1, 2), _a(4.5, 5, 6)),
               lambda x: 1 - (_a(0.5, 1, 2) / x) ** _a(4.5, 5, 6)),
    'gamma': (lambda: D.Gamma(_a(0.5, 2, 5), _a(1, 0.5, 2)), None),
    'beta': (lambda: D.Beta(_a(0.5, 2, 5), _a(2, 0.5, 5)), None),
    'chisquare': (lambda: D.Chisquare(_a(1, 3, 7)), None),
    'independent_normal': (lambda: D.Independent(D.Normal(_a(-1, 0, 2), _a(0.5, 1, 2)), 1),
                           None),
}
DISCRETE = {
    'bernoulli': lambda: D.Bernoulli(_a(0.1, 0.5, 0.8)),
    'bernoulli_logit': lambda: D.Bernoulli(logit=_a(-2, 0, 1)),
    'geometric': lambda: D.Geometric(_a(0.2, 0.5, 0.9)),
    'poisson': lambda: D.Poisson(_a(0.5, 2, 6)),
}
VECTOR = {
    'dirichlet': lambda: D.Dirichlet(numpy.array([[0.5, 1, 2], [2, 2, 2], [5, 1, 0.3]], f32)),
    'one_hot_categorical': lambda: D.OneHotCategorical(
        numpy.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.05, 0.05, 0.9]], f32)),
    'multivariate_normal': lambda: D.MultivariateNormal(
        numpy.array([[0, 1, -1], [2, 0, 0], [0, 0, 0]], f32),
        scale_tril=numpy.array([[[1, 0, 0], [0.5, 1, 0], [0, -0.5, 0.5]],
                                [[2, 0, 0], [0, 1, 0], [0, 0, 1]],
                                [[0.5, 0, 0], [0.3, 0.5, 0], [0.2, 0.2, 0.5]]], f32)),
}
CATEGORICAL = numpy.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.05, 0.05, 0.9]], f32)
ALL = {**{k: v[0] for k, v in CONTINUOUS.items()}, **DISCRETE, **VECTOR,
       'categorical': lambda: D.Categorical(CATEGORICAL),
       'categorical_logit': lambda: D.Categorical(logit=numpy.log(CATEGORICAL))}


def _draw(make, n=N, seed=0):
    dist = make()
    cf.set_random_seed(seed)
    return dist, dist.sample(n).array.astype(numpy.float64)


def _check_moments(dist, x):
    m = x.mean(axis=0)
    v = x.var(axis=0)
    mean, var = dist.mean.array, dist.variance.array
    se_mean = numpy.sqrt(var / len(x))
    assert numpy.all(abs(m - mean) <= 5 * se_mean), (m, mean)
    m4 = ((x - m) ** 4).mean(axis=0)
    se_var = numpy.sqrt(numpy.maximum(m4 - v ** 2, 0) / len(x))
    assert numpy.all(abs(v - var) <= 5 * se_var + 1e-6), (v, var)


@pytest.mark.parametrize('name', sorted(ALL))
def test_sample_shapes_and_dtypes(name):
    dist = ALL[name]()
    full = tuple(dist.batch_shape) + tuple(dist.event_shape)
    for shape, want in [((), full), (4, (4,) + full), ((2, 5), (2, 5) + full)]:
        s = dist.sample(shape)
        assert isinstance(s, cf.Variable) and s.shape == want, (shape, s.shape)
    kind = 'i' if name.startswith(('bernoulli', 'categorical')) else 'f'
    assert s.dtype.kind == kind


@pytest.mark.parametrize('name', sorted(CONTINUOUS))
def test_continuous_samples_follow_the_distribution(name):
    make, cdf = CONTINUOUS[name]
    dist, x = _draw(make)
    if name != 'cauchy':            # no mean or variance
        _check_moments(dist, x)
    if cdf is None:
        return
    xs = numpy.sort(x, axis=0)
    ecdf = numpy.arange(1, N + 1)[:, None] / N
    ks = numpy.max(numpy.maximum(abs(ecdf - cdf(xs)), abs(ecdf - 1 / N - cdf(xs))), axis=0)
    assert numpy.all(ks < 1.95 / math.sqrt(N)), ks


@pytest.mark.parametrize('name', sorted(DISCRETE))
def test_discrete_samples_follow_the_distribution(name):
    dist, x = _draw(DISCRETE[name])
    _check_moments(dist, x)
    first = 1 if name == 'geometric' else 0      # the support starts there
    assert x.min() == first
    for k in range(first, int(x.max()) + 1):
        freq = (x == k).mean(axis=0)
        with numpy.errstate(all='ignore'):
            p = dist.prob(numpy.full(3, k, f32)).array.astype(numpy.float64)
        p = numpy.where(numpy.isfinite(p), p, 0)
        assert numpy.all(abs(freq - p) <= 5 * numpy.sqrt(p * (1 - p) / N) + 1e-4), (k, freq, p)


@pytest.mark.parametrize('name', ['categorical', 'categorical_logit'])
def test_categorical_frequencies(name):
    _, x = _draw(ALL[name])
    for k in range(3):
        p = CATEGORICAL[:, k]
        freq = (x == k).mean(axis=0)
        assert numpy.all(abs(freq - p) <= 5 * numpy.sqrt(p * (1 - p) / N)), (k, freq, p)


@pytest.mark.parametrize('name', sorted(VECTOR))
def test_vector_samples_follow_the_distribution(name):
    dist, x = _draw(VECTOR[name])
    if name != 'multivariate_normal':
        _check_moments(dist, x)
        return
    cov = dist.covariance.array     # (Chainer's MultivariateNormal has no `variance`)
    se_mean = numpy.sqrt(numpy.diagonal(cov, axis1=-2, axis2=-1) / N)
    assert numpy.all(abs(x.mean(axis=0) - dist.mean.array) <= 5 * se_mean)
    c = x - x.mean(axis=0)
    sample_cov = numpy.einsum('nbi,nbj->bij', c, c) / N
    # the standard error of a sample covariance: sqrt((s_ii s_jj + s_ij^2) / N)
    var = numpy.diagonal(cov, axis1=-2, axis2=-1)
    se_cov = numpy.sqrt((var[..., :, None] * var[..., None, :] + cov ** 2) / N)
    assert numpy.all(abs(sample_cov - cov) <= 5 * se_cov), (sample_cov, cov)


def test_samples_repeat_with_the_seed_and_differ_otherwise():
    dist = D.Normal(numpy.zeros(4, f32), numpy.ones(4, f32))
    cf.set_random_seed(5)
    a, b = dist.sample(3).array, dist.sample(3).array
    cf.set_random_seed(5)
    numpy.testing.assert_array_equal(dist.sample(3).array, a)
    assert not numpy.array_equal(a, b)


@pytest.mark.parametrize('case', sorted(SAMPLE_CASES))
def test_numpy_drawn_samples_equal_chainers_under_the_same_seed(case):
    """Gamma, Beta, Chisquare, Dirichlet and Poisson draw from numpy.random as Chainer
    does, so numpy.random.seed(0) gives Chainer's very samples."""
    c = SAMPLE_CASES[case]
    params, _, _ = c.make()
    dist = c.build(cf, *params)
    numpy.random.seed(0)
    s = dist.sample(c.shape)
    numpy.testing.assert_array_equal(s.array, REF[f'{case}/sample'])


# ---- gradients through samples ----

# name -> (build from the differentiated params, those params, params with no gradient)
REPARAMETERIZED = {
    'normal': (lambda loc, scale: D.Normal(loc, scale), [_a(0, 1), _a(1, 2)]),
    'normal_log_scale': (lambda loc, ls: D.Normal(loc, log_scale=ls), [_a(0, 1), _a(0, -1)]),
    'log_normal': (lambda mu, sigma: D.LogNormal(mu, sigma), [_a(0, 1), _a(0.5, 0.3)]),
    'uniform': (lambda lo, hi: D.Uniform(low=lo, high=hi), [_a(0, 1), _a(1, 3)]),
    'exponential': (lambda lam: D.Exponential(lam), [_a(0.5, 2)]),
    'laplace': (lambda loc, scale: D.Laplace(loc, scale), [_a(0, 1), _a(1, 2)]),
    'cauchy': (lambda loc, scale: D.Cauchy(loc, scale), [_a(0, 1), _a(1, 2)]),
    'gumbel': (lambda loc, scale: D.Gumbel(loc, scale), [_a(0, 1), _a(1, 2)]),
    'pareto_scale': (lambda scale: D.Pareto(scale, _a(3, 4).astype(scale.dtype)), [_a(1, 2)]),
    'gamma_theta': (lambda theta: D.Gamma(_a(2, 3).astype(theta.dtype), theta), [_a(1, 2)]),
    'multivariate_normal': (
        lambda loc, tril: D.MultivariateNormal(loc, scale_tril=tril),
        [_a(0, 1), numpy.array([[1, 0], [0.5, 2]], f32)]),
}


@pytest.mark.parametrize('name', sorted(REPARAMETERIZED))
def test_gradients_through_samples_are_numerically_right(name):
    """With the seed reset before every draw, a sample is a function of the parameters;
    its gradient (where Chainer's reaches them) must match central differences."""
    build, params = REPARAMETERIZED[name]

    def f(*vs):
        cf.set_random_seed(0)
        return build(*vs).sample(3)
    params64 = tuple(p.astype(numpy.float64) for p in params)
    gy = numpy.random.RandomState(0).uniform(-1, 1, f(*params64).shape)
    gradient_check.check_backward(f, params64, gy, eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize('build,param', [
    (lambda a: D.Pareto(_a(1, 2), a), 'alpha'), (lambda k: D.Gamma(k, _a(1, 2)), 'k'),
    (lambda p: D.Bernoulli(p), 'p'), (lambda p: D.Geometric(p), 'p'),
    (lambda p: D.Categorical(cf.functions.softmax(p, axis=-1)), 'p')])
def test_no_gradient_reaches_parameters_chainer_does_not_reparameterize(build, param):
    v = cf.Variable(_a(0.3, 0.6))
    s = build(v).sample(4)
    if s.dtype.kind == 'f':
        cf.functions.sum(s).backward()
    assert v.grad is None or not numpy.any(v.grad), param
