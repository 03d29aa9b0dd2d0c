from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.connection.convolution_2d import convolution_2d


def dilated_convolution_2d(x, W, b=None, stride=1, pad=0, dilate=1, cover_all=False,
                           **kwargs):
    """`convolution_2d` with the kernel taps `dilate` pixels apart (Chainer's separate
    function; its argument order)."""
    if kwargs:
        v1_kwargs('dilated_convolution_2d', kwargs)
    return convolution_2d(x, W, b, stride, pad, cover_all, dilate=dilate)
