"""dce: nodes no output depends on and unused constants go; inputs and names stay."""
import numpy

from chainfuse.compiler.passes import dce
from chainfuse.testing.graphs import GraphBuilder, assert_equivalent, op_names


def test_dead_nodes_and_unused_constants_go():
    b = GraphBuilder()
    x = b.input((3,))
    unused_data = b.input((3,), name='unused')
    c = b.const(numpy.ones(3, 'float32'))
    b.const(numpy.zeros(3, 'float32'), name='unused_const')
    b.op('log', b.op('exp', x))                     # dead chain
    y = b.output(b.op('mul', x, c))
    g = b.graph
    out = dce(g).verify()
    assert op_names(out) == ['mul']
    assert [v.name for v in out.inputs] == ['x0', 'unused', 'c2']   # data stays, const kept
    assert unused_data.id in {v.id for v in out.inputs}
    assert out.outputs[0][0].id == y.id
    assert_equivalent(g, out)


def test_live_graph_is_unchanged():
    b = GraphBuilder()
    x = b.input((2, 3))
    b.output(b.op('tanh', b.op('exp', x)))
    g = b.graph
    assert str(dce(g).verify()) == str(g)


def test_value_used_only_by_a_dead_node_goes_with_it():
    b = GraphBuilder()
    x = b.input((2,))
    e = b.op('exp', x)
    b.op('neg', e)                                  # dead, and the only user of e...
    b.output(b.op('sin', x))
    out = dce(b.graph).verify()
    assert op_names(out) == ['sin']
    assert e.id not in {v.id for v in out.values()}
