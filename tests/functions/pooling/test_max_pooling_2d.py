"""F.max_pooling_2d / average_pooling_2d / unpooling_2d: Chainer's defaults and extras."""
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
from chainfuse.ops.registry import OpTypeError
from tests.ops import _conv_ref as R

rng = numpy.random.default_rng(0)
x = rng.standard_normal((2, 3, 5, 5))


def test_stride_defaults_to_ksize_and_cover_all_to_true():
    assert F.max_pooling_2d(x, 2).shape == (2, 3, 3, 3)
    assert F.max_pooling_2d(x, 2, cover_all=False).shape == (2, 3, 2, 2)
    assert F.average_pooling_2d(x, 2).shape == (2, 3, 2, 2)  # never cover_all, as Chainer


def test_return_indices_gives_an_array_of_window_positions():
    y, indexes = F.max_pooling_2d(x, 3, stride=2, pad=1, return_indices=True)
    assert isinstance(y, chainfuse.Variable) and isinstance(indexes, numpy.ndarray)
    ref_y, ref_idx = R.max_pool2d(x, 3, 2, 1)
    numpy.testing.assert_array_equal(indexes, ref_idx)
    numpy.testing.assert_allclose(y.array, ref_y)


def test_max_pooling_gradient_goes_to_the_argmax():
    v = chainfuse.Variable(numpy.arange(16.0).reshape(1, 1, 4, 4))
    F.sum(F.max_pooling_2d(v, 2)).backward()
    expected = numpy.zeros((4, 4))
    expected[1::2, 1::2] = 1
    numpy.testing.assert_array_equal(v.grad[0, 0], expected)


def test_average_pooling_counts_padding():
    y = F.average_pooling_2d(numpy.ones((1, 1, 2, 2)), 2, stride=2, pad=1)
    numpy.testing.assert_allclose(y.array[0, 0], [[0.25, 0.25], [0.25, 0.25]])


def test_unpooling_inverts_pooling_sizes():
    p = F.max_pooling_2d(x, 2)
    assert F.unpooling_2d(p, 2, outsize=(5, 5)).shape == x.shape
    assert F.unpooling_2d(p, 2).shape == (2, 3, 5, 5)  # cover_all: 2 * 3 + 2 - 2 - 1
    assert F.unpooling_2d(p, 2, cover_all=False).shape == (2, 3, 6, 6)
    with pytest.raises(OpTypeError, match=r'unpooling_2d: outsize \(9, 9\) pools to'):
        F.unpooling_2d(p, 2, outsize=(9, 9))


def test_unpooling_copies_each_value_over_its_window():
    v = numpy.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    y = F.unpooling_2d(v, 2, cover_all=False).array
    numpy.testing.assert_array_equal(y[0, 0], numpy.kron(v[0, 0], numpy.ones((2, 2))))
