from chainfuse.ops import elementwise as E


def square(x):
    """Elementwise x * x."""
    return E.mul(x, x)


def squared_difference(x1, x2):
    """Elementwise (x1 - x2) ** 2."""
    d = E.sub(x1, x2)
    return E.mul(d, d)
