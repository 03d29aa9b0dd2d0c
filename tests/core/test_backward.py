"""backward() and chainfuse.grad: accumulation, ordering, deep graphs, initial grads,
double backprop."""
import numpy
import pytest

import chainfuse as chainer
import chainfuse.functions as F
from chainfuse import Variable


def f64(*values):
    return numpy.array(values, dtype=numpy.float64)


# ---- accumulation ----

def test_grads_of_several_users_are_summed():
    x = Variable(f64(2.0, 3.0))
    y = F.sum(x * x + 3 * x + x)  # dy/dx = 2x + 4
    y.backward()
    assert x.grad.tolist() == [8.0, 10.0]


def test_same_variable_twice_in_one_op():
    x = Variable(f64(3.0))
    (x * x).backward()
    assert x.grad.tolist() == [6.0]


def test_diamond_graph_waits_for_every_consumer():
    x = Variable(f64(1.0))
    a = x * 2
    b = a * 3
    c = a + b  # a is used directly and through b: dc/da = 4
    c.backward(retain_grad=True)
    assert a.grad.tolist() == [4.0]
    assert x.grad.tolist() == [8.0]


def test_repeated_backward_accumulates_into_leaves():
    x = Variable(f64(3.0))
    y = x * x
    y.backward()
    y.backward()
    assert x.grad.tolist() == [12.0]
    x.cleargrad()
    y.backward()
    assert x.grad.tolist() == [6.0]


def test_backward_of_a_leaf_does_nothing():
    x = Variable(f64(3.0))
    x.backward()
    assert x.grad is None


def test_loss_scale_multiplies_the_initial_grad():
    x = Variable(f64(3.0))
    (x * x).backward(loss_scale=10.0)
    assert x.grad.tolist() == [60.0]


# ---- deep graphs ----

def test_deep_graph_needs_no_recursion():
    x = Variable(numpy.array([1.0], dtype=numpy.float32))
    y = x
    for _ in range(5000):
        y = y * 1.0
    assert y.rank == 5000
    y.backward()
    assert x.grad.tolist() == [1.0]
    del y  # freeing the chain must not recurse either


def test_deep_graph_with_chainfuse_grad():
    x = Variable(numpy.array([2.0], dtype=numpy.float32))
    y = x
    for _ in range(2000):
        y = y + x
    gx, = chainer.grad([y], [x])
    assert gx.array.tolist() == [2001.0]


# ---- initial gradient ----

def test_non_scalar_output_without_grad_raises_clearly():
    x = Variable(numpy.ones((2, 3), dtype=numpy.float32))
    y = x * 2
    with pytest.raises(ValueError) as info:
        y.backward()
    msg = str(info.value)
    assert '(2, 3)' in msg and 'grad' in msg


def test_size_one_output_of_any_rank_gets_ones():
    x = Variable(numpy.full((1, 1), 2.0, dtype=numpy.float32))
    (x * x).backward()
    assert x.grad.tolist() == [[4.0]]


def test_explicit_initial_grad_is_used():
    x = Variable(f64(1.0, 2.0))
    y = x * 3
    y.grad = f64(1.0, 10.0)
    y.backward()
    assert x.grad.tolist() == [3.0, 30.0]


def test_backward_checks_gradient_shape():
    class BadNode(chainer.FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 2,

        def backward(self, indexes, grad_outputs):
            return Variable(numpy.ones(5)),

    x = Variable(f64(1.0, 2.0))
    y, = BadNode().apply((x,))
    y.grad = f64(1.0, 1.0)
    with pytest.raises(ValueError, match=r'BadNode.*\(5,\).*\(2,\)'):
        y.backward()


# ---- chainfuse.grad ----

def test_grad_returns_grads_without_touching_dot_grad():
    x = Variable(f64(1.0, 2.0))
    w = Variable(f64(3.0, 4.0))
    y = F.sum(x * w)
    gx, gw = chainer.grad([y], [x, w])
    assert gx.array.tolist() == [3.0, 4.0]
    assert gw.array.tolist() == [1.0, 2.0]
    assert x.grad is None and w.grad is None


def test_grad_of_unreachable_input_is_none():
    x = Variable(f64(1.0))
    u = Variable(f64(1.0))
    assert chainer.grad([x * 2], [u]) == [None]


def test_grad_with_respect_to_an_intermediate():
    x = Variable(f64(1.0, 2.0))
    h = x * 2
    y = F.sum(h * h)
    gh, = chainer.grad([y], [h])
    assert gh.array.tolist() == [4.0, 8.0]


def test_grad_outputs_and_set_grad():
    x = Variable(f64(1.0, 2.0))
    y = x * x
    gx, = chainer.grad([y], [x], grad_outputs=[f64(1.0, 0.5)], set_grad=True)
    assert gx.array.tolist() == [2.0, 2.0]
    assert x.grad.tolist() == [2.0, 2.0]


def test_grad_inputs_are_added():
    x = Variable(f64(1.0))
    gx, = chainer.grad([x * 3], [x], grad_inputs=[Variable(f64(10.0))])
    assert gx.array.tolist() == [13.0]


def test_grad_rejects_arrays():
    x = Variable(f64(1.0))
    with pytest.raises(TypeError, match='Variables'):
        chainer.grad([x * 2], [f64(1.0)])


def test_double_backprop_with_grad():
    x = Variable(f64(2.0, 3.0))
    y = x ** 3
    gx, = chainer.grad([y], [x], grad_outputs=[f64(1.0, 1.0)], enable_double_backprop=True)
    assert gx.array.tolist() == [12.0, 27.0]  # 3x^2
    assert gx.creator is not None
    ggx, = chainer.grad([gx], [x], grad_outputs=[f64(1.0, 1.0)])
    assert ggx.array.tolist() == [12.0, 18.0]  # 6x


def test_grad_without_double_backprop_records_nothing():
    x = Variable(f64(2.0))
    gx, = chainer.grad([x ** 3], [x])
    assert gx.creator is None


def test_backward_with_enable_double_backprop():
    x = Variable(f64(2.0))
    y = x ** 3
    y.backward(enable_double_backprop=True)
    gx = x.grad_var
    assert gx.array.tolist() == [12.0]
    assert gx.creator is not None
    x.cleargrad()
    gx.backward()
    assert x.grad.tolist() == [12.0]


def test_backward_without_double_backprop_leaves_plain_grads():
    x = Variable(f64(2.0))
    (x ** 3).backward()
    assert x.grad_var.creator is None


def test_gradient_penalty_style_double_backprop():
    # d/dw of |d(w x)/dx|^2 = d/dw (w^2) = 2w, summed over the batch
    w = Variable(f64(1.5))
    x = Variable(f64(1.0, 2.0, 3.0))
    y = F.sum(w * x * x)
    gx, = chainer.grad([y], [x], enable_double_backprop=True)
    penalty = F.sum(gx * gx)  # sum (2 w x)^2 = 4 w^2 sum x^2
    penalty.backward()
    assert numpy.allclose(w.grad, [8 * 1.5 * 14.0])
