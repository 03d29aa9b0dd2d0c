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


# ---- split pieces read by kernels from the array they were cut from (Step.windows) ----

# (shape of the split array, split points, shape of the other operand of each piece's
# kernel): pieces along the last axis, uneven ones, a 3-D array, a broadcast row
WINDOWS = [((6, 8), (2,), (6, 1)), ((6, 9), (2, 5), (1,)), ((2, 3, 8), (4,), (3, 1)),
           ((1, 8), (4,), (5, 1)), ((6, 8), (1,), (6, 1))]


def _window_graph(shape, indices, other):
    b = GraphBuilder()
    x, c = b.input(shape), b.input(other)
    m = b.op('exp', x)                       # a kernel's result: a C-contiguous array
    for p in b.op('split', m, indices=indices, axis=-1):
        b.output(b.op('tanh', b.op('mul', p, c)))
    return b.graph


@pytest.mark.parametrize('shape,indices,other', WINDOWS)
@pytest.mark.parametrize('segments', [False, True])
def test_kernels_read_split_pieces_in_place_bit_for_bit(shape, indices, other, segments):
    from chainfuse.compiler.plan import Plan
    from chainfuse.testing.graphs import random_inputs
    from chainfuse.tracer.interpreter import run_graph
    g = _window_graph(shape, indices, other)
    plan = Plan(fuse(g), backend='numba', segments=segments).verify()
    windowed = [s for s in plan.steps if s.windows]
    # a piece one column wide is not a window (its last axis broadcasts)
    assert len(windowed) == sum(n > 1 for n in _sizes(shape[-1], indices))
    assert all(s.fn.windows and plan.slot_avals[s.ins[0]].shape == shape for s in windowed)
    arrays = random_inputs(g)
    for got, want in zip(plan(*arrays), run_graph(g, arrays)):
        assert got.tobytes() == want.tobytes()
    numpy_plan = Plan(fuse(g), backend='numpy')
    assert not any(s.windows for s in numpy_plan.steps)


def _sizes(n, indices):
    from chainfuse.ops.array import split_sizes
    return split_sizes(n, indices)


def test_a_window_kernel_that_fails_to_build_runs_numpy_on_the_pieces(monkeypatch):
    from chainfuse.compiler.codegen.cpu import CpuKernel
    from chainfuse.compiler.plan import Plan
    from chainfuse.testing.graphs import random_inputs
    from chainfuse.tracer.interpreter import run_graph

    def broken(self):
        self.fallback_reason = 'broken on purpose'
        return self
    monkeypatch.setattr(CpuKernel, 'compile', broken)
    g = _window_graph((6, 8), (3,), (6, 1))
    plan = Plan(fuse(g), backend='numba', segments=False).verify()
    assert any(s.windows and s.mode == 'call' for s in plan.steps)
    arrays = random_inputs(g)
    for got, want in zip(plan(*arrays), run_graph(g, arrays)):
        assert got.tobytes() == want.tobytes()
