from chainfuse.ops import elementwise as E


def fmod(x, divisor):
    """Elementwise remainder of ``x / divisor`` rounded toward zero (the sign of x), as
    ``numpy.fmod``.  Gradients: 1 for x, ``-fix(x / divisor)`` for the divisor."""
    return E.fmod(x, divisor)
