from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.activation.softmax import shifted
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def log_softmax(x, axis=1, **kwargs):
    """``x - logsumexp(x, axis)``.

    With ``z = x - max(x)`` (max detached), ``log_softmax(x) = z - log(sum(exp(z)))``:
    every exponent is <= 0 and the sum is >= 1, so neither overflows nor takes log(0).
    """
    if kwargs:
        v1_kwargs('log_softmax', kwargs)
    z, axes = shifted('log_softmax', x, axis)
    return E.sub(z, E.log(R.sum(E.exp(z), axis=axes, keepdims=True)))
