"""fuse: maximal elementwise groups become one FusedOp node; never a cycle."""
import numpy
from hypothesis import given, settings, strategies as st

from chainfuse.compiler.passes import dce
from chainfuse.compiler.passes.fuse import FusionReport, fuse
from chainfuse.testing.graphs import GraphBuilder, assert_equivalent, op_names


def _fused(graph):
    return [n for n in graph.nodes if getattr(n.op, 'is_fused', False)]


def test_elementwise_chain_is_one_kernel_whose_result_keeps_its_name():
    b = GraphBuilder()
    x, y = b.input((4, 3)), b.input((3,))
    z = b.output(b.op('tanh', b.op('mul', b.op('exp', x), b.op('broadcast_to', y,
                                                                   shape=(4, 3)))))
    g = b.graph
    report = FusionReport()
    out = fuse(g, report).verify()
    (node,) = out.nodes
    assert node.op.is_fused and node.op.op_names == ['exp', 'broadcast_to', 'mul', 'tanh']
    assert node.outputs[0].id == z.id
    assert len(report.groups) == 1 and 'fusion: 1 kernel(s)' in str(report)
    assert_equivalent(g, out)


def test_matmul_bounds_groups():
    b = GraphBuilder()
    x, w = b.input((4, 3)), b.input((3, 3))
    h = b.op('matmul', b.op('neg', b.op('exp', x)), w)
    b.output(b.op('sin', b.op('cos', h)))
    g = b.graph
    out = fuse(g).verify()
    assert len(out.nodes) == 3 and out.nodes[1].op.name == 'matmul'
    assert [len(n.op.op_names) for n in _fused(out)] == [2, 2]
    assert_equivalent(g, out)


def test_a_group_never_depends_on_itself_through_an_outside_node():
    # e = exp(x); s = sum(e) (outside); y = e * s: e and y cannot share a kernel with
    # s in between, since the kernel would read its own output through the sum
    b = GraphBuilder()
    x = b.input((4, 3))
    e = b.op('exp', x)
    s = b.op('sum', e, axis=(1,), keepdims=True)
    y = b.op('mul', e, b.op('broadcast_to', s, shape=(4, 3)))
    b.output(b.op('neg', y))
    g = b.graph
    out = fuse(g).verify()                      # verify checks topological order
    assert_equivalent(g, out)
    for n in _fused(out):
        assert not ('exp' in n.op.op_names and 'neg' in n.op.op_names)


def test_a_reader_of_a_group_inherits_what_the_group_later_comes_to_depend_on():
    # e = exp(x) reads nothing; s = sum(e) reads e's group; then e * transpose(d) brings
    # e's group a dependency on d's group, which s (read earlier) has now too.  So
    # d + broadcast(transpose(s)) may not join d's group: d -> e*.. -> s -> d + ...
    b = GraphBuilder()
    x, x2 = b.input((4, 3)), b.input((3, 4))
    d = b.op('sin', x2)
    e = b.op('exp', x)
    s = b.op('sum', e, axis=(1,), keepdims=True)
    m = b.op('mul', e, b.op('transpose', d, axes=(1, 0)))
    bs = b.op('broadcast_to', b.op('transpose', s, axes=(1, 0)), shape=(3, 4))
    b.output(b.op('add', d, bs))
    b.output(m, name='m')
    g = b.graph
    report = FusionReport()
    out = fuse(g, report).verify()                 # a cycle would raise here
    assert_equivalent(g, out)
    assert 'add %' in '\n'.join(report.decisions)  # refused d's group, as it must
    assert any(n.op.op_names == ['exp', 'mul'] for n in _fused(out))


@st.composite
def _mixed_graphs(draw):
    """Square (3, 3) values from 1-3 inputs through fusible ops and the non-fusible
    transpose and row sums, each op reading one or two earlier values."""
    n_inputs, steps = draw(st.integers(1, 3)), []
    for k in range(n_inputs, n_inputs + draw(st.integers(2, 14))):
        # sin, not exp: chains of exp overflow (the values, not the fusion, would differ)
        kind = draw(st.sampled_from(['sin', 'neg', 'add', 'mul', 'transpose', 'rowsum']))
        steps.append((kind, draw(st.integers(0, k - 1)), draw(st.integers(0, k - 1))))
    return n_inputs, steps


@settings(max_examples=200, deadline=None)
@given(_mixed_graphs())
def test_fusing_graphs_with_outside_nodes_between_groups_never_makes_a_cycle(program):
    n_inputs, steps = program
    b = GraphBuilder()
    vals = [b.op('tanh', b.input((3, 3))) for _ in range(n_inputs)]
    for kind, i, j in steps:
        a, c = vals[i], vals[j]
        if kind in ('sin', 'neg'):
            vals.append(b.op(kind, a))
        elif kind in ('add', 'mul'):
            vals.append(b.op(kind, a, c))
        elif kind == 'transpose':
            vals.append(b.op('transpose', a, axes=(1, 0)))
        else:
            row = b.op('sum', a, axis=(1,), keepdims=True)
            vals.append(b.op('broadcast_to', row, shape=(3, 3)))
    for k, v in enumerate(vals[-3:]):
        b.output(v, name=f'y{k}')
    g = dce(b.graph)             # fuse runs on cleaned graphs
    assert_equivalent(g, fuse(g).verify())


def test_values_used_outside_a_group_are_outputs_of_its_kernel():
    b = GraphBuilder()
    x = b.input((5,))
    e = b.op('exp', x)
    b.output(b.op('neg', e))
    b.output(e, name='e')
    g = b.graph
    out = fuse(g).verify()
    (node,) = out.nodes
    assert sorted(v.id for v in node.outputs) == sorted(v.id for v, _, _ in g.outputs)
    assert_equivalent(g, out)


def test_groups_of_one_stay_plain_nodes():
    b = GraphBuilder()
    x = b.input((3, 3))
    b.output(b.op('matmul', b.op('exp', x), x))
    out = fuse(b.graph).verify()
    assert op_names(out) == ['exp', 'matmul']


def test_fused_node_runs_like_its_ops():
    b = GraphBuilder()
    x = b.input((2, 3))
    c = b.const(numpy.float32(2.0))
    b.output(b.op('maximum', b.op('mul', x, c), b.op('neg', x)))
    g = b.graph
    assert_equivalent(g, fuse(g).verify())
