from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.connection._bias import add_channel_bias
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError


def _outsize(x, W, stride, pad, dilate, outsize):
    if outsize is not None:
        return conv.pair(outsize, 'outsize', 'deconvolution_2d')
    if x.ndim != 4 or W.ndim != 4:
        raise OpTypeError('deconvolution_2d', f'x and W must be 4-D, got shapes '
                                              f'{tuple(x.shape)} and {tuple(W.shape)}')
    return tuple(conv.deconv_outsize(n, k, s, p, d=d) for n, k, s, p, d in
                 zip(x.shape[2:], W.shape[2:], stride, pad, dilate))


def deconvolution_2d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1,
                     **kwargs):
    """Transposed convolution of x (N, C, h, w) with W (C, out_c / groups, kh, kw).

    It is the gradient of `convolution_2d` with respect to its input: each input pixel
    adds ``x * W`` over a kernel-sized patch of the output.  Without `outsize` the output
    is ``stride * (h - 1) + dilate * (kh - 1) + 1 - 2 * pad`` high (likewise wide); a
    given `outsize` must be one that `convolution_2d` maps back to (h, w).
    """
    if kwargs:
        v1_kwargs('deconvolution_2d', kwargs)
    stride = conv.pair(stride, 'stride', 'deconvolution_2d')
    pad = conv.pair(pad, 'pad', 'deconvolution_2d')
    dilate = conv.pair(dilate, 'dilate', 'deconvolution_2d')
    y = conv.deconv2d(x, W, stride=stride, pad=pad, dilate=dilate, groups=int(groups),
                      outsize=_outsize(x, W, stride, pad, dilate, outsize))
    return y if b is None else add_channel_bias('deconvolution_2d', y, b)
