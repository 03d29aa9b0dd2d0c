import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L


def test_weight_shape_and_default_normal_init():
    chainfuse.set_random_seed(0)
    e = L.EmbedID(300, 200)
    assert e.W.shape == (300, 200)
    assert e.W.array.std() == pytest.approx(1.0, rel=0.02)


def test_lookup_and_ignore_label():
    e = L.EmbedID(5, 3, ignore_label=-1)
    x = numpy.array([[0, 4], [-1, 2]], numpy.int32)
    y = e(x)
    assert y.shape == (2, 2, 3)
    numpy.testing.assert_array_equal(y.array[0, 1], e.W.array[4])
    numpy.testing.assert_array_equal(y.array[1, 0], numpy.zeros(3))


def test_gradient_accumulates_per_row():
    e = L.EmbedID(4, 2, initialW=numpy.ones((4, 2), numpy.float32))
    F.sum(e(numpy.array([1, 1, 3], numpy.int32))).backward()
    numpy.testing.assert_array_equal(e.W.grad, [[0, 0], [2, 2], [0, 0], [1, 1]])
