"""Rows for F.convolution_2d, F.deconvolution_2d, F.linear and F.embed_id.

Convolution references are the direct loops of tests/ops/_conv_ref.py (plus the bias).
"""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, ints, uniform
from tests.functions import _nd_ref as ND
from tests.ops import _conv_ref as R


def _bias(y, b):
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def _conv(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    return _bias(R.conv2d(x, W, stride, pad, dilate, groups, cover_all), b)


def _deconv(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    return _bias(R.deconv2d(x, W, stride, pad, dilate, groups, outsize), b)


def _linear(x, W, b=None, n_batch_axes=1):
    batch = x.shape[:n_batch_axes]
    y = x.reshape(int(numpy.prod(batch)), -1) @ W.T
    if b is not None:
        y = y + b
    return y.reshape(batch + (W.shape[0],))


def _embed(x, W, ignore_label=None):
    y = W[numpy.where(x == ignore_label, 0, x) if ignore_label is not None else x]
    if ignore_label is not None:
        y = numpy.where((x == ignore_label)[..., None], 0.0, y)
    return y


X, W, B = uniform(2, 3, 5, 5), uniform(4, 3, 3, 3), uniform(4)
IDS = numpy.array([[0, -1, 2], [4, 1, -1]], dtype=numpy.int32)


def _local_conv(x, W, b):
    out_c, oh, ow, c, kh, kw = W.shape
    y = numpy.zeros((x.shape[0], out_c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i:i + kh, j:j + kw].reshape(x.shape[0], -1)
            y[:, :, i, j] = patch @ W[:, i, j].reshape(out_c, -1).T
    return y + b[None]


def _shift(x, ksize, dilate):
    _, c, h, w = x.shape
    k = ksize
    xp = numpy.pad(x, ((0, 0), (0, 0), (k // 2 * dilate,) * 2, (k // 2 * dilate,) * 2))
    groups, size = k * k, c // (k * k)
    parts = []
    for i in range(groups):
        g = {(groups - 1) // 2: groups - 1, groups - 1: (groups - 1) // 2}.get(i, i)
        ky, kx = g // k - k // 2, g % k - k // 2
        hs, ws = k // 2 * dilate - ky * dilate, k // 2 * dilate - kx * dilate
        stop = (i + 1) * size if i < groups - 1 else c
        parts.append(xp[:, i * size:stop, hs:hs + h, ws:ws + w])
    return numpy.concatenate(parts, axis=1)


def _deformable(x, offset, W, b, stride=1, pad=0):
    """Direct loops: each tap reads x at its shifted point by bilinear interpolation."""
    n, c, h, w = x.shape
    out_c, _, kh, kw = W.shape
    oh, ow = offset.shape[2:]
    xp = numpy.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = numpy.zeros((n, out_c, oh, ow))
    for b_, i, j in numpy.ndindex(n, oh, ow):
        cols = numpy.zeros((c, kh, kw))
        for k, (di, dj) in enumerate(numpy.ndindex(kh, kw)):
            px = j * stride + dj + offset[b_, k, i, j]
            py = i * stride + di + offset[b_, kh * kw + k, i, j]
            for yy in (int(numpy.floor(py)), int(numpy.floor(py)) + 1):
                for xx in (int(numpy.floor(px)), int(numpy.floor(px)) + 1):
                    if 0 <= yy < xp.shape[2] and 0 <= xx < xp.shape[3]:
                        wt = (1 - abs(px - xx)) * (1 - abs(py - yy))
                        cols[:, di, dj] += wt * xp[b_, :, yy, xx]
        y[b_, :, i, j] = numpy.einsum('ckl,ockl->o', cols, W) + b
    return y


CASES = [
    Case(F.convolution_2d, [X, W, B], ref=_conv),
    Case(F.convolution_2d, [X, W], ref=_conv, name='convolution_2d_nobias'),
    Case(F.convolution_2d, [X, W, B], attrs=dict(stride=2, pad=1), ref=_conv,
         name='convolution_2d_stride_pad'),
    Case(F.convolution_2d, [X, W, B], attrs=dict(stride=(1, 2), pad=(2, 1), dilate=(1, 2)),
         ref=_conv, name='convolution_2d_pairs_dilate'),
    Case(F.convolution_2d, [X, W, B], attrs=dict(stride=3, cover_all=True), ref=_conv,
         name='convolution_2d_cover_all'),
    Case(F.convolution_2d, [uniform(2, 4, 5, 5), uniform(6, 2, 3, 3), uniform(6)],
         attrs=dict(groups=2, pad=1), ref=_conv, name='convolution_2d_groups'),
    Case(F.deconvolution_2d, [uniform(2, 3, 3, 3), uniform(3, 4, 3, 3), uniform(4)],
         ref=_deconv),
    Case(F.deconvolution_2d, [uniform(2, 3, 3, 3), uniform(3, 2, 3, 3)],
         attrs=dict(stride=2, pad=1), ref=_deconv, name='deconvolution_2d_stride_nobias'),
    Case(F.deconvolution_2d, [uniform(2, 3, 3, 3), uniform(3, 2, 3, 3), uniform(2)],
         attrs=dict(stride=2, pad=1, outsize=(6, 6)), ref=_deconv,
         name='deconvolution_2d_outsize'),
    Case(F.deconvolution_2d, [uniform(2, 4, 2, 3), uniform(4, 3, 2, 2), uniform(6)],
         attrs=dict(stride=(1, 2), dilate=(2, 1), groups=2), ref=_deconv,
         name='deconvolution_2d_groups_dilate'),
    Case(F.linear, [uniform(3, 4), uniform(2, 4), uniform(2)], ref=_linear),
    Case(F.linear, [uniform(3, 4), uniform(2, 4)], ref=_linear, name='linear_nobias'),
    Case(F.linear, [uniform(2, 3, 2, 2), uniform(5, 12), uniform(5)], ref=_linear,
         name='linear_flatten'),
    Case(F.linear, [uniform(2, 3, 4), uniform(5, 4), uniform(5)],
         attrs=dict(n_batch_axes=2), ref=_linear, name='linear_batch_axes'),
    Case(F.embed_id, [ints(2, 3, high=5), uniform(5, 4)], ref=_embed),
    Case(F.embed_id, [const(IDS), uniform(5, 4)], attrs=dict(ignore_label=-1), ref=_embed,
         name='embed_id_ignore_label'),
    # ---- N-d, dilated, depthwise, local convolutions, bilinear, shift ----
    Case(F.convolution_nd, [uniform(1, 2, 3, 4, 3), uniform(2, 2, 2, 2, 2), uniform(2)],
         attrs=dict(stride=(1, 2, 1), pad=1), ref=ND.conv_nd),
    Case(F.convolution_1d, [uniform(2, 3, 6), uniform(2, 3, 3)], attrs=dict(stride=2, pad=1),
         ref=ND.conv_nd),
    Case(F.convolution_3d, [uniform(1, 4, 3, 3, 4), uniform(2, 2, 2, 2, 2)],
         attrs=dict(groups=2, dilate=(1, 1, 2), cover_all=True, stride=2), ref=ND.conv_nd),
    Case(F.deconvolution_nd, [uniform(1, 2, 2, 3, 2), uniform(2, 2, 2, 2, 3), uniform(2)],
         attrs=dict(stride=(2, 1, 2), pad=(1, 0, 1)), ref=ND.deconv_nd),
    Case(F.deconvolution_1d, [uniform(2, 3, 3), uniform(3, 2, 3)],
         attrs=dict(stride=2, outsize=(8,)), ref=ND.deconv_nd),
    Case(F.deconvolution_3d, [uniform(1, 4, 2, 2, 2), uniform(4, 1, 2, 2, 2)],
         attrs=dict(groups=2, stride=2, outsize=(3, 4, 3), pad=(1, 0, 1)), ref=ND.deconv_nd),
    Case(F.dilated_convolution_2d, [uniform(2, 2, 5, 5), uniform(3, 2, 2, 2)],
         attrs=dict(pad=1, dilate=2), ref=lambda x, W, pad, dilate: ND.conv_nd(
             x, W, pad=pad, dilate=dilate)),
    Case(F.depthwise_convolution_2d, [uniform(2, 3, 4, 4), uniform(2, 3, 2, 2), uniform(6)],
         attrs=dict(pad=1), ref=lambda x, W, b, pad: ND.conv_nd(
             x, W.transpose(1, 0, 2, 3).reshape(6, 1, 2, 2), b, pad=pad, groups=3)),
    Case(F.local_convolution_2d, [uniform(2, 2, 4, 4), uniform(3, 2, 2, 2, 3, 3),
                                  uniform(3, 2, 2)], ref=_local_conv),
    Case(F.bilinear, [uniform(3, 2), uniform(3, 4), uniform(2, 4, 3), uniform(2, 3),
                      uniform(4, 3), uniform(3)],
         ref=lambda e1, e2, W, V1, V2, b: numpy.einsum('nj,nk,jkl->nl', e1, e2, W) +
         e1 @ V1 + e2 @ V2 + b),
    Case(F.shift, [uniform(2, 10, 4, 5)], attrs=dict(ksize=3, dilate=1), ref=_shift),
    Case(F.deformable_convolution_2d_sampler, [uniform(1, 2, 4, 4),
                                               uniform(1, 8, 4, 4, low=-0.6, high=0.6),
                                               uniform(3, 2, 2, 2), uniform(3)],
         attrs=dict(pad=1, stride=1), ref=_deformable),
]
