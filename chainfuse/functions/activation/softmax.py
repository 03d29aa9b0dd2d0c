from chainfuse.functions._util import v1_kwargs
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def _axis(name, x, axis):
    if not -x.ndim <= axis < x.ndim:
        raise OpTypeError(name, f'axis {axis} is out of bounds for x of shape '
                                f'{tuple(x.shape)}')
    return (int(axis) % x.ndim,)


def shifted(name, x, axis):
    """``x - max(x, axis)`` with the max behind `stop_gradient`.

    Softmax is invariant to that shift, so no gradient needs to flow through the max;
    the shift only keeps ``exp`` from overflowing.  Returns the shifted values and the
    reduced axis as a 1-tuple.
    """
    axes = _axis(name, x, axis)
    m = A.stop_gradient(R.max(x, axis=axes, keepdims=True))
    return E.sub(x, m), axes


def softmax(x, axis=1, **kwargs):
    """``exp(x) / sum(exp(x), axis)``, computed on ``x - max(x, axis)`` for stability."""
    if kwargs:
        v1_kwargs('softmax', kwargs)
    z, axes = shifted('softmax', x, axis)
    e = E.exp(z)
    return E.div(e, R.sum(e, axis=axes, keepdims=True))
