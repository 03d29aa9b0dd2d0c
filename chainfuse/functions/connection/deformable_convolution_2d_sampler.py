import numpy

from chainfuse.functions._util import array_module
from chainfuse.functions.array.spatial_transformer import spatial_transformer_sampler
from chainfuse.functions.connection._bias import add_channel_bias
from chainfuse.ops import array as A
from chainfuse.ops import conv
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def _grid(offset, kh, kw, sy, sx, ph, pw, h, w):
    """The sampling points of every kernel tap: the regular grid plus `offset`, scaled to
    the [-1, 1] coordinates of the padded image."""
    n, _, out_h, out_w = offset.shape
    taps = kh * kw
    xp = array_module(offset)
    ys, xs = numpy.meshgrid(numpy.arange(out_h) * sy, numpy.arange(out_w) * sx,
                            indexing='ij')
    base_x = xs[None, None] + numpy.tile(numpy.arange(kw), kh)[None, :, None, None]
    base_y = ys[None, None] + numpy.repeat(numpy.arange(kh), kw)[None, :, None, None]
    full = A.Slice(None, None, None)
    off_x = A.getitem(offset, key=(full, A.Slice(None, taps, None)))
    off_y = A.getitem(offset, key=(full, A.Slice(taps, None, None)))
    gx = E.add(off_x, xp.asarray(base_x.astype(offset.dtype)))
    gy = E.add(off_y, xp.asarray(base_y.astype(offset.dtype)))
    gx = E.mul(E.sub(E.div(gx, float(w + 2 * pw - 1)), 0.5), 2.0)
    gy = E.mul(E.sub(E.div(gy, float(h + 2 * ph - 1)), 0.5), 2.0)
    return A.reshape(A.concat(gx, gy, axis=1), shape=(n, 2, taps, out_h * out_w))


def deformable_convolution_2d_sampler(x, offset, W, b=None, stride=1, pad=0):
    """Deformable convolution (Dai et al.) given the offsets: every kernel tap (i, j) of
    output position p reads x at ``p * stride + (i, j) + offset`` by bilinear
    interpolation (`spatial_transformer_sampler` on the padded x), and the taps are
    contracted with W (out_c, C, kh, kw) in one product.  offset is (N, 2 kh kw, out_h,
    out_w): the x offsets of the taps, then the y offsets."""
    sy, sx = conv.pair(stride, 'stride', 'deformable_convolution_2d_sampler')
    ph, pw = conv.pair(pad, 'pad', 'deformable_convolution_2d_sampler')
    out_c, _, kh, kw = W.shape
    n, c, h, w = x.shape
    if offset.ndim != 4 or offset.shape[1] != 2 * kh * kw or offset.shape[0] != n:
        raise OpTypeError('deformable_convolution_2d_sampler',
                          f'offset must be (N, 2 * kh * kw = {2 * kh * kw}, out_h, out_w), got '
                          f'{tuple(offset.shape)}')
    out_h, out_w = offset.shape[2:]
    grid = _grid(offset, kh, kw, sy, sx, ph, pw, h, w)
    padded = A.pad(x, pad_width=((0, 0), (0, 0), (ph, ph), (pw, pw)))
    sampled = spatial_transformer_sampler(padded, grid)           # (N, C, kh kw, P)
    cols = A.reshape(A.transpose(sampled, axes=(0, 3, 1, 2)),
                     shape=(n * out_h * out_w, c * kh * kw))
    weights = A.reshape(A.transpose(W, axes=(1, 2, 3, 0)), shape=(c * kh * kw, out_c))
    y = A.transpose(A.reshape(linalg.matmul(cols, weights), shape=(n, out_h, out_w, out_c)),
                    axes=(0, 3, 1, 2))
    return y if b is None else add_channel_bias('deformable_convolution_2d_sampler', y, b)
