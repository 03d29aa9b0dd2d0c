import numpy
import pytest

import chainfuse.functions as F
import chainfuse.links as L


def sigmoid(x):
    return 1 / (1 + numpy.exp(-x))


def lstm_ref(c, x):
    r = x.reshape(len(x), -1, 4)
    a, i, f, o = (r[:, :, k] for k in range(4))
    c = numpy.tanh(a) * sigmoid(i) + sigmoid(f) * c
    return c, sigmoid(o) * numpy.tanh(c)


def test_parameters_and_forget_bias():
    m = L.LSTM(3, 4)
    assert m.upward.W.shape == (16, 3) and m.lateral.W.shape == (16, 4)
    assert m.lateral.b is None
    b = m.upward.b.array.reshape(4, 4)
    numpy.testing.assert_array_equal(b[:, 2], numpy.ones(4))
    numpy.testing.assert_array_equal(b[:, [0, 1, 3]], numpy.zeros((4, 3)))
    assert numpy.isfinite(m.upward.W.array).all() and m.upward.W.array.std() > 0
    assert [n for n, _ in m.namedparams()] == ['/lateral/W', '/upward/W', '/upward/b']


def test_two_steps_match_reference_and_keep_state():
    rng = numpy.random.default_rng(0)
    m = L.LSTM(None, 3)
    x1 = rng.standard_normal((2, 5)).astype(numpy.float32)
    x2 = rng.standard_normal((2, 5)).astype(numpy.float32)
    y1 = m(x1)
    assert m.upward.W.shape == (12, 5)
    up = lambda x: x @ m.upward.W.array.T + m.upward.b.array  # noqa: E731
    c, h = lstm_ref(numpy.zeros((2, 3)), up(x1))
    numpy.testing.assert_allclose(y1.array, h, rtol=1e-5, atol=1e-6)
    y2 = m(x2)
    c, h = lstm_ref(c, up(x2) + h @ m.lateral.W.array.T)
    numpy.testing.assert_allclose(y2.array, h, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(m.c.array, c, rtol=1e-5, atol=1e-6)
    F.sum(y2).backward()
    assert m.lateral.W.grad is not None
    m.reset_state()
    assert m.h is None and m.c is None


def test_smaller_batch_updates_the_first_rows():
    m = L.LSTM(2, 3)
    m(numpy.ones((3, 2), numpy.float32))
    h_before = m.h.array.copy()
    y = m(numpy.ones((2, 2), numpy.float32))
    assert y.shape == (2, 3) and m.h.shape == (3, 3)
    numpy.testing.assert_array_equal(m.h.array[2], h_before[2])
    with pytest.raises(TypeError, match='reset_state'):
        m(numpy.ones((4, 2), numpy.float32))
