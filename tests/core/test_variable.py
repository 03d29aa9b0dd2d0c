"""Variable: the Chainer tutorial's numbers, dtype rules with Python scalars, input
checks, grads, unchain and the array-like surface."""
import numpy
import pytest

import chainfuse as chainer
from chainfuse import Variable


def f32(*values):
    return numpy.array(values, dtype=numpy.float32)


# ---- the tutorial ----

def test_tutorial_scalar_backward():
    x = Variable(f32(5.0))
    y = x ** 2 - 2 * x + 1
    assert y.array.tolist() == [16.0]
    y.backward()
    assert x.grad.tolist() == [8.0]
    assert y.grad.tolist() == [1.0]  # the initial gradient of a size-1 output


def test_tutorial_retain_grad():
    x = Variable(f32(5.0))
    z = 2 * x
    y = x ** 2 - z + 1
    y.backward(retain_grad=True)
    assert z.grad.tolist() == [-1.0]
    assert x.grad.tolist() == [8.0]


def test_intermediate_grads_are_freed_without_retain_grad():
    x = Variable(f32(5.0))
    z = 2 * x
    y = x ** 2 - z + 1
    y.backward()
    assert z.grad is None
    assert x.grad.tolist() == [8.0]


def test_tutorial_matrix_input_needs_initial_grad():
    x = Variable(numpy.array([[1, 2, 3], [4, 5, 6]], dtype=numpy.float32))
    y = x ** 2 - 2 * x + 1
    y.grad = numpy.ones((2, 3), dtype=numpy.float32)
    y.backward()
    assert x.grad.tolist() == [[0, 2, 4], [6, 8, 10]]
    assert x.grad.dtype == numpy.float32


# ---- dtypes with Python scalars ----

@pytest.mark.parametrize('expr', [
    lambda x: x * 2, lambda x: 2 * x, lambda x: 2.0 - x, lambda x: x - 1,
    lambda x: x ** 2, lambda x: 2 ** x, lambda x: x / 2, lambda x: 1.0 / x,
    lambda x: x + numpy.float64(0.5), lambda x: -x, lambda x: abs(x),
])
@pytest.mark.parametrize('dtype', [numpy.float16, numpy.float32])
def test_python_scalars_keep_the_float_dtype(expr, dtype):
    x = Variable(numpy.array([1.5, 2.0], dtype=dtype))
    y = expr(x)
    assert y.dtype == dtype
    y.grad = numpy.ones(2, dtype=dtype)
    y.backward()
    assert x.grad.dtype == dtype


def test_comparisons_give_bool_variables():
    x = Variable(f32(-1.0, 0.5))
    for y, want in [(x > 0, [False, True]), (x >= 0.5, [False, True]),
                    (x < 0, [True, False]), (x <= -1, [True, False])]:
        assert isinstance(y, Variable)
        assert y.dtype == numpy.bool_ and y.array.tolist() == want


# ---- input checks ----

@pytest.mark.parametrize('bad', [[5.0], 5.0, 3, (1.0, 2.0), 'abc'])
def test_non_array_data_raises_type_error(bad):
    with pytest.raises(TypeError, match='numpy.ndarray'):
        Variable(bad)


def test_none_data_is_allowed():
    v = Variable(None)
    assert v.array is None
    v.array = f32(1.0)
    assert v.shape == (1,)


def test_array_setter_checks_type():
    v = Variable(f32(1.0))
    with pytest.raises(TypeError):
        v.array = [1.0]


def test_grad_setter_checks_shape():
    v = Variable(f32(1.0, 2.0))
    with pytest.raises(ValueError, match=r'\(3,\)'):
        v.grad = numpy.zeros(3, dtype=numpy.float32)


# ---- grads ----

def test_cleargrad_and_zerograd():
    x = Variable(f32(1.0, 2.0))
    y = chainer.functions.sum(x * x)
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0]
    x.cleargrad()
    assert x.grad is None and x.grad_var is None
    x.zerograd()
    assert x.grad.tolist() == [0.0, 0.0] and x.grad.dtype == numpy.float32


def test_grad_var_holds_a_variable():
    x = Variable(f32(3.0))
    (x * x).backward()
    assert isinstance(x.grad_var, Variable)
    assert x.grad_var.array is x.grad
    with pytest.raises(TypeError):
        x.grad_var = f32(1.0)


def test_requires_grad_false_gets_no_grad():
    x = Variable(f32(3.0), requires_grad=False)
    w = Variable(f32(2.0))
    (x * w).backward()
    assert x.grad is None
    assert w.grad.tolist() == [3.0]


