from chainfuse.ops import elementwise as E


def sin(x):
    """Elementwise sine."""
    return E.sin(x)


def cos(x):
    """Elementwise cosine."""
    return E.cos(x)


def tan(x):
    """Elementwise tangent."""
    return E.tan(x)


def arcsin(x):
    """Elementwise inverse sine, in [-pi/2, pi/2]; its gradient is 1 / sqrt(1 - x^2)."""
    return E.arcsin(x)


def arccos(x):
    """Elementwise inverse cosine, in [0, pi]; its gradient is -1 / sqrt(1 - x^2)."""
    return E.arccos(x)


def arctan(x):
    """Elementwise inverse tangent; its gradient is 1 / (1 + x^2)."""
    return E.arctan(x)


def arctan2(x1, x2):
    """Elementwise angle of the point (x2, x1) (``numpy.arctan2(x1, x2)``), in (-pi, pi];
    the gradients are ``x2 / r^2`` and ``-x1 / r^2`` with ``r^2 = x1^2 + x2^2``."""
    return E.arctan2(x1, x2)
