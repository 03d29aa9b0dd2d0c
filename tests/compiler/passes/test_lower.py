"""lower: a Graph becomes a Plan with a slot per value and a step per node."""
import numpy
import pytest

from chainfuse.compiler.lowering import lower
from chainfuse.compiler.passes.fuse import fuse
from chainfuse.testing.graphs import GraphBuilder


def _graph():
    b = GraphBuilder()
    x, w = b.input((4, 3)), b.input((3, 3), kind='param', name='/W')
    c = b.input((4, 3), dtype='bool', name='mask')
    h = b.op('matmul', x, w)
    y = b.op('tanh', b.op('exp', h))
    b.output(b.op('where', c, h, b.op('matmul', h, w)), name='w')    # a lone where
    b.output(b.op('sum', y), name='s')
    return fuse(b.graph)


@pytest.mark.parametrize('backend,kernel_mode', [('numba', 'kernel'), ('numpy', 'call')])
def test_one_step_per_node_with_the_backends_modes(backend, kernel_mode):
    g = _graph()
    plan = lower(g, backend).verify()
    assert plan.backend == backend
    assert [s.node for s in plan.steps] == g.nodes
    modes = {s.node.op.name.split('_')[0]: s.mode for s in plan.steps}
    assert modes['matmul'] == 'out'                      # writes_out: given a buffer
    assert modes['fused'] == kernel_mode
    assert modes['where'] == kernel_mode                 # kernel_when_alone
    assert modes['sum'] == 'call'
    assert len(plan.slot_names) == len(list(g.values()))
    assert plan.source is None and plan.peak_bytes is None     # later passes fill these


def test_slots_are_named_after_values():
    g = _graph()
    plan = lower(g, 'numpy')
    assert plan.slot_names == [f'v{v.id}' for v in g.values()]
    assert plan.input_slots == [plan.slot_of[v.id] for v in g.runtime_inputs]


def test_unknown_backend_is_an_error():
    with pytest.raises(ValueError, match="unknown backend 'tpu'"):
        lower(_graph(), 'tpu')


def test_verify_names_a_step_that_reads_an_unwritten_slot():
    from chainfuse.tracer.ir import IRError
    plan = lower(_graph(), 'numpy')
    plan.steps[0], plan.steps[1] = plan.steps[1], plan.steps[0]
    with pytest.raises(IRError, match='step 0 .* reads v'):
        plan.verify()


def test_lowered_plan_is_not_runnable_before_build():
    plan = lower(_graph(), 'numpy')
    with pytest.raises(RuntimeError, match='not built yet'):
        plan(*[numpy.zeros(v.shape, v.dtype) for v in plan.graph.runtime_inputs])
