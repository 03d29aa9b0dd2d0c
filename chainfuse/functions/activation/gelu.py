import math

from chainfuse.ops import elementwise as E
from chainfuse.ops import special

_INV_SQRT2 = 1.0 / math.sqrt(2.0)


def gelu(x):
    """Gaussian error linear unit, Chainer's exact form ``0.5 * x * (1 + erf(x / sqrt(2)))``.

    Composed of elementwise ops around the `erf` primitive, so a compiled graph fuses it
    into a single kernel, forward and backward.
    """
    cdf = E.add(special.erf(E.mul(x, _INV_SQRT2)), 1.0)
    return E.mul(E.mul(x, 0.5), cdf)
