"""The other losses: Chainer's documented values, ignore labels, argument errors."""
import numpy
import pytest

import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops.registry import OpTypeError

X = numpy.array([[-2.0, 3.0, 0.5], [5.0, 2.0, -0.5]], numpy.float32)


def test_sigmoid_cross_entropy_chainer_examples():
    t = numpy.array([[0, 1, 0], [1, 1, -1]], numpy.int32)
    numpy.testing.assert_allclose(F.sigmoid_cross_entropy(X, t).array, 0.25664714, rtol=1e-6)
    numpy.testing.assert_allclose(F.sigmoid_cross_entropy(X, t, normalize=False).array,
                                  0.64161783, rtol=1e-6)
    no = F.sigmoid_cross_entropy(X, t, reduce='no').array
    numpy.testing.assert_allclose(no, [[0.126928, 0.04858735, 0.974077],
                                       [0.00671535, 0.126928, 0.0]], rtol=1e-5)


def test_sigmoid_cross_entropy_gradient_is_sigmoid_minus_t_on_counted_entries():
    t = numpy.array([[0, 1, 0], [1, 1, -1]], numpy.int32)
    x = Variable(X.astype(numpy.float64))
    F.sigmoid_cross_entropy(x, t).backward()
    expected = (1 / (1 + numpy.exp(-x.array)) - t) * (t != -1) / 5
    numpy.testing.assert_allclose(x.grad, expected, rtol=1e-6)


def test_sigmoid_cross_entropy_gradient_at_zero_logit():
    x = Variable(numpy.zeros((1, 2)))
    F.sum(F.sigmoid_cross_entropy(x, numpy.array([[0, 1]], numpy.int32), reduce='no')).backward()
    numpy.testing.assert_allclose(x.grad, [[0.5, -0.5]])


def test_hinge_chainer_examples():
    t = numpy.array([1, 0], numpy.int32)
    assert F.hinge(X, t).array == pytest.approx(2.5)
    assert F.hinge(X, t, norm='L2').array == pytest.approx(5.75)
    numpy.testing.assert_allclose(F.hinge(X, t, reduce='no').array,
                                  [[0.0, 0.0, 1.5], [0.0, 3.0, 0.5]])


def test_hinge_argument_errors():
    with pytest.raises(NotImplementedError, match="'L1' or 'L2'"):
        F.hinge(X, numpy.array([1, 0], numpy.int32), norm='L3')
    with pytest.raises(OpTypeError, match=r'hinge: x must be \(N, K\) and t \(N,\)'):
        F.hinge(X, numpy.array([1, 0, 1], numpy.int32))


def test_mean_errors_reduce_to_0d_of_input_dtype():
    a, b = X, numpy.zeros_like(X)
    mse = F.mean_squared_error(a, b)
    mae = F.mean_absolute_error(a, b)
    assert mse.shape == () and mse.dtype == numpy.float32
    assert mse.array == pytest.approx((X ** 2).mean()) and mae.array == pytest.approx(
        numpy.abs(X).mean())


def test_errors_need_matching_inputs():
    with pytest.raises(OpTypeError, match=r'mean_squared_error: x0 and x1 must have the same '
                                          r'shape, got \(2, 3\) and \(3, 2\)'):
        F.mean_squared_error(X, X.T)
    with pytest.raises(OpTypeError, match='same dtype'):
        F.squared_error(X, X.astype(numpy.float64))


def test_huber_loss_sums_along_axis_1_and_checks_reduce():
    x = numpy.array([[0.5, 3.0], [-2.0, 0.1]])
    t = numpy.zeros_like(x)
    numpy.testing.assert_allclose(F.huber_loss(x, t, 1.0).array,
                                  [0.125 + 2.5, 1.5 + 0.005])
    with pytest.raises(ValueError, match='huber_loss'):
        F.huber_loss(x, t, 1.0, reduce='mean')


def test_gaussian_kl_divergence_is_zero_for_the_prior():
    zero = numpy.zeros((2, 3))
    assert F.gaussian_kl_divergence(zero, zero).array == 0.0
    with pytest.raises(ValueError, match="gaussian_kl_divergence: only 'sum' and 'mean'"):
        F.gaussian_kl_divergence(zero, zero, reduce='max')


def test_bernoulli_nll_accepts_bool_samples_as_chainer_does():
    x = numpy.array([[True, False], [False, True]])
    y = Variable(numpy.array([[0.5, -1.0], [2.0, 0.1]], numpy.float32))
    loss = F.bernoulli_nll(x, y)
    expected = F.bernoulli_nll(x.astype(numpy.float32), y.array)
    assert loss.dtype == numpy.float32
    numpy.testing.assert_allclose(loss.array, expected.array)
    numpy.testing.assert_allclose(loss.array, 3.5586634, rtol=1e-6)  # Chainer 7.8.1's value
    loss.backward()
    numpy.testing.assert_allclose(y.grad, [[-0.3775407, 0.2689414], [0.8807971, -0.47502077]],
                                  rtol=1e-5)
