"""Behaviour of the movement functions beyond the table: unused split pieces, errors,
identity shortcuts and device copies."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops.registry import OpTypeError


def test_split_pieces_without_gradient_get_zeros():
    x = Variable(numpy.arange(12.0).reshape(3, 4))
    a, b, c = F.split_axis(x, [1, 3], axis=1)
    F.sum(b * b).backward()  # a and c are unused
    expected = numpy.zeros((3, 4))
    expected[:, 1:3] = 2 * x.array[:, 1:3]
    numpy.testing.assert_allclose(x.grad, expected)


def test_split_double_backprop_with_unused_pieces():
    x = Variable(numpy.array([1.0, 2.0, 3.0, 4.0]))
    _, b = F.split_axis(x, 2, axis=0)
    gx, = cf.grad([F.sum(b ** 3)], [x], enable_double_backprop=True)
    numpy.testing.assert_allclose(gx.array, [0, 0, 27, 48])
    ggx, = cf.grad([F.sum(gx)], [x])
    numpy.testing.assert_allclose(ggx.array, [0, 0, 18, 24])


def test_split_axis_single_piece_and_errors():
    x = numpy.zeros((2, 3))
    assert isinstance(F.split_axis(x, 1, 1, force_tuple=False), Variable)
    assert len(F.split_axis(x, 1, 1)) == 1
    with pytest.raises(ValueError, match='cannot split an axis of length 3 into 2 equal'):
        F.split_axis(x, 2, 1)


def test_separate_inverts_stack():
    xs = [numpy.full((2, 3), i, numpy.float32) for i in range(4)]
    ys = F.separate(F.stack(xs, axis=1), axis=1)
    assert len(ys) == 4
    for x, y in zip(xs, ys):
        numpy.testing.assert_array_equal(x, y.array)


@pytest.mark.parametrize('fn,match', [
    (lambda: F.concat([numpy.zeros((2, 3)), numpy.zeros((3, 3))], axis=1),
     r'concat: input 1 has shape \(3, 3\), which does not match input 0 \(2, 3\) outside '
     'axis 1'),
    (lambda: F.concat([numpy.zeros((2, 3)), numpy.zeros((2, 3), numpy.float32)]),
     'concat: input 1 has dtype float32, input 0 has float64'),
    (lambda: F.concat([numpy.zeros(3)], axis=2), 'concat: axis 2 is out of bounds'),
    (lambda: F.stack([numpy.zeros(3), numpy.zeros(2)]), 'stack: all arrays must have one '
     'shape'),
    (lambda: F.squeeze(numpy.zeros((1, 2)), axis=1), 'squeeze: cannot squeeze axis 1'),
])
def test_shape_errors_name_the_function(fn, match):
    with pytest.raises(OpTypeError, match=match):
        fn()


def test_pad_only_constant_mode():
    with pytest.raises(ValueError, match="only mode='constant'"):
        F.pad(numpy.zeros(3), 1, mode='reflect')
    with pytest.raises(OpTypeError, match='pad_width'):
        F.pad(numpy.zeros((2, 2)), ((1, 1), (1, 1), (1, 1)))


def test_shortcuts_return_the_variable():
    x = Variable(numpy.zeros((2, 3), numpy.float32))
    assert F.cast(x, numpy.float32) is x
    assert F.reshape(x, (2, 3)) is x
    assert F.broadcast_to(x, (2, 3)) is x
    assert F.transpose(x, (0, 1)) is x


def test_cast_gradient_comes_back_in_the_input_dtype():
    x = Variable(numpy.ones(3, numpy.float32))
    F.sum(F.cast(x, numpy.float64) * 2).backward()
    assert x.grad.dtype == numpy.float32
    numpy.testing.assert_array_equal(x.grad, [2, 2, 2])


def test_copy_to_cpu_and_missing_gpu():
    x = Variable(numpy.ones(3))
    y = F.copy(x, -1)
    assert isinstance(y.array, numpy.ndarray)
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [1, 1, 1])
    if not cf.backend.cuda_available():
        with pytest.raises(cf.backend.DeviceUnavailableError):
            F.copy(x, 0)


def test_select_item_checks():
    with pytest.raises(OpTypeError, match=r'select_item: t must have shape \(2,\)'):
        F.select_item(numpy.zeros((2, 3)), numpy.zeros(3, numpy.int32))
    with pytest.raises(IndexError, match=r'select_item: t must lie in \[0, 3\)'):
        F.select_item(numpy.zeros((2, 3)), numpy.array([0, 3], numpy.int32))


def test_where_rejects_non_bool_condition():
    with pytest.raises(OpTypeError, match='where: condition must be a bool array'):
        F.where(numpy.ones(3), numpy.ones(3), numpy.zeros(3))
