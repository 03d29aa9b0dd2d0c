"""Codegen: generated CUDA of every fused kernel in the zoo compiles with nvcc; pass dumps;
plans report their memory; Numba kernels keep NaN and infinities as numpy does.  (The CPU
kernel cache: test_kernel_cache.py.)"""
import shutil
import subprocess
import sys

import numpy
import pytest

import chainfuse as chainer
import chainfuse.links as L
from chainfuse.compiler import compile_training
from chainfuse.compiler.codegen.cuda import CudaKernelSource, nvcc_check
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.tracer import trace
from tests.zoo.models import ZOO, inputs_for


def _zoo_kernels():
    ops = {}
    for name in ZOO:
        if name == 'DataDependentIf':
            continue
        chainer.set_random_seed(0)
        model = L.Classifier(ZOO[name]())
        x, t = inputs_for(name)
        compiled = compile_training(trace(model, x, t).graph)
        for plan in (compiled.forward_plan, compiled.backward_plan):
            for k in plan.kernels:
                ops[k.op.name] = k.op
    return list(ops.values())


@pytest.mark.skipif(shutil.which('nvcc') is None, reason='nvcc is not installed')
def test_every_zoo_kernel_compiles_with_nvcc():
    kernels = _zoo_kernels()
    assert len(kernels) > 10
    assert nvcc_check([CudaKernelSource(op) for op in kernels])


def test_cuda_source_keeps_float32_literals_typed():
    def f(x):
        return R.sum(E.sigmoid(x) * 0.5 + x)
    compiled = compile_training(trace(f, numpy.ones((4, 4), 'float32')).graph)
    src = str(CudaKernelSource(compiled.forward_plan.kernels[0].op))
    assert '((float)0.5)' in src and 'double' not in src


def test_dump_dir_writes_every_pass(tmp_path, monkeypatch):
    monkeypatch.setenv('CHAINFUSE_DUMP_DIR', str(tmp_path))

    def f(x):
        return R.sum(E.tanh(x) * 2.0)
    compile_training(trace(f, numpy.ones((2, 3), 'float32')).graph)
    names = sorted(p.name for p in tmp_path.iterdir())
    for stage in ('forward-traced', 'forward-dce', 'joint-autodiff', 'forward-partition',
                  'backward-partition', 'forward-fuse', 'backward-fuse'):
        assert any(stage in n and n.endswith('.txt') for n in names), stage
        assert any(stage in n and n.endswith('.dot') for n in names), stage
    assert names[0].startswith('00-')


def test_plan_reports_peak_bytes_and_reuses_buffers():
    def f(x):
        h = x
        for _ in range(4):
            h = E.tanh(h)
            h = R.sum(h, axis=(1,), keepdims=True) * h   # reductions split the groups
        return R.sum(h)
    x = numpy.ones((64, 64), 'float32')
    compiled = compile_training(trace(f, x).graph)
    plan = compiled.forward_plan
    assert plan.peak_bytes > 0 and 'peak' in str(plan)
    assert plan.buffer_bytes <= plan.peak_bytes


def test_kernels_divide_by_zero_as_numpy_does():
    def f(x, y):
        return E.div(x, y) * 2.0 + E.log(y)
    x = numpy.ones(4, 'float32')
    y = numpy.array([0.0, 1.0, -0.0, 2.0], 'float32')
    with numpy.errstate(divide='ignore', invalid='ignore'):
        compiled = compile_training(trace(f, x, y).graph, backend='numba')
        want = (x / y) * 2.0 + numpy.log(y)
        got = compiled.forward_plan(x, y)[0]
    assert compiled.forward_plan.kernels[0].fn is not None
    numpy.testing.assert_array_equal(got, want)


def _stdout_words(code):
    """What a fresh interpreter running `code` prints, split into words."""
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          check=True).stdout.split()


def test_numba_linear_algebra_still_works_after_kernels_start_numba():
    pytest.importorskip('scipy')
    code = ('import numpy, numba\n'
            'from chainfuse.compiler.codegen import cpu\n'
            'cpu._start_numba()\n'
            'dot = numba.njit(lambda a, b: numpy.dot(a, b))\n'
            'import numba.np.arraymath as m\n'
            'print(dot(numpy.ones((3, 3)), numpy.ones((3, 3))).sum(), m._HAVE_BLAS)\n')
    out = _stdout_words(code)
    assert out == ['27.0', 'True']


def test_numba_cffi_support_still_works_after_kernels_start_numba():
    # _start_numba defers Numba's cffi.FFI() (pycparser, 0.1 s) to its first use
    pytest.importorskip('cffi')
    code = ('import ctypes.util, sys, numba\n'
            'from chainfuse.compiler.codegen import cpu\n'
            'cpu._start_numba()\n'
            'from numba.core.typing import cffi_utils\n'
            'print(type(cffi_utils.ffi).__name__, "pycparser" in sys.modules)\n'
            'import cffi\n'
            'ffi = cffi.FFI()\n'
            'ffi.cdef("double sqrt(double x);")\n'
            'root = ffi.dlopen(ctypes.util.find_library("m")).sqrt\n'
            'print(numba.njit(lambda x: root(x))(6.25))\n')
    out = _stdout_words(code)
    assert out == ['_LazyFFI', 'False', '2.5']


@pytest.mark.parametrize('op', [E.floor, E.ceil, E.sign, E.maximum])
def test_numba_kernels_keep_nan_and_infinities_as_numpy(op):
    # math.floor/ceil in Numba return int64 (NaN -> -2**63); sign(NaN) is NaN
    x = numpy.array([numpy.nan, numpy.inf, -numpy.inf, -0.0, 1.5, -1.5], 'float32')
    args = [x, x[::-1].copy()] if op is E.maximum else [x]
    compiled = compile_training(trace(lambda *a: op(*a) * 1.0, *args).graph,
                                backend='numba')
    assert compiled.forward_plan.kernels[0].fn is not None
    numpy.testing.assert_array_equal(compiled.forward_plan(*args)[0], op.impl(numpy, *args))


def test_kernels_view_arguments_at_their_rank_and_check_the_size():
    # _c_view (not Numba's reshape, whose strides LLVM cannot see): broadcast and
    # collapsed arguments; a wrong-sized argument is an error, never a read past its end
    def f(x, b, s):
        return E.tanh(x + b) * s
    x = numpy.linspace(-3, 3, 24, dtype='float32').reshape(2, 3, 4)
    b = numpy.linspace(0, 1, 4, dtype='float32')
    s = numpy.array(2.0, 'float32')
    compiled = compile_training(trace(f, x, b, s).graph, backend='numba')
    kernel, = compiled.forward_plan.kernels
    body = kernel.source[kernel.source.index('@numba.njit(cache=True'):]
    assert '_c_view(in1, (1, n1))' in body and '.reshape(' not in body
    numpy.testing.assert_array_equal(compiled.forward_plan(x, b, s)[0], f(x, b, s).array)
    with pytest.raises(ValueError, match='wrong size'):
        kernel.fn(x, numpy.ones(5, 'float32'), s, numpy.empty_like(x))
