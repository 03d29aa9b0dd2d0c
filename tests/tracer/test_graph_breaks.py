"""Graph breaks: data-dependent behaviour is detected with the user's line, never baked."""
import numpy
import pytest

from chainfuse import Variable
from chainfuse.core.function_node import FunctionNode
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.tracer import GraphBreak, TraceError, trace

X = numpy.linspace(-1, 1, 12, dtype='float32').reshape(3, 4)


@pytest.mark.parametrize('how', ['bool', 'float', 'int', 'item'])
def test_python_values_of_traced_data_break(how):
    def f(x):
        s = R.sum(x)
        if how == 'bool':
            return x if s > 0 else -x  # noqa: the comparison result's bool() breaks
        value = {'float': float, 'int': int, 'item': lambda v: v.item()}[how](s)
        return x * value
    with pytest.raises(GraphBreak) as e:
        trace(f, Variable(X))
    assert 'test_graph_breaks.py' in e.value.location


def test_if_on_traced_value_names_the_line():
    def f(x):
        y = E.tanh(x)
        if R.sum(y).array > 0:  # LINE_OF_IF
            return y
        return -y
    with pytest.raises(GraphBreak) as e:
        trace(f, Variable(X))
    src = open(__file__).read().splitlines()
    line = next(i + 1 for i, t in enumerate(src) if 'LINE_OF_IF' in t and 'if R.sum' in t)
    assert e.value.location.endswith(f':{line}')


def test_numpy_ufuncs_on_data_of_traced_value_are_recorded():
    tr = trace(lambda x: E.tanh(x.data * 2), Variable(X))
    # numpy on x.data is outside eager's graph: x gets no gradient through it, so the
    # graph reads x there through stop_gradient
    assert [n.op.name for n in tr.graph.nodes] == ['stop_gradient', 'mul', 'tanh']
    other = X[::-1].copy()
    assert numpy.allclose(tr.replay(Variable(other)).array, numpy.tanh(other * 2))


def test_numpy_functions_without_an_op_break():
    with pytest.raises(GraphBreak, match='numpy.cumprod'):
        trace(lambda x: E.tanh(numpy.cumprod(x.data)), Variable(X))


def test_inplace_write_breaks():
    def f(x):
        x.array[0] = 1
        return E.tanh(x)
    with pytest.raises(GraphBreak, match='in-place'):
        trace(f, Variable(X))


def test_reshape_of_data_is_traced():
    def f(x):
        x4 = x.data.reshape(len(x.data), 1, 2, 2)
        return E.tanh(x4)
    tr = trace(f, Variable(X))
    other = numpy.ones((3, 4), 'float32')
    assert numpy.allclose(tr.replay(Variable(other)).array, numpy.tanh(other).reshape(3, 1, 2, 2))


def test_opaque_function_node_breaks():
    class Twice(FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 2,

    with pytest.raises(GraphBreak, match='Twice'):
        trace(lambda x: E.tanh(Twice().apply((x,))[0]), Variable(X))


def test_function_node_built_from_ops_traces():
    class Twice(FunctionNode):
        def forward(self, inputs):
            return E.mul(inputs[0], 2.0).array,

    tr = trace(lambda x: E.tanh(Twice().apply((x,))[0]), Variable(X))
    assert [n.op.name for n in tr.graph.nodes] == ['mul', 'tanh']
    assert numpy.allclose(tr.replay(Variable(X)).array, numpy.tanh(X * 2))


def test_bad_results_are_trace_errors():
    with pytest.raises(TraceError, match='at least one Variable'):
        trace(lambda x: None, Variable(X))
    with pytest.raises(TraceError, match='returned an ndarray'):
        trace(lambda x: (E.tanh(x), X.copy()), Variable(X))


def test_tracing_leaves_eager_results_unchanged():
    f = lambda x: R.sum(E.tanh(x) * 3.0)  # noqa: E731
    before = f(Variable(X)).array
    trace(f, Variable(X))
    assert f(Variable(X)).array == before


def test_indexing_a_numpy_argument_is_recorded():
    import warnings
    import chainfuse as cf
    import chainfuse.functions as F

    def f(xs, h):
        for s in range(xs.shape[1]):          # xs[:, s] as in a hand-written RNN
            h = E.tanh(F.concat((xs[:, s], h), axis=1)[:, 1:] + h)
        return R.sum(h)
    cfn = cf.compile(f)
    rng = numpy.random.default_rng(0)
    h = numpy.zeros((2, 3), 'float32')
    with warnings.catch_warnings():
        warnings.simplefilter('error')        # no graph break, no eager fallback
        for _ in range(2):
            xs = rng.standard_normal((2, 4, 1)).astype('float32')
            numpy.testing.assert_allclose(cfn(xs, h).array, f(xs, h).array, rtol=1e-6)
    assert cfn.stats['compiled_calls'] == 2 and not cfn.breaks


def test_numpy_math_on_a_numpy_argument_is_recorded_instead_of_baked():
    def f(x):
        return R.sum(E.tanh(numpy.exp(x)))    # numpy's exp: recorded as the exp op
    tr = trace(f, X)
    assert [n.op.name for n in tr.graph.nodes] == ['exp', 'tanh', 'sum']
    other = X * 0.5
    assert numpy.allclose(tr.replay(other).array, numpy.tanh(numpy.exp(other)).sum())


def test_numpy_reductions_without_a_rule_break_instead_of_baking():
    with pytest.raises(GraphBreak, match='numpy.prod'):
        trace(lambda x: E.tanh(R.sum(x) * numpy.prod(x)), X)
