from chainfuse.core.variable import as_variable
from chainfuse.ops import elementwise as E


def clip(x, x_min, x_max):
    """Elementwise min(max(x, x_min), x_max); either bound may be None.

    Written ``minimum(x_max, maximum(x_min, x))``: ties go to the second argument, so the
    gradient passes to x on the closed interval [x_min, x_max], as in Chainer.
    """
    if x_min is None and x_max is None:
        raise ValueError('clip: x_min and x_max cannot both be None')
    if x_min is not None and x_max is not None and x_min > x_max:
        raise ValueError(f'clip: x_min ({x_min}) must not exceed x_max ({x_max})')
    y = as_variable(x)
    if x_min is not None:
        y = E.maximum(float(x_min), y)
    if x_max is not None:
        y = E.minimum(float(x_max), y)
    return y
