from chainfuse.functions.loss import _common as C
from chainfuse.functions.loss.mean_squared_error import _diff
from chainfuse.ops import elementwise as E


def absolute_error(x0, x1):
    """Elementwise ``|x0 - x1|`` (gradient ``sign(x0 - x1)``; no reduction)."""
    return E.absolute(_diff('absolute_error', x0, x1))


def mean_absolute_error(x0, x1):
    """``sum(|x0 - x1|) / x0.size``: a 0-d Variable of x0's dtype."""
    return C.mean_of_all(E.absolute(_diff('mean_absolute_error', x0, x1)), x0)
