"""F.accuracy and F.binary_accuracy: Chainer's documented values, no gradient, errors."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops.registry import OpTypeError

Y = numpy.array([[0.1, 0.7, 0.2], [8.0, 1.0, 2.0], [-8.0, 1.0, 2.0], [-8.0, -1.0, -2.0]])


def test_chainer_examples():
    assert F.accuracy(Y, numpy.array([1, 0, 2, 1], numpy.int32)).array == 1.0
    t = numpy.array([1, 0, 0, 0], numpy.int32)
    assert F.accuracy(Y, t).array == 0.5
    assert F.accuracy(Y, t, ignore_label=0).array == 1.0


def test_all_ignored_is_zero():
    acc = F.accuracy(Y, numpy.full(4, -1, numpy.int32), ignore_label=-1)
    assert acc.array == 0.0 and acc.shape == ()


def test_result_is_0d_of_y_dtype_without_gradient():
    y = Variable(Y.astype(numpy.float32))
    acc = F.accuracy(y, numpy.array([1, 0, 2, 0], numpy.int32))
    assert acc.dtype == numpy.float32 and acc.shape == () and acc.array == 0.75
    assert acc.creator is None and not acc.requires_grad


def test_float16_scores_count_past_2048():
    y = numpy.zeros((3000, 2), numpy.float16)
    y[:, 1] = 1
    acc = F.accuracy(y, numpy.ones(3000, numpy.int32))
    assert acc.dtype == numpy.float16 and acc.array == 1.0


def test_compiled_accuracy_follows_the_data():
    cfn = cf.compile(lambda y, t: F.accuracy(y, t), fallback='raise')
    for t in ([1, 0, 2, 1], [1, 0, 0, 0]):
        t = numpy.array(t, numpy.int32)
        assert cfn(Y, t).array == F.accuracy(Y, t).array


def test_shape_mismatch_is_named():
    with pytest.raises(OpTypeError, match=r'accuracy: y must be \(N, C, \.\.\.\)'):
        F.accuracy(Y, numpy.zeros(3, numpy.int32))


def test_binary_accuracy_chainer_examples():
    y = numpy.array([[-2.0, 0.0], [3.0, -5.0]])
    assert F.binary_accuracy(y, numpy.array([[0, 1], [1, 0]], numpy.int32)).array == 1.0
    assert F.binary_accuracy(y, numpy.array([[0, 0], [1, 1]], numpy.int32)).array == 0.5
    assert F.binary_accuracy(y, numpy.array([[0, -1], [1, -1]], numpy.int32)).array == 1.0
