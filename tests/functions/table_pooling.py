"""Rows for F.max_pooling_2d, F.average_pooling_2d and F.unpooling_2d (references: the
direct loops of tests/ops/_conv_ref.py).  ``return_indices`` gives a plain array, as in
Chainer; tests/functions/pooling/test_max_pooling_2d.py checks it."""
import chainfuse.functions as F
from chainfuse.testing import Case, uniform
from tests.ops import _conv_ref as R


def _max(x, ksize, stride=None, pad=0, cover_all=True):
    return R.max_pool2d(x, ksize, ksize if stride is None else stride, pad, cover_all)[0]


def _avg(x, ksize, stride=None, pad=0):
    return R.avg_pool2d(x, ksize, ksize if stride is None else stride, pad)


X = uniform(2, 3, 5, 5)

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
]
