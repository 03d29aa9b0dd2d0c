from chainfuse.functions.pooling._args import pool_args
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError


def _outsize(x, ksize, stride, pad, outsize, cover_all, fn='unpooling_2d'):
    """The output size of an inverse pooling: the given one (checked to pool back to x's
    size) or the default ``deconv_outsize``."""
    if x.ndim != 4:
        raise OpTypeError(fn, f'x must be 4-D (N, C, H, W), got shape {tuple(x.shape)}')
    if outsize is None:
        return tuple(conv.deconv_outsize(n, k, s, p, cover_all)
                     for n, k, s, p in zip(x.shape[2:], ksize, stride, pad))
    outsize = conv.pair(outsize, 'outsize', fn)
    back = tuple(conv.conv_outsize(n, k, s, p, cover_all)
                 for n, k, s, p in zip(outsize, ksize, stride, pad))
    if back != tuple(x.shape[2:]):
        raise OpTypeError(fn, f'outsize {outsize} pools to {back} with ksize {ksize}, stride '
                              f'{stride}, pad {pad}, cover_all={cover_all}, not to the input '
                              f'size {tuple(x.shape[2:])}')
    return outsize


def unpooling_2d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Inverse of pooling: each value of x is copied over its ksize window of the output
    (values add up where windows overlap), then the padding is cropped.

    It is ``kh * kw`` times the adjoint of average pooling (``avg_pool2d_grad``).  The
    output size defaults to ``stride * (h - 1) + ksize - 2 * pad`` (minus ``stride - 1``
    with ``cover_all``), as in Chainer.
    """
    ksize, stride, pad = pool_args('unpooling_2d', ksize, stride, pad)
    cover_all = bool(cover_all)
    insize = _outsize(x, ksize, stride, pad, outsize, cover_all)
    y = conv.avg_pool2d_grad(x, ksize=ksize, stride=stride, pad=pad, insize=insize)
    return y * float(ksize[0] * ksize[1])
