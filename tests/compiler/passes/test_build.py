"""build: the backend's kernels and the executor's straight-line source."""
import numpy
import pytest

from chainfuse.compiler.executor import build
from chainfuse.compiler.lowering import lower
from chainfuse.compiler.memory import plan_memory
from chainfuse.compiler.passes.fuse import fuse
from chainfuse.testing.graphs import GraphBuilder, random_inputs
from chainfuse.tracer.interpreter import run_graph


def _graph():
    b = GraphBuilder()
    x, w = b.input((4, 3)), b.input((3, 3), kind='param', name='/W')
    h = b.op('matmul', x, w)
    b.output(b.op('mul', b.op('tanh', h), b.op('exp', h)))
    return fuse(b.graph)


@pytest.mark.parametrize('backend', ['numba', 'numpy'])
def test_built_plan_computes_what_the_interpreter_does(backend):
    g = _graph()
    plan = build(plan_memory(lower(g, backend))).verify()
    arrays = random_inputs(g)
    numpy.testing.assert_allclose(plan(*arrays)[0], run_graph(g, arrays)[0], rtol=1e-6)
    assert len(plan.kernels) == 1
    kernel = plan.kernels[0]
    assert (kernel.fn is not None) == (backend == 'numba')
    assert kernel.fallback_reason == (None if backend == 'numba' else "backend='numpy'")


def test_source_is_one_function_with_a_comment_per_step():
    plan = build(plan_memory(lower(_graph(), 'numba')))
    lines = plan.source.splitlines()
    assert lines[0] == 'def run(v0, v1):'
    assert sum(line.strip().startswith('# %') for line in lines) == len(plan.steps)
    assert lines[-1].strip().startswith('return [')
    compile(plan.source, '<plan>', 'exec')