def test_addgrad_sums_grads():
    a = Variable(f32(1.0))
    b = Variable(f32(1.0))
    a.grad = f32(2.0)
    b.grad = f32(3.0)
    a.addgrad(b)
    assert a.grad.tolist() == [5.0]


def test_copydata_copies_in_place():
    a = Variable(f32(1.0, 2.0))
    data = a.array
    a.copydata(Variable(f32(7.0, 8.0)))
    assert a.array is data and data.tolist() == [7.0, 8.0]


# ---- unchain ----

def test_unchain_makes_a_leaf():
    x = Variable(f32(1.0))
    y = x * 2
    z = y * 3
    y.unchain()
    assert y.creator is None
    z.backward()
    assert x.grad is None
    assert y.grad.tolist() == [3.0]


def test_unchain_backward_cuts_the_whole_history():
    x = Variable(f32(1.0))
    y = x * 2
    z = y * 3
    w = z + 1
    z.unchain_backward()
    assert z.creator is None and y.creator is None
    assert w.creator is not None
    w.backward()
    assert x.grad is None
    assert z.grad.tolist() == [1.0]


# ---- array-like surface ----

def test_array_attributes():
    x = Variable(numpy.zeros((2, 3), dtype=numpy.float32), name='x')
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
    assert x.dtype == numpy.float32
    assert x.data is x.array
    assert x.xp is numpy
    assert str(x.device) == '@numpy'
    assert x.label == '(2, 3), float32'
    assert 'variable x' in repr(x)


def test_len_of_0d_raises():
    with pytest.raises(TypeError):
        len(Variable(numpy.float32(1.0) * numpy.ones((), numpy.float32)))


def test_reshape_transpose_and_T():
    x = Variable(numpy.arange(6, dtype=numpy.float32).reshape(2, 3))
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.reshape((6,)).shape == (6,)
    assert x.reshape(-1, 2).shape == (3, 2)
    assert x.T.shape == (3, 2)
    assert x.transpose(1, 0).array.tolist() == x.array.T.tolist()
    y = chainer.functions.sum(x.T * x.T)
    y.backward()
    assert x.grad.tolist() == (2 * x.array).tolist()


def test_matmul_operator():
    a = Variable(numpy.ones((2, 3), dtype=numpy.float32))
    b = Variable(numpy.ones((3, 4), dtype=numpy.float32))
    c = a @ b
    assert c.shape == (2, 4) and c.array[0, 0] == 3
    v = Variable(numpy.ones(3, dtype=numpy.float32))
    assert (a @ v).shape == (2,)
    assert (v @ b).shape == (4,)
    assert (v @ v).shape == ()


def test_variables_hash_by_identity():
    a = Variable(f32(1.0))
    b = Variable(f32(1.0))
    assert a == a and a != b
    assert len({a, b}) == 2


def test_float_and_bool_conversions():
    x = Variable(numpy.array(2.5, dtype=numpy.float32))
    assert float(x) == 2.5 and int(x) == 2 and bool(x)
    assert x.item() == 2.5
    assert numpy.asarray(x).tolist() == 2.5


def test_numpy_array_on_the_left_still_builds_the_graph():
    x = Variable(f32(1.0, 2.0))
    a = numpy.full(2, 3.0, dtype=numpy.float32)
    y = a * x + a
    assert isinstance(y, Variable) and y.creator is not None
    chainer.functions.sum(y).backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_int_variable_with_a_fractional_scalar_raises():
    i = Variable(numpy.array([1, 2], dtype=numpy.int32))
    assert (i * 2).array.tolist() == [2, 4] and (i * 2).dtype == numpy.int32
    with pytest.raises(TypeError, match=r'mul: the scalar 2.5 does not fit the int32'):
        i * 2.5


def test_a_raw_array_operand_takes_the_variables_dtype_as_in_chainer():
    v = Variable(numpy.ones(3, numpy.float32))
    noise = numpy.full(3, 0.5)                        # float64, as numpy makes it
    for y in (v + noise, noise + v, v - noise, noise - v, v * noise, noise * v, v / noise,
              noise / v, v ** numpy.full(3, 2.), numpy.full(3, 2.) ** v):
        assert y.dtype == numpy.float32
    numpy.testing.assert_allclose((v + noise).array, [1.5] * 3)
    with pytest.raises(Exception, match='dtype'):     # Variables must match, as in Chainer
        v + Variable(numpy.ones(3))
