"""The CUDA source of fused kernels, compiled for the host and run on numpy data, agrees
with the Numba kernel and the numpy backend (`chainfuse.compiler.codegen.cuda_host`
emulates what ``cupy.ElementwiseKernel`` wraps around the generated ``operation``; its
docstring says what is emulated and what is not).

The kernels checked, all compiled into one shared library per session:

- the zoo (tests/zoo), trained for a few steps as a whole compiled step (Adam;
  MomentumSGD with WeightDecay) and as a compiled module: every kernel the Numba backend
  builds is run on the arrays the plan gave it, with the memory plan's in-place outputs
  aliased to their inputs, as the CUDA backend will pass them;
- every elementwise row of the op table (tests/ops) as a one-op kernel, in each of its
  dtypes (float16, float32, float64; the int and bool rows in theirs), also with NaN,
  infinities and signed zeros in the inputs -- compared with numpy only (the Numba
  one-op kernels are compared with eager ones by test_op_table_compiled);
- groups written here for what the zoo lacks: broadcasting of every kind (0-d, rows,
  columns, outer products, dimensions CuPy merges and ones it cannot), non-contiguous
  inputs, several outputs, in-place outputs, integer and bool arithmetic, casts.

Float32 and float16 kernels must not compute in double: the build fails on any implicit
float-to-double promotion or double-to-float narrowing (-Werror), which a tolerance
could not see.  Without nvcc the check runs with g++ (CUDA's math names mapped to the
C++ library's overloads); it is skipped only where neither is installed.
"""
import pathlib
import shutil

import numpy
import pytest

import chainfuse as chainer
import chainfuse.links as L
from chainfuse import optimizer_hooks, optimizers
from chainfuse.compiler import FusedOp
from chainfuse.compiler.backends import BACKENDS
from chainfuse.compiler.codegen.cpu import CpuKernel, window_slices
from chainfuse.compiler.codegen.cuda import CudaCompileError, CudaKernelSource
from chainfuse.compiler.codegen.cuda_host import (
    HostKernel, build_library, c_contiguous, host_compiler, reduce_dims)
from chainfuse.ops import ELEMENTWISE
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import Aval
from chainfuse.testing.collect import load_tables
from chainfuse.testing.runner import make_inputs
from tests.zoo.models import ZOO, inputs_for

ROOT = pathlib.Path(__file__).resolve().parents[1]
COMPILER = host_compiler()
pytestmark = pytest.mark.skipif(
    COMPILER is None, reason='neither nvcc nor g++ is on PATH: the host build of the '
                             'generated CUDA kernels needs one of them')
# (rtol, atol): the host's math library against numpy's and Numba's, a few ulp per op
TOL = {'float16': (2e-3, 2e-3), 'float32': (1e-5, 1e-5), 'float64': (1e-12, 1e-10)}


class Check:
    """One kernel on one set of arrays: the host-compiled CUDA, and what to compare it
    with (`expected` from Numba, or None; numpy's is computed from the inputs)."""

    def __init__(self, label, op, inputs, inplace=None, expected=None):
        self.label, self.op = label, op
        self.inputs = [numpy.array(a, copy=True) for a in inputs]
        self.expected = expected
        inplace = dict(inplace or {})
        self.work = [numpy.array(a, copy=True) for a in self.inputs]
        outputs = [self.work[inplace[k]] if k in inplace else numpy.empty(a.shape, a.dtype)
                   for k, a in enumerate(op.out_avals)]
        self.kernel = HostKernel(CudaKernelSource(op), self.work, outputs)

    def numpy(self):
        with numpy.errstate(all='ignore'):
            res = self.op.impl(numpy, *self.inputs)
        return res if isinstance(res, tuple) else (res,)


def assert_same(got, want, label):
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = numpy.asarray(g), numpy.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, \
            f'{label}: output {k} is {g.dtype}{g.shape}, expected {w.dtype}{w.shape}'
        if g.dtype.kind == 'f':
            rtol, atol = TOL[g.dtype.name]
            numpy.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True,
                                          err_msg=f'{label}: output {k}')
        else:
            numpy.testing.assert_array_equal(g, w, err_msg=f'{label}: output {k}')


# ---- the kernels ----

