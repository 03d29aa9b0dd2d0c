"""Sampling inside compiled calls: fresh numbers on every replay, the eager numbers
under the same seed, and a graph break (never a frozen sample) where a draw has no
registry random op.
"""
import copy
import warnings

import numpy
import pytest

import chainfuse as cf
import chainfuse.distributions as D
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.tracer import GraphBreak

X = numpy.random.RandomState(0).uniform(-1, 1, (4, 3)).astype(numpy.float32)


def _positive(h):
    return F.softplus(h) + 0.5


def _tril(h):
    eye = numpy.eye(3, dtype='f')
    return F.broadcast_to(F.expand_dims(_positive(h), -1), (4, 3, 3)) * eye + \
        numpy.tril(numpy.full((3, 3), 0.3, 'f'), -1)


# samplers built on the registry's random ops: they compile
OP_SAMPLERS = {
    'normal': lambda h: D.Normal(h, log_scale=h),
    'log_normal': lambda h: D.LogNormal(h, _positive(h)),
    'multivariate_normal': lambda h: D.MultivariateNormal(h, scale_tril=_tril(h)),
    'uniform': lambda h: D.Uniform(loc=h, scale=_positive(h)),
    'exponential': lambda h: D.Exponential(_positive(h)),
    'laplace': lambda h: D.Laplace(h, _positive(h)),
    'cauchy': lambda h: D.Cauchy(h, _positive(h)),
    'gumbel': lambda h: D.Gumbel(h, _positive(h)),
    'pareto': lambda h: D.Pareto(_positive(h), _positive(h) + 2),
    'bernoulli': lambda h: D.Bernoulli(logit=h),
    'categorical': lambda h: D.Categorical(logit=h),
    'one_hot_categorical': lambda h: D.OneHotCategorical(F.softmax(h, axis=-1)),
    'geometric': lambda h: D.Geometric(F.sigmoid(h)),
    'independent': lambda h: D.Independent(D.Normal(h, _positive(h))),
}
# samplers that draw from numpy.random as Chainer does: a graph break when traced
NUMPY_SAMPLERS = {
    'gamma': lambda h: D.Gamma(_positive(h), _positive(h)),
    'beta': lambda h: D.Beta(_positive(h), _positive(-h)),
    'chisquare': lambda h: D.Chisquare(_positive(h)),
    'dirichlet': lambda h: D.Dirichlet(_positive(h)),
    'poisson': lambda h: D.Poisson(_positive(h)),
}


class Sampler(cf.Chain):
    """Returns a weighted sum of two samples (so the loss has a gradient when the
    sample is reparameterized) and the first sample itself."""

    def __init__(self, make):
        super().__init__()
        self.make = make
        with self.init_scope():
            self.l = L.Linear(3, 3, initialW=numpy.random.RandomState(1).uniform(
                -1, 1, (3, 3)).astype('f'))

    def forward(self, x):
        h = self.l(x)
        s = self.make(h).sample(2)
        if s.dtype.kind != 'f':
            return F.sum(h), s
        return F.sum(s * h), s


def _run(model, seed):
    cf.set_random_seed(seed)
    model.cleargrads()
    loss, s = model(X)
    loss.backward()
    return s.array.copy(), loss.array.copy(), model.l.W.grad.copy()


@pytest.mark.parametrize('name', sorted(OP_SAMPLERS))
def test_compiled_samples_are_fresh_and_equal_eager_under_the_same_seed(name):
    eager = Sampler(OP_SAMPLERS[name])
    compiled = cf.compile(copy.deepcopy(eager), fallback='raise', backend='numpy')
    draws = []
    for seed in (1, 2, 1):
        want, got = _run(eager, seed), _run(compiled, seed)
        for w, g in zip(want, got):
            numpy.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
        draws.append(got[0])
    assert not numpy.array_equal(draws[0], draws[1]), 'the plan replayed a frozen sample'
    numpy.testing.assert_array_equal(draws[0], draws[2])
    cf.set_random_seed(3)
    a, b = compiled(X)[1].array, compiled(X)[1].array
    assert not numpy.array_equal(a, b), 'two replays drew the same numbers'
    assert compiled._chainfuse_compiled.stats['compiled_calls'] == 5


@pytest.mark.parametrize('name', sorted(NUMPY_SAMPLERS))
def test_numpy_drawn_samples_are_a_graph_break_when_compiled(name):
    model = cf.compile(Sampler(NUMPY_SAMPLERS[name]), fallback='raise', backend='numpy')
    with pytest.raises(GraphBreak, match='numpy.random') as e:
        model(X)
    assert 'test_compiled_sampling.py' in e.value.location


@pytest.mark.parametrize('name', sorted(NUMPY_SAMPLERS))
def test_numpy_drawn_samples_run_eagerly_in_a_compiled_model(name):
    eager = Sampler(NUMPY_SAMPLERS[name])
    compiled = cf.compile(copy.deepcopy(eager), backend='numpy')
    with pytest.warns(RuntimeWarning, match='numpy.random'):
        got = _run(compiled, 4)
    with warnings.catch_warnings():
        warnings.simplefilter('error')      # one warning per signature, then eager
        again = _run(compiled, 5)
    want = _run(eager, 4)
    for w, g in zip(want, got):
        numpy.testing.assert_allclose(g, w, rtol=1e-6)
    assert not numpy.array_equal(got[0], again[0])
