from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def prelu(x, W):
    """Parametric ReLU: ``x`` where ``x >= 0``, else ``W * x`` with a learned slope W.

    W has shape ``x.shape[1:1 + W.ndim]`` and is broadcast over the batch axis and the
    trailing axes (Chainer's convention), so its gradient sums over them.
    """
    wshape = tuple(W.shape)
    if len(wshape) > x.ndim - 1 or wshape != tuple(x.shape[1:1 + len(wshape)]):
        raise OpTypeError('prelu', f'W of shape {wshape} must match x.shape[1:1 + W.ndim] '
                                   f'for x of shape {tuple(x.shape)}')
    w = A.reshape(W, shape=(1,) + wshape + (1,) * (x.ndim - len(wshape) - 1))
    return E.where(E.greater_equal(x, 0.0), x, E.mul(w, x))
