"""The helpers native segments call: numpy's reductions, take, BLAS matmul, index checks.

This file is not imported: its text is a kernel-cache entry (`kernel_cache.load_kernel`,
module ``chainfuse_native_ops_<hash of this text>``), whose entry points (``cache=True``)
are compiled for the exact signatures a segment calls them with before the segment is
compiled (`chainfuse.compiler.segments`), so a segment neither carries nor recompiles its
own copies, and a new process loads them checked from the disk cache.  Every scalar
argument is an int64 (read from the segment's size array) or a value of the arrays'
dtype, so those signatures are what Numba infers at the call.  The inner helpers are
compiled in memory (no ``cache``), so no overload is saved that the entry's checksums
do not record.  A segment calls the entry points by the address of their machine code
(passed in at run time), except `_index_ok`, which returns a value and is linked in; so
a segment's own compile does not optimize their code again, and a segment loaded from
the disk cache needs them loaded (from the cache too), not compiled.

Each helper computes what the Python executor's numpy call computes, in numpy's order:
`_pairwise` is numpy's pairwise summation (umath's float add reduction), `_sum_lead` adds
rows in order as numpy's reduction over leading axes does, both starting from 0 (numpy's
identity for add); `_gemm` makes the CBLAS call numpy's matmul makes
(`chainfuse.compiler.codegen.native_blas`); `_take_grad` accumulates repeated indices in
index order, as ``numpy.add.at``.  Arrays are flat C-contiguous views; sizes are
arguments.
"""
import numpy  # noqa: F401  (the helpers' globals)
import numba

from chainfuse.compiler.codegen import native_blas

native_blas.find()      # the BLAS symbols, registered with LLVM before any link

_i32, _i64, _ip = numba.types.int32, numba.types.int64, numba.types.intp


def _blas(name, t):
    return numba.types.ExternalFunction(name, numba.types.void(
        _i32, _i32, _i32, _i64, _i64, _i64, t, _ip, _i64, _ip, _i64, t, _ip, _i64))


def _blas_syrk(name, t):
    return numba.types.ExternalFunction(name, numba.types.void(
        _i32, _i32, _i32, _i64, _i64, t, _ip, _i64, t, _ip, _i64))


def _blas_gemv(name, t):
    return numba.types.ExternalFunction(name, numba.types.void(
        _i32, _i32, _i64, _i64, t, _ip, _i64, _ip, _i64, t, _ip, _i64))


_sgemm = _blas('scipy_cblas_sgemm64_', numba.types.float32)
_dgemm = _blas('scipy_cblas_dgemm64_', numba.types.float64)
_ssyrk = _blas_syrk('scipy_cblas_ssyrk64_', numba.types.float32)
_dsyrk = _blas_syrk('scipy_cblas_dsyrk64_', numba.types.float64)
_sgemv = _blas_gemv('scipy_cblas_sgemv64_', numba.types.float32)
_dgemv = _blas_gemv('scipy_cblas_dgemv64_', numba.types.float64)


@numba.njit(inline='always')
def _overlaps(x, y):
    xa, ya = x.ctypes.data, y.ctypes.data
    return xa < ya + y.size * y.itemsize and ya < xa + x.size * x.itemsize


@numba.njit(inline='always')
def _gemv(mat, is_m, is_n, m, k, vec, one, zero, out):
    """numpy's gemv helper: ``out (m) = mat (m, k) @ vec (k)``, `mat` with element
    strides (is_m, is_n), column-major when its rows are contiguous, else row-major,
    always transposed (numpy's order of arguments)."""
    if is_n == 1 and is_m >= k:
        order, lda = 102, is_m
    else:
        order, lda = 101, is_n
    if out.itemsize == 4:
        _sgemv(order, 112, k, m, one, mat.ctypes.data, lda, vec.ctypes.data, 1,
               zero, out.ctypes.data, 1)
    else:
        _dgemv(order, 112, k, m, one, mat.ctypes.data, lda, vec.ctypes.data, 1,
               zero, out.ctypes.data, 1)


