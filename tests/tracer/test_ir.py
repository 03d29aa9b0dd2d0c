"""The IR: printing, verification, DOT, networkx, interpreter."""
import numpy
import pytest

from chainfuse import Parameter, Variable
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import Aval
from chainfuse.tracer import ExecutionError, Graph, IRError, trace


def _model():
    W = Parameter(numpy.arange(12, dtype='float32').reshape(3, 4) / 10, name='W')

    def f(x):
        return R.sum(E.tanh(linalg.matmul(x, W, transb=True)) * 2.0)
    return f, W


def test_str_lists_inputs_nodes_outputs():
    f, _ = _model()
    g = trace(f, numpy.ones((2, 4), 'float32')).graph
    text = str(g)
    assert text.startswith('graph f\n')
    assert 'in  %0:f32[2,4]  data       x' in text
    assert 'param      param:W' in text
    assert '= matmul(%0, %1) transa=False transb=True' in text
    assert 'out %' in text and 'result  out' in text


def test_verify_names_the_offending_node():
    g = Graph('bad')
    x = g.add_input(Aval((2,), 'float32'), 'data', 'x')
    n = g.add_node(E.exp, [x], {}, [Aval((3,), 'float32')])
    with pytest.raises(IRError, match='exp'):
        g.verify()
    g2 = Graph('dangling')
    x2 = g2.add_input(Aval((2,), 'float32'), 'data', 'x')
    other = Graph('other').add_input(Aval((2,), 'float32'), 'data', 'y')
    g2.add_node(E.exp, [other], {}, [Aval((2,), 'float32')])
    with pytest.raises(IRError, match='before it is defined'):
        g2.verify()
    assert n is not None and x2 is not None


def test_dot_is_stable_and_styled():
    f, _ = _model()
    x = numpy.ones((2, 4), 'float32')
    a = trace(f, x).graph.to_dot()
    b = trace(f, x).graph.to_dot()
    assert a == b
    assert 'shape=box' in a and 'doubleoctagon' in a and 'f32[2,3]' in a


def test_networkx_export():
    f, _ = _model()
    g = trace(f, numpy.ones((2, 4), 'float32')).graph
    nx = g.to_networkx()
    assert nx.number_of_nodes() == len(g.inputs) + len(g.nodes)
    import networkx
    assert networkx.is_directed_acyclic_graph(nx)


def test_interpreter_matches_eager_and_reports_failing_node():
    f, W = _model()
    x = numpy.random.default_rng(0).standard_normal((2, 4)).astype('float32')
    tr = trace(f, x)
    assert numpy.allclose(tr.graph.run(x, W.array)[0], f(x).array)
    with pytest.raises(TypeError, match='expects'):
        tr.graph.run(numpy.ones((3, 4), 'float32'), W.array)
    g = Graph('boom')
    a = g.add_input(Aval((2,), 'float32'), 'data', 'a')
    n = g.add_node(E.log, [a], {}, [Aval((2,), 'float32')], loc='model.py:7')
    g.add_output(n.outputs[0], 'result', 'y')
    E.log.impl, orig = (lambda xp, x: 1 / 0), E.log.impl
    try:
        with pytest.raises(ExecutionError, match=r'while executing .*log.*model.py:7'):
            g.run(numpy.ones(2, 'float32'))
    finally:
        E.log.impl = orig


def test_replay_uses_current_parameter_values():
    f, W = _model()
    x = numpy.ones((2, 4), 'float32')
    tr = trace(f, x)
    W.array[...] = 0.5
    assert numpy.allclose(tr.replay(x).array, f(x).array)
    assert isinstance(tr.replay(x), Variable)
