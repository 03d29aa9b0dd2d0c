"""chainfuse.utils.type_check: expressions print as written, expect() says what failed
with which values, and FunctionNode/Function subclasses get in_types as Chainer's do."""
import pickle

import numpy
import pytest

import chainfuse as chainer
from chainfuse.utils import type_check as T


def in_types(*arrays):
    return T.get_types(tuple(arrays), 'in_types', False)


@pytest.mark.parametrize('make, text, value', [
    (lambda x, y: x + y * 2, 'x + y * 2', 7),
    (lambda x, y: (x + y) * 2, '(x + y) * 2', 10),
    (lambda x, y: x - (y - 1), 'x - (y - 1)', 2),
    (lambda x, y: x - y - 1, 'x - y - 1', 0),
    (lambda x, y: x ** y ** 2, 'x ** y ** 2', 3 ** 4),
    (lambda x, y: (x ** y) ** 2, '(x ** y) ** 2', 81),
    (lambda x, y: -x // y, '-x // y', -2),
    (lambda x, y: 1 + x, '1 + x', 4),
    (lambda x, y: x % y | 4, 'x % y | 4', 5),
])
def test_expressions_print_as_written_and_evaluate(make, text, value):
    x, y = T.Variable(3, 'x'), T.Variable(2, 'y')
    expr = make(x, y)
    assert str(expr) == text and expr.eval() == value


def test_attributes_items_and_calls():
    t = in_types(numpy.zeros((2, 3), numpy.float32))[0]
    assert str(t.shape[1:]) == 'in_types[0].shape[1:]'
    assert t.shape[1:].eval() == (3,)
    assert str(t.dtype.kind) == 'in_types[0].dtype.kind' and t.dtype.kind.eval() == 'f'
    assert t.ndim.eval() == 2 and t.size.eval() == 6
    assert str(T.prod(t.shape)) == 'prod(in_types[0].shape)' and T.prod(t.shape).eval() == 6
    assert str(t.shape[..., 0]) == 'in_types[0].shape[..., 0]'


def test_expect_names_the_failed_condition_and_the_values():
    x, w = in_types(numpy.zeros((2, 3), numpy.float32), numpy.zeros((4, 5), numpy.float32))
    T._argname((x, w), ('x', 'W'))
    T.expect(x.ndim == 2, x.dtype == numpy.float32)
    with pytest.raises(T.InvalidType) as info:
        T.expect(x.ndim == 2, x.shape[1] == w.shape[1])
    assert str(info.value) == 'Expect: x.shape[1] == W.shape[1]\nActual: 3 != 5'
    assert info.value.expect == 'x.shape[1] == W.shape[1]' and info.value.actual == '3 != 5'
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)


def test_expr_refuses_to_be_a_bool():
    x = T.Variable(1, 'x')
    with pytest.raises(RuntimeError, match='cannot be used as a bool'):
        if x == 1 and x == 2:
            pass
    with pytest.raises(TypeError, match='takes comparisons'):
        T.expect(True)


def test_argname_checks_the_number_of_inputs():
    with pytest.raises(T.InvalidType, match='expected 2 \\(x, W\\), got 1'):
        T._argname(in_types(numpy.zeros(1)), ('x', 'W'))


def test_broadcast_shapes_and_same_types():
    a, b = in_types(numpy.zeros((2, 3)), numpy.zeros((3,)))
    T.expect_broadcast_shapes(a.shape, b.shape)
    c, = in_types(numpy.zeros((4,)))
    with pytest.raises(T.InvalidType, match='cannot broadcast inputs of the following shapes'):
        T.expect_broadcast_shapes(a.shape, c.shape)
    assert T.same_types(numpy.zeros(1), numpy.zeros(2))
    assert not T.same_types(numpy.zeros(1), [0.0])


def test_light_mode_tests_plain_values():
    with T.light_mode:
        assert T.in_light_mode()
        types = T.get_light_types((numpy.zeros((2, 3)),))
        assert types.size() == 1 and T.eval(types[0].shape) == (2, 3)
        assert T.make_variable(3, 'n') == 3 and T.prod((2, 3)) == 6
        T.expect(types[0].ndim == 2)
        with pytest.raises(T.InvalidType):
            T.expect(types[0].ndim == 3)
    assert not T.in_light_mode()


class Linear(chainer.FunctionNode):
    def check_type_forward(self, in_types):
        T._argname(in_types, ('x', 'W'))
        x, w = in_types
        T.expect(in_types.size() == 2, x.dtype.kind == 'f', x.ndim == 2,
                 x.shape[1] == w.shape[1])

    def forward(self, inputs):
        x, w = inputs
        return x.dot(w.T),


def test_function_node_checks_its_inputs():
    x = numpy.ones((2, 3), numpy.float32)
    y, = Linear().apply((x, numpy.ones((4, 3), numpy.float32)))
    assert y.shape == (2, 4)
    with pytest.raises(T.InvalidType) as info:
        Linear().apply((x, numpy.ones((4, 5), numpy.float32)))
    assert str(info.value) == ('\nInvalid operation is performed in: Linear (Forward)\n'
                               'Expect: x.shape[1] == W.shape[1]\nActual: 3 != 5')
    with pytest.raises(T.InvalidType, match='Expect: x.dtype.kind == f\nActual: i != f'):
        Linear().apply((x.astype(numpy.int32), numpy.ones((4, 3), numpy.float32)))
    with chainer.using_config('type_check', False):     # checks off: forward runs
        with pytest.raises(ValueError):
            Linear().apply((x, numpy.ones((4, 5), numpy.float32)))


def test_old_style_function_checks_its_inputs():
    class Square(chainer.Function):
        def check_type_forward(self, in_types):
            T.expect(in_types[0].ndim == 1)

        def forward(self, inputs):
            return inputs[0] ** 2,

    assert Square()(numpy.arange(3.0)).array.tolist() == [0.0, 1.0, 4.0]
    with pytest.raises(T.InvalidType, match='Square \\(Forward\\)\nExpect: in_types\\[0\\]'):
        Square()(numpy.ones((2, 2)))
