from chainfuse.functions._util import v1_kwargs
from chainfuse.ops import elementwise as E


def relu(x, **kwargs):
    """Rectified linear unit, ``max(x, 0)``; its gradient at 0 is 0."""
    if kwargs:
        v1_kwargs('relu', kwargs)
    return E.maximum(0.0, x)   # a tie goes to the first argument: relu'(0) = 0
