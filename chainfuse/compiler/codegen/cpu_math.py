"""float32 ``tanh`` in CPU kernels: numpy's numbers, computed at vector speed.

Eager ``tanh`` on a float32 array is ``numpy.tanh``.  On a CPU with fused multiply-add
(every x86-64 since 2013, every ARM64) numpy computes it with a port of Intel SVML's
algorithm: the exponent of ``|x|`` and its first mantissa bit pick one of 32 intervals;
on each, tanh is a degree-6 polynomial in ``|x| - b`` evaluated with fused multiply-adds
from a table of coefficients; the sign of ``x`` is put back at the end; past
``|x| >= 2**127`` (and for inf) the answer is 1, and NaN stays NaN.  A kernel evaluates
the same table with the same FMAs (``_tanh_f32`` below, printed into each kernel's
source), so a compiled float32 tanh -- and sigmoid, which is written with it -- equals
the eager one bit for bit, edges included: ``tanh(x) == x`` for tiny ``x``, and values
below 1 (so a nonzero gradient ``1 - y*y``) until ``|x|`` reaches 10.  It is plain
arithmetic and table reads, which LLVM vectorizes (the reads become gathers): about 3x
the time of numpy's own loop, 10x faster than calling libm's ``tanhf`` per element.

Whether numpy uses that algorithm here is probed once, on values where it differs from
the correctly rounded answer (`numpy_uses_table_tanh`).  Where it does not (a CPU
without FMA, an older numpy), kernels call ``math.tanh`` -- libm's ``tanhf``, which is
what numpy then calls too.

``CHAINFUSE_FAST_MATH=1`` opts in to a rational approximation (the one Eigen and XLA
use; max error 3.3e-7) that is about 3x faster than the table, at the price of
differing from eager where users can see it: ``tanh(x)`` is one ulp below ``x`` for tiny
``x`` (so ``x > tanh(x)`` comparisons flip), and exactly 1 for ``|x| >= 7.9`` (so the
gradient vanishes where eager's is about 1e-7).  The choice is printed into the
kernel's source, so kernels built either way have different cache keys.
"""
import functools
import os

import numpy


def fast_math():
    """CHAINFUSE_FAST_MATH=1: float32 tanh by the rational approximation (module doc)."""
    return os.environ.get('CHAINFUSE_FAST_MATH', '') not in ('', '0')


# inputs where SVML's float32 tanh is one ulp off the correctly rounded value, and the
# bits SVML gives (numpy 2.x on an FMA CPU); a correctly rounded libm gives other bits
_PROBE_IN = (0x399d4952, 0x40fccccd, 0x41080000, 0x41180000)   # 3e-4, 7.9, 8.5, 9.5
_PROBE_OUT = (0x399d4951, 0x3f7ffffc, 0x3f7ffffe, 0x3f7fffff)


@functools.lru_cache(maxsize=None)
def numpy_uses_table_tanh():
    """Whether ``numpy.tanh`` on float32 arrays is the table algorithm `_tanh_f32` copies."""
    x = numpy.array(_PROBE_IN * 4, numpy.uint32).view(numpy.float32)   # a SIMD-long array
    return tuple(int(v) for v in numpy.tanh(x).view(numpy.uint32)) == _PROBE_OUT * 4


def tanh_f32_function():
    """The name a kernel calls for float32 tanh: ``_tanh_f32`` (numpy's table),
    ``_tanh_f32_fast`` (opt-in approximation) or None (``math.tanh``, libm's tanhf)."""
    if fast_math():
        return '_tanh_f32_fast'
    return '_tanh_f32' if numpy_uses_table_tanh() else None


def helpers(body):
    """Source of the helper functions that kernel source `body` calls."""
    return ''.join(src for name, src in (('_tanh_f32_fast(', _TANH_FAST),
                                         ('_tanh_f32(', _TANH_TABLE)) if name in body)


