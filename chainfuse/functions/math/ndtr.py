"""The standard normal CDF and its inverse (Chainer's ndtr, ndtri, log_ndtr)."""
import math

from chainfuse.ops import elementwise as E
from chainfuse.ops import special as S

_SQRT2 = math.sqrt(2.0)


def ndtr(x):
    """Elementwise standard normal CDF ``Phi(x) = erfc(-x / sqrt 2) / 2``."""
    return E.mul(S.erfc(E.mul(x, -1.0 / _SQRT2)), 0.5)


def ndtri(x):
    """Elementwise inverse of the standard normal CDF on [0, 1]:
    ``-sqrt(2) erfcinv(2 x)``, precise for tiny x."""
    return E.mul(S.erfcinv(E.mul(x, 2.0)), -_SQRT2)


def log_ndtr(x):
    """Elementwise ``log Phi(x)``, finite far into the lower tail (log_ndtr(-40) =
    -804.6) where ``log(ndtr(x))`` is -inf."""
    return S.log_ndtr(x)
