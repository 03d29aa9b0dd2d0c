import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import initializers


def test_shapes_and_zero_bias():
    f = L.Linear(3, 2)
    assert f.W.shape == (2, 3) and f.W.dtype == numpy.float32
    numpy.testing.assert_array_equal(f.b.array, numpy.zeros(2, numpy.float32))
    assert f.b.dtype == numpy.float32
    assert [n for n, _ in f.namedparams()] == ['/W', '/b']


def test_lazy_until_the_first_call():
    g = L.Linear(2)
    assert g.in_size is None and g.out_size == 2
    assert not g.W.is_initialized and g.b.shape == (2,)
    h = L.Linear(None, 4)
    assert not h.W.is_initialized


def test_default_initializer_is_lecun_normal():
    chainfuse.set_random_seed(0)
    f = L.Linear(500, 400)
    assert f.W.array.std() == pytest.approx(numpy.sqrt(1 / 500), rel=0.02)


def test_seeded_initialization_is_reproducible():
    chainfuse.set_random_seed(3)
    a = L.Linear(4, 3).W.array.copy()
    chainfuse.set_random_seed(3)
    numpy.testing.assert_array_equal(L.Linear(4, 3).W.array, a)


def test_initial_values_and_nobias():
    w = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    f = L.Linear(3, 2, initialW=w, initial_bias=0.5)
    numpy.testing.assert_array_equal(f.W.array, w)
    assert (f.b.array == 0.5).all()
    g = L.Linear(3, 2, nobias=True, initialW=initializers.One())
    assert g.b is None and [n for n, _ in g.namedparams()] == ['/W']
    assert (g.W.array == 1).all()


def test_forward_matches_numpy():
    f = L.Linear(3, 2, initial_bias=numpy.array([1, -1], numpy.float32))
    x = numpy.array([[1, 2, 3], [4, 5, 6]], dtype=numpy.float32)
    y = f(chainfuse.Variable(x))
    assert y.shape == (2, 2) and y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.array, x @ f.W.array.T + f.b.array, rtol=1e-6)


def test_lazy_input_size_from_the_first_batch():
    g = L.Linear(2)
    x = numpy.array([[1, 2, 3], [4, 5, 6]], dtype=numpy.float32)
    y = g(chainfuse.Variable(x))
    assert g.W.shape == (2, 3) and y.shape == (2, 2)
    h = L.Linear(None, 5)
    h(numpy.zeros((4, 2, 3), numpy.float32))
    assert h.W.shape == (5, 6)


def test_n_batch_axes():
    f = L.Linear(None, 2)
    y = f(numpy.ones((4, 3, 5), numpy.float32), n_batch_axes=2)
    assert f.W.shape == (2, 5) and y.shape == (4, 3, 2)


def test_gradients_reach_the_parameters():
    f = L.Linear(3, 2)
    x = numpy.array([[1, 2, 3], [4, 5, 6]], dtype=numpy.float32)
    f.cleargrads()
    F.sum(f(x)).backward()
    numpy.testing.assert_allclose(f.W.grad, numpy.ones((2, 2)) @ x, rtol=1e-6)
    numpy.testing.assert_allclose(f.b.grad, [2, 2])


def test_input_size_mismatch_is_an_error():
    with pytest.raises(Exception, match='3|4'):
        L.Linear(3, 2)(numpy.ones((2, 4), numpy.float32))


def test_str():
    assert str(L.Linear(3, 2)) == 'Linear(in_size=3, out_size=2, nobias=False)'
