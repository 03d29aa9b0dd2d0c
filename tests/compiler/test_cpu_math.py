"""float32 tanh in Numba kernels equals eager (numpy) tanh: values and gradients at the
edges users see (tanh(x) == x near 0, saturation near |x| = 8..10, signed zeros, inf,
NaN), a comparison that sees the last bit, and every one of a million float32 values
spread over the whole range; the rational approximation only under
CHAINFUSE_FAST_MATH=1; the CUDA source keeps CUDA's tanh (what CuPy's eager tanh runs)."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.compiler import compile_training
from chainfuse.compiler.backends import numba as numba_backend
from chainfuse.compiler.codegen import cpu_math
from chainfuse.compiler.codegen.cuda import CudaKernelSource
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.runtime.explain import latest_entry
from chainfuse.tracer import trace

EDGES = numpy.array([
    0.0, 1e-30, 1e-10, 2.98e-8, 3e-8, 1e-5, 1e-4, 2.9e-4, 3e-4, 1e-3, 0.046875, 0.3, 1.0,
    2.0, 5.0, 7.0, 7.9, 7.905, 7.91, 8.0, 8.5, 9.0, 9.01, 9.1, 9.5, 9.99, 10.0, 20.0,
    1e38, numpy.inf], 'float32')
EDGES = numpy.concatenate([EDGES, -EDGES, [numpy.nan]]).astype('float32')


def _bits(a):
    return numpy.asarray(a, 'float32').view(numpy.uint32)


class TanhNet(cf.Chain):
    """loss = sum(tanh(x) * w): the tanh is fused with the product into a Numba kernel."""

    def forward(self, x, w):
        return F.sum(F.tanh(x) * w)


def _run(model, x):
    xv, wv = Variable(x.copy()), Variable(numpy.ones_like(x))
    loss = model(xv, wv)
    loss.backward()
    return xv.grad, wv.grad          # d/dx = 1 - tanh(x)**2, d/dw = tanh(x)


def _numba_kernels(model):
    return [k for plan in latest_entry(model).plans for k in plan.kernels]


def test_compiled_tanh_equals_eager_at_the_edges_values_and_gradients():
    eager_gx, eager_y = _run(TanhNet(), EDGES)
    model = cf.compile(TanhNet(), backend='numba')
    gx, y = _run(model, EDGES)
    kernels = _numba_kernels(model)
    assert any('tanh' in k.op.op_names and k.fn is not None for k in kernels)
    assert str(cf.explain(model)).count('numpy fallback') == 0
    # bit for bit, so where eager has tanh(x) == x (near 0) and a nonzero gradient
    # (|x| from 7.9 to 10, where the rational approximation gave exactly 1), so does this
    numpy.testing.assert_array_equal(_bits(y), _bits(eager_y))
    numpy.testing.assert_array_equal(_bits(gx), _bits(eager_gx))


def test_where_of_a_comparison_with_tanh_agrees_near_zero():
    def f(x):
        v = x * x
        return E.where(E.greater(v, E.tanh(v)), x, v) * 1.0
    x = numpy.linspace(-0.03, 0.03, 241, dtype='float32')
    eager = f(Variable(x)).array
    compiled = compile_training(trace(f, Variable(x)).graph, backend='numba')
    assert compiled.forward_plan.kernels and \
        all(k.fn is not None for k in compiled.forward_plan.kernels)
    numpy.testing.assert_array_equal(compiled.forward_plan(x)[0], eager)


def _tanh_kernel(x):
    def f(v):
        return E.tanh(v) * 1.0
    compiled = compile_training(trace(f, Variable(x)).graph, backend='numba')
    kernel, = compiled.forward_plan.kernels
    assert kernel.fn is not None
    return compiled.forward_plan(x)[0], kernel.source


@pytest.mark.skipif(not cpu_math.numpy_uses_table_tanh(),
                    reason="numpy's float32 tanh is not the table algorithm on this CPU "
                           '(no FMA, or an older numpy): kernels call libm as numpy does')
def test_table_tanh_is_bitwise_numpy_over_the_whole_range(monkeypatch):
    # a tanh this large runs as numpy's own loop (NumbaBackend.numpy_tanh): keep it in
    # the kernel, whose table code is what this checks
    monkeypatch.setattr(numba_backend, 'NUMPY_TANH_MIN_SIZE', 1 << 62)
    bits = numpy.arange(0, 1 << 32, 4099, dtype=numpy.uint64).astype(numpy.uint32)
    x = bits.view(numpy.float32)                     # every 4099th float32: 1,047,785
    y, source = _tanh_kernel(x)
    assert '_tanh_f32(' in source
    numpy.testing.assert_array_equal(_bits(y), _bits(numpy.tanh(x)))


def test_fast_math_is_opt_in(monkeypatch):
    x = numpy.linspace(-3, 3, 16, dtype='float32')
    monkeypatch.delenv('CHAINFUSE_FAST_MATH', raising=False)
    _, default = _tanh_kernel(x)
    assert '_tanh_f32_fast' not in default
    monkeypatch.setenv('CHAINFUSE_FAST_MATH', '1')
    y, fast = _tanh_kernel(x)
    assert '_tanh_f32_fast(' in fast
    numpy.testing.assert_allclose(y, numpy.tanh(x), rtol=0, atol=4e-7)   # its error bound


def test_float64_tanh_is_libm():
    def f(v):
        return E.tanh(v) * 1.0
    x = numpy.linspace(-3, 3, 16)
    compiled = compile_training(trace(f, Variable(x)).graph, backend='numba')
    source = compiled.forward_plan.kernels[0].source
    assert 'math.tanh(' in source and '_tanh_f32' not in source


def test_cuda_source_calls_cudas_tanh(monkeypatch):
    monkeypatch.setenv('CHAINFUSE_FAST_MATH', '1')      # a CPU choice only

    def f(v):
        return R.sum(E.tanh(v) * E.sigmoid(v))
    compiled = compile_training(trace(f, numpy.ones((4, 4), 'float32')).graph,
                                backend='numba')
    src = str(CudaKernelSource(compiled.forward_plan.kernels[0].op))
    assert 'tanh(' in src and '_tanh_f32' not in src
