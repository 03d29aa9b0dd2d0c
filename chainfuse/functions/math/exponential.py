"""Exponentials and logarithms (one elementwise op each)."""
from chainfuse.ops import elementwise as E


def exp(x):
    """Elementwise exponential e**x."""
    return E.exp(x)


def log(x):
    """Elementwise natural logarithm."""
    return E.log(x)


def log2(x):
    """Elementwise base-2 logarithm."""
    return E.log2(x)


def log10(x):
    """Elementwise base-10 logarithm."""
    return E.log10(x)


def log1p(x):
    """Elementwise log(1 + x), accurate for small x."""
    return E.log1p(x)


def expm1(x):
    """Elementwise exp(x) - 1, accurate for small x."""
    return E.expm1(x)
