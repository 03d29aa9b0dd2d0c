from chainfuse.functions._util import normalize_axis_arg
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def logsumexp(x, axis=None):
    """log(sum(exp(x), axis)), computed stably as ``m + log(sum(exp(x - m)))`` with
    ``m = max(x)`` held constant (stop_gradient: its true derivative cancels, so the
    gradient, softmax(x), is exact)."""
    axes = normalize_axis_arg(axis)
    m = A.stop_gradient(R.max(x, axis=axes, keepdims=True))
    s = R.sum(E.exp(E.sub(x, m)), axis=axes, keepdims=False)
    return E.add(E.log(s), A.reshape(m, shape=tuple(s.shape)))
