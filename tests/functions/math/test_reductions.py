"""max/min ties, argmax, logsumexp stability, clip at its bounds, average errors, and the
shape errors of the reduction ops."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops import array as A
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def test_max_ties_all_receive_the_gradient():
    x = Variable(numpy.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]))
    F.sum(F.max(x, axis=1) * numpy.array([1.0, 2.0])).backward()
    numpy.testing.assert_array_equal(x.grad, [[0, 1, 1], [2, 2, 2]])


def test_min_over_all_axes():
    x = Variable(numpy.array([[4.0, -1.0], [-1.0, 0.0]]))
    y = F.min(x)
    assert y.shape == ()
    y.backward()
    numpy.testing.assert_array_equal(x.grad, [[0, 1], [1, 0]])


def test_argmax_is_int32_and_has_no_gradient():
    x = Variable(numpy.array([[0.0, 5.0, 1.0], [7.0, 2.0, 3.0]]))
    i = F.argmax(x, axis=1)
    assert i.dtype == numpy.int32
    numpy.testing.assert_array_equal(i.array, [1, 0])
    assert int(F.argmin(x).array) == 0
    y = F.sum(x * F.cast(i, numpy.float64).reshape(2, 1))
    gx, = cf.grad([y], [x])
    numpy.testing.assert_array_equal(gx.array, [[1, 1, 1], [0, 0, 0]])


def test_logsumexp_is_stable_for_large_inputs():
    x = Variable(numpy.array([[1000.0, 1000.0], [-1000.0, -999.0]], numpy.float32))
    y = F.logsumexp(x, axis=1)
    expected = [1000 + numpy.log(2), -999 + numpy.log1p(numpy.exp(-1.0))]
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-6)
    F.sum(y).backward()
    numpy.testing.assert_allclose(x.grad.sum(axis=1), [1, 1], rtol=1e-6)


def test_clip_gradient_passes_on_the_closed_interval():
    x = Variable(numpy.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    y = F.clip(x, -1.0, 1.0)
    numpy.testing.assert_array_equal(y.array, [-1, -1, 0, 1, 1])
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [0, 1, 1, 1, 0])
    with pytest.raises(ValueError, match='cannot both be None'):
        F.clip(x, None, None)


def test_average_weight_shape_errors():
    x = numpy.zeros((2, 3))
    with pytest.raises(OpTypeError, match=r'average: weights must have shape \(3,\)'):
        F.average(x, axis=1, weights=numpy.ones(2))
    with pytest.raises(ValueError, match='tuple axis is not supported'):
        F.average(x, axis=(0, 1), weights=numpy.ones(3))


def test_mean_is_average():
    assert F.mean is F.average


@pytest.mark.parametrize('fn,match', [
    (lambda: R.max(numpy.zeros((0, 3)), axis=(0,)), 'max: cannot reduce over a zero-length'),
    (lambda: R.argmax(numpy.zeros((2, 3)), axis=(2,)), 'argmax: axis 2 is out of bounds'),
    (lambda: R.cumsum(numpy.zeros(3), axis=1), r'cumsum: axis 1 is out of bounds'),
    (lambda: A.take(numpy.zeros(3), numpy.zeros(2)), 'take: indices must be an integer'),
    (lambda: A.getitem_grad(numpy.zeros(3), key=(0,), shape=(3, 4)),
     r'getitem_grad: gy must have shape \(4,\)'),
])
def test_op_shape_errors(fn, match):
    with pytest.raises(OpTypeError, match=match):
        fn()


def test_matmul_vector_cases():
    a = numpy.arange(3.0)
    m = numpy.arange(6.0).reshape(3, 2)
    numpy.testing.assert_allclose(F.matmul(a, a).array, a @ a)
    numpy.testing.assert_allclose(F.matmul(a, m).array, a @ m)
    numpy.testing.assert_allclose(F.matmul(m, a[:2], transa=False).array, m @ a[:2])
    with pytest.raises(OpTypeError, match='matmul: inner dimensions differ'):
        F.matmul(m, m)
