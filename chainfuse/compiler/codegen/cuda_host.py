"""The CUDA source of fused kernels, compiled for the host and run on numpy arrays.

This is how the generated ``cupy.ElementwiseKernel`` code is checked where there is no
GPU: every kernel's ``operation`` is wrapped the way CuPy wraps it, compiled for the CPU
(``nvcc``, or ``g++`` when nvcc is missing) into one shared library, and called through
`ctypes` on numpy data; the tests compare the results with the Numba kernel and the
numpy backend.

What CuPy does with an ``ElementwiseKernel(in_params, out_params, operation, name)`` at
a call (``cupy/_core/_kernel.pyx``), and what is emulated here:

1. it broadcasts every non-raw array argument, inputs and outputs, to one shape (a
   broadcast dimension gets stride 0) -- emulated with the same rule
   (`numpy.broadcast_to`);
2. it merges dimensions that every array walks alike (``_reduce_dims``: all arrays
   C-contiguous -> one dimension; otherwise adjacent dimensions whose strides chain,
   except that a 2-d launch with a non-contiguous array is left as it is) -- emulated
   step by step by `reduce_dims`;
3. it generates, for the dtypes and layouts of that call::

       extern "C" __global__ void NAME(const CArray<float, 2, 0, 1> _raw_in0,
                                       CArray<float, 2, 1, 1> _raw_out0,
                                       CIndexer<2, 1> _ind) {
         #pragma unroll 1
         CUPY_FOR(i, _ind.size()) {
           _ind.set(i);
           const float &in0 = _raw_in0[_ind.get()];
           float &out0 = _raw_out0[_ind.get()];
           OPERATION;
         }
       }

   (``CArray<T, ndim, c_contiguous, 32-bit indexing>``; each argument is indexed with the
   indexer's multi-index and its own byte strides), after CuPy's headers
   (``cupy/carray.cuh``, ``cupy/float16.cuh`` when a float16 is involved) -- emulated:
   the same kernel text, with the parameter types computed the same way, over
   `HEADER`, our re-implementation of ``CArray``, ``CIndexer`` and ``float16`` as
   ``__host__ __device__`` classes.  The loop is a ``__host__ __device__`` function that
   the ``__global__`` kernel calls with the thread's start and stride, and that a host
   entry point (``NAME_host``) calls with 0 and 1.

Inputs and outputs are references into the arrays, so an output that is the same array
as an input (an in-place output of the memory plan) aliases it, as on the device (an
``ElementwiseKernel`` does not copy such inputs, unlike a ufunc).

Not emulated: CUDA's device math library (the host build calls the host C library's
``expf``, ``tanhf``..., which differ from CUDA's in the last bit or two, hence the
tests' tolerances); CuPy's ``-ftz=true`` (denormals flushed to zero on the device) and
nvcc's default contraction of ``a * b + c`` into one FMA on the device; the
parallel order of the threads (the host runs the indices in order, which is the same
result for elementwise code).  The overload resolution of the math functions is the
device's: nvcc's host side sees CUDA's ``__host__ __device__`` overloads (``exp(float)``
is float), and the g++ fallback brings the same ``std::`` overloads in scope.  The
build turns ``-Wdouble-promotion`` and ``-Wfloat-conversion`` into errors, so float32
arithmetic that is silently done in double (an untyped ``0.5``, a double-only math
call) fails the build rather than passing a tolerance.

Libraries are cached by the hash of their source and compiler command under the
user's cache directory (``CHAINFUSE_CACHE_DIR`` or ``~/.cache/chainfuse``, then
``cuda-host``), not a shared temporary directory: a library found there is loaded into
the process, so another user must not be able to place one.  Each library has a
``.sha256`` record written after it; one that does not match (or has no record) is
built again rather than loaded.
"""
import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

import numpy

from chainfuse.compiler.codegen.cuda import CudaCompileError, CudaKernelSource
from chainfuse.compiler.codegen.expr import CUDA_TYPES
from chainfuse.ops.elementwise import CALLS
from chainfuse.compiler.codegen import kernel_cache
from chainfuse.utils import atomic_path, atomic_write

