"""Special functions: the error function family, log-gamma, digamma, polygamma, Hurwitz
zeta and the log of the normal CDF.

NumPy has no erf, erfc or lgamma ufunc, so the CPU implementations of those three are
the C library's (``math.erf``, ``math.erfc``, ``math.lgamma``, accurate to double
precision) vectorized by Numba: the loop is compiled at its first use (about half a
second), so importing chainfuse compiles nothing.  Without Numba a ``numpy.vectorize``
of the same function gives the same values, slowly.  The others are written here with
array operations on ``xp`` from those three (in float64, then cast back):

- ``erfcx(x) = exp(x^2) erfc(x)``: the product where erfc has not underflowed (x < 25),
  else its asymptotic series ``(1 - 1/(2x^2) + 3/(2x^2)^2 - ...) / (x sqrt(pi))``.
- ``erfinv`` / ``erfcinv``: Newton's method on ``erf`` (|y| <= 1/2) or on
  ``log erfc`` (the tails, so tiny ``erfc`` values keep their relative precision),
  from Winitzki's closed-form first guess.
- ``digamma``: the recurrence ``psi(x) = psi(x + 1) - 1/x`` up to x >= 10, then the
  asymptotic series; the reflection formula for x < 0.
- ``zeta(x, q)`` (Hurwitz): Cephes' scheme, a direct sum of the first terms and the
  Euler-Maclaurin tail with Bernoulli numbers.  ``polygamma(n, x)`` is
  ``(-1)^(n+1) n! zeta(n + 1, x)`` (digamma for n = 0).
- ``log_ndtr(x) = log Phi(x)``: ``log1p(-erfc(x / sqrt 2) / 2)`` for x > -1, else
  ``log(erfcx(-x / sqrt 2) / 2) - x^2 / 2``, finite far into the lower tail.

CuPy arrays use ``cupyx.scipy.special``.  ``erf``, ``erfc`` and ``lgamma`` are
elementwise (codegen prints ``erf({0})``... : ``math.erf`` under Numba, ``erf`` in CUDA);
the others are single steps of a plan (kind 'other').
"""
import fractions
import math

import numpy

from chainfuse.ops.elementwise import _float_unary, exp
from chainfuse.ops.registry import (
    ELEMENTWISE, OTHER, Aval, OpTypeError, broadcast_shapes, defop)

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0
_SQRT2 = math.sqrt(2.0)

_loops = {}


def _build_loop(fn):
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return numpy.vectorize(fn, otypes=[numpy.float64])

    def loop(v):
        return fn(v)
    return numba.vectorize(['float64(float64)'])(loop)


def _math_loop(name, x):
    """``math.<name>`` over the float64 array x (a compiled loop, built at first use)."""
    loop = _loops.get(name)
    if loop is None:
        loop = _loops[name] = _build_loop(getattr(math, name))
    return numpy.asarray(loop(x))


def _cupy_special(name):  # pragma: no cover - needs a GPU
    import cupyx.scipy.special
    return getattr(cupyx.scipy.special, name)


def _on_host(name, compute):
    """An impl: float64 on the CPU through `compute(x64)`, cupyx.scipy.special on GPU."""
    def impl(xp, x):
        if xp is not numpy:  # pragma: no cover - needs a GPU
            return _cupy_special(name)(x).astype(x.dtype, copy=False)
        return compute(x.astype(numpy.float64)).astype(x.dtype, copy=False)
    return impl


# ---- scalar-function building blocks (float64 numpy arrays) ----

def _erf64(x):
    return _math_loop('erf', x)


def _erfc64(x):
    return _math_loop('erfc', x)


def _lgamma64(x):
    return _math_loop('lgamma', x)


_ERFCX_SERIES = (1.0, -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0, -135135.0)


def _erfcx64(x):
    big = x >= 25.0
    small = numpy.where(big, 0.0, x)
    with numpy.errstate(over='ignore', invalid='ignore'):
        direct = numpy.exp(small * small) * _erfc64(small)
    xb = numpy.where(big, x, 25.0)
    s = 1.0 / (2.0 * xb * xb)
    series = numpy.zeros_like(xb)
    for c in reversed(_ERFCX_SERIES):
        series = series * s + c
    return numpy.where(big, series / (xb * math.sqrt(math.pi)), direct)


def _winitzki(y):
    """A first guess of erfinv(y) for |y| < 1 (relative error below 2e-3)."""
    a = 0.147
    ln = numpy.log1p(-y * y)
    t = 2.0 / (math.pi * a) + ln / 2.0
    return numpy.sign(y) * numpy.sqrt(numpy.sqrt(t * t - ln / a) - t)


