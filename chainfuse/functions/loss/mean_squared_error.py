from chainfuse.functions.loss import _common as C
from chainfuse.ops import elementwise as E


def _diff(name, x0, x1):
    C.check_float(name, x0, 'x0')
    C.check_same_shape(name, x0, x1)
    return E.sub(x0, x1)


def squared_error(x0, x1):
    """Elementwise ``(x0 - x1) ** 2`` (no reduction)."""
    d = _diff('squared_error', x0, x1)
    return E.mul(d, d)


def mean_squared_error(x0, x1):
    """``sum((x0 - x1) ** 2) / x0.size``: a 0-d Variable of x0's dtype."""
    d = _diff('mean_squared_error', x0, x1)
    return C.mean_of_all(E.mul(d, d), x0)