def _recording(build, calls):
    """Wraps a backend's build_kernel so each kernel's first call is recorded: copies of
    its inputs (a window input as the piece it reads), its in-place map and what the
    Numba kernel wrote."""
    def build_kernel(op, inplace, beside_blas, windows=()):
        kernel = build(op, inplace, beside_blas, windows=windows)
        fn, n_in = kernel.fn, len(op.in_avals)
        if fn is None:
            return kernel

        def run(*arrays):
            offsets = arrays[len(arrays) - len(windows):]
            ins = [numpy.array(a, copy=True)
                   for a in window_slices(op, arrays[:n_in], windows, offsets)]
            fn(*arrays)
            rest = iter(arrays[n_in:])
            outs = [arrays[kernel.inplace[k]] if k in kernel.inplace else next(rest)
                    for k in range(op.n_outputs)]
            key = (op.name, tuple(sorted(kernel.inplace.items())))
            calls.setdefault(key, (op, ins, dict(kernel.inplace),
                                   [numpy.array(o, copy=True) for o in outs]))
        kernel.fn = run
        return kernel
    return build_kernel


def _train_zoo(steps=2):
    calls = {}
    numba = BACKENDS['numba']
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv('CHAINFUSE_BACKEND', raising=False)     # the Numba kernels are compared
        mp.setattr(numba, 'build_kernel', _recording(numba.build_kernel, calls))
        for name in ZOO:
            if name == 'DataDependentIf':        # falls back to eager: no kernels
                continue
            for mode in ('adam', 'momentum', 'module'):
                chainer.set_random_seed(0)
                model = L.Classifier(ZOO[name]())
                opt = optimizers.Adam() if mode == 'adam' else optimizers.MomentumSGD(lr=0.01)
                opt.setup(model)
                if mode == 'momentum':
                    opt.add_hook(optimizer_hooks.WeightDecay(1e-4))
                if mode == 'module':
                    chainer.compile(model)
                    step = (lambda x, t, opt=opt, m=model: opt.update(m, x, t))
                else:
                    step = chainer.compile_step(opt)
                x, t = inputs_for(name)
                for _ in range(steps):
                    step(x, t)
    return [Check(f'zoo {op.name}', op, ins, inplace, outs)
            for op, ins, inplace, outs in calls.values()]


def one_op(op, arrays, attrs=None):
    """A FusedOp of the single elementwise `op` applied to `arrays`."""
    attrs = dict(attrs or {})
    in_avals = [Aval(a.shape, a.dtype) for a in arrays]
    out = op.infer(*in_avals, **attrs)
    return FusedOp([(op, [('in', i) for i in range(len(arrays))], attrs, 0)], in_avals,
                   [('t', 0)], [out], out.shape)


def _op_rows():
    """(label, op, inputs, attrs) per elementwise row of the op table and dtype."""
    rows, seen = [], set()
    for stem, case in load_tables(ROOT / 'ops').cases:
        if not case.is_op or case.op.kind != ELEMENTWISE:
            continue
        for dtype in case.dtypes:
            arrays = make_inputs(case, dtype)
            key = (case.name, tuple(a.dtype.name for a in arrays))
            if key not in seen:
                seen.add(key)
                rows.append((f'{case.name}[{dtype.name}]', case.op, arrays, case.attrs))
    return rows


def _with_specials(arrays, rng):
    """Copies of the float arrays with NaN, +-inf and +-0 at random places."""
    out = []
    for a in arrays:
        a = numpy.array(a, copy=True)
        if a.dtype.kind == 'f' and a.size:
            flat = a.reshape(-1)
            picks = rng.choice(a.size, size=min(a.size, 5), replace=False)
            flat[picks] = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 0.0, -0.0])[
                :len(picks)]
        out.append(a)
    return out


def _specials_rows():
    """The float rows again, float32 and float64, with special values.  Casts of NaN and
    infinities to integers are left out: C++ leaves them undefined (x86 gives INT_MIN,
    the GPU 0), and numpy warns."""
    rng = numpy.random.default_rng(7)
    rows = []
    for label, op, arrays, attrs in _op_rows():
        if any(a.dtype.kind == 'f' for a in arrays) and \
                arrays[0].dtype.name in ('float32', 'float64') and \
                not (op.name == 'astype' and numpy.dtype(attrs['dtype']).kind != 'f'):
            rows.append((label + ' specials', op, _with_specials(arrays, rng), attrs))
    return rows


