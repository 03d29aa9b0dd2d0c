"""The random ops draw from their key only; erf matches math.erf."""
import math

import numpy
import pytest

import chainfuse as cf
from chainfuse import random as cf_random
from chainfuse.ops import random as R
from chainfuse.ops import special
from chainfuse.ops.registry import OpTypeError

F32 = numpy.dtype(numpy.float32)
F64 = numpy.dtype(numpy.float64)


def _key(a, b):
    return numpy.array([a, b], dtype=numpy.uint64)


def test_uniform_depends_only_on_the_key():
    a = R.uniform(_key(1, 2), shape=(4, 5)).array
    cf.set_random_seed(123)  # the global generator does not enter
    b = R.uniform(_key(1, 2), shape=(4, 5)).array
    c = R.uniform(_key(1, 3), shape=(4, 5)).array
    numpy.testing.assert_array_equal(a, b)
    assert not numpy.array_equal(a, c)


def test_uniform_is_numpy_philox_keyed_by_the_key():
    key = _key(7, 11)
    expected = numpy.random.Generator(numpy.random.Philox(key=key)).random((3, 2), F64)
    numpy.testing.assert_array_equal(R.uniform(key, shape=(3, 2), dtype=F64).array, expected)


@pytest.mark.parametrize('dtype', [F32, F64])
def test_uniform_range_and_moments(dtype):
    u = R.uniform(_key(3, 4), shape=(200, 100), dtype=dtype).array
    assert u.dtype == dtype and u.shape == (200, 100)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005


def test_normal_moments_and_determinism():
    z = R.normal(_key(5, 6), shape=(20000,), dtype=F64).array
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.03
    numpy.testing.assert_array_equal(z, R.normal(_key(5, 6), shape=(20000,), dtype=F64).array)


def test_next_key_gives_fresh_reproducible_keys():
    cf.set_random_seed(0)
    k1, k2 = cf_random.next_key(), cf_random.next_key()
    cf.set_random_seed(0)
    assert numpy.array_equal(k1, cf_random.next_key()) and not numpy.array_equal(k1, k2)
    assert not numpy.array_equal(R.uniform(k1, shape=(8,)).array,
                                 R.uniform(k2, shape=(8,)).array)


def test_random_ops_have_no_gradient():
    assert not R.uniform.differentiable and not R.normal.differentiable
    assert R.uniform.kind == 'random'


@pytest.mark.parametrize('key', [numpy.array([1, 2], numpy.int64),
                                 numpy.array([1, 2, 3], numpy.uint64)])
def test_bad_key_is_named(key):
    with pytest.raises(OpTypeError, match=r'uniform: key must be a uint64 array of shape \(2,\)'):
        R.uniform(key, shape=(2,))


def test_float16_is_refused_with_advice():
    with pytest.raises(OpTypeError, match='normal: dtype must be float32 or float64'):
        R.normal(_key(1, 1), shape=(2,), dtype=numpy.dtype(numpy.float16))


def test_erf_equals_math_erf_in_float64():
    x = numpy.concatenate([numpy.linspace(-6, 6, 1001), [0.0, -0.0, 1e-300, 30.0, -30.0]])
    expected = numpy.array([math.erf(v) for v in x])
    numpy.testing.assert_array_equal(special.erf(x).array, expected)


def test_erf_float32_float16_and_nan():
    x = numpy.array([-2.0, -0.3, 0.0, 0.4, 3.0, numpy.nan])
    ref = numpy.array([math.erf(v) for v in x])
    y32 = special.erf(x.astype(F32)).array
    y16 = special.erf(x.astype(numpy.float16)).array
    assert y32.dtype == F32 and y16.dtype == numpy.float16
    numpy.testing.assert_allclose(y32, ref, rtol=1e-6, atol=1e-7)
    numpy.testing.assert_allclose(y16, ref, rtol=1e-3, atol=1e-3)
    assert numpy.isnan(y32[-1])


def test_erf_rejects_integers():
    with pytest.raises(OpTypeError, match='erf'):
        special.erf(numpy.arange(3))
