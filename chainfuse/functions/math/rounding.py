"""sign, floor, ceil, fix: piecewise-constant, so they have no gradient."""
from chainfuse.ops import elementwise as E


def sign(x):
    """Elementwise sign (-1, 0 or 1)."""
    return E.sign(x)


def floor(x):
    """Elementwise floor."""
    return E.floor(x)


def ceil(x):
    """Elementwise ceiling."""
    return E.ceil(x)


def fix(x):
    """Elementwise rounding toward zero."""
    return E.where(E.less(x, 0.0), E.ceil(x), E.floor(x))