def _erfinv_center(y):
    """erfinv for |y| <= 1/2: Newton on erf(x) - y."""
    x = _winitzki(y)
    for _ in range(4):
        x = x - (_erf64(x) - y) / (_TWO_OVER_SQRT_PI * numpy.exp(-x * x))
    return x


def _erfcinv_tail(y):
    """erfcinv for 0 < y <= 1/2 (x >= 0.47): Newton on log erfc(x) - log y, with
    log erfc(x) = log erfcx(x) - x^2 so that tiny y keep their precision."""
    with numpy.errstate(divide='ignore', invalid='ignore'):
        t = -numpy.log(y)
        asym = numpy.sqrt(numpy.maximum(t - 0.5 * numpy.log(numpy.maximum(t, 1.0)) -
                                        0.5 * math.log(math.pi), 0.25))
        near = _winitzki(numpy.clip(1.0 - y, -0.999999, 0.999999))
        x = numpy.where(y > 0.05, near, asym)
        log_y = numpy.log(y)
        for _ in range(6):
            ex = _erfcx64(x)
            g = numpy.log(ex) - x * x - log_y
            x = x + g * _SQRT_PI_OVER_TWO * ex
    return x


def _erfcinv64(y):
    """erfcinv on (0, 2): the tail Newton for y <= 1/2, symmetry 2 - y for y >= 3/2, and
    erfinv(1 - y) between (1 - y is exact there)."""
    lo = numpy.where((y > 0) & (y <= 0.5), y, 0.5)
    hi = numpy.where((y >= 1.5) & (y < 2), 2.0 - y, 0.5)
    mid = numpy.where((y > 0.5) & (y < 1.5), 1.0 - y, 0.0)
    out = numpy.where(y <= 0.5, _erfcinv_tail(lo),
                      numpy.where(y >= 1.5, -_erfcinv_tail(hi), _erfinv_center(mid)))
    out = numpy.where(y == 0, numpy.inf, numpy.where(y == 2, -numpy.inf, out))
    return numpy.where((y < 0) | (y > 2) | numpy.isnan(y), numpy.nan, out)


def _erfinv64(y):
    a = numpy.abs(y)
    center = _erfinv_center(numpy.where(a <= 0.5, y, 0.0))
    tail = numpy.sign(y) * _erfcinv_tail(numpy.where(a > 0.5, 1.0 - a, 0.5))
    out = numpy.where(a <= 0.5, center, tail)
    out = numpy.where(a == 1, numpy.copysign(numpy.inf, y), out)
    return numpy.where((a > 1) | numpy.isnan(y), numpy.nan, out)


def _digamma64(x):
    pole = (x <= 0) & (x == numpy.floor(x))
    neg = x < 0
    z = numpy.where(neg, 1.0 - x, x)          # reflection: psi(x) = psi(1 - x) - pi cot(pi x)
    z = numpy.where(pole, 1.0, z)
    acc = numpy.zeros_like(z)
    for _ in range(10):
        low = z < 10.0
        acc = acc - numpy.where(low, 1.0 / z, 0.0)
        z = numpy.where(low, z + 1.0, z)
    f = 1.0 / (z * z)
    tail = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))))
    psi = acc + numpy.log(z) - 0.5 / z - tail
    with numpy.errstate(divide='ignore', invalid='ignore'):
        psi = numpy.where(neg, psi - math.pi / numpy.tan(math.pi * x), psi)
    return numpy.where(pole, numpy.nan, psi)


