"""float64 references for the special functions, computed independently of
`chainfuse.ops.special` (bisection, direct summation, the C library), for the tables."""
import math

import numpy

_vec = numpy.vectorize


def erfc(x):
    return _vec(math.erfc, otypes=[numpy.float64])(x)


def lgamma(x):
    return _vec(math.lgamma, otypes=[numpy.float64])(x)


def erfcx(x):
    return numpy.exp(x * x) * erfc(x)


def _bisect(fn, target, lo, hi, increasing):
    lo = numpy.full(numpy.shape(target), lo, numpy.float64)
    hi = numpy.full(numpy.shape(target), hi, numpy.float64)
    for _ in range(200):
        mid = (lo + hi) / 2
        above = fn(mid) > target
        if not increasing:
            above = ~above
        hi = numpy.where(above, mid, hi)
        lo = numpy.where(above, lo, mid)
    return (lo + hi) / 2


def erfinv(y):
    return _bisect(_vec(math.erf, otypes=[numpy.float64]), y, -6.0, 6.0, True)


def erfcinv(y):
    return _bisect(erfc, y, -6.0, 27.0, False)


def digamma(x, n=2000):
    """psi(x) = log(x + n) - 1/(2(x + n)) - 1/(12(x + n)^2) + ... - sum_k<n 1/(x + k)."""
    x = numpy.asarray(x, numpy.float64)
    k = numpy.arange(n, dtype=numpy.float64)
    z = x + n
    tail = numpy.log(z) - 0.5 / z - 1 / (12 * z ** 2) + 1 / (120 * z ** 4)
    return tail - (1.0 / (x[..., None] + k)).sum(axis=-1)


def zeta(s, q, n=1000):
    """Hurwitz zeta by direct summation of n terms and the Euler-Maclaurin tail."""
    s, q = numpy.broadcast_arrays(numpy.asarray(s, numpy.float64),
                                  numpy.asarray(q, numpy.float64))
    k = numpy.arange(n, dtype=numpy.float64)
    head = ((q[..., None] + k) ** -s[..., None]).sum(axis=-1)
    z = q + n
    return head + z ** (1 - s) / (s - 1) + 0.5 * z ** -s + s / 12 * z ** (-s - 1)


def polygamma(n, x):
    n, x = numpy.broadcast_arrays(numpy.asarray(n), numpy.asarray(x, numpy.float64))
    fact = numpy.vectorize(math.factorial, otypes=[numpy.float64])(n)
    with numpy.errstate(divide='ignore', invalid='ignore'):   # zeta(1, x) for n = 0
        rest = numpy.where(n % 2 == 0, -1.0, 1.0) * fact * zeta(n + 1.0, x)
    return numpy.where(n == 0, digamma(x), rest)


def log_ndtr(x):
    return numpy.log(0.5 * erfc(-x / math.sqrt(2.0)))


def ndtr(x):
    return 0.5 * erfc(-x / math.sqrt(2.0))
