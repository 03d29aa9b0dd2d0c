from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.pooling._args import pool_args
from chainfuse.ops import conv


def average_pooling_2d(x, ksize, stride=None, pad=0, **kwargs):
    """Mean over each ksize window of x (N, C, H, W); ``stride`` defaults to ``ksize``.

    As in Chainer, padded zeros count: every window sum is divided by ``kh * kw``, and
    partial windows are dropped (``out = (H + 2 * pad - ksize) // stride + 1``).
    """
    if kwargs:
        v1_kwargs('average_pooling_2d', kwargs)
    ksize, stride, pad = pool_args('average_pooling_2d', ksize, stride, pad)
    return conv.avg_pool2d(x, ksize=ksize, stride=stride, pad=pad, cover_all=False)
