from chainfuse.functions._util import v1_kwargs
from chainfuse.ops import elementwise as E


def sigmoid(x, **kwargs):
    """Logistic sigmoid ``1 / (1 + exp(-x))`` (the registry op, computed as
    ``tanh(x / 2) / 2 + 1/2``, which cannot overflow)."""
    if kwargs:
        v1_kwargs('sigmoid', kwargs)
    return E.sigmoid(x)


def hard_sigmoid(x):
    """Piecewise linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``; gradient 0.2 inside
    ``(-2.5, 2.5)`` and 0 outside."""
    return E.minimum(1.0, E.maximum(0.0, E.add(E.mul(x, 0.2), 0.5)))   # ties: the bounds
