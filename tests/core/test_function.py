"""Old-style chainer.Function subclasses (forward and backward on arrays)."""
import numpy
import pytest

import chainfuse as chainer
from chainfuse import Function, Variable


def f32(*values):
    return numpy.array(values, dtype=numpy.float32)


class Mul(Function):
    def forward_cpu(self, inputs):
        x, y = inputs
        return x * y,

    def backward_cpu(self, inputs, grad_outputs):
        x, y = inputs
        gz, = grad_outputs
        return y * gz, x * gz


class Split(Function):
    """Two outputs written with ``forward``/``backward`` (no _cpu suffix)."""

    def forward(self, inputs):
        x, = inputs
        return 2 * x, 3 * x

    def backward(self, inputs, grad_outputs):
        g2, g3 = grad_outputs
        return 2 * g2 + 3 * g3,


class NoGradForSecond(Function):
    def forward(self, inputs):
        x, w = inputs
        return x * w,

    def backward(self, inputs, grad_outputs):
        return grad_outputs[0] * inputs[1], None


def test_function_forward_and_backward():
    a = Variable(f32(2.0, 3.0))
    b = Variable(f32(4.0, 5.0))
    c = Mul()(a, b)
    assert isinstance(c, Variable) and c.array.tolist() == [8.0, 15.0]
    c.grad = numpy.ones(2, dtype=numpy.float32)
    c.backward()
    assert a.grad.tolist() == [4.0, 5.0] and b.grad.tolist() == [2.0, 3.0]


def test_function_in_a_larger_graph_accumulates():
    x = Variable(f32(3.0))
    y = Mul()(x, x) + 2 * x  # x^2 + 2x
    y.backward()
    assert x.grad.tolist() == [8.0]


def test_function_with_two_outputs_and_a_missing_output_grad():
    x = Variable(f32(1.0))
    y2, y3 = Split()(x)
    assert y2.array.tolist() == [2.0] and y3.array.tolist() == [3.0]
    y3.backward()  # y2 has no grad: the function sees zeros for it
    assert x.grad.tolist() == [3.0]


def test_function_returning_none_gradient():
    x = Variable(f32(2.0))
    w = Variable(f32(5.0))
    NoGradForSecond()(x, w).backward()
    assert x.grad.tolist() == [5.0]
    assert w.grad is None


def test_function_keeps_inputs_and_outputs():
    f = Mul()
    a = Variable(f32(2.0))
    c = f(a, Variable(f32(4.0)))
    assert f.inputs[0] is a
    assert f.output_data[0].tolist() == [8.0]
    assert c.creator is f.node


def test_function_without_forward_raises():
    class Empty(Function):
        pass

    with pytest.raises(NotImplementedError, match='Empty'):
        Empty()(Variable(f32(1.0)))


def test_function_under_no_backprop_mode_records_nothing():
    with chainer.no_backprop_mode():
        c = Mul()(Variable(f32(2.0)), Variable(f32(4.0)))
    assert c.creator is None
