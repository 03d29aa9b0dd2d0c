from chainfuse.ops import elementwise as E


def absolute(x):
    """Elementwise |x|; its gradient is sign(x) (0 at 0)."""
    return E.absolute(x)
