"""Rows for F.max_pooling_2d, F.average_pooling_2d and F.unpooling_2d (references: the
direct loops of tests/ops/_conv_ref.py).  ``return_indices`` gives a plain array, as in
Chainer; tests/functions/pooling/test_max_pooling_2d.py checks it."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, uniform
from tests.functions import _nd_ref as ND
from tests.ops import _conv_ref as R


def _max(x, ksize, stride=None, pad=0, cover_all=True):
    return R.max_pool2d(x, ksize, ksize if stride is None else stride, pad, cover_all)[0]


def _avg(x, ksize, stride=None, pad=0):
    return R.avg_pool2d(x, ksize, ksize if stride is None else stride, pad)


X = uniform(2, 3, 5, 5)


def _upsampling(x, y):
    out = numpy.zeros(x.shape)
    for n, c, i, j in numpy.ndindex(*y.shape):
        win = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        a, b = numpy.unravel_index(numpy.argmax(win), win.shape)
        out[n, c, 2 * i + a, 2 * j + b] += y[n, c, i, j]
    return out


def _spp(x, pyramid_height, pooling):
    import math
    ys = []
    for level in range(pyramid_height):
        bins = 2 ** level
        kh, kw = math.ceil(x.shape[2] / bins), math.ceil(x.shape[3] / bins)
        pad = ((kh * bins - x.shape[2]) // 2, (kw * bins - x.shape[3]) // 2)
        y = ND.pool_nd(x, (kh, kw), pad=pad)
        ys.append(y.reshape(len(x), -1, 1, 1))
    return numpy.concatenate(ys, axis=1)


CASES = [
    Case(F.max_pooling_2d, [X], attrs=dict(ksize=2), ref=_max),
    Case(F.max_pooling_2d, [X], attrs=dict(ksize=2, cover_all=False), ref=_max,
         name='max_pooling_2d_no_cover_all'),
    Case(F.max_pooling_2d, [X], attrs=dict(ksize=3, stride=2, pad=1), ref=_max,
         name='max_pooling_2d_overlap_pad'),
    Case(F.max_pooling_2d, [uniform(2, 2, 4, 6)], attrs=dict(ksize=(2, 3), stride=(1, 2)),
         ref=_max, name='max_pooling_2d_rect'),
    Case(F.average_pooling_2d, [X], attrs=dict(ksize=2), ref=_avg),
    Case(F.average_pooling_2d, [X], attrs=dict(ksize=3, stride=2, pad=1), ref=_avg,
         name='average_pooling_2d_overlap_pad'),
    Case(F.average_pooling_2d, [uniform(2, 2, 4, 6)], attrs=dict(ksize=(2, 3), stride=1),
         ref=_avg, name='average_pooling_2d_rect'),
    Case(F.unpooling_2d, [uniform(2, 3, 3, 3)], attrs=dict(ksize=2), ref=R.unpooling_2d),
    Case(F.unpooling_2d, [uniform(2, 3, 3, 3)], attrs=dict(ksize=2, cover_all=False),
         ref=R.unpooling_2d, name='unpooling_2d_no_cover_all'),
    Case(F.unpooling_2d, [uniform(2, 3, 3, 3)], attrs=dict(ksize=3, stride=2, pad=1),
         ref=R.unpooling_2d, name='unpooling_2d_overlap_pad'),
    Case(F.unpooling_2d, [uniform(2, 3, 3, 2)], attrs=dict(ksize=2, outsize=(6, 4)),
         ref=R.unpooling_2d, name='unpooling_2d_outsize'),
    # ---- N-d pooling ----
    Case(F.max_pooling_nd, [uniform(1, 2, 4, 5, 4)], attrs=dict(ksize=(2, 3, 2), stride=2,
                                                            pad=(1, 1, 0)), ref=ND.pool_nd),
    Case(F.max_pooling_1d, [uniform(2, 3, 7)], attrs=dict(ksize=3, stride=2, pad=1),
         ref=ND.pool_nd),
    Case(F.max_pooling_3d, [uniform(1, 2, 4, 4, 5)], attrs=dict(ksize=2, cover_all=False),
         ref=lambda x, ksize, cover_all: ND.pool_nd(x, ksize, cover_all=cover_all)),
    Case(F.average_pooling_nd, [uniform(1, 2, 4, 5, 4)],
         attrs=dict(ksize=(2, 3, 2), stride=2, pad=1, pad_value=None),
         ref=lambda x, pad_value, **kw: ND.pool_nd(x, mode='avg', pad_value=pad_value, **kw)),
    Case(F.average_pooling_1d, [uniform(2, 3, 7)], attrs=dict(ksize=3, pad=1),
         ref=lambda x, **kw: ND.pool_nd(x, mode='avg', **kw)),
    Case(F.average_pooling_3d, [uniform(1, 2, 3, 4, 3)], attrs=dict(ksize=2, stride=1),
         ref=lambda x, **kw: ND.pool_nd(x, mode='avg', **kw)),
    Case(F.unpooling_nd, [uniform(1, 2, 2, 3, 2)], attrs=dict(ksize=2, stride=1),
         ref=ND.unpool_nd),
    Case(F.unpooling_1d, [uniform(2, 3, 3)], attrs=dict(ksize=3, stride=2, pad=1),
         ref=ND.unpool_nd),
    Case(F.unpooling_3d, [uniform(1, 2, 2, 2, 3)], attrs=dict(ksize=2, outsize=(4, 3, 6)),
         ref=ND.unpool_nd),
    Case(lambda x, y: F.upsampling_2d(y, F.max_pooling_2d(x, 2, return_indices=True)[1], 2,
                                      outsize=(4, 4)),
         [uniform(2, 3, 4, 4), uniform(2, 3, 2, 2)], grad=(1,), name='upsampling_2d',
         dtypes=(numpy.float32, numpy.float64),   # float16 rounding can move an argmax
         covers='upsampling_2d', ref=_upsampling),
    Case(F.spatial_pyramid_pooling_2d, [uniform(2, 3, 5, 6)],
         attrs=dict(pyramid_height=2, pooling='max'), ref=_spp),
]
