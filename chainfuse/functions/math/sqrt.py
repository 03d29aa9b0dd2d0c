from chainfuse.ops import elementwise as E


def sqrt(x):
    """Elementwise square root."""
    return E.sqrt(x)


def rsqrt(x):
    """Elementwise reciprocal square root 1 / sqrt(x)."""
    return E.rsqrt(x)
