"""Distributions inside compiled Links: the plan computes what eager computes.

Each row builds a distribution from the outputs of a Linear layer (so its parameters
are traced values), and the Link's loss sums the distribution's quantities.  Compiled
with ``fallback='raise'`` (a graph break would fail the test), the values and the
gradients of the layer's parameters must equal eager ones.  These run on the numpy
backend (Numba would compile some hundred kernels on a cold cache); the VAE test
(test_vae.py) compiles with the default backend.
"""
import copy

import numpy
import pytest

import chainfuse as cf
import chainfuse.distributions as D
import chainfuse.functions as F
import chainfuse.links as L

X = numpy.random.RandomState(0).uniform(-1, 1, (5, 4)).astype(numpy.float32)
POINT = numpy.random.RandomState(1).uniform(0.2, 0.8, (5, 3)).astype(numpy.float32)


def _positive(h):
    return F.softplus(h) + 0.5


def _simplex(h):
    return F.softmax(h, axis=-1)


def _tril(h):
    m = F.reshape(F.concat([h, h[:, :1] * 0 + 1.0], axis=1)[:, :4], (5, 2, 2))
    mask = numpy.tril(numpy.ones((2, 2), bool))
    return F.where(numpy.broadcast_to(mask, m.shape), m, numpy.zeros(m.shape, 'f')) + \
        numpy.eye(2, dtype='f')


# name -> (distribution from h (5, 3), quantities (distribution -> Variable))
ROWS = {
    'normal': (lambda h: D.Normal(h, log_scale=h * 0.3),
               lambda d: [d.log_prob(POINT), d.entropy, d.cdf(POINT), d.log_cdf(POINT),
                          d.survival_function(POINT), d.icdf(POINT), d.prob(POINT)]),
    'bernoulli': (lambda h: D.Bernoulli(logit=h),
                  lambda d: [d.log_prob(POINT > 0.5), d.entropy, d.prob(POINT), d.stddev]),
    'beta': (lambda h: D.Beta(_positive(h), _positive(-h)),
             lambda d: [d.log_prob(POINT), d.entropy, d.mean, d.variance]),
    'categorical': (lambda h: D.Categorical(logit=h),
                    lambda d: [d.log_prob(numpy.array([0, 1, 2, 1, 0])), d.entropy]),
    'cauchy': (lambda h: D.Cauchy(h, _positive(h)),
               lambda d: [d.log_prob(POINT), d.cdf(POINT), d.icdf(POINT), d.entropy]),
    'chisquare': (lambda h: D.Chisquare(_positive(h)),
                  lambda d: [d.log_prob(POINT), d.entropy, d.variance]),
    'dirichlet': (lambda h: D.Dirichlet(_positive(h)),
                  lambda d: [d.log_prob(_simplex(POINT)), d.entropy, d.variance]),
    'exponential': (lambda h: D.Exponential(_positive(h)),
                    lambda d: [d.log_prob(POINT - 0.3), d.cdf(POINT), d.icdf(POINT),
                               d.entropy]),
    'gamma': (lambda h: D.Gamma(_positive(h), _positive(-h)),
              lambda d: [d.log_prob(POINT), d.entropy, d.variance]),
    'geometric': (lambda h: D.Geometric(F.sigmoid(h)),
                  lambda d: [d.log_prob(numpy.full((5, 3), 2, 'f')), d.variance]),
    'gumbel': (lambda h: D.Gumbel(h, _positive(h)),
               lambda d: [d.log_prob(POINT), d.entropy, d.mean, d.variance]),
    'independent': (lambda h: D.Independent(D.Normal(h, _positive(h))),
                    lambda d: [d.log_prob(POINT), d.entropy, d.prob(POINT), d.cdf(POINT)]),
    'laplace': (lambda h: D.Laplace(h, _positive(h)),
                lambda d: [d.log_prob(POINT), d.cdf(POINT), d.icdf(POINT), d.entropy]),
    'log_normal': (lambda h: D.LogNormal(h, _positive(h)),
                   lambda d: [d.log_prob(POINT), d.entropy, d.mean, d.variance]),
    'multivariate_normal': (lambda h: D.MultivariateNormal(h[:, :2], scale_tril=_tril(h)),
                            lambda d: [d.log_prob(POINT[:, :2]), d.entropy, d.covariance]),
    'one_hot_categorical': (lambda h: D.OneHotCategorical(_simplex(h)),
                            lambda d: [d.log_prob(numpy.eye(3, dtype='f')[[0, 1, 2, 1, 0]]),
                                       d.variance]),
    'pareto': (lambda h: D.Pareto(_positive(h) * 0.3, _positive(h) + 1.5),
               lambda d: [d.log_prob(POINT + 0.4), d.entropy, d.mean, d.variance]),
    'poisson': (lambda h: D.Poisson(_positive(h)),
                lambda d: [d.log_prob(numpy.array([[0, 1, 2]] * 5, 'i')), d.variance]),
    'uniform': (lambda h: D.Uniform(loc=h - 1.0, scale=_positive(h) + 1.0),
                lambda d: [d.log_prob(POINT - 0.5), d.cdf(POINT), d.icdf(POINT), d.entropy,
                           d.stddev]),
}