def _group(label, inputs, build, inplace=None):
    """A FusedOp written here: `build(*ins)` returns the body as a list of
    (op, [ref...], attrs) and the temporaries that are outputs."""
    body, out_tmps = build(*[('in', i) for i in range(len(inputs))])
    in_avals = [Aval(a.shape, a.dtype) for a in inputs]
    avals, rows = {}, []
    for j, (op, refs, attrs) in enumerate(body):
        args = [in_avals[i] if k == 'in' else avals[i] for k, i in refs]
        avals[j] = op.infer(*args, **attrs)
        rows.append((op, refs, attrs, j))
    out_avals = [avals[j] for j in out_tmps]
    shape = numpy.broadcast_shapes(*[a.shape for a in out_avals])
    op = FusedOp(rows, in_avals, [('t', j) for j in out_tmps], out_avals, shape)
    return label, op, inputs, inplace


def _t(j):
    return ('t', j)


def _hand_made():
    rng = numpy.random.default_rng(3)

    def f32(*shape):
        return numpy.asarray(rng.uniform(-2, 2, shape), numpy.float32)

    def f64(*shape):
        return numpy.asarray(rng.uniform(-2, 2, shape))

    def i32(*shape, low=-50, high=50, dtype=numpy.int32):
        return rng.integers(low, high, shape).astype(dtype)

    def affine_relu(x, w, b, zero):  # y = max(x * w + b, 0), 0 broadcast from a 0-d input
        return [(E.mul, [x, w], {}), (E.add, [_t(0), b], {}),
                (E.maximum, [_t(1), zero], {})], [2]

    def several(a, b):               # three outputs of two dtypes
        return [(E.mul, [a, b], {}), (E.exp, [a], {}), (E.greater, [a, b], {}),
                (E.where, [_t(2), _t(0), _t(1)], {})], [0, 2, 3]

    def int_math(a, b):
        return [(E.add, [a, b], {}), (E.mul, [_t(0), b], {}), (E.less, [_t(1), a], {}),
                (E.where, [_t(2), _t(0), _t(1)], {}), (E.sub, [_t(3), a], {})], [3, 4]

    def casts(a, b, n):              # float32 -> float64 and back, and int -> float
        return [(E.astype, [a], dict(dtype=numpy.dtype('float64'))),
                (E.mul, [_t(0), b], {}),
                (E.astype, [_t(1)], dict(dtype=numpy.dtype('float32'))),
                (E.astype, [n], dict(dtype=numpy.dtype('float32'))),
                (E.add, [_t(2), _t(3)], {}),
                (E.astype, [_t(4)], dict(dtype=numpy.dtype('int32')))], [4, 5]

    def bools(c, a, b):
        return [(E.logical_not, [c], {}), (E.where, [_t(0), a, b], {}),
                (E.astype, [c], dict(dtype=numpy.dtype('float32'))),
                (E.mul, [_t(1), _t(2)], {}), (E.equal, [_t(0), c], {})], [3, 4]

    def small_ints(a, b, c, d):      # int16, uint16, uint32, uint8 in, float32 and int16 out
        to_f32 = dict(dtype=numpy.dtype('float32'))
        return [(E.astype, [a], to_f32), (E.astype, [b], to_f32), (E.add, [_t(0), _t(1)], {}),
                (E.astype, [c], to_f32), (E.add, [_t(2), _t(3)], {}),
                (E.astype, [d], to_f32), (E.mul, [_t(4), _t(5)], {}),
                (E.astype, [_t(6)], dict(dtype=numpy.dtype('int16')))], [6, 7]

    def update(p, g, m, mu):         # a momentum update written over p and m
        return [(E.mul, [m, mu], {}), (E.sub, [_t(0), g], {}),
                (E.add, [p, _t(1)], {})], [2, 1]

    zero = numpy.zeros((), numpy.float32)
    return [
        _group('bcast 3-d (CuPy merges dims)', [f32(2, 3, 4), f32(3, 1), f32(4), zero],
               affine_relu),
        _group('bcast 4-d pow2', [f32(2, 4, 8, 2), f32(8, 1), f32(4, 1, 1), zero],
               affine_relu),
        _group('bcast outer 2-d', [f32(5, 1), f32(1, 7), f32(7), zero], affine_relu),
        _group('bcast 0-d inputs', [f32(3, 5), f32(), f32(), zero], affine_relu),
        _group('all 0-d', [f32(), f32(), f32(), zero], affine_relu),
        _group('transposed input', [f32(6, 5).T, f32(5, 6)[::1], f32(6), zero],
               affine_relu),
        _group('several outputs', [f32(4, 6), f32(6)], several),
        _group('several outputs f64', [f64(3, 1, 4), f64(5, 1)], several),
        _group('int32 math', [i32(4, 5), i32(5)], int_math),
        _group('int64 math', [i32(3, 4, dtype=numpy.int64), i32(3, 1, dtype=numpy.int64)],
               int_math),
        _group('int8 wraps', [i32(4, 4, low=60, high=120, dtype=numpy.int8),
                              i32(4, 4, low=60, high=120, dtype=numpy.int8)], int_math),
        _group('casts', [f32(3, 4), f64(4), i32(3, 1)], casts),
        _group('bools', [rng.random((3, 4)) < 0.5, f32(3, 4), f32(4)], bools),
        _group('small ints', [i32(3, 4, dtype=numpy.int16), i32(4, low=0, dtype=numpy.uint16),
                              i32(3, 1, low=0, dtype=numpy.uint32),
                              i32(3, 4, low=0, high=9, dtype=numpy.uint8)], small_ints),
        _group('in-place update', [f32(5, 6), f32(5, 6), f32(5, 6),
                                   numpy.float32(0.9) * numpy.ones((), numpy.float32)],
               update, inplace={0: 0, 1: 2}),
    ]


