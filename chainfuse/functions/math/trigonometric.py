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
