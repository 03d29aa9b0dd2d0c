from chainfuse.functions._util import check_axis, normalize_axis_arg, prod
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError, normalize_axis


def average(x, axis=None, weights=None, keepdims=False):
    """(Weighted) mean of x over `axis` (None: every axis; an int or a tuple).

    Unweighted: ``sum(x, axis) * (1 / n)``.  With weights: ``sum(x * w, axis) / sum(w)``;
    weights has x's shape when axis is None, else shape (x.shape[axis],) for one axis.
    """
    if weights is None:
        axes = normalize_axis('average', normalize_axis_arg(axis), x.ndim)
        n = prod(x.shape[a] for a in axes)
        s = R.sum(x, axis=axes, keepdims=bool(keepdims))
        return E.mul(s, 1.0 / n) if n else E.div(s, 0.0)
    return _weighted(x, axis, weights, keepdims)


def _weighted(x, axis, weights, keepdims):
    if axis is None:
        if tuple(weights.shape) != tuple(x.shape):
            raise OpTypeError('average', f'weights must have the shape of x {tuple(x.shape)} '
                                         f'when axis is None, got {tuple(weights.shape)}')
        w = weights
        axes = None
    else:
        axes = normalize_axis_arg(axis)
        if len(axes) != 1:
            raise ValueError('average: tuple axis is not supported when weights is given')
        a = check_axis('average', axes[0], x.ndim)
        if tuple(weights.shape) != (x.shape[a],):
            raise OpTypeError('average', f'weights must have shape ({x.shape[a]},) for axis '
                                         f'{a} of x {tuple(x.shape)}, got '
                                         f'{tuple(weights.shape)}')
        w = A.reshape(weights, shape=tuple(s if i == a else 1 for i, s in enumerate(x.shape)))
        axes = (a,)
    total = R.sum(E.mul(x, w), axis=axes, keepdims=bool(keepdims))
    return E.div(total, R.sum(weights))


mean = average
