"""Rows for F.convolution_2d, F.deconvolution_2d, F.linear and F.embed_id.

Convolution references are the direct loops of tests/ops/_conv_ref.py (plus the bias).
"""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, ints, uniform
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
]
