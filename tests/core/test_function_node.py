"""FunctionNode.apply: user-defined nodes, retention, graph recording, and the errors
ops raise for bad inputs."""
import gc

import numpy
import pytest

import chainfuse as chainer
from chainfuse import FunctionNode, Variable
from chainfuse.ops import OpTypeError, elementwise as E, linalg


def f64(*values):
    return numpy.array(values, dtype=numpy.float64)


class Square(FunctionNode):
    """x^2, keeping its input for backward (written with Variables: twice differentiable)."""

    def forward(self, inputs):
        self.retain_inputs((0,))
        x, = inputs
        return x * x,

    def backward(self, target_input_indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        return 2 * x * gy,


class ExpNode(FunctionNode):
    """exp(x), keeping only its output for backward."""

    def forward(self, inputs):
        self.retain_outputs((0,))
        return numpy.exp(inputs[0]),

    def backward(self, target_input_indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return y * grad_outputs[0],


class MulAdd(FunctionNode):
    """Two outputs (a*b, a+b) from two inputs."""

    def forward(self, inputs):
        a, b = inputs
        self.retain_inputs((0, 1))
        return a * b, a + b

    def backward(self, target_input_indexes, grad_outputs):
        a, b = self.get_retained_inputs()
        g_mul, g_add = grad_outputs
        ga = gb = 0
        if g_mul is not None:
            ga, gb = g_mul * b, g_mul * a
        if g_add is not None:
            ga, gb = ga + g_add, gb + g_add
        return ga, gb


# ---- user-defined nodes ----

def test_user_function_node_forward_and_backward():
    x = Variable(f64(3.0, -2.0))
    y, = Square().apply((x,))
    assert isinstance(y, Variable) and y.array.tolist() == [9.0, 4.0]
    assert isinstance(y.creator, Square)
    y.grad = f64(1.0, 1.0)
    y.backward()
    assert x.grad.tolist() == [6.0, -4.0]


def test_user_function_node_is_twice_differentiable():
    x = Variable(f64(3.0))
    y, = Square().apply((x,))
    gx, = chainer.grad([y], [x], enable_double_backprop=True)
    ggx, = chainer.grad([gx], [x])
    assert gx.array.tolist() == [6.0] and ggx.array.tolist() == [2.0]


def test_retained_output_survives_deleting_the_output_variable():
    x = Variable(f64(1.0))
    y, = ExpNode().apply((x,))
    z = y * 2.0
    del y
    gc.collect()
    z.backward()
    assert numpy.allclose(x.grad, [2 * numpy.e])


def test_get_retained_inputs_and_outputs():
    x = Variable(f64(0.0))
    node = ExpNode()
    y, = node.apply((x,))
    assert node.get_retained_outputs()[0] is y
    node2 = Square()
    node2.apply((x,))
    assert node2.get_retained_inputs()[0] is x


def test_multi_output_node_with_one_output_used():
    a = Variable(f64(2.0))
    b = Variable(f64(5.0))
    prod, total = MulAdd().apply((a, b))
    assert prod.array.tolist() == [10.0] and total.array.tolist() == [7.0]
    prod.backward()  # total gets no gradient: its grad_output is None
    assert a.grad.tolist() == [5.0] and b.grad.tolist() == [2.0]


def test_multi_output_node_with_both_outputs_used():
    a = Variable(f64(2.0))
    b = Variable(f64(5.0))
    prod, total = MulAdd().apply((a, b))
    (prod + total).backward()
    assert a.grad.tolist() == [6.0] and b.grad.tolist() == [3.0]


def test_apply_on_arrays_returns_variables_without_graph():
    y, = Square().apply((f64(2.0),))
    assert isinstance(y, Variable) and y.creator is None


def test_rank_follows_the_longest_path():
    x = Variable(f64(1.0))
    a = x * 2
    b = a * 2
    c = a + b
    assert (x.rank, a.rank, b.rank, c.rank) == (0, 1, 2, 3)


def test_forward_must_return_a_tuple():
    class NoTuple(FunctionNode):
        def forward(self, inputs):
            return inputs[0]

    with pytest.raises(TypeError, match='NoTuple.forward must return a tuple'):
        NoTuple().apply((f64(1.0),))


def test_non_array_input_to_apply_raises():
    with pytest.raises(TypeError, match='Square: input 0'):
        Square().apply(([1.0],))


def test_forward_cpu_is_used_when_forward_is_not_defined():
    class Twice(FunctionNode):
        def forward_cpu(self, inputs):
            return inputs[0] * 2,

        def backward(self, indexes, grad_outputs):
            return grad_outputs[0] * 2,

    x = Variable(f64(1.0))
    y, = Twice().apply((x,))
    y.backward()
    assert y.array.tolist() == [2.0] and x.grad.tolist() == [2.0]


# ---- backprop switches ----

def test_no_backprop_mode_records_no_creator():
    x = Variable(f64(1.0))
    with chainer.no_backprop_mode():
        y = x * 2
        with chainer.force_backprop_mode():
            z = x * 2
    assert y.creator is None and not y.requires_grad
    assert z.creator is not None
    assert (x * 2).creator is not None


def test_inputs_without_requires_grad_record_nothing():
    x = Variable(f64(1.0), requires_grad=False)
    assert (x * 2).creator is None


# ---- errors for bad inputs name the op and what was found ----

def test_dtype_mismatch_names_op_and_dtypes():
    a = Variable(numpy.ones(3, dtype=numpy.float32))
    b = Variable(numpy.ones(3, dtype=numpy.float64))
    with pytest.raises(OpTypeError) as info:
        a + b
    msg = str(info.value)
    assert msg.startswith('add:') and 'float32' in msg and 'float64' in msg


def test_shape_mismatch_names_op_and_shapes():
    a = Variable(numpy.ones((2, 3), dtype=numpy.float32))
    b = Variable(numpy.ones((4,), dtype=numpy.float32))
    with pytest.raises(OpTypeError) as info:
        a * b
    msg = str(info.value)
    assert msg.startswith('mul:') and '(2, 3)' in msg and '(4,)' in msg


def test_matmul_inner_dimension_error_shows_shapes():
    a = Variable(numpy.ones((2, 3), dtype=numpy.float32))
    b = Variable(numpy.ones((4, 5), dtype=numpy.float32))
    with pytest.raises(OpTypeError, match=r'matmul: .*\(2, 3\).*\(4, 5\)'):
        linalg.matmul(a, b)


def test_float_only_op_rejects_ints():
    with pytest.raises(OpTypeError, match=r'exp: .*int32'):
        E.exp(numpy.ones(3, dtype=numpy.int32))


def test_op_type_error_is_a_type_error():
    assert issubclass(OpTypeError, TypeError)


def test_unknown_and_missing_attrs_are_reported():
    x = Variable(numpy.ones((2, 3), dtype=numpy.float32))
    with pytest.raises(OpTypeError, match=r"reshape: unexpected attribute\(s\) \['size'\]"):
        chainer.ops.array.reshape(x, shape=(3, 2), size=6)
    with pytest.raises(OpTypeError, match=r"reshape: missing required attribute\(s\) \['shape'\]"):
        chainer.ops.array.reshape(x)


def test_unsupported_argument_type_names_the_op():
    with pytest.raises(TypeError, match='add: argument 1'):
        E.add(Variable(f64(1.0)), [1.0])


def test_type_check_can_be_switched_off():
    a = numpy.ones(3, dtype=numpy.float32)
    with chainer.using_config('type_check', False):
        y = E.exp(a)
    assert y.dtype == numpy.float32


def test_ops_accept_arrays_and_lift_scalars():
    y = E.mul(numpy.ones(2, dtype=numpy.float16), 3)
    assert isinstance(y, Variable) and y.dtype == numpy.float16
    assert y.array.tolist() == [3.0, 3.0]
