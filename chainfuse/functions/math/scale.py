from chainfuse.functions.math.bias import along
from chainfuse.ops import elementwise as E


def scale(x, y, axis=1):
    """x * y, with y's axes aligned to x's axes from `axis` on (y.shape ==
    x.shape[axis:axis + y.ndim]) and broadcast over the rest."""
    return E.mul(x, along('scale', x, y, axis))