HEADER = r'''// chainfuse: the parts of CuPy's kernel headers an ElementwiseKernel uses, written as
// __host__ __device__ code so one body compiles for the device and for the host.
#include <cstddef>
#ifdef __CUDACC__
#include <cuda_fp16.h>
typedef __half cf_half;
#else
// g++: no CUDA headers; spell the CUDA math API with the C++ library's overloads
#include <cmath>
#define __host__
#define __device__
#define __forceinline__ inline
@STD_MATH@
inline float max(float a, float b) { return std::fmax(a, b); }
inline double max(double a, double b) { return std::fmax(a, b); }
inline float min(float a, float b) { return std::fmin(a, b); }
inline double min(double a, double b) { return std::fmin(a, b); }
inline int max(int a, int b) { return a > b ? a : b; }
inline int min(int a, int b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
typedef _Float16 cf_half;
#endif

template <bool B, class T, class F> struct cf_conditional { typedef T type; };
template <class T, class F> struct cf_conditional<false, T, F> { typedef F type; };

// cupy/float16.cuh: a half-precision value that computes as float
class float16 {
 public:
  __host__ __device__ float16() {}
  __host__ __device__ float16(float v) : data_(static_cast<cf_half>(v)) {}
  explicit __host__ __device__ float16(double v) : data_(static_cast<cf_half>(v)) {}
  explicit __host__ __device__ float16(bool v) : data_(_half(v)) {}
  explicit __host__ __device__ float16(int v) : data_(_half(v)) {}
  explicit __host__ __device__ float16(unsigned int v) : data_(_half(v)) {}
  explicit __host__ __device__ float16(long long v) : data_(_half(v)) {}
  explicit __host__ __device__ float16(unsigned long long v) : data_(_half(v)) {}
  __host__ __device__ operator float() const { return static_cast<float>(data_); }
 private:
  template <typename I> static __host__ __device__ cf_half _half(I v) {
    return static_cast<cf_half>(static_cast<float>(v));
  }
  cf_half data_;
};
__host__ __device__ inline float16 min(float16 x, float16 y) {
  return float16(min(float(x), float(y)));
}
__host__ __device__ inline float16 max(float16 x, float16 y) {
  return float16(max(float(x), float(y)));
}

// cupy/carray.cuh: an array argument, indexed by a multi-index and byte strides
template <typename T, int _ndim, bool _c_contiguous = false,
          bool _use_32bit_indexing = false>
class CArray {
 public:
  static const int ndim = _ndim;
  typedef typename cf_conditional<_use_32bit_indexing, int, ptrdiff_t>::type index_t;
  __host__ __device__ CArray(T* data, const ptrdiff_t* shape, const ptrdiff_t* strides)
      : data_(data), size_(1) {
    for (int i = 0; i < _ndim; i++) {
      size_ *= shape[i];
      shape_[i] = shape[i];
      strides_[i] = strides[i];
    }
  }
  template <typename Int>
  __host__ __device__ T& operator[](const Int (&idx)[_ndim]) {
    return const_cast<T&>(const_cast<const CArray&>(*this)[idx]);
  }
  template <typename Int>
  __host__ __device__ const T& operator[](const Int (&idx)[_ndim]) const {
    index_t diff = 0;
    for (int dim = 0; dim < _ndim; ++dim) {
      diff += static_cast<index_t>(strides_[dim]) * static_cast<index_t>(idx[dim]);
    }
    return *reinterpret_cast<const T*>(reinterpret_cast<const char*>(data_) + diff);
  }
 private:
  T* data_;
  ptrdiff_t size_;
  ptrdiff_t shape_[_ndim];
  ptrdiff_t strides_[_ndim];
};

template <typename T, bool _use_32bit_indexing>
class CArray<T, 0, true, _use_32bit_indexing> {
 public:
  __host__ __device__ CArray(T* data, const ptrdiff_t*, const ptrdiff_t*) : data_(data) {}
  template <typename U> __host__ __device__ T& operator[](const U&) { return *data_; }
  template <typename U> __host__ __device__ T operator[](const U&) const { return *data_; }
 private:
  T* data_;
};

// the launch's index space; set(i) turns the flat index into a multi-index
template <int _ndim, bool _use_32bit_indexing = false>
class CIndexer {
 public:
  static const int ndim = _ndim;
  typedef ptrdiff_t index_t[_ndim];
  __host__ __device__ explicit CIndexer(const ptrdiff_t* shape) : size_(1) {
    for (int i = 0; i < _ndim; i++) {
      size_ *= shape[i];
      shape_[i] = shape[i];
      index_[i] = 0;
    }
  }
  __host__ __device__ ptrdiff_t size() const { return size_; }
  __host__ __device__ const index_t& get() const { return index_; }
  __host__ __device__ void set(ptrdiff_t i) {
    if (ndim == 1) {
      index_[0] = i;
    } else if (!_use_32bit_indexing && size_ > 1LL << 31) {
      _set(static_cast<unsigned long long>(i));
    } else {
      _set(static_cast<unsigned int>(i));
    }
  }
 private:
  template <typename I> __host__ __device__ void _set(I i) {
    for (int dim = ndim; --dim > 0; ) {
      I s = static_cast<I>(shape_[dim]);
      if (s & (s - 1)) {
        I t = i / s;
        index_[dim] = i - t * s;
        i = t;
      } else {
        index_[dim] = i & (s - 1);
        i >>= _log2(s);
      }
    }
    index_[0] = i;
  }
  static __host__ __device__ unsigned int _log2(unsigned int x) {
#ifdef __CUDA_ARCH__
    return __popc(x - 1);
#else
    return __builtin_popcount(x - 1);
#endif
  }
  static __host__ __device__ unsigned int _log2(unsigned long long x) {
#ifdef __CUDA_ARCH__
    return __popcll(x - 1);
#else
    return __builtin_popcountll(x - 1);
#endif
  }
  ptrdiff_t size_;
  ptrdiff_t shape_[_ndim];
  ptrdiff_t index_[_ndim];
};

template <bool _use_32bit_indexing>
class CIndexer<0, _use_32bit_indexing> {
 public:
  static const int ndim = 0;
  __host__ __device__ explicit CIndexer(const ptrdiff_t*) {}
  __host__ __device__ ptrdiff_t size() const { return 1; }
  __host__ __device__ void set(ptrdiff_t) {}
  __host__ __device__ const ptrdiff_t* get() const { return NULL; }
};
'''


