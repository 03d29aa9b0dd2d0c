"""Elementwise maximum and minimum of two arrays (numpy broadcasting)."""
from chainfuse.ops import elementwise as E


def maximum(x1, x2):
    """Elementwise max(x1, x2); on a tie the gradient goes to x2."""
    return E.maximum(x1, x2)


def minimum(x1, x2):
    """Elementwise min(x1, x2); on a tie the gradient goes to x2."""
    return E.minimum(x1, x2)
