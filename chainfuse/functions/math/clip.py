from chainfuse.core.variable import as_variable
from chainfuse.ops import elementwise as E


def clip(x, x_min, x_max):
    """Elementwise min(max(x, x_min), x_max); either bound may be None.

    Written ``minimum(maximum(x, x_min), x_max)``: ties go to the first argument, so the
    gradient passes to x on the closed interval [x_min, x_max], as in Chainer.
    """
    if x_min is None and x_max is None:
        raise ValueError('clip: x_min and x_max cannot both be None')
    if x_min is not None and x_max is not None and x_min > x_max:
        raise ValueError(f'clip: x_min ({x_min}) must not exceed x_max ({x_max})')
    y = as_variable(x)
    if x_min is not None:
        y = E.maximum(y, float(x_min))
    if x_max is not None:
        y = E.minimum(y, float(x_max))
    return y