def _std_math():
    """``using std::exp; ...`` for every math function the CUDA spellings call (the ops'
    table, `chainfuse.ops.elementwise.CALLS`), so g++ finds the C++ overloads."""
    names = sorted({m.group(1) for spell in CALLS.values()
                    for m in [re.match(r'([a-z][a-z0-9]*)\(', spell['cuda'])]
                    if m and m.group(1) not in ('max', 'min')})
    return '\n'.join(f'using std::{name};' for name in names)


HEADER = HEADER.replace('@STD_MATH@', _std_math())

WARNINGS_AS_ERRORS = ('-Werror=double-promotion', '-Werror=float-conversion')
_NVCC_ARCH = 'sm_90'
_CTYPE = CUDA_TYPES           # numpy dtype name -> the C++ type CuPy declares it as


# ---- what CuPy does to the arrays before the launch ----

def c_contiguous(shape, strides, itemsize):
    """CuPy's C-contiguity of a layout (``internal.get_c_contiguity``): size-1
    dimensions do not count; a broadcast dimension (stride 0, size > 1) breaks it."""
    if not strides or (len(strides) == 1 and strides[0] == itemsize):
        return True
    prev, breaks, stride = -1, 0, 0
    for i, n in enumerate(shape):
        if n == 0:
            return True
        if n == 1:
            continue
        stride = strides[i]
        if prev == -1 or strides[prev] != n * stride:
            breaks += 1
        prev = i
    return breaks == 0 or (breaks == 1 and stride == itemsize)


def reduce_dims(shape, layouts):
    """CuPy's ``_reduced_view_core``: the launch shape and each array's strides after
    merging the dimensions all arrays walk alike.  `layouts` is a list of
    ``(strides, itemsize, c_contiguous)`` over `shape`; returns ``(shape, strides)``."""
    shape = tuple(shape)
    strides = [tuple(s) for s, _, _ in layouts]
    if len(shape) <= 1:
        return shape, strides
    loose = [k for k, (_, _, contiguous) in enumerate(layouts) if not contiguous]
    if not loose:
        size = int(numpy.prod(shape))
        return (size,), [(itemsize,) for _, itemsize, _ in layouts]
    if len(shape) == 2:
        return shape, strides
    merged, axes, last = list(shape), [], -1
    for ax in range(len(shape)):
        if merged[ax] == 1:
            continue
        if last < 0:
            last = ax
            continue
        if any(strides[k][ax] * merged[ax] != strides[k][last] for k in loose):
            axes.append(last)
        else:
            merged[ax] *= merged[last]
        last = ax
    if last >= 0:
        axes.append(last)
    if len(axes) == len(shape):
        return shape, strides
    return (tuple(merged[ax] for ax in axes),
            [tuple(s[ax] for ax in axes) for s in strides])


class _Arg:
    """One array argument of a launch: its CArray type and its reduced layout."""

    def __init__(self, array, shape, strides, contiguous, index_32):
        self.array = array
        self.shape, self.strides = shape, strides
        self.contiguous, self.index_32 = contiguous, index_32

    def carray(self):
        ctype = _CTYPE[self.array.dtype.name]
        return (f'CArray<{ctype}, {len(self.shape)}, {int(self.contiguous)}, '
                f'{int(self.index_32)}>')


