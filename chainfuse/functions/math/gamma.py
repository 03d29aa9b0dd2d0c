"""Log-gamma and its derivatives (Chainer's lgamma, digamma, polygamma) and the Hurwitz
zeta function: ops of `chainfuse.ops.special`."""
import numpy

from chainfuse.functions._util import array_module, is_array_like
from chainfuse.ops import special as S


def lgamma(x):
    """Elementwise ``log |Gamma(x)|``; its gradient is digamma(x)."""
    return S.lgamma(x)


def digamma(x):
    """Elementwise digamma ``psi(x) = d/dx log Gamma(x)`` (nan at 0, -1, -2, ...); its
    gradient is ``polygamma(1, x)``."""
    return S.digamma(x)


def polygamma(n, x):
    """Elementwise n-th derivative of digamma; `n` is an integer array (or int)
    broadcast against x, not differentiated.  ``polygamma(0, x) = digamma(x)``."""
    if not is_array_like(n):
        n = array_module(x).asarray(n, dtype=numpy.int32)
    return S.polygamma(n, x)


def zeta(x, q):
    """Hurwitz zeta ``sum_k (k + q)^-x`` for a constant exponent `x` (a float or an
    array, not differentiated) and a float array `q`; the gradient in q is
    ``-x zeta(x + 1, q)``."""
    if not is_array_like(x):
        x = array_module(q).asarray(x, dtype=q.dtype)
    elif x.dtype != q.dtype:
        x = x.astype(q.dtype)
    return S.zeta(x, q)
