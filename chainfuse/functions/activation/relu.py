from chainfuse.ops import elementwise as E


def relu(x):
    """Rectified linear unit, ``max(x, 0)``; its gradient at 0 is 0."""
    return E.maximum(x, 0.0)
