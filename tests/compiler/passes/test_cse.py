"""cse: one node per (op, inputs, attrs); equal small constants become one input."""
import numpy

from chainfuse.compiler.passes import cse
from chainfuse.testing.graphs import GraphBuilder, assert_equivalent, op_names


def test_repeated_expression_is_computed_once():
    b = GraphBuilder()
    x, w = b.input((4, 3)), b.input((4, 3))
    a1 = b.op('mul', x, w)
    a2 = b.op('mul', x, w)
    b.output(b.op('add', a1, a2))
    g = b.graph
    out = cse(g).verify()
    assert op_names(out) == ['mul', 'add']
    add = out.nodes[1]
    assert [v.id for v in add.inputs] == [a1.id, a1.id]   # the first one's name survives
    assert_equivalent(g, out)


def test_different_attrs_or_inputs_are_not_merged():
    b = GraphBuilder()
    x, y = b.input((4, 3)), b.input((4, 3))
    b.output(b.op('sum', x, axis=(0,)))
    b.output(b.op('sum', x, axis=(1,)))
    b.output(b.op('exp', x))
    b.output(b.op('exp', y))
    g = b.graph
    out = cse(g).verify()
    assert op_names(out) == op_names(g)
    assert str(out) == str(g)


def test_equal_small_constants_merge_large_ones_do_not():
    b = GraphBuilder()
    x = b.input((3,))
    c1 = b.const(numpy.full(3, 2.0, 'float32'))
    c2 = b.const(numpy.full(3, 2.0, 'float32'))
    c3 = b.const(numpy.full(3, 2.0, 'float64'))          # same bytes? no: other dtype
    big1 = b.const(numpy.ones(5000, 'float32'))
    big2 = b.const(numpy.ones(5000, 'float32'))
    b.output(b.op('mul', x, c1))
    b.output(b.op('mul', x, c2))
    b.output(b.op('mul', b.op('astype', x, dtype=numpy.float64), c3))
    b.output(b.op('sum', b.op('add', big1, big2)))
    g = b.graph
    out = cse(g).verify()
    consts = out.inputs_of('const')
    assert [v.id for v in consts] == [c1.id, c3.id, big1.id, big2.id]
    assert op_names(out).count('mul') == 2            # x*c1 and x*c2 are one node now
    assert_equivalent(g, out)
