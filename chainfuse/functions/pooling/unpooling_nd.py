import numpy

from chainfuse.functions.connection._nd import deconv_nd, tuple_arg
from chainfuse.functions.pooling._nd import pool_nd_args
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError


def _unpooling(fn, nd, x, ksize, stride, pad, outsize, cover_all):
    nd, ksize, stride, pad = pool_nd_args(fn, x, ksize, stride, pad, nd)
    if outsize is None:
        outsize = tuple(conv.deconv_outsize(n, k, s, p, cover_all)
                        for n, k, s, p in zip(x.shape[2:], ksize, stride, pad))
    else:
        outsize = tuple_arg(fn, 'outsize', outsize, nd, 1)
        back = tuple(conv.conv_outsize(n, k, s, p, cover_all)
                     for n, k, s, p in zip(outsize, ksize, stride, pad))
        if back != tuple(x.shape[2:]):
            raise OpTypeError(fn, f'outsize {outsize} pools to {back}, not to the input '
                                  f'size {tuple(x.shape[2:])}')
    channels = x.shape[1]
    ones = numpy.ones((channels, 1) + ksize, dtype=x.dtype)
    return deconv_nd(fn, x, ones, stride, pad, outsize, 1, channels, nd)


def unpooling_nd(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Inverse of pooling: each value of x is copied over its window of the output (adding
    up where windows overlap), then the padding is cropped; a transposed convolution
    with a kernel of ones per channel.  The output size defaults to
    ``s (d - 1) + k - 2 p`` (minus ``s - 1`` with ``cover_all``)."""
    return _unpooling('unpooling_nd', None, x, ksize, stride, pad, outsize, cover_all)


def unpooling_1d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """`unpooling_nd` for x (N, C, L)."""
    return _unpooling('unpooling_1d', 1, x, ksize, stride, pad, outsize, cover_all)


def unpooling_3d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """`unpooling_nd` for x (N, C, D, H, W)."""
    return _unpooling('unpooling_3d', 3, x, ksize, stride, pad, outsize, cover_all)
