"""sinh and cosh, composed from exp (two exps and a halved difference/sum)."""
from chainfuse.ops import elementwise as E


def sinh(x):
    """Elementwise hyperbolic sine (e**x - e**-x) / 2."""
    return E.mul(E.sub(E.exp(x), E.exp(E.neg(x))), 0.5)


def cosh(x):
    """Elementwise hyperbolic cosine (e**x + e**-x) / 2."""
    return E.mul(E.add(E.exp(x), E.exp(E.neg(x))), 0.5)
