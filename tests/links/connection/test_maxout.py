import numpy
import pytest

import chainfuse.links as L


def test_child_linear_shape():
    m = L.Maxout(4, 3, 2)
    assert m.linear.W.shape == (6, 4) and m.linear.b.shape == (6,)
    assert L.Maxout(4, 3, 2, initial_bias=None).linear.b is None


def test_array_initializers_are_reshaped():
    w = numpy.arange(24, dtype=numpy.float32).reshape(3, 2, 4)
    b = numpy.arange(6, dtype=numpy.float32).reshape(3, 2)
    m = L.Maxout(4, 3, 2, initialW=w, initial_bias=b)
    numpy.testing.assert_array_equal(m.linear.W.array, w.reshape(6, 4))
    numpy.testing.assert_array_equal(m.linear.b.array, b.reshape(6))
    with pytest.raises(ValueError, match=r'\(3, 2\)'):
        L.Maxout(4, 3, 2, initial_bias=numpy.zeros(5, numpy.float32))


def test_forward_is_max_over_each_pool():
    rng = numpy.random.default_rng(0)
    m = L.Maxout(4, 3, 2)
    x = rng.standard_normal((5, 4)).astype(numpy.float32)
    h = x @ m.linear.W.array.T + m.linear.b.array
    numpy.testing.assert_allclose(m(x).array, h.reshape(5, 3, 2).max(axis=2), rtol=1e-5)
