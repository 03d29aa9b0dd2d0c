from chainfuse.functions._util import v1_kwargs
from chainfuse.ops import elementwise as E


def tanh(x, **kwargs):
    """Hyperbolic tangent (the registry op; its gradient reuses the output)."""
    if kwargs:
        v1_kwargs('tanh', kwargs)
    return E.tanh(x)
