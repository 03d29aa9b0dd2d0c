"""fuse: maximal elementwise groups become one FusedOp node; never a cycle."""
import numpy
import pytest
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


# ---- splits moved above the elementwise op they cut (split_elementwise=True) ----

def _bitwise_equal(before, after, seed=0):
    from chainfuse.testing.graphs import random_inputs
    from chainfuse.tracer.interpreter import run_graph
    arrays = random_inputs(before, seed)
    by_name = dict(zip([v.name for v in before.runtime_inputs], arrays))
    want = run_graph(before, arrays)
    got = run_graph(after, [by_name[v.name] for v in after.runtime_inputs])
    for w, g in zip(want, got):
        assert numpy.asarray(g).tobytes() == numpy.asarray(w).tobytes()


# (shape of x, shape of the other operand, op, split points, axis, pieces of the other
# operand that are split: True when it has the split axis, False when it broadcasts)
SPLITS = [
    ((6, 8), (8,), 'add', (2, 5), 1, True),        # an LSTM's bias add, uneven pieces
    ((6, 8), (6, 1), 'mul', (4,), 1, False),       # broadcast along the split axis
    ((6, 8), (6, 8), 'sub', (3,), 0, True),        # split along the leading axis
    ((3, 4, 8), (8,), 'add', (4,), -1, True),      # a negative axis
    ((6, 8), (), 'mul', (4,), 1, False),           # a 0-d operand
]


@pytest.mark.parametrize('xshape,yshape,op,indices,axis,y_split', SPLITS)
def test_a_split_of_an_elementwise_result_moves_above_it(xshape, yshape, op, indices, axis,
                                                         y_split):
    b = GraphBuilder()
    x, y = b.input(xshape), b.input(yshape)
    pieces = b.op('split', b.op(op, x, y), indices=indices, axis=axis)
    for p in pieces:
        b.output(b.op('tanh', p))
    g = b.graph
    out = fuse(g, split_elementwise=True).verify()
    kernels = _fused(out)
    assert len(kernels) == len(indices) + 1          # each piece's op fuses with its tanh
    assert all(k.op.op_names == [op, 'tanh'] for k in kernels)
    splits = [n for n in out.nodes if n.op.name == 'split']
    assert len(splits) == (2 if y_split else 1)
    assert [v.id for v, _, _ in out.outputs] == [v.id for v, _, _ in g.outputs]
    _bitwise_equal(g, out)


def test_a_split_stays_below_an_op_of_a_broadcast_to():
    # the pieces of a broadcast would be read-only views, which kernels do not take
    b = GraphBuilder()
    x, y = b.input((6, 8)), b.input((6, 1))
    z = b.op('mul', x, b.op('broadcast_to', y, shape=(6, 8)))
    for p in b.op('split', z, indices=(4,), axis=1):
        b.output(b.op('exp', p))
    g = b.graph
    out = fuse(g, split_elementwise=True).verify()
    assert [n.op.name for n in out.nodes][1] == 'split'
    _bitwise_equal(g, out)


def test_a_split_stays_below_an_op_whose_result_is_read_elsewhere():
    b = GraphBuilder()
    x, y = b.input((6, 8)), b.input((8,))
    z = b.op('add', x, y)
    lo, hi = b.op('split', z, indices=(4,), axis=1)
    b.output(b.op('exp', lo))
    b.output(b.op('sum', z))
    g = b.graph
    out = fuse(g, split_elementwise=True).verify()
    assert [n.op.name for n in out.nodes].count('split') == 1
    assert fuse(g).nodes[0].op.name == out.nodes[0].op.name == 'add'
    _bitwise_equal(g, out)


# ---- tanh left to numpy's loop (numpy_tanh), sigmoid written with it ----

@pytest.mark.parametrize('shape,lone', [((8, 16), True), ((2, 3), False)])
def test_numpy_tanh_keeps_large_tanh_out_of_kernels_and_writes_sigmoid_with_it(shape, lone):
    b = GraphBuilder()
    x = b.input(shape)
    b.output(b.op('mul', b.op('sigmoid', b.op('exp', x)), b.op('tanh', b.op('neg', x))))
    g = b.graph
    report = FusionReport()
    out = fuse(g, report, numpy_tanh=lambda a: a.size >= 64).verify()
    names = op_names(out)
    if lone:
        assert names.count('tanh') == 2 and 'sigmoid' not in ' '.join(names)
        assert not any('tanh' in k.op.op_names for k in _fused(out))
        assert sum('runs as numpy.tanh' in d for d in report.decisions) == 2
    else:
        assert names == [n.op.name for n in fuse(g).nodes]
    _bitwise_equal(g, out)
