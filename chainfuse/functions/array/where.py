from chainfuse.ops import elementwise as E


def where(condition, x, y):
    """Elementwise ``x if condition else y`` (bool condition; numpy broadcasting).  The
    gradient flows to x where the condition holds and to y elsewhere."""
    return E.where(condition, x, y)