class Quantities(cf.Chain):
    def __init__(self, row, seed=0):
        super().__init__()
        self.row = row
        with self.init_scope():
            self.l = L.Linear(4, 3, initialW=numpy.random.RandomState(seed).uniform(
                -1, 1, (3, 4)).astype('f'))

    def forward(self, x):
        build, quantities = ROWS[self.row]
        return sum(F.sum(q) for q in quantities(build(self.l(x))))


def _run(model, x):
    model.cleargrads()
    loss = model(x)
    loss.backward()
    return loss.array.copy(), model.l.W.grad.copy(), model.l.b.grad.copy()


@pytest.mark.parametrize('row', sorted(ROWS))
def test_compiled_quantities_equal_eager(row):
    eager = Quantities(row)
    compiled = cf.compile(copy.deepcopy(eager), fallback='raise', backend='numpy')
    for scale in (1.0, 0.5):       # the second call replays the plan
        want, got = _run(eager, X * scale), _run(compiled, X * scale)
        for w, g in zip(want, got):
            numpy.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert compiled._chainfuse_compiled.stats['compiled_calls'] == 2


def test_kl_divergence_compiles_for_every_registered_pair():
    pairs = {
        'normal': lambda h: D.Normal(h, _positive(h)),
        'bernoulli': lambda h: D.Bernoulli(logit=h),
        'beta': lambda h: D.Beta(_positive(h), _positive(-h)),
        'categorical': lambda h: D.Categorical(logit=h),
        'dirichlet': lambda h: D.Dirichlet(_positive(h)),
        'exponential': lambda h: D.Exponential(_positive(h)),
        'gamma': lambda h: D.Gamma(_positive(h), _positive(-h)),
        'geometric': lambda h: D.Geometric(F.sigmoid(h)),
        'gumbel': lambda h: D.Gumbel(h, _positive(h)),
        'independent': lambda h: D.Independent(D.Normal(h, _positive(h))),
        'laplace': lambda h: D.Laplace(h, _positive(h)),
        'log_normal': lambda h: D.LogNormal(h, _positive(h)),
        'multivariate_normal': lambda h: D.MultivariateNormal(h[:, :2], scale_tril=_tril(h)),
        'one_hot_categorical': lambda h: D.OneHotCategorical(_simplex(h)),
        'pareto': lambda h: D.Pareto(_positive(h) * 0.3, _positive(h) + 1.5),
        'poisson': lambda h: D.Poisson(_positive(h)),
        'uniform': lambda h: D.Uniform(low=h - 3.0, high=h + _positive(h)),
    }
    registered = {(a.__name__, b.__name__)
                  for a, b in cf.distributions.distribution._KLDIVERGENCE}
    assert len(registered) == len(pairs)

    class KL(cf.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.p = L.Linear(4, 3, initialW=numpy.random.RandomState(3).uniform(
                    -1, 1, (3, 4)).astype('f'))
                self.q = L.Linear(4, 3, initialW=numpy.random.RandomState(4).uniform(
                    -1, 1, (3, 4)).astype('f'))

        def forward(self, x):
            total = 0
            for make in pairs.values():
                total = total + F.sum(cf.kl_divergence(make(self.p(x)), make(self.q(x))))
            return total

    eager = KL()
    compiled = cf.compile(copy.deepcopy(eager), fallback='raise', backend='numpy')
    for m in (eager, compiled):
        m.cleargrads()
        m.loss = m(X)
        m.loss.backward()
    numpy.testing.assert_allclose(compiled.loss.array, eager.loss.array, rtol=1e-5)
    for name in ('p', 'q'):
        for p in ('W', 'b'):
            numpy.testing.assert_allclose(getattr(getattr(compiled, name), p).grad,
                                          getattr(getattr(eager, name), p).grad,
                                          rtol=1e-4, atol=1e-5)
