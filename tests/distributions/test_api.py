"""The public surface of chainfuse.distributions against Chainer 7.8.1's, the KL
registry, and the errors bad arguments raise."""
import copy
import warnings

import numpy
import pytest

import chainfuse
import chainfuse as chainer
import chainfuse.distributions as D
from tests.distributions._recorded import REF, VALUE_CASES, cases

f32 = numpy.float32
API = sorted(k[len('api/'):] for k in REF if k.startswith('api/'))


@pytest.mark.parametrize('name', API)
def test_public_names_include_chainers(name):
    want = set(REF[f'api/{name}'])
    if name == 'distributions':
        have = set(dir(D))
    elif name == 'toplevel':
        have = set(dir(chainfuse))
    else:
        have = set(dir(getattr(D, name)))
    assert want <= have, sorted(want - have)


def test_import_chainfuse_as_chainer_reaches_distributions():
    from chainfuse import distribution
    assert chainer.Distribution is D.Distribution is distribution.Distribution
    assert chainer.kl_divergence is D.kl_divergence
    assert issubclass(D.Normal, chainer.Distribution)


@pytest.mark.parametrize('name', [c.name for c in cases.CASES])
def test_support_and_params_match_chainer(name):
    case = VALUE_CASES[name]
    params, _, _ = case.make()
    dist = case.build(chainer, *params)
    assert sorted(dist.params) == list(REF[f'{name}/params'])
    assert all(isinstance(v, chainer.Variable) for v in dist.params.values())
    if f'{name}/support' in REF:
        assert dist.support == str(REF[f'{name}/support'])
    assert dist.xp is numpy


# ---- the KL registry ----

class Shifted(D.Normal):
    """A subclass: the (Normal, Normal) KL applies to it."""


def test_kl_of_a_subclass_uses_its_base_classes_pair():
    p = Shifted(numpy.zeros(2, f32), numpy.ones(2, f32))
    q = D.Normal(numpy.ones(2, f32), numpy.ones(2, f32))
    numpy.testing.assert_allclose(chainer.kl_divergence(p, q).array, [0.5, 0.5])


def test_register_kl_adds_a_pair_and_returns_the_function():
    class Point(D.Distribution):
        def __init__(self, at):
            self.at = chainer.as_variable(at)

        @property
        def batch_shape(self):
            return self.at.shape

    @chainer.register_kl(Point, D.Normal)
    def _kl(p, q):
        return -q.log_prob(p.at)

    assert callable(_kl)
    try:
        q = D.Normal(numpy.zeros(2, f32), numpy.ones(2, f32))
        kl = chainer.kl_divergence(Point(numpy.array([0, 1], f32)), q)
        numpy.testing.assert_allclose(kl.array, -q.log_prob(numpy.array([0, 1], f32)).array)
    finally:
        del D.distribution._KLDIVERGENCE[Point, D.Normal]


def test_an_unregistered_pair_names_both_types():
    p = D.Normal(numpy.zeros(2, f32), numpy.ones(2, f32))
    q = D.Laplace(numpy.zeros(2, f32), numpy.ones(2, f32))
    with pytest.raises(KeyError, match=r'\(Normal, Laplace\).*register_kl'):
        chainer.kl_divergence(p, q)
    with pytest.raises(NotImplementedError):
        chainer.kl_divergence(p, q)


def test_register_kl_rejects_non_distributions():
    with pytest.raises(TypeError, match='Distribution subclasses'):
        chainer.register_kl(D.Normal, int)


def test_cross_entropy_is_entropy_plus_kl():
    p = D.Normal(numpy.array([0, 1], f32), numpy.array([1, 2], f32))
    q = D.Normal(numpy.array([1, 1], f32), numpy.array([1, 1], f32))
    x, dx = numpy.linspace(-30, 30, 200001, retstep=True)
    x = x[:, None].astype(f32)
    numeric = -(p.prob(x).array * q.log_prob(x).array).sum(axis=0) * dx
    numpy.testing.assert_allclose(chainer.cross_entropy(p, q).array, numeric, rtol=1e-4)


# ---- arguments, caching, undefined quantities ----

