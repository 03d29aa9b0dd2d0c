"""Rows for the first F functions: F.relu and F.sum."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, uniform


def _sum(x, axis=None, keepdims=False):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return numpy.sum(x, axis=axis, keepdims=keepdims)


CASES = [
    Case(F.relu, [uniform(3, 4)], ref=lambda x: numpy.maximum(x, 0)),
    Case(F.relu, [uniform(2, 3, 2)], ref=lambda x: numpy.maximum(x, 0), name='relu_3d'),
    Case(F.sum, [uniform(3, 4)], ref=_sum),
    Case(F.sum, [uniform(3, 4)], attrs=dict(axis=1), ref=_sum, name='sum_axis_int'),
    Case(F.sum, [uniform(2, 3, 4)], attrs=dict(axis=(0, 2), keepdims=True), ref=_sum,
         name='sum_axes_keepdims'),
    Case(F.sum, [uniform(2, 3, 4)], attrs=dict(axis=[-1, 0]), ref=_sum, name='sum_axis_list'),
]
