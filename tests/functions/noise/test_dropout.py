"""F.dropout and F.gaussian: masks from keyed random ops, train/test behaviour."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable


def _mask(x, ratio=0.5):
    return F.dropout(x, ratio).array != 0


def test_identity_outside_training():
    x = numpy.random.default_rng(0).standard_normal((3, 4)).astype(numpy.float32)
    with cf.using_config('train', False):
        y = F.dropout(x, 0.9)
        y2, mask = F.dropout(Variable(x), return_mask=True)
    assert isinstance(y, Variable) and mask is None
    numpy.testing.assert_array_equal(y.array, x)
    numpy.testing.assert_array_equal(y2.array, x)


def test_same_seed_same_mask_and_successive_calls_differ():
    x = numpy.ones((8, 16), numpy.float32)
    cf.set_random_seed(3)
    a, b = _mask(x), _mask(x)
    cf.set_random_seed(3)
    numpy.testing.assert_array_equal(_mask(x), a)
    assert not numpy.array_equal(a, b)


@pytest.mark.parametrize('ratio', [0.1, 0.5, 0.8])
def test_ratio_and_scale(ratio):
    cf.set_random_seed(0)
    y = F.dropout(numpy.ones((200, 100), numpy.float32), ratio).array
    dropped = numpy.mean(y == 0)
    assert abs(dropped - ratio) < 0.015
    numpy.testing.assert_allclose(y[y != 0], 1.0 / (1.0 - ratio), rtol=1e-6)


def test_gradient_flows_only_through_kept_units():
    cf.set_random_seed(0)
    x = Variable(numpy.random.default_rng(1).standard_normal((6, 5)))
    y = F.dropout(x, 0.4)
    y.grad = numpy.ones_like(y.array)
    y.backward()
    kept = y.array != 0
    numpy.testing.assert_allclose(x.grad[kept], 1.0 / 0.6)
    numpy.testing.assert_array_equal(x.grad[~kept], 0.0)


def test_returned_mask_reproduces_the_output():
    cf.set_random_seed(0)
    x = numpy.random.default_rng(2).standard_normal((4, 4)).astype(numpy.float32)
    y, mask = F.dropout(x, 0.3, return_mask=True)
    assert isinstance(mask, numpy.ndarray)
    numpy.testing.assert_allclose(numpy.unique(mask), [0, 1 / 0.7], rtol=1e-6)
    numpy.testing.assert_allclose(F.dropout(x, mask=mask).array, y.array)


def test_float16_keeps_its_dtype():
    y = F.dropout(numpy.ones((4, 4), numpy.float16))
    assert y.dtype == numpy.float16 and set(numpy.unique(y.array)) <= {0, 2}


@pytest.mark.parametrize('ratio', [1.0, -0.1])
def test_bad_ratio(ratio):
    with pytest.raises(ValueError, match='dropout: ratio'):
        F.dropout(numpy.ones(3, numpy.float32), ratio)


def test_train_argument_is_refused():
    with pytest.raises(ValueError, match="'train' argument"):
        F.dropout(numpy.ones(3, numpy.float32), train=False)


def test_compiled_dropout_draws_a_fresh_mask_per_call_and_matches_eager():
    def f(x):
        return F.dropout(x, 0.5)

    cfn = cf.compile(f, fallback='raise')
    x = numpy.ones((4, 8), numpy.float32)
    outs = []
    for seed in range(3):
        cf.set_random_seed(seed)
        yc = cfn(x).array
        cf.set_random_seed(seed)
        numpy.testing.assert_array_equal(yc, f(x).array)
        outs.append(yc)
    assert not numpy.array_equal(outs[0], outs[1])
    assert cfn.stats['compiled_calls'] == 3


def test_gaussian_samples_and_gradients():
    cf.set_random_seed(0)
    mean = Variable(numpy.full((4000,), 2.0))
    ln_var = Variable(numpy.full((4000,), numpy.log(0.25)))
    y, eps = F.gaussian(mean, ln_var, return_eps=True)
    assert abs(y.array.mean() - 2.0) < 0.05 and abs(y.array.std() - 0.5) < 0.03
    numpy.testing.assert_allclose(y.array, 2.0 + 0.5 * eps)
    F.sum(y).backward()
    numpy.testing.assert_allclose(mean.grad, 1.0)
    numpy.testing.assert_allclose(ln_var.grad, 0.25 * eps)
    cf.set_random_seed(0)
    numpy.testing.assert_array_equal(F.gaussian(mean, ln_var).array, y.array)