@pytest.fixture(scope='module')
def checks():
    """Every check, built into one library and run; returns {category: [Check]}."""
    groups = {
        'zoo': _train_zoo(),
        'ops': [Check(label, one_op(op, arrays, attrs), arrays)
                for label, op, arrays, attrs in _op_rows()],
        'specials': [Check(label, one_op(op, arrays, attrs), arrays)
                     for label, op, arrays, attrs in _specials_rows()],
        'hand': [Check(label, op, ins, inplace) for label, op, ins, inplace in _hand_made()],
    }
    every = [c for group in groups.values() for c in group]
    library = build_library([c.kernel for c in every])
    for c in every:
        c.kernel.run(library)
    return groups


# ---- the checks ----

def test_every_zoo_kernel_equals_numba_and_numpy(checks):
    zoo = checks['zoo']
    assert len(zoo) > 40
    assert any(c.kernel.source.op.n_outputs > 1 for c in zoo)
    assert sum(1 for c in zoo if any(o is i for o in c.kernel.outputs
                                     for i in c.work)) > 10      # in-place outputs
    for c in zoo:
        assert_same(c.kernel.outputs, c.expected, c.label + ' vs Numba')
        assert_same(c.kernel.outputs, c.numpy(), c.label + ' vs numpy')


def test_every_elementwise_op_in_every_dtype_equals_numpy(checks):
    ops = checks['ops']
    dtypes = {a.dtype.name for c in ops for a in c.inputs}
    assert {'float16', 'float32', 'float64', 'int32', 'bool'} <= dtypes
    for c in ops:
        assert_same(c.kernel.outputs, c.numpy(), c.label)


def test_nan_infinities_and_signed_zeros_as_numpy(checks):
    for c in checks['specials']:
        assert_same(c.kernel.outputs, c.numpy(), c.label)


def test_broadcasting_several_outputs_in_place_ints_and_casts(checks):
    for c in checks['hand']:
        assert_same(c.kernel.outputs, c.numpy(), c.label + ' vs numpy')
        if any(a.dtype == numpy.float16 for a in c.inputs):
            continue
        numba = CpuKernel(c.op).compile()
        assert numba.fn is not None, numba.fallback_reason
        assert_same(c.kernel.outputs, numba(*c.inputs), c.label + ' vs Numba')


def test_launch_is_reduced_as_cupy_reduces_it():
    f4 = numpy.dtype(numpy.float32).itemsize
    dense = ((80, 20, 4), 4, True)
    # all C-contiguous: one dimension
    assert reduce_dims((4, 5, 4), [dense, dense]) == ((80,), [(4,), (4,)])
    # a 2-d launch with a broadcast input is left alone
    row = ((0, 4), 4, False)
    assert reduce_dims((3, 4), [row, ((16, 4), 4, True)]) == ((3, 4), [(0, 4), (16, 4)])
    # 3-d, a bias (4,): its first two dims chain (stride 0 twice) and merge; the
    # contiguous output is taken to chain everywhere
    bias = ((0, 0, 4), 4, False)
    assert reduce_dims((2, 3, 4), [bias, ((48, 16, 4), 4, True)]) == \
        ((6, 4), [(0, 4), (16, 4)])
    col = ((0, 4, 0), 4, False)   # (3, 1) broadcast to (2, 3, 4)
    assert reduce_dims((2, 3, 4), [col]) == ((2, 3, 4), [(0, 4, 0)])
    merge = ((0, 16, 4), 4, False)  # (3, 4) broadcast to (2, 3, 4): dims 1-2 merge
    assert reduce_dims((2, 3, 4), [merge]) == ((2, 12), [(0, 4)])
    assert c_contiguous((3, 4), (16, 4), f4) and not c_contiguous((3, 4), (0, 4), f4)
    assert c_contiguous((1, 4), (0, 4), f4)      # a size-1 dimension does not count