class HostKernel:
    """A fused kernel's ElementwiseKernel, as CuPy would generate it for a call on these
    `inputs` and `outputs` (numpy arrays; an output may be an input array, updated in
    place), plus a host entry point.  `source` is a `CudaKernelSource`.

    ``code`` is its C++ text; after `build_library`, ``run(library)`` runs it on the
    arrays it was made for (the outputs are filled)."""

    def __init__(self, source, inputs, outputs):
        if not isinstance(source, CudaKernelSource):
            source = CudaKernelSource(source)
        self.source = source
        op = source.op
        self.inputs, self.outputs = list(inputs), list(outputs)
        self._check(op)
        self.size = int(numpy.prod(op.shape, dtype=numpy.int64))
        self.args, self.shape = self._launch(op.shape)
        body = self._code('@SYMBOL@')
        digest = hashlib.sha256(body.encode()).hexdigest()[:10]
        self.symbol = f'{source.name}_{digest}'
        self.code = body.replace('@SYMBOL@', self.symbol)

    def _check(self, op):
        name = self.source.name
        if len(self.inputs) != len(op.in_avals) or len(self.outputs) != len(op.out_avals):
            raise ValueError(f'{name}: expects {len(op.in_avals)} inputs and '
                             f'{len(op.out_avals)} outputs, got {len(self.inputs)} and '
                             f'{len(self.outputs)}')
        for kind, arrays, avals in (('input', self.inputs, op.in_avals),
                                    ('output', self.outputs, op.out_avals)):
            for k, (a, aval) in enumerate(zip(arrays, avals)):
                if not isinstance(a, numpy.ndarray) or a.dtype != aval.dtype:
                    raise TypeError(f'{name}: {kind} {k} must be a numpy {aval.dtype} '
                                    f'array, got {type(a).__name__} '
                                    f'{getattr(a, "dtype", "")}')
        for k, a in enumerate(self.outputs):
            if a.shape != op.shape:
                raise ValueError(f'{name}: output {k} has shape {a.shape}; the kernel '
                                 f'writes {op.shape}')
        for k, a in enumerate(self.inputs):
            try:
                numpy.broadcast_to(a, op.shape)
            except ValueError:
                raise ValueError(f'{name}: input {k} of shape {a.shape} does not '
                                 f'broadcast to {op.shape}') from None

    def _launch(self, shape):
        """Broadcast, then reduce the dimensions (the module docstring, steps 1-2)."""
        arrays = self.inputs + self.outputs
        views = [numpy.broadcast_to(a, shape) for a in arrays]
        layouts = [(v.strides, v.itemsize, c_contiguous(v.shape, v.strides, v.itemsize))
                   for v in views]
        new_shape, strides = reduce_dims(shape, layouts)
        args = []
        for a, (_, _, contiguous), s in zip(arrays, layouts, strides):
            args.append(_Arg(a, new_shape, s, contiguous, a.nbytes <= 1 << 31))
        return args, new_shape

    def _code(self, symbol):
        op = self.source.op
        nd = len(self.shape)
        index_32 = int(self.size <= 1 << 31)
        names = [f'in{i}' for i in range(len(op.in_avals))] + \
            [f'out{k}' for k in range(len(op.out_avals))]
        n_in = len(op.in_avals)
        params = [('const ' if j < n_in else '') + f'{arg.carray()} _raw_{n}'
                  for j, (arg, n) in enumerate(zip(self.args, names))]
        params.append(f'CIndexer<{nd}, {index_32}> _ind')
        refs = [('const ' if j < n_in else '') +
                f'{_CTYPE[arg.array.dtype.name]} &{n} = _raw_{n}[_ind.get()];'
                for j, (arg, n) in enumerate(zip(self.args, names))]
        operation = '\n'.join(refs + [self.source.operation])
        call_args = ', '.join([f'_raw_{n}' for n in names] + ['_ind'])
        dims, built = 0, []
        for j, (arg, n) in enumerate(zip(self.args, names)):
            ctype = _CTYPE[arg.array.dtype.name]
            built.append(f'  {params[j]}(static_cast<{ctype}*>(_data[{j}]), _dims + {dims}, '
                         f'_dims + {dims + nd});')
            dims += 2 * nd
        built.append(f'  CIndexer<{nd}, {index_32}> _ind(_dims + {dims});')
        return (f'// ---- {self.source.name} ----\n'
                f'__host__ __device__ inline void {symbol}_loop(\n    '
                + ',\n    '.join(params) + ',\n    ptrdiff_t _start, ptrdiff_t _step) {\n'
                '  #pragma unroll 1\n'
                '  for (ptrdiff_t i = _start; i < _ind.size(); i += _step) {\n'
                '    _ind.set(i);\n'
                f'{operation};\n'
                '  }\n}\n'
                '#ifdef __CUDACC__\n'
                f'extern "C" __global__ void {symbol}(\n    ' + ',\n    '.join(params) + ') {\n'
                f'  {symbol}_loop({call_args},\n'
                '      static_cast<ptrdiff_t>(blockIdx.x) * blockDim.x + threadIdx.x,\n'
                '      static_cast<ptrdiff_t>(blockDim.x) * gridDim.x);\n'
                '}\n#endif\n'
                f'extern "C" void {symbol}_host(void* const* _data, const ptrdiff_t* _dims) {{\n'
                + '\n'.join(built) + '\n'
                f'  {symbol}_loop({call_args}, 0, 1);\n}}\n')

    def dims(self):
        """The ``_dims`` argument of the host entry: each array's shape and strides,
        then the indexer's shape."""
        values = []
        for arg in self.args:
            values += list(arg.shape) + list(arg.strides)
        values += list(self.shape)
        return (ctypes.c_ssize_t * max(len(values), 1))(*values)

    def run(self, library):
        """Runs the kernel on its arrays with `library` (from `build_library`)."""
        if self.size == 0:
            return self.outputs
        fn = getattr(library, self.symbol + '_host')
        fn.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_ssize_t)]
        fn.restype = None
        data = (ctypes.c_void_p * len(self.args))(*[arg.array.ctypes.data
                                                     for arg in self.args])
        fn(data, self.dims())
        return self.outputs


