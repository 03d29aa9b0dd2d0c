import numpy
import pytest

import chainfuse.links as L

X = numpy.arange(24, dtype=numpy.float32).reshape(2, 3, 4)


def test_parameters():
    b = L.Bias(axis=1, shape=(3,))
    assert b.b.shape == (3,) and (b.b.array == 0).all()
    s = L.Scale(axis=1, W_shape=(3,), bias_term=True)
    assert (s.W.array == 1).all()
    assert [n for n, _ in s.namedparams()] == ['/W', '/bias/b']
    assert not list(L.Bias().params())
    with pytest.raises(ValueError, match='bias_shape'):
        L.Scale(bias_term=True)


def test_bias_forward():
    b = L.Bias(axis=1, shape=(3,))
    b.b.array[...] = [1, 2, 3]
    numpy.testing.assert_array_equal(b(X).array, X + numpy.array([1, 2, 3]).reshape(1, 3, 1))
    y = numpy.ones(4, numpy.float32)
    numpy.testing.assert_array_equal(L.Bias(axis=2)(X, y).array, X + 1)


def test_scale_forward():
    s = L.Scale(axis=1, W_shape=(3, 4), bias_term=True)
    s.W.array[...] = 2
    s.bias.b.array[...] = 1
    numpy.testing.assert_array_equal(s(X).array, 2 * X + 1)
    w = numpy.full(3, 3, numpy.float32)
    numpy.testing.assert_array_equal(L.Scale(axis=1)(X, w).array, 3 * X)
