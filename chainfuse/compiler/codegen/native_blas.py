"""numpy's own BLAS, callable from Numba-compiled code (native segments' GEMMs).

A native segment (`chainfuse.compiler.segments`) computes a ``matmul`` step by calling
BLAS from nopython code.  For its results to be bitwise those of the Python executor,
it must be the same library numpy's ``matmul`` calls, with the same arguments: numpy
2.x bundles scipy-openblas (``numpy.libs/libscipy_openblas64_*.so``) whose CBLAS
entries carry a prefix and an ILP64 suffix (``scipy_cblas_sgemm64_``: 64-bit integer
sizes).  `find()` opens that library with ctypes, looks the entries up and hands their
addresses to LLVM (``llvmlite.binding.add_symbol``), so generated code can declare
them by name as ``numba.types.ExternalFunction``s: a call by symbol, which Numba's
on-disk cache can store (a ctypes function pointer baked into the code could not be
cached).  Pointer arguments are declared ``intp`` and passed as ``arr.ctypes.data``
(same registers as a pointer on the 64-bit ABIs numpy wheels target).

If the library or an entry is not found (another numpy build, a 32-bit BLAS), `find`
returns None and `reason()` says why: matmul steps then stay Python calls.
"""
import ctypes
import glob
import os

ENTRIES = ('gemm', 'syrk')
_found = None           # None: not looked yet; else (symbols dict or None, reason)


def _candidates():
    import numpy
    root = os.path.dirname(os.path.dirname(numpy.__file__))
    for pattern in ('numpy.libs/libscipy_openblas64_*.so*', 'numpy.libs/libscipy_openblas*.so*',
                    'numpy/.dylibs/libscipy_openblas64_*.dylib'):
        yield from sorted(glob.glob(os.path.join(root, pattern)))


def _look_up():
    paths = list(_candidates())
    if not paths:
        return None, ('numpy\'s bundled scipy-openblas library was not found beside numpy; '
                      'matmul steps stay Python calls')
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            last = f'could not open {path}: {e}'
            continue
        symbols = {}
        for dt in 'sd':
            for entry in ENTRIES:
                name = f'scipy_cblas_{dt}{entry}64_'
                fn = getattr(lib, name, None)
                if fn is None:
                    break
                symbols[dt + entry] = (name, ctypes.cast(fn, ctypes.c_void_p).value)
        if len(symbols) == 2 * len(ENTRIES):
            import llvmlite.binding as ll
            for name, address in symbols.values():
                ll.add_symbol(name, address)
            return {k: name for k, (name, _) in symbols.items()}, None
        last = f'{path} has no ILP64 CBLAS entries (scipy_cblas_sgemm64_)'
    return None, last + '; matmul steps stay Python calls'


def find():
    """{'sgemm': symbol, 'ssyrk': ..., 'dgemm': ..., 'dsyrk': ...} registered with LLVM,
    or None when numpy's BLAS cannot be called this way (`reason` says why)."""
    global _found
    if _found is None:
        try:
            _found = _look_up()
        except Exception as e:     # llvmlite missing or refusing: no native matmul
            _found = None, f'{type(e).__name__}: {e}'
    return _found[0]


def reason():
    find()
    return _found[1]


# The source a segment module includes when it calls BLAS: the externals, and `_gemm`,
# which makes the call numpy's matmul makes for C-contiguous 2-D operands (numpy's
# umath/matmul: gemm, or syrk then a mirrored triangle when an operand is multiplied by
# its own transpose).  Strides are in elements; sizes are > 1 (the plan keeps the
# special cases numpy sends to dot/gemv as Python calls); `one` and `zero` are typed
# as the operands' dtype.
PRELUDE = '''
import chainfuse.compiler.codegen.native_blas as _native_blas
_native_blas.find()
_i32, _i64, _ip = numba.types.int32, numba.types.int64, numba.types.intp


def _blas(name, t):
    return numba.types.ExternalFunction(name, numba.types.void(
        _i32, _i32, _i32, _i64, _i64, _i64, t, _ip, _i64, _ip, _i64, t, _ip, _i64))


def _blas_syrk(name, t):
    return numba.types.ExternalFunction(name, numba.types.void(
        _i32, _i32, _i32, _i64, _i64, t, _ip, _i64, t, _ip, _i64))


_sgemm = _blas('scipy_cblas_sgemm64_', numba.types.float32)
_dgemm = _blas('scipy_cblas_dgemm64_', numba.types.float64)
_ssyrk = _blas_syrk('scipy_cblas_ssyrk64_', numba.types.float32)
_dsyrk = _blas_syrk('scipy_cblas_dsyrk64_', numba.types.float64)


@numba.njit(inline='always')
def _overlaps(x, y):
    xa, ya = x.ctypes.data, y.ctypes.data
    return xa < ya + y.size * y.itemsize and ya < xa + x.size * x.itemsize


@numba.njit
def _gemm(a, b, out, ta, tb, one, zero):
    if _overlaps(out, a):
        a = a.copy()
    if _overlaps(out, b):
        b = b.copy()
    m, n = out.shape
    k = a.shape[0] if ta else a.shape[1]
    is1_m, is1_n = (1, a.shape[1]) if ta else (a.shape[1], 1)
    is2_n, is2_p = (1, b.shape[1]) if tb else (b.shape[1], 1)
    if is1_n == 1 and is1_m >= k:
        trans1, lda = 111, is1_m
    else:
        trans1, lda = 112, is1_n
    if is2_p == 1 and is2_n >= n:
        trans2, ldb = 111, is2_n
    else:
        trans2, ldb = 112, is2_p
    if a.ctypes.data == b.ctypes.data and m == n and is1_m == is2_p and \\
            is1_n == is2_n and trans1 != trans2:
        if out.itemsize == 4:
            _ssyrk(101, 121, trans1, n, k, one, a.ctypes.data, lda, zero, out.ctypes.data, n)
        else:
            _dsyrk(101, 121, trans1, n, k, one, a.ctypes.data, lda, zero, out.ctypes.data, n)
        for i in range(n):
            for j in range(i + 1, n):
                out[j, i] = out[i, j]
    elif out.itemsize == 4:
        _sgemm(101, trans1, trans2, m, n, k, one, a.ctypes.data, lda, b.ctypes.data, ldb,
               zero, out.ctypes.data, n)
    else:
        _dgemm(101, trans1, trans2, m, n, k, one, a.ctypes.data, lda, b.ctypes.data, ldb,
               zero, out.ctypes.data, n)
'''
