from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.connection._bias import add_channel_bias
from chainfuse.ops import conv


def convolution_2d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1,
                   **kwargs):
    """Two-dimensional convolution of x (N, C, H, W) with W (out_c, C / groups, kh, kw).

    ``out_h = (H + 2 * pad - (dilate * (kh - 1) + 1)) // stride + 1`` (plus ``stride - 1``
    inside the division with ``cover_all``).  The product is one GEMM per group over an
    im2col buffer (see `chainfuse.ops.conv`); the bias is a broadcast add afterwards.
    `stride`, `pad` and `dilate` are ints or (vertical, horizontal) pairs.
    """
    if kwargs:
        v1_kwargs('convolution_2d', kwargs)
    y = conv.conv2d(x, W, stride=conv.pair(stride, 'stride', 'convolution_2d'),
                    pad=conv.pair(pad, 'pad', 'convolution_2d'),
                    dilate=conv.pair(dilate, 'dilate', 'convolution_2d'),
                    groups=int(groups), cover_all=bool(cover_all))
    return y if b is None else add_channel_bias('convolution_2d', y, b)
