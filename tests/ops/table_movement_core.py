"""Rows for reshape, transpose, broadcast_to, sum_to (chainfuse/ops/array.py) and sum
(chainfuse/ops/reduction.py)."""
import numpy

from chainfuse.testing import Case, ints, uniform


def _sum_to(x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    return x.sum(axis=axes, keepdims=True).reshape(shape)


def _sum(x, axis, keepdims):
    return numpy.sum(x, axis=axis, keepdims=keepdims)


CASES = [
    Case('reshape', [uniform(3, 4)], attrs=dict(shape=(2, 6)),
         ref=lambda x, shape: x.reshape(shape)),
    Case('reshape', [uniform(2, 3, 2)], attrs=dict(shape=(12,)),
         ref=lambda x, shape: x.reshape(shape), name='reshape_flat'),
    Case('reshape', [uniform()], attrs=dict(shape=(1, 1)),
         ref=lambda x, shape: x.reshape(shape), name='reshape_0d'),
    Case('reshape', [ints(2, 3)], attrs=dict(shape=(3, 2)),
         ref=lambda x, shape: x.reshape(shape), name='reshape_int'),
    Case('transpose', [uniform(3, 4)], attrs=dict(axes=(1, 0)),
         ref=lambda x, axes: x.transpose(axes)),
    Case('transpose', [uniform(2, 3, 4)], attrs=dict(axes=(2, 0, 1)),
         ref=lambda x, axes: x.transpose(axes), name='transpose_3d'),
    Case('broadcast_to', [uniform(3, 1)], attrs=dict(shape=(2, 3, 4)),
         ref=lambda x, shape: numpy.broadcast_to(x, shape)),
    Case('broadcast_to', [uniform(4)], attrs=dict(shape=(3, 4)),
         ref=lambda x, shape: numpy.broadcast_to(x, shape), name='broadcast_to_lead'),
    Case('broadcast_to', [uniform()], attrs=dict(shape=(2, 3)),
         ref=lambda x, shape: numpy.broadcast_to(x, shape), name='broadcast_to_0d'),
    Case('sum_to', [uniform(2, 3, 4)], attrs=dict(shape=(3, 1)), ref=_sum_to),
    Case('sum_to', [uniform(3, 4)], attrs=dict(shape=(4,)), ref=_sum_to, name='sum_to_lead'),
    Case('sum_to', [uniform(3, 4)], attrs=dict(shape=(3, 4)), ref=_sum_to, name='sum_to_same'),
    Case('sum_to', [uniform(2, 3)], attrs=dict(shape=()), ref=_sum_to, name='sum_to_0d'),
    Case('sum', [uniform(3, 4)], attrs=dict(axis=None, keepdims=False), ref=_sum),
    Case('sum', [uniform(3, 4)], attrs=dict(axis=(1,), keepdims=False), ref=_sum,
         name='sum_axis1'),
    Case('sum', [uniform(2, 3, 4)], attrs=dict(axis=(0, 2), keepdims=True), ref=_sum,
         name='sum_keepdims'),
    Case('sum', [uniform(2, 3, 4)], attrs=dict(axis=(-1,), keepdims=False), ref=_sum,
         name='sum_neg_axis'),
    Case('sum', [uniform(3, 4)], attrs=dict(axis=None, keepdims=True), ref=_sum,
         name='sum_all_keepdims'),
    Case('sum', [uniform()], attrs=dict(axis=None, keepdims=False), ref=_sum, name='sum_0d'),
]
