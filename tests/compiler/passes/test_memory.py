"""plan_memory: buffers reused by liveness, in-place writes, frees, the peak bytes."""
import numpy

from chainfuse.compiler.executor import build
from chainfuse.compiler.lowering import lower
from chainfuse.compiler.memory import plan_memory
from chainfuse.compiler.passes.fuse import fuse
from chainfuse.testing.graphs import GraphBuilder, random_inputs
from chainfuse.tracer.interpreter import run_graph


def _chain(n_matmuls=4):
    """x -> (matmul, neg + tanh fused) * n: intermediates of one shape, each dead after its reader."""
    b = GraphBuilder()
    h = b.input((8, 8))
    ws = [b.input((8, 8), kind='param', name=f'/W{i}') for i in range(n_matmuls)]
    for w in ws:
        h = b.op('tanh', b.op('neg', b.op('matmul', h, w)))
    b.output(h)
    return fuse(b.graph)


def test_dead_intermediates_share_buffers_and_the_peak_is_known():
    g = _chain()
    plan = plan_memory(lower(g, 'numba')).verify()
    intermediates = sum(1 for s in plan.steps for _ in s.outs) - 1   # the result is fresh
    assert len(plan.buffer_avals) < intermediates
    assert plan.peak_bytes > 0
    assert plan.buffer_bytes == sum(a.nbytes for a in plan.buffer_avals)
    assert plan.steps[-1].buffers == [None]              # results leave the plan fresh


def test_a_kernel_overwrites_the_dead_input_it_is_the_last_reader_of():
    g = _chain()
    plan = plan_memory(lower(g, 'numba'))
    tanh_steps = [s for s in plan.steps[:-1] if s.mode == 'kernel']
    assert any(s.inplace for s in tanh_steps)


def test_frees_release_each_value_after_its_last_reader():
    g = _chain(2)
    plan = plan_memory(lower(g, 'numpy'))
    freed = [s for step in plan.steps for s in step.frees]
    assert len(freed) == len(set(freed))
    inputs = set(range(len(g.inputs)))
    assert not inputs & set(freed)                       # the caller's arrays are kept


def test_the_memory_plan_keeps_the_results():
    g = _chain()
    arrays = random_inputs(g)
    plan = build(plan_memory(lower(g, 'numba')))
    numpy.testing.assert_allclose(plan(*arrays)[0], run_graph(g, arrays)[0], rtol=1e-5)
