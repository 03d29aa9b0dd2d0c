"""F.convolution_2d / F.deconvolution_2d: Chainer's argument conventions and errors."""
import numpy
import pytest

import chainfuse.functions as F
from chainfuse.ops.registry import OpTypeError
from tests.ops import _conv_ref as R

rng = numpy.random.default_rng(0)


def test_int_and_pair_arguments_agree():
    x, W = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
    a = F.convolution_2d(x, W, stride=2, pad=1, dilate=1).array
    b = F.convolution_2d(x, W, stride=(2, 2), pad=(1, 1), dilate=(1, 1)).array
    numpy.testing.assert_array_equal(a, b)
    numpy.testing.assert_allclose(a, R.conv2d(x, W, 2, 1), atol=1e-12)


def test_positional_arguments_follow_chainer():
    x, W, b = (rng.standard_normal(s) for s in ((1, 2, 5, 5), (3, 2, 3, 3), (3,)))
    y = F.convolution_2d(x, W, b, 3, 0, True, 1, 1)  # b, stride, pad, cover_all, dilate, groups
    assert y.shape == (1, 3, 2, 2)  # cover_all: (5 - 3 + 2) // 3 + 1; without: 1


def test_float32_stays_float32():
    x = rng.standard_normal((2, 3, 5, 5)).astype(numpy.float32)
    W = rng.standard_normal((4, 3, 3, 3)).astype(numpy.float32)
    b = numpy.zeros(4, numpy.float32)
    assert F.convolution_2d(x, W, b).dtype == numpy.float32
    assert F.deconvolution_2d(x, W.transpose(1, 0, 2, 3).copy(), b).dtype == numpy.float32


def test_bias_shape_is_checked():
    x, W = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3))
    with pytest.raises(OpTypeError, match=r'convolution_2d: b must have shape \(4,\)'):
        F.convolution_2d(x, W, numpy.zeros(5))


def test_channel_mismatch_names_the_op_and_shapes():
    with pytest.raises(OpTypeError, match=r'conv2d: x has 2 channels .* \(4, 3, 3, 3\)'):
        F.convolution_2d(numpy.zeros((1, 2, 5, 5)), numpy.zeros((4, 3, 3, 3)))
    with pytest.raises(OpTypeError, match=r'deconv2d: x has 2 channels'):
        F.deconvolution_2d(numpy.zeros((1, 2, 5, 5)), numpy.zeros((4, 3, 3, 3)))
    with pytest.raises(OpTypeError, match=r'deconvolution_2d: x and W must be 4-D'):
        F.deconvolution_2d(numpy.zeros((2, 5, 5)), numpy.zeros((2, 3, 3, 3)))


def test_deconvolution_default_outsize_inverts_convolution_size():
    x = rng.standard_normal((1, 3, 4, 4))
    W = rng.standard_normal((3, 2, 4, 4))
    y = F.deconvolution_2d(x, W, stride=2, pad=1)
    assert y.shape == (1, 2, 8, 8)
    assert F.convolution_2d(y, W, stride=2, pad=1).shape == x.shape
    with pytest.raises(OpTypeError, match=r'outsize \(12, 12\) is inconsistent'):
        F.deconvolution_2d(x, W, stride=2, pad=1, outsize=(12, 12))
