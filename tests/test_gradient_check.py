"""chainfuse.gradient_check: numerical gradients and the backward checks built on them."""
import numpy
import pytest

import chainfuse as chainer
import chainfuse.functions as F
from chainfuse import FunctionNode, Variable, gradient_check


class WrongSin(FunctionNode):
    """sin with a gradient 10% too large."""

    def forward(self, inputs):
        self.retain_inputs((0,))
        return numpy.sin(inputs[0]),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * chainer.ops.elementwise.cos(x) * 1.1,


class FlatSquare(FunctionNode):
    """x^2 whose backward is computed on arrays: right once, wrong twice."""

    def forward(self, inputs):
        self.retain_inputs((0,))
        return inputs[0] ** 2,

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * Variable(2 * x.array),


def wrong_sin(x):
    return WrongSin().apply((x,))[0]


def flat_square(x):
    return FlatSquare().apply((x,))[0]


def rand(*shape, seed=0):
    return numpy.random.default_rng(seed).uniform(-1, 1, shape)


# ---- numerical_grad ----

def test_numerical_grad_of_sin_is_cos():
    x = rand(3, 2)
    gy = rand(3, 2, seed=1)
    gx, = gradient_check.numerical_grad(lambda: (numpy.sin(x),), (x,), (gy,), eps=1e-4)
    numpy.testing.assert_allclose(gx, numpy.cos(x) * gy, atol=1e-7)


def test_numerical_grad_restores_inputs_and_keeps_dtype():
    x = rand(4).astype(numpy.float32)
    before = x.copy()
    gx, = gradient_check.numerical_grad(lambda: x * x, (x,), (numpy.ones(4, 'f'),), eps=1e-2)
    assert gx.dtype == numpy.float32 and gx.shape == (4,)
    assert (x == before).all()
    numpy.testing.assert_allclose(gx, 2 * x, rtol=1e-2)


def test_numerical_grad_with_two_outputs_and_a_skipped_one():
    x = rand(3)
    f = lambda: (x * 2, x * 3, x * 5)  # noqa: E731
    gx, = gradient_check.numerical_grad(f, (x,), (numpy.ones(3), None, numpy.ones(3)))
    numpy.testing.assert_allclose(gx, numpy.full(3, 7.0))


def test_numerical_grad_detects_a_kink():
    x = numpy.array([0.0, 0.5])
    with pytest.raises(gradient_check.NondifferentiableError, match='index \\(0,\\)'):
        gradient_check.numerical_grad(lambda: numpy.abs(x), (x,), (numpy.ones(2),),
                                      detect_nondifferentiable=True)
    x = numpy.array([0.3, 0.5])
    gx, = gradient_check.numerical_grad(lambda: numpy.abs(x), (x,), (numpy.ones(2),),
                                        detect_nondifferentiable=True)
    numpy.testing.assert_allclose(gx, [1.0, 1.0])


def test_numerical_grad_rejects_int_inputs():
    with pytest.raises(TypeError, match='int'):
        gradient_check.numerical_grad(lambda: 0, (numpy.ones(2, 'i'),), (None,))


# ---- check_backward ----

def test_check_backward_passes_for_correct_gradients():
    gradient_check.check_backward(lambda x, y: x * y + F.relu(x), (rand(3, 2) + 2, rand(3, 2)),
                                  rand(3, 2, seed=2))


def test_check_backward_reports_both_gradients():
    with pytest.raises(AssertionError) as info:
        gradient_check.check_backward(wrong_sin, rand(3), rand(3, seed=1))
    msg = str(info.value)
    assert 'numerical' in msg and 'backward' in msg and 'input 0' in msg


def test_check_backward_directional_on_large_inputs():
    x = rand(10, 10)
    gradient_check.check_backward(lambda v: v * v, x, rand(10, 10, seed=1))
    with pytest.raises(AssertionError, match='random direction'):
        gradient_check.check_backward(wrong_sin, x, rand(10, 10, seed=1))


def test_check_backward_scalar_loss_without_y_grad():
    gradient_check.check_backward(lambda x: F.sum(x * x), rand(3), None)
    with pytest.raises(ValueError, match='y_grad is None'):
        gradient_check.check_backward(lambda x: x * x, rand(3), None)


def test_check_backward_with_params():
    w = Variable(rand(3, seed=5))
    gradient_check.check_backward(lambda x: x * w, rand(3), rand(3, seed=1), params=(w,))

    def wrong(x):  # reads w's array outside the graph: backprop misses its gradient
        return x * Variable(w.array, requires_grad=False)

    with pytest.raises(AssertionError, match='param'):
        gradient_check.check_backward(wrong, rand(3), rand(3, seed=1), params=(w,))


def test_check_backward_with_int_input_and_no_grads():
    def pick(x, t):
        return x * Variable(t.array.astype(numpy.float64))

    t = numpy.array([0, 1, 2], dtype=numpy.int32)
    gradient_check.check_backward(pick, (rand(3), t), rand(3, seed=1))
    gradient_check.check_backward(pick, (rand(3), t), rand(3, seed=1), no_grads=(False, True))
    with pytest.raises(TypeError, match='no_grads'):
        gradient_check.check_backward(pick, (rand(3), t), rand(3, seed=1),
                                      no_grads=(False, False))


def test_check_backward_numerical_dtype():
    x = rand(4).astype(numpy.float16)
    gradient_check.check_backward(lambda v: v * v, x, numpy.ones(4, numpy.float16),
                                  dtype=numpy.float64, atol=1e-2, rtol=1e-2)


def test_check_backward_with_detect_nondifferentiable():
    with pytest.raises(gradient_check.NondifferentiableError):
        gradient_check.check_backward(F.relu, numpy.array([0.0, 1.0]), numpy.ones(2),
                                      detect_nondifferentiable=True)


# ---- check_double_backward ----

def test_check_double_backward_passes():
    gradient_check.check_double_backward(lambda x: x ** 3, rand(3) + 2, rand(3, seed=1),
                                         rand(3, seed=2))


def test_check_double_backward_catches_a_flat_backward():
    x = rand(3)
    gradient_check.check_backward(flat_square, x, rand(3, seed=1))  # first order is right
    with pytest.raises(AssertionError, match='numerical'):
        gradient_check.check_double_backward(flat_square, x, rand(3, seed=1),
                                             rand(3, seed=2))


def test_check_double_backward_with_params_and_scalar_loss():
    w = Variable(rand(3, seed=3))
    gradient_check.check_double_backward(
        lambda x: F.sum(x * x * w), rand(3), None, rand(3, seed=1), params=(w,),
        params_grad_grad=(rand(3, seed=2),))


def test_check_double_backward_x_grad_grad_per_input_with_nones():
    t = numpy.array([1, 2, 3], dtype=numpy.int32)
    gradient_check.check_double_backward(
        lambda x, t: x * x * Variable(t.array.astype('d')), (rand(3), t), rand(3, seed=1),
        (rand(3, seed=2), None))