# Rows: the coefficients c6..c0 of the polynomial in y = |x| - b, then b; column i is
# interval i (float32 bit patterns, from numpy/_core/src/umath/loops_hyperbolic,
# numpy's BSD-3-Clause licensed port of Intel SVML's algorithm).
_TANH_TABLE = '''

from numba.extending import intrinsic as _intrinsic

_TANH_T = numpy.array([
    0xbc0e2f66, 0x460bda12, 0x43d638ef, 0xc3e11c3e, 0xc2baa4e9, 0xc249da2d, 0xc1859b82, 0x40dd5b57,
    0x40494640, 0x40c730a8, 0xbf0f160e, 0x3e30e76f, 0xbea81387, 0xbdb26a1c, 0xbd351e57, 0xbb4c01a0,
    0x3c1d7bfb, 0x3c722cd1, 0x3c973f1c, 0x3c33a31b, 0x3b862ef4, 0x3a27b3d0, 0xba3b5907, 0xba0efc22,
    0xb97f9f0f, 0xb8c8af50, 0xb7bdddfb, 0xb64f2950, 0xb4e085b1, 0xb3731dfa, 0xb15a1f04, 0x00000000,
    0x3e0910e9, 0x43761143, 0x4165ecdc, 0xc190f756, 0xc08c097d, 0xc02ba813, 0xbf7f6bda, 0x3f2b1dc0,
    0x3ece105d, 0x3f426a94, 0xbadb0dc4, 0x3da43b17, 0xbd51ab88, 0xbcaea23d, 0xbd3b6d8d, 0xbd6caaad,
    0xbd795bed, 0xbd5fddda, 0xbd038f3b, 0xbc1cad63, 0x3abb4766, 0x3b95f10b, 0x3b825873, 0x3afaea66,
    0x3a49f878, 0x39996bf3, 0x388f3e6c, 0x371bb0e3, 0x35a8a5e6, 0x34369b17, 0x322487b0, 0x00000000,
    0xb76dd6b9, 0xbe1c276d, 0x3c1dcf2f, 0x3dc1a78d, 0x3d96f985, 0x3da2b61b, 0x3dc13397, 0x3dd2f670,
    0x3df48a0a, 0x3e06c5a8, 0x3e1a3aba, 0x3e27c405, 0x3e2e78d0, 0x3e2c3e44, 0x3e1d3097, 0x3df4a8f4,
    0x3da38508, 0x3d31416a, 0x3b562657, 0xbcaeeac9, 0xbcce9419, 0xbcaaeac4, 0xbc49e7d0, 0xbba71ddd,
    0xbb003b0e, 0xba3f9a05, 0xb92c08a7, 0xb7ba9232, 0xb64a0b0f, 0xb4dac169, 0xb2ab78ac, 0x00000000,
    0xbeaaaaa5, 0xbeab0612, 0xbea7f01f, 0xbea4e120, 0xbea387b7, 0xbea15962, 0xbe9d57f7, 0xbe976b5a,
    0xbe90230d, 0xbe880dff, 0xbe7479b3, 0xbe4c3d88, 0xbe212482, 0xbdeb8cba, 0xbd5e78ad, 0x3c6b5e6e,
    0x3d839143, 0x3dc21ee1, 0x3de347af, 0x3dcbec96, 0x3d99ef2d, 0x3d542ea1, 0x3cdde701, 0x3c2cca67,
    0x3b81cb27, 0x3ac073a1, 0x39ac3032, 0x383a94d9, 0x36ca081d, 0x355abd4c, 0x332b3cb6, 0x00000000,
    0xb0343c7b, 0xbd6ee69d, 0xbd8f0da7, 0xbdae477d, 0xbdcd2a1f, 0xbdeba80d, 0xbe0c443b, 0xbe293cf3,
    0xbe44f282, 0xbe5f3651, 0xbe81c7c0, 0xbe96d7ca, 0xbea7fb8e, 0xbeb50e9e, 0xbec12efe, 0xbec4be92,
    0xbebce070, 0xbead510e, 0xbe8ef7d6, 0xbe4b8704, 0xbe083237, 0xbdaf7449, 0xbd2e1ec4, 0xbc83bf06,
    0xbbc3e0b5, 0xbb10aadc, 0xba0157db, 0xb88c18f2, 0xb717b096, 0xb5a43bae, 0xb383012c, 0x00000000,
    0x3f800000, 0x3f7f1f84, 0x3f7ebd11, 0x3f7e1e5f, 0x3f7d609f, 0x3f7c842d, 0x3f7b00e5, 0x3f789580,
    0x3f75b8ad, 0x3f726fd9, 0x3f6cc59b, 0x3f63fb92, 0x3f59ff97, 0x3f4f11d7, 0x3f3d7573, 0x3f24f360,
    0x3f0cbfe7, 0x3eec1a69, 0x3eb0a801, 0x3e6753a2, 0x3e132f1a, 0x3db7e7d3, 0x3d320845, 0x3c84d3d4,
    0x3bc477b7, 0x3b10d3da, 0x3a01601e, 0x388c1a3b, 0x3717b0da, 0x35a43bce, 0x338306c6, 0x00000000,
    0x00000000, 0x3d6fb9c9, 0x3d8fc35f, 0x3daf9169, 0x3dcf49ab, 0x3deee849, 0x3e0f0ee8, 0x3e2e4984,
    0x3e4d2f8e, 0x3e6bb32e, 0x3e8c51cd, 0x3ea96163, 0x3ec543f1, 0x3edfd735, 0x3f028438, 0x3f18abf0,
    0x3f2bc480, 0x3f3bec1c, 0x3f4f2e5b, 0x3f613c53, 0x3f6ce37d, 0x3f743c4f, 0x3f7a5feb, 0x3f7dea85,
    0x3f7f3b3d, 0x3f7fb78c, 0x3f7fefd4, 0x3f7ffdd0, 0x3f7fffb4, 0x3f7ffff6, 0x3f7fffff, 0x3f800000,
    0x00000000, 0x3d700000, 0x3d900000, 0x3db00000, 0x3dd00000, 0x3df00000, 0x3e100000, 0x3e300000,
    0x3e500000, 0x3e700000, 0x3e900000, 0x3eb00000, 0x3ed00000, 0x3ef00000, 0x3f100000, 0x3f300000,
    0x3f500000, 0x3f700000, 0x3f900000, 0x3fb00000, 0x3fd00000, 0x3ff00000, 0x40100000, 0x40300000,
    0x40500000, 0x40700000, 0x40900000, 0x40b00000, 0x40d00000, 0x40f00000, 0x41100000, 0x00000000,
], numpy.uint32).view(numpy.float32).reshape(8, 32)
_NAN32 = numpy.float32(numpy.nan)


@_intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c rounded once (llvm.fma: one instruction where the CPU has FMA)."""
    def codegen(context, builder, signature, args):
        return builder.fma(*args)
    return a(a, b, c), codegen


@numba.njit(inline='always')
def _tanh_f32(x):
    """numpy's float32 tanh (see chainfuse.compiler.codegen.cpu_math)."""
    bits = numpy.float32(x).view(numpy.int32)
    top = bits & 0x7fe00000             # exponent and first mantissa bit of |x|
    i = min(max(top - 0x3d400000, 0), 0x3e00000) >> 21
    y = abs(numpy.float32(x)) - _TANH_T[7, i]
    r = _fma(_TANH_T[0, i], y, _TANH_T[1, i])
    r = _fma(r, y, _TANH_T[2, i])
    r = _fma(r, y, _TANH_T[3, i])
    r = _fma(r, y, _TANH_T[4, i])
    r = _fma(r, y, _TANH_T[5, i])
    r = _fma(r, y, _TANH_T[6, i])
    if top > 0x7f000000:                # |x| >= 2**127, inf
        r = numpy.float32(1.0)
    if x != x:
        return _NAN32
    return -r if bits < 0 else r
'''

_TANH_FAST = '''

# CHAINFUSE_FAST_MATH=1: float32 tanh as a rational function (Eigen's and XLA's); plain
# arithmetic that LLVM vectorizes; max error ~3.3e-7 (see chainfuse.compiler.codegen.cpu_math)
_T_CLAMP = numpy.float32(7.90531110763549805)
_T_A = tuple(numpy.float32(c) for c in (
    -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11,
    5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04,
    4.89352455891786e-03))
_T_B = tuple(numpy.float32(c) for c in (
    1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03,
    4.89352518554385e-03))


@numba.njit(inline='always')
def _tanh_f32_fast(x):
    x = min(max(x, -_T_CLAMP), _T_CLAMP)
    x2 = x * x
    p = _T_A[0]
    for c in _T_A[1:]:
        p = x2 * p + c
    q = _T_B[0]
    for c in _T_B[1:]:
        q = x2 * q + c
    return x * p / q
'''
