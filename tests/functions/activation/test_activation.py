"""Activation behaviours the table rows do not show: stability at extremes, gradients
where a naive formula gives nan, argument errors."""
import math

import numpy
import pytest

import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops.registry import OpTypeError


def test_softmax_rows_sum_to_one_and_survive_huge_logits():
    x = numpy.array([[1e4, 0.0, -1e4], [3.0, 3.0, 3.0]], numpy.float32)
    y = F.softmax(x).array
    numpy.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-6)
    numpy.testing.assert_allclose(y, [[1, 0, 0], [1 / 3] * 3], rtol=1e-6, atol=1e-7)


def test_log_softmax_is_finite_where_softmax_underflows():
    x = Variable(numpy.array([[0.0, -200.0]], numpy.float32))
    assert F.softmax(x).array[0, 1] == 0.0  # exp(-200) underflows float32
    y = F.log_softmax(x)
    numpy.testing.assert_allclose(y.array, [[0.0, -200.0]], atol=1e-30)
    F.sum(y).backward()
    numpy.testing.assert_allclose(x.grad, [[-1.0, 1.0]], atol=1e-6)


def test_softmax_gradient_ignores_the_shift():
    x = Variable(numpy.array([[0.3, -0.2, 1.1]]))
    y = F.softmax(x)
    F.sum(y * numpy.array([[1.0, 0.0, 0.0]])).backward()
    p = y.array[0]
    numpy.testing.assert_allclose(x.grad[0], p[0] * (numpy.eye(3)[0] - p), rtol=1e-12)


def test_elu_gradient_is_finite_for_large_inputs_and_alpha_at_zero():
    x = Variable(numpy.array([800.0, -800.0, 1.0, -1.0, 0.0], numpy.float32))
    F.sum(F.elu(x, alpha=0.5)).backward()
    numpy.testing.assert_allclose(x.grad, [1.0, 0.0, 1.0, 0.5 * math.exp(-1.0), 0.5],
                                  rtol=1e-6)


def test_softplus_extremes_and_its_gradient_is_sigmoid():
    x = Variable(numpy.array([-1e4, -20.0, 0.0, 20.0, 1e4], numpy.float32))
    y = F.softplus(x)
    assert numpy.isfinite(y.array).all()
    numpy.testing.assert_allclose(y.array[[0, 2, 4]], [0.0, math.log(2.0), 1e4], rtol=1e-6)
    F.sum(y).backward()
    numpy.testing.assert_allclose(x.grad, [0.0, 2.0611537e-09, 0.5, 1.0, 1.0], rtol=1e-6)


def test_gelu_uses_the_exact_erf_form():
    x = numpy.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    expected = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x]
    numpy.testing.assert_allclose(F.gelu(x).array, expected, rtol=1e-15, atol=1e-300)


def test_silu_is_swish_with_unit_beta():
    x = numpy.random.default_rng(0).standard_normal((2, 3))
    numpy.testing.assert_allclose(F.silu(x).array, F.swish(x, numpy.ones(3)).array)


def test_maxout_needs_a_multiple_of_pool_size():
    with pytest.raises(OpTypeError, match=r'maxout: x.shape\[1\] = 5 is not a multiple'):
        F.maxout(numpy.zeros((2, 5), numpy.float32), 2)
    with pytest.raises(ValueError, match='pool_size must be positive'):
        F.maxout(numpy.zeros((2, 4), numpy.float32), 0)


def test_swish_and_prelu_parameter_shapes_are_checked():
    x = numpy.zeros((2, 3, 4), numpy.float32)
    with pytest.raises(OpTypeError, match=r'swish: beta of shape \(4,\)'):
        F.swish(x, numpy.ones(4, numpy.float32))
    with pytest.raises(OpTypeError, match=r'prelu: W of shape \(2,\)'):
        F.prelu(x, numpy.ones(2, numpy.float32))


def test_softmax_axis_out_of_range():
    with pytest.raises(OpTypeError, match='softmax: axis 2 is out of bounds'):
        F.softmax(numpy.zeros((2, 3), numpy.float32), axis=2)


def test_leaky_relu_and_clipped_relu_gradients():
    x = Variable(numpy.array([-2.0, 0.5, 3.0, 25.0]))
    F.sum(F.leaky_relu(x, slope=0.1) + F.clipped_relu(x, z=20.0)).backward()
    numpy.testing.assert_allclose(x.grad, [0.1, 2.0, 2.0, 1.0])


@pytest.mark.parametrize('slope', [0.2, 0.5, -0.3])
def test_leaky_relu_gradient_at_zero_is_the_slope_as_in_chainer(slope):
    x = Variable(numpy.array([0.0, -2.0, 2.0], numpy.float32))
    y = F.leaky_relu(x, slope=slope)
    numpy.testing.assert_array_equal(y.array, numpy.float32([0.0, -2.0 * slope, 2.0]))
    F.sum(y).backward()
    numpy.testing.assert_allclose(x.grad, [slope, slope, 1.0])
