"""Plans: the generated executor, buffers and in-place state updates."""
import numpy

from chainfuse.compiler.passes.fuse import fuse
from chainfuse.compiler.plan import Plan
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import Aval
from chainfuse.tracer.ir import Graph

F32 = numpy.float32


def _update_graph(read_old_after):
    """W' = W - lr * g (a fused kernel), optionally followed by a read of the old W."""
    g = Graph('update')
    w = g.add_input(Aval((4, 3), F32), 'param', '/W')
    grad = g.add_input(Aval((4, 3), F32), 'data', 'g')
    lr = g.add_input(Aval((), F32), 'hyper', 'lr')
    step = g.add_node(E.mul, [lr, grad], {}, [Aval((4, 3), F32)]).outputs[0]
    new = g.add_node(E.sub, [w, step], {}, [Aval((4, 3), F32)]).outputs[0]
    g.add_output(new, 'state', '/W')
    if read_old_after:
        y = g.add_node(linalg.matmul, [w, w], dict(transa=False, transb=True),
                       [Aval((4, 4), F32)]).outputs[0]
        g.add_output(y, 'result', 'y')
    return fuse(g)


def _inputs():
    rng = numpy.random.default_rng(0)
    return (rng.standard_normal((4, 3)).astype(F32), rng.standard_normal((4, 3)).astype(F32),
            numpy.asarray(0.5, F32))


def test_state_output_is_written_into_the_state_array():
    plan = Plan(_update_graph(False), backend='numba')
    w, grad, lr = _inputs()
    expected = w - lr * grad
    (new,) = plan(w, grad, lr)
    assert new is w
    numpy.testing.assert_allclose(w, expected, rtol=1e-6)


def test_state_read_after_its_update_is_not_overwritten():
    plan = Plan(_update_graph(True), backend='numba')
    assert not plan.donated
    w, grad, lr = _inputs()
    old = w.copy()
    new, y = plan(w, grad, lr)
    assert new is not w
    numpy.testing.assert_array_equal(w, old)
    numpy.testing.assert_allclose(new, old - lr * grad, rtol=1e-6)
    numpy.testing.assert_allclose(y, old @ old.T, rtol=1e-5)


def test_executor_source_is_readable_python():
    plan = Plan(_update_graph(True), backend='numba')
    src = plan.source
    assert src.startswith('def run(')
    assert '# %' in src and 'matmul' in src and 'return [' in src
    compile(src, 'plan', 'exec')


def test_numpy_backend_runs_the_same_plan():
    w, grad, lr = _inputs()
    want = Plan(_update_graph(True), backend='numba')(w.copy(), grad, lr)
    got = Plan(_update_graph(True), backend='numpy')(w.copy(), grad, lr)
    for a, b in zip(got, want):
        numpy.testing.assert_allclose(a, b, rtol=1e-6)


def _many_outputs_op(n):
    """A fused group with n outputs (a + 1) * c_k, plus a + 1 - 1 (which may overwrite a)."""
    g = Graph('many')
    a = g.add_input(Aval((6, 5), F32), 'data', 'a')
    one = g.add_input(Aval((), F32), 'hyper', 'one')
    base = g.add_node(E.add, [a, one], {}, [Aval((6, 5), F32)]).outputs[0]
    for k in range(n):
        c = g.add_input(Aval((), F32), 'hyper', f'c{k}')
        g.add_output(g.add_node(E.mul, [base, c], {}, [Aval((6, 5), F32)]).outputs[0],
                     'result', f'y{k}')
    g.add_output(g.add_node(E.sub, [base, one], {}, [Aval((6, 5), F32)]).outputs[0],
                 'result', 'last')
    (node,) = [n for n in fuse(g).nodes if getattr(n.op, 'is_fused', False)]
    return node.op


def test_kernel_with_many_outputs_splits_its_loop_and_writes_in_place_last():
    from chainfuse.compiler.codegen.cpu import MAX_STORES, CpuKernel
    n = 2 * MAX_STORES + 1
    op = _many_outputs_op(n)
    a_index = next(i for i, av in enumerate(op.in_avals) if av.shape == (6, 5))
    kernel = CpuKernel(op, inplace={n: a_index}).compile()
    assert kernel.fn is not None
    assert kernel.source.count('for i0 in') == 3
    rng = numpy.random.default_rng(0)
    arrays = [rng.standard_normal(av.shape).astype(F32) if av.shape else
              numpy.asarray(rng.uniform(1, 2), F32) for av in op.in_avals]
    a = arrays[a_index]
    want = [numpy.asarray(x) for x in op.impl(numpy, *[x.copy() for x in arrays])]
    got = kernel(*arrays)
    assert got[n] is a                       # the last output overwrote its input
    for x, y in zip(got, want):
        numpy.testing.assert_allclose(x, y, rtol=1e-6)
