from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.connection._bias import add_channel_bias
from chainfuse.functions.connection._nd import deconv_nd


def _deconvolution(fn, nd, x, W, b, stride, pad, outsize, dilate, groups, kwargs):
    if kwargs:
        v1_kwargs(fn, kwargs)
    y = deconv_nd(fn, x, W, stride, pad, outsize, dilate, groups, nd)
    return y if b is None else add_channel_bias(fn, y, b)


def deconvolution_nd(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1,
                     **kwargs):
    """N-dimensional transposed convolution of x (N, C, d_1, ..., d_n) with W (C,
    out_c / groups, k_1, ..., k_n): the gradient of `convolution_nd` with respect to its
    input.  Each output length defaults to ``s (d - 1) + dilate (k - 1) + 1 - 2 p``."""
    return _deconvolution('deconvolution_nd', None, x, W, b, stride, pad, outsize, dilate,
                          groups, kwargs)


def deconvolution_1d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1,
                     **kwargs):
    """`deconvolution_nd` for x (N, C, L)."""
    return _deconvolution('deconvolution_1d', 1, x, W, b, stride, pad, outsize, dilate,
                          groups, kwargs)


def deconvolution_3d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1,
                     **kwargs):
    """`deconvolution_nd` for x (N, C, D, H, W)."""
    return _deconvolution('deconvolution_3d', 3, x, W, b, stride, pad, outsize, dilate,
                          groups, kwargs)