def _bernoulli_factors(n):
    """(2k)! / B_2k for k = 1..n: the divisors of Cephes' Euler-Maclaurin terms."""
    b = [fractions.Fraction(1)]
    for m in range(1, 2 * n + 1):
        b.append(-sum(math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return [float(math.factorial(2 * k) / b[2 * k]) for k in range(1, n + 1)]


_ZETA_A = _bernoulli_factors(12)


def _zeta64(x, q):
    """Hurwitz zeta sum_k (k + q)^-x for x > 1, q > 0 (inf at x == 1; nan for x < 1 and
    for q <= 0 unless x is an integer and q not a pole)."""
    x, q = numpy.broadcast_arrays(x, q)
    x, q = x.astype(numpy.float64), q.astype(numpy.float64)
    with numpy.errstate(all='ignore'):
        s = numpy.power(q, -x)
        a = q.copy()
        for _ in range(9):                      # the first terms directly...
            a = a + 1.0
            s = s + numpy.power(a, -x)
        while True:                             # ...until every a > 9
            low = a <= 9.0
            if not low.any():
                break
            a = numpy.where(low, a + 1.0, a)
            s = s + numpy.where(low, numpy.power(a, -x), 0.0)
        b = numpy.power(a, -x)
        w = a
        s = s + b * w / (x - 1.0) - 0.5 * b
        fac = numpy.ones_like(x)
        k = 0.0
        for divisor in _ZETA_A:                 # Euler-Maclaurin: B_2j terms
            fac = fac * (x + k)
            b = b / w
            s = s + fac * b / divisor
            k += 1.0
            fac = fac * (x + k)
            b = b / w
            k += 1.0
    pole = (q <= 0) & (q == numpy.floor(q))
    bad = (x < 1) | ((q <= 0) & (x != numpy.floor(x)))
    s = numpy.where(x == 1, numpy.inf, s)
    s = numpy.where(pole, numpy.inf, s)
    return numpy.where(bad | numpy.isnan(x) | numpy.isnan(q), numpy.nan, s)


def _polygamma64(n, x):
    n, x = numpy.broadcast_arrays(n, x)
    sign = numpy.where(n % 2 == 0, -1.0, 1.0)          # (-1)^(n+1)
    fact = numpy.exp(_lgamma64(n.astype(numpy.float64) + 1.0))
    zeta = _zeta64(n.astype(numpy.float64) + 1.0, numpy.where(n == 0, 2.0, x))
    return numpy.where(n == 0, _digamma64(x), sign * fact * zeta)


def _log_ndtr64(x):
    upper = numpy.where(x > -1.0, x, 0.0)
    lower = numpy.where(x > -1.0, -2.0, x)
    a = numpy.log1p(-0.5 * _erfc64(upper / _SQRT2))
    b = numpy.log(0.5 * _erfcx64(-lower / _SQRT2)) - lower * lower / 2.0
    return numpy.where(x > -1.0, a, b)


# ---- the ops ----

def _erf_vjp(ctx, gy):
    x = ctx.inputs[0]
    return (gy * exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


def _libm(name, cupy_name=None):
    """An impl from ``math.<name>`` (in float64 on the CPU)."""
    def impl(xp, x):
        if xp is not numpy:  # pragma: no cover - needs a GPU
            return _cupy_special(cupy_name or name)(x)
        return _math_loop(name, x.astype(numpy.float64)).astype(x.dtype, copy=False)
    return impl


erf = defop('erf', kind=ELEMENTWISE, impl=_libm('erf'), infer=_float_unary('erf'),
            expr='erf({0})', vjp=_erf_vjp,
            doc='erf(x): the Gauss error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt')

erfc = defop('erfc', kind=ELEMENTWISE, impl=_libm('erfc'),
             infer=_float_unary('erfc'), expr='erfc({0})',
             vjp=lambda ctx, gy: (-_erf_vjp(ctx, gy)[0],),
             doc='erfc(x) = 1 - erf(x), accurate where erf(x) is close to 1')


lgamma = defop('lgamma', kind=ELEMENTWISE, impl=_libm('lgamma', 'gammaln'),
               infer=_float_unary('lgamma'),
               expr='lgamma({0})', vjp=lambda ctx, gy: (gy * digamma(ctx.inputs[0]),),
               doc='lgamma(x) = log|Gamma(x)|')


def _erfcx_vjp(ctx, gy):
    x, y = ctx.inputs[0], ctx.out_vars[0]
    return (gy * (2.0 * x * y - _TWO_OVER_SQRT_PI),)


erfcx = defop('erfcx', kind=OTHER, impl=_on_host('erfcx', _erfcx64),
              infer=_float_unary('erfcx'), vjp=_erfcx_vjp, retain_outputs=(0,),
              doc='erfcx(x) = exp(x^2) erfc(x), finite for large x')

erfinv = defop('erfinv', kind=OTHER, impl=_on_host('erfinv', _erfinv64),
               infer=_float_unary('erfinv'), retain_outputs=(0,),
               vjp=lambda ctx, gy: (gy * exp(ctx.out_vars[0] * ctx.out_vars[0]) *
                                    _SQRT_PI_OVER_TWO,),
               doc='erfinv(y): the x with erf(x) = y, for -1 <= y <= 1')

erfcinv = defop('erfcinv', kind=OTHER, impl=_on_host('erfcinv', _erfcinv64),
                infer=_float_unary('erfcinv'), retain_outputs=(0,),
                vjp=lambda ctx, gy: (gy * exp(ctx.out_vars[0] * ctx.out_vars[0]) *
                                     -_SQRT_PI_OVER_TWO,),
                doc='erfcinv(y): the x with erfc(x) = y, for 0 <= y <= 2')


def _n_x_infer(name, first):
    def infer(n, x):
        if n.dtype.kind not in first:
            raise OpTypeError(name, f'the first input must be '
                                    f'{"an integer" if first == "iu" else "a float"} array, '
                                    f'got {n.dtype.name}')
        if x.dtype.kind != 'f':
            raise OpTypeError(name, f'x must be a floating-point array, got {x.dtype.name}')
        return Aval(broadcast_shapes(name, n.shape, x.shape), x.dtype)
    return infer


def _unbroadcast(ctx, g, i=1):
    from chainfuse.ops.elementwise import _unbroadcast as unb
    return unb(g, ctx.in_avals[i])


def _polygamma_impl(xp, n, x):
    if xp is not numpy:  # pragma: no cover - needs a GPU
        return _cupy_special('polygamma')(n, x).astype(x.dtype, copy=False)
    return _polygamma64(n, x.astype(numpy.float64)).astype(x.dtype, copy=False)


polygamma = defop('polygamma', kind=OTHER, impl=_polygamma_impl,
                  infer=_n_x_infer('polygamma', 'iu'),
                  vjp=lambda ctx, gy: (None, _unbroadcast(
                      ctx, gy * polygamma(ctx.inputs[0] + 1, ctx.inputs[1]))),
                  doc='polygamma(n, x): the n-th derivative of digamma (n >= 0 integers)')


def _digamma_vjp(ctx, gy):
    import chainfuse.backend as backend
    x = ctx.inputs[0]
    one = backend.get_array_module(x).ones((), numpy.int32)
    return (gy * polygamma(one, x),)


digamma = defop('digamma', kind=OTHER, impl=_on_host('digamma', _digamma64),
                infer=_float_unary('digamma'), vjp=_digamma_vjp,
                doc='digamma(x) = d/dx log Gamma(x)')


def _zeta_impl(xp, x, q):
    if xp is not numpy:  # pragma: no cover - needs a GPU
        return _cupy_special('zeta')(x, q).astype(q.dtype, copy=False)
    return _zeta64(x, q).astype(q.dtype, copy=False)


def _zeta_vjp(ctx, gy):
    x, q = ctx.inputs
    return None, _unbroadcast(ctx, gy * -x * zeta(x + 1.0, q))


zeta = defop('zeta', kind=OTHER, impl=_zeta_impl, infer=_n_x_infer('zeta', 'f'),
             vjp=_zeta_vjp,
             doc='zeta(x, q): the Hurwitz zeta function sum_k (k + q)^-x (differentiable '
                 'in q)')


def _log_ndtr_vjp(ctx, gy):
    x = ctx.inputs[0]
    # d/dx log Phi(x) = phi(x) / Phi(x) = sqrt(2 / pi) / erfcx(-x / sqrt 2)
    return (gy * math.sqrt(2.0 / math.pi) / erfcx(x * (-1.0 / _SQRT2)),)


log_ndtr = defop('log_ndtr', kind=OTHER, impl=_on_host('log_ndtr', _log_ndtr64),
                 infer=_float_unary('log_ndtr'), vjp=_log_ndtr_vjp,
                 doc='log_ndtr(x) = log of the standard normal CDF, finite in the lower tail')


# ---- the discrete Fourier transform of (real, imag) pairs ----

def _fft_infer(real, imag, method):
    if method not in ('fft', 'ifft'):
        raise OpTypeError('fft', f"method must be 'fft' or 'ifft', got {method!r}")
    if real.dtype.kind != 'f' or real.shape != imag.shape or real.dtype != imag.dtype or \
            real.ndim == 0:
        raise OpTypeError('fft', f'real and imag must be float arrays of one shape (ndim > 0), '
                                 f'got {real} and {imag}')
    return real, imag


def _fft_impl(xp, real, imag, method):
    y = getattr(xp.fft, method)(real + 1j * imag)
    return y.real.astype(real.dtype, copy=False), y.imag.astype(imag.dtype, copy=False)


def _fft_vjp(ctx, gr, gi):
    from chainfuse.ops.array import _zeros
    like = ctx.inputs[0]
    gr = _zeros(like, ctx.in_avals[0].shape) if gr is None else gr
    gi = _zeros(like, ctx.in_avals[0].shape) if gi is None else gi
    gxi, gxr = fft(gi, gr, method=ctx.attrs['method'])
    return gxr, gxi


fft = defop('fft', kind=OTHER, impl=_fft_impl, infer=_fft_infer, vjp=_fft_vjp, n_outputs=2,
            attrs=dict(method='fft'),
            doc="fft(real, imag, method='fft'|'ifft') -> (real, imag): numpy.fft of the last "
                'axis of real + i imag')
