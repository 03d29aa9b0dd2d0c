from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.pooling._args import pool_args
from chainfuse.ops import conv


def max_pooling_2d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False,
                   **kwargs):
    """Maximum over each ksize window of x (N, C, H, W); padding never wins (-inf).

    ``stride`` defaults to ``ksize``.  With ``cover_all`` (the default, as in Chainer) a
    last, partial window is kept: ``out = (H + 2 * pad - ksize + stride - 1) // stride + 1``.
    The gradient goes to the argmax of each window.  With ``return_indices`` the result is
    ``(y, indexes)``, indexes being the window-local position ``i * kw + j`` of each max
    (an int32 array).
    """
    if kwargs:
        v1_kwargs('max_pooling_2d', kwargs)
    ksize, stride, pad = pool_args('max_pooling_2d', ksize, stride, pad)
    y, indexes = conv.max_pool2d(x, ksize=ksize, stride=stride, pad=pad,
                                 cover_all=bool(cover_all))
    return (y, indexes.array) if return_indices else y
