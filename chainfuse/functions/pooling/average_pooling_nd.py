from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.pooling._nd import avg_pool_nd


def average_pooling_nd(x, ksize, stride=None, pad=0, pad_value=0, **kwargs):
    """Mean over each window of x (N, C, d_1, ..., d_n) (partial windows dropped).
    ``pad_value=0`` counts the padding as zeros (divides by the window size); None leaves
    it out (divides by the number of elements inside x)."""
    if kwargs:
        v1_kwargs('average_pooling_nd', kwargs)
    return avg_pool_nd('average_pooling_nd', x, ksize, stride, pad, pad_value, None)


def average_pooling_1d(x, ksize, stride=None, pad=0, pad_value=0, **kwargs):
    """`average_pooling_nd` for x (N, C, L)."""
    if kwargs:
        v1_kwargs('average_pooling_1d', kwargs)
    return avg_pool_nd('average_pooling_1d', x, ksize, stride, pad, pad_value, 1)


def average_pooling_3d(x, ksize, stride=None, pad=0, pad_value=0, **kwargs):
    """`average_pooling_nd` for x (N, C, D, H, W)."""
    if kwargs:
        v1_kwargs('average_pooling_3d', kwargs)
    return avg_pool_nd('average_pooling_3d', x, ksize, stride, pad, pad_value, 3)
