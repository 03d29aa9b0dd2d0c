from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.connection._bias import add_channel_bias
from chainfuse.functions.connection._nd import conv_nd


def _convolution(fn, nd, x, W, b, stride, pad, cover_all, dilate, groups, kwargs):
    if kwargs:
        v1_kwargs(fn, kwargs)
    y = conv_nd(fn, x, W, stride, pad, cover_all, dilate, groups, nd)
    return y if b is None else add_channel_bias(fn, y, b)


def convolution_nd(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1,
                   **kwargs):
    """N-dimensional convolution of x (N, C, d_1, ..., d_n) with W (out_c, C / groups,
    k_1, ..., k_n); `stride`, `pad`, `dilate` are ints or n-tuples.  Computed with 2-D
    convolutions (see `chainfuse.functions.connection._nd`)."""
    return _convolution('convolution_nd', None, x, W, b, stride, pad, cover_all, dilate,
                        groups, kwargs)


def convolution_1d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1,
                   **kwargs):
    """`convolution_nd` for x (N, C, L)."""
    return _convolution('convolution_1d', 1, x, W, b, stride, pad, cover_all, dilate,
                        groups, kwargs)


def convolution_3d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1,
                   **kwargs):
    """`convolution_nd` for x (N, C, D, H, W)."""
    return _convolution('convolution_3d', 3, x, W, b, stride, pad, cover_all, dilate,
                        groups, kwargs)
