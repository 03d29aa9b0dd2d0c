"""Special functions: ``erf`` (the Gauss error function, used by F.gelu).

NumPy has no erf ufunc, so the CPU implementation is ``math.erf`` (the C library's erf,
accurate to double precision) vectorized by Numba: the loop for a dtype is compiled at
its first use (about half a second), so importing chainfuse compiles nothing.
Without Numba a ``numpy.vectorize`` of ``math.erf`` gives the same values, slowly.
CuPy's ``cupyx.scipy.special.erf`` serves GPU arrays.  float16 is computed in float32.

Codegen prints ``erf({0})``: ``math.erf`` under Numba, ``erf`` in CUDA.
"""
import math

import numpy

from chainfuse.ops.elementwise import _float_unary, exp
from chainfuse.ops.registry import ELEMENTWISE, defop

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

_erf_loop = None


def _build_erf_loop():
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return numpy.vectorize(math.erf, otypes=[numpy.float64])

    @numba.vectorize  # a DUFunc: each dtype's loop is compiled at its first call
    def erf_loop(v):
        return math.erf(v)
    return erf_loop


def _numpy_erf(x):
    global _erf_loop
    if _erf_loop is None:
        _erf_loop = _build_erf_loop()
    work = x.astype(numpy.float32) if x.dtype == numpy.float16 else x
    return numpy.asarray(_erf_loop(work)).astype(x.dtype, copy=False)


def _erf_impl(xp, x):
    if xp is numpy:
        return _numpy_erf(x)
    import cupyx.scipy.special  # pragma: no cover - needs a GPU
    return cupyx.scipy.special.erf(x)  # pragma: no cover


def _erf_vjp(ctx, gy):
    x = ctx.inputs[0]
    return (gy * exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


erf = defop('erf', kind=ELEMENTWISE, impl=_erf_impl, infer=_float_unary('erf'),
            expr='erf({0})', vjp=_erf_vjp,
            doc='erf(x): the Gauss error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt')
