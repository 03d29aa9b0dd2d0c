from chainfuse.ops import elementwise as E


def linear_interpolate(p, x, y):
    """Elementwise ``p * x + (1 - p) * y``."""
    return E.add(E.mul(p, x), E.mul(E.sub(1.0, p), y))