def _float32_source(operation, x):
    op = one_op(E.exp, [x])
    source = CudaKernelSource(op)
    source.operation = operation
    return source


@pytest.mark.parametrize('operation,message', [
    ('const float t0 = (in0 * 0.5);\nout0 = t0;', 'double-promotion'),
    ('const float t0 = exp((double)in0);\nout0 = t0;', 'float-conversion'),
])
def test_float32_arithmetic_in_double_fails_the_build(operation, message):
    x = numpy.ones(3, numpy.float32)
    kernel = HostKernel(_float32_source(operation, x), [x], [numpy.empty_like(x)])
    with pytest.raises(CudaCompileError, match=message):
        build_library([kernel])


def test_a_wrong_result_is_seen():
    # the comparison is not vacuous: a kernel that adds 1 differs from exp
    x = numpy.linspace(-1, 1, 7, dtype=numpy.float32)
    out = numpy.empty_like(x)
    kernel = HostKernel(_float32_source('const float t0 = exp(in0) + ((float)1);\n'
                                        'out0 = t0;', x), [x], [out])
    kernel.run(build_library([kernel]))
    with pytest.raises(AssertionError):
        assert_same([out], [numpy.exp(x)], 'exp + 1')


@pytest.mark.skipif(shutil.which('g++') is None, reason='g++ is not installed')
def test_the_g_plus_plus_fallback_agrees():
    rows = [row for row in _op_rows() if row[0].endswith('[float32]')]
    checks = [Check(label, one_op(op, arrays, attrs), arrays)
              for label, op, arrays, attrs in rows]
    library = build_library([c.kernel for c in checks], ('g++', shutil.which('g++')))
    for c in checks:
        c.kernel.run(library)
        assert_same(c.kernel.outputs, c.numpy(), c.label + ' (g++)')


def test_a_kernel_is_refused_arrays_it_was_not_made_for():
    op = one_op(E.add, [numpy.ones((3, 4), numpy.float32), numpy.ones(4, numpy.float32)])
    good = [numpy.ones((3, 4), numpy.float32), numpy.ones(4, numpy.float32)]
    with pytest.raises(TypeError, match='input 1 must be a numpy float32'):
        HostKernel(op, [good[0], good[1].astype(numpy.float64)], [numpy.empty((3, 4))])
    with pytest.raises(ValueError, match=r'output 0 has shape \(4,\)'):
        HostKernel(op, good, [numpy.empty(4, numpy.float32)])


def test_the_library_cache_is_the_users_and_a_corrupt_library_is_built_again(
        tmp_path, monkeypatch):
    """Libraries are loaded into the process, so they live under the user's cache
    directory (not a shared /tmp) and are loaded only when their checksum matches."""
    from chainfuse.compiler.codegen import cuda_host
    monkeypatch.setenv('CHAINFUSE_CACHE_DIR', str(tmp_path))
    monkeypatch.setattr(cuda_host, '_libraries', {})
    x = numpy.linspace(-1, 1, 7, dtype=numpy.float32)
    out = numpy.empty_like(x)
    kernel = HostKernel(_float32_source('const float t0 = exp(in0);\nout0 = t0;', x),
                        [x], [out])
    build_library([kernel])
    [path] = (tmp_path / 'cuda-host').glob('*.so')
    good = path.read_bytes()
    assert (tmp_path / 'cuda-host' / (path.name + '.sha256')).exists()
    corrupt = good[:len(good) // 2] + b'\0' * (len(good) - len(good) // 2)
    (tmp_path / 'corrupt.so').write_bytes(corrupt)       # a new file: the loaded one is
    (tmp_path / 'corrupt.so').replace(path)              # mapped, and must stay intact
    assert not cuda_host._sound(str(path))
    monkeypatch.setattr(cuda_host, '_libraries', {})     # as a new process
    kernel.run(build_library([kernel]))                  # rebuilt: loading it would crash
    assert path.read_bytes() != corrupt and cuda_host._sound(str(path))
    assert_same([out], [numpy.exp(x)], 'exp after a rebuild')
