from chainfuse.ops import elementwise as E


def arctanh(x):
    """Elementwise inverse hyperbolic tangent on (-1, 1); its gradient is 1 / (1 - x^2)."""
    return E.arctanh(x)