@pytest.mark.parametrize('make,error,match', [
    (lambda: D.Normal(numpy.zeros(2, f32)), ValueError, 'either `scale` or `log_scale`'),
    (lambda: D.Normal(numpy.zeros(2, f32), numpy.ones(2, f32), log_scale=numpy.ones(2, f32)),
     ValueError, 'not both'),
    (lambda: D.Normal(numpy.zeros(2, f32), scal=1), TypeError, 'scal'),
    (lambda: D.Bernoulli(), ValueError, '`p` or `logit`'),
    (lambda: D.Categorical(numpy.ones(2, f32), logit=numpy.ones(2, f32)), ValueError,
     'not both'),
    (lambda: D.Uniform(low=numpy.zeros(2, f32)), ValueError, '`low, high` or `loc, scale`'),
    (lambda: D.Uniform(lo=0), TypeError, 'lo'),
    (lambda: D.MultivariateNormal(numpy.zeros(2, f32)), ValueError, 'scale_tril'),
    (lambda: D.Independent(D.Normal(numpy.zeros((2, 3), f32), numpy.ones((2, 3), f32)), 3),
     ValueError, r'at most .*\(2, batch_shape \(2, 3\)\)'),
])
def test_bad_arguments_say_what_is_wrong(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_undefined_quantities_raise_not_implemented_naming_the_class():
    d = D.Beta(numpy.ones(2, f32), numpy.ones(2, f32))
    with pytest.raises(NotImplementedError, match='Beta does not define cdf'):
        d.cdf(numpy.full(2, 0.5, f32))
    with pytest.raises(RuntimeError, match='not invertible'):
        D.Independent(D.Normal(numpy.zeros((2, 3), f32), numpy.ones((2, 3), f32))).icdf(0.5)


def test_prob_and_stddev_default_to_exp_log_prob_and_sqrt_variance():
    d = D.Gamma(numpy.array([2, 3], f32), numpy.array([1, 0.5], f32))
    x = numpy.array([1.5, 0.7], f32)
    numpy.testing.assert_allclose(d.prob(x).array, numpy.exp(d.log_prob(x).array), rtol=1e-6)
    numpy.testing.assert_allclose(d.stddev.array, numpy.sqrt(d.variance.array), rtol=1e-6)


def test_cauchy_moments_are_nan_with_a_warning():
    d = D.Cauchy(numpy.zeros(3, f32), numpy.ones(3, f32))
    for what in ('mean', 'variance'):
        with pytest.warns(RuntimeWarning, match='undefined'):
            v = getattr(d, what)
        assert v.shape == (3,) and v.dtype == f32 and numpy.isnan(v.array).all()


def test_cached_properties_are_computed_once_per_backprop_mode():
    d = D.Normal(numpy.zeros(2, f32), log_scale=chainer.Variable(numpy.zeros(2, f32)))
    with_graph = d.scale
    assert d.scale is with_graph and with_graph.creator_node is not None
    with chainer.no_backprop_mode():
        plain = d.scale
        assert plain is not with_graph and plain.creator_node is None and d.scale is plain
    assert d.scale is with_graph
    with pytest.raises(AttributeError, match='read-only'):
        d.scale = 1


def test_copy_keeps_parameters():
    d = D.MultivariateNormal(numpy.zeros(2, f32), scale_tril=numpy.eye(2, dtype=f32))
    c = copy.copy(d)
    assert c is not d and c.loc is d.loc and c.scale_tril is d.scale_tril


def test_float16_parameters_sample_and_evaluate_in_float16():
    d = D.Normal(numpy.zeros(3, numpy.float16), numpy.ones(3, numpy.float16))
    chainer.set_random_seed(0)
    s = d.sample(4)
    assert s.dtype == numpy.float16 and s.shape == (4, 3)
    assert d.log_prob(s).dtype == numpy.float16


def test_bernoulli_takes_bool_and_int_values():
    d = D.Bernoulli(logit=numpy.array([-1, 0, 2], f32))
    want = d.log_prob(numpy.array([0, 1, 1], f32)).array
    numpy.testing.assert_array_equal(d.log_prob(numpy.array([False, True, True])).array, want)
    numpy.testing.assert_array_equal(d.log_prob(numpy.array([0, 1, 1], 'i')).array, want)


def test_bernoulli_log_prob_is_finite_for_large_logits():
    """Chainer's ``log(exp(-logit) + 1)`` overflows to inf at logit -100 (float32);
    softplus keeps the exact value."""
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        d = D.Bernoulli(logit=numpy.array([-100, 100], f32))
        numpy.testing.assert_allclose(d.log_prob(numpy.array([1, 0], f32)).array,
                                      [-100, -100], rtol=1e-6)