@numba.njit(cache=True, nogil=True)
def _gemm(a, b, out, ta, tb, one, zero):
    """``out = op(a) @ op(b)`` (op: transpose when `ta`/`tb`) of C-contiguous 2-D arrays,
    by the CBLAS call numpy makes for the impl's numpy call.  Strides are in elements;
    an ``(is1_m, is1_n)`` pair is op(a)'s, ``(is2_n, is2_p)`` op(b)'s, as numpy names
    them.  Sizes of 1 take numpy's special routes: m = 1 or n = 1 (k > 1) is matmul's
    ``gemv`` (vector @ matrix, matrix @ vector), k = 1 (m, n > 1) is the impl's
    ``numpy.dot`` of an outer product, a gemm whose column and row operands numpy
    passes as transposed (each is both C- and F-contiguous)."""
    if _overlaps(out, a):
        a = a.copy()
    if _overlaps(out, b):
        b = b.copy()
    m, n = out.shape
    k = a.shape[0] if ta else a.shape[1]
    is1_m, is1_n = (1, a.shape[1]) if ta else (a.shape[1], 1)
    is2_n, is2_p = (1, b.shape[1]) if tb else (b.shape[1], 1)
    if k == 1:
        trans1, lda, trans2, ldb = 112, m, 112, 1
    elif m == 1:        # vector @ matrix: numpy swaps the operands
        _gemv(b, is2_p, is2_n, n, k, a, one, zero, out)
        return
    elif n == 1:        # matrix @ vector
        _gemv(a, is1_m, is1_n, m, k, b, one, zero, out)
        return
    else:
        if is1_n == 1 and is1_m >= k:
            trans1, lda = 111, is1_m
        else:
            trans1, lda = 112, is1_n
        if is2_p == 1 and is2_n >= n:
            trans2, ldb = 111, is2_n
        else:
            trans2, ldb = 112, is2_p
    if a.ctypes.data == b.ctypes.data and m == n and is1_m == is2_p and \
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


@numba.njit(cache=True, nogil=True)
def _index_ok(x, size, ignore, has_ignore):
    for i in range(x.size):
        v = x[i]
        if (v < 0 or v >= size) and not (has_ignore and v == ignore):
            return False
    return True


@numba.njit
def _wrap_index(t, n):
    if t < 0:
        t += n
    if t < 0 or t >= n:
        raise IndexError('chainfuse: take/take_grad index out of bounds (in a native '
                         'segment; without CHAINFUSE_NATIVE_SEGMENTS numpy says which)')
    return t


@numba.njit(cache=True, nogil=True)
def _take(x, idx, out, outer, n, inner):
    """numpy.take along an axis: x seen as (outer, n, inner), out as (outer, m, inner)."""
    m = idx.size
    for j in range(m):
        _wrap_index(idx[j], n)
    for o in range(outer):
        for j in range(m):
            src = (o * n + _wrap_index(idx[j], n)) * inner
            dst = (o * m + j) * inner
            for i in range(inner):
                out[dst + i] = x[src + i]


@numba.njit(cache=True, nogil=True)
def _take_grad(gy, idx, out, outer, n, inner, zero):
    """zeros, then numpy.add.at of gy's slices at idx (repeated indices add in order)."""
    m = idx.size
    for j in range(m):
        _wrap_index(idx[j], n)
    for i in range(out.size):
        out[i] = zero
    for o in range(outer):
        for j in range(m):
            dst = (o * n + _wrap_index(idx[j], n)) * inner
            src = (o * m + j) * inner
            for i in range(inner):
                out[dst + i] += gy[src + i]


@numba.njit
def _pairwise(x, lo, n, zero):
    """numpy's pairwise sum of x[lo:lo + n] (umath loops: blocks of 8 partial sums up
    to 128 elements, halves at a multiple of 8 above)."""
    if n < 8:
        res = zero
        for i in range(n):
            res += x[lo + i]
        return res
    if n <= 128:
        r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
        r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
        i = 8
        while i < n - n % 8:
            r0 += x[lo + i]
            r1 += x[lo + i + 1]
            r2 += x[lo + i + 2]
            r3 += x[lo + i + 3]
            r4 += x[lo + i + 4]
            r5 += x[lo + i + 5]
            r6 += x[lo + i + 6]
            r7 += x[lo + i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += x[lo + i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(x, lo, n2, zero) + _pairwise(x, lo + n2, n - n2, zero)


@numba.njit(cache=True, nogil=True)
def _sum_trail(x, out, n, zero):
    """out[r] = 0 + the pairwise sum of x's r-th block of n elements."""
    for r in range(out.size):
        out[r] = zero + _pairwise(x, r * n, n, zero)


@numba.njit(cache=True, nogil=True)
def _sum_lead(x, out, zero):
    """out = 0 + x's rows (of out.size elements) added one after the other."""
    n = out.size
    for j in range(n):
        out[j] = zero
    for i in range(x.size // n if n else 0):
        base = i * n
        for j in range(n):
            out[j] += x[base + j]


@numba.njit(inline='always')
def _max2(a, b):
    if a != a or a >= b:
        return a
    return b


@numba.njit(cache=True, nogil=True)
def _max_trail(x, out, n):
    for r in range(out.size):
        m = x[r * n]
        for i in range(1, n):
            m = _max2(m, x[r * n + i])
        out[r] = m


@numba.njit(cache=True, nogil=True)
def _max_lead(x, out):
    n = out.size
    for j in range(n):
        out[j] = x[j]
    for i in range(1, x.size // n if n else 0):
        base = i * n
        for j in range(n):
            out[j] = _max2(out[j], x[base + j])
