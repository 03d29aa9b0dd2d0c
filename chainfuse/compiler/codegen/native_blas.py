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

ENTRIES = ('gemm', 'syrk', 'gemv')
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
    """{'sgemm': symbol, 'ssyrk': ..., 'sgemv': ..., 'dgemm': ...} registered with LLVM,
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