# ---- the compiler ----

def host_compiler():
    """``('nvcc', path)``, else ``('g++', path)``, else None."""
    for kind in ('nvcc', 'g++'):
        path = shutil.which(kind)
        if path is not None:
            return kind, path
    return None


def compile_command(kind, path, source, output):
    flags = ['-std=c++17', '-O2', '-shared']
    if kind == 'nvcc':
        return [path, *flags, f'-arch={_NVCC_ARCH}',
                '-Xcompiler', ','.join(('-fPIC',) + WARNINGS_AS_ERRORS),
                '-o', output, source]
    return [path, *flags, '-fPIC', *WARNINGS_AS_ERRORS, '-x', 'c++', '-o', output, source]


def cache_dir():
    return os.path.join(os.path.dirname(kernel_cache.cache_dir()), 'cuda-host')


def _sound(path):
    """Whether the library at `path` matches the checksum recorded when it was built."""
    try:
        with open(path + '.sha256', encoding='ascii') as f:
            recorded = f.read().strip()
        return kernel_cache.file_sha256(path) == recorded
    except OSError:
        return False


_libraries = {}


def build_library(kernels, compiler=None):
    """Compiles `HEADER` and the code of every `HostKernel` in `kernels` into one shared
    library and loads it (`ctypes.CDLL`); cached on disk by the hash of the source and the
    compile command.  `compiler` is ``(kind, path)`` (default: `host_compiler`).  Raises
    `CudaCompileError` with the compiler's message when it fails."""
    compiler = compiler or host_compiler()
    if compiler is None:
        raise CudaCompileError('neither nvcc nor g++ is on PATH')
    codes = {}
    for k in kernels:
        codes.setdefault(k.symbol, k.code)
    text = HEADER + '\n'.join(codes[s] for s in sorted(codes))
    probe = compile_command(*compiler, 'SOURCE', 'OUTPUT')
    key = hashlib.sha256('\0'.join([text] + probe).encode()).hexdigest()[:24]
    path = os.path.join(cache_dir(), f'kernels-{compiler[0]}-{key}.so')
    if path in _libraries:
        return _libraries[path]
    if not _sound(path):
        _compile(compiler, text, path)
    library = ctypes.CDLL(path)
    _libraries[path] = library
    return library


def _compile(compiler, text, path):
    suffix = '.cu' if compiler[0] == 'nvcc' else '.cpp'
    with tempfile.TemporaryDirectory() as d, atomic_path(path) as tmp:
        source, output = os.path.join(d, 'kernels' + suffix), os.path.join(d, 'kernels.so')
        with open(source, 'w') as f:
            f.write(text)
        proc = subprocess.run(compile_command(*compiler, source, output),
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise CudaCompileError(f'{compiler[0]} failed on the host build of the CUDA '
                                   f'kernels:\n{proc.stderr}\n--- source ---\n{text}')
        shutil.copyfile(output, tmp)
        digest = kernel_cache.file_sha256(output)
    atomic_write(path + '.sha256', digest + '\n')
