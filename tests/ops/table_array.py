"""Rows for the movement ops added beside reshape/transpose (chainfuse/ops/array.py):
stop_gradient, getitem, getitem_grad, check_index, take, take_grad, concat, split, pad, to_device."""
import numpy

from chainfuse.ops.array import normalize_key, numpy_key
from chainfuse.testing import Case, const, ints, uniform

KEY_ROWS = normalize_key((slice(0, 2), 1))
KEY_MIXED = normalize_key((None, Ellipsis, slice(None, None, -1)))
KEY_STEP = normalize_key((slice(3, 0, -2), slice(1, None)))
KEY_INT = normalize_key((2,))


def _getitem(x, key):
    return x[numpy_key(key)]


def _getitem_grad(gy, key, shape):
    out = numpy.zeros(shape, gy.dtype)
    out[numpy_key(key)] = gy
    return out


def _take_grad(gy, indices, axis, shape):
    out = numpy.zeros(shape, gy.dtype)
    numpy.add.at(out, (slice(None),) * (axis % len(shape)) + (indices,), gy)
    return out


def _split(x, indices, axis):
    return tuple(numpy.split(x, list(indices), axis=axis))


def _pad(x, pad_width, constant_values):
    return numpy.pad(x, pad_width, mode='constant', constant_values=constant_values)


IDX = numpy.array([2, 0, 2, -1], numpy.int32)
IDX2 = numpy.array([[1, 0], [1, 1], [2, 0]], numpy.int64)

CASES = [
    Case('stop_gradient', [uniform(3, 4)], ref=lambda x: x, grad=False),
    Case('getitem', [uniform(3, 4)], attrs=dict(key=KEY_ROWS), ref=_getitem),
    Case('getitem', [uniform(2, 3)], attrs=dict(key=KEY_MIXED), ref=_getitem,
         name='getitem_none_ellipsis_reverse'),
    Case('getitem', [uniform(5, 3)], attrs=dict(key=KEY_STEP), ref=_getitem,
         name='getitem_negative_step'),
    Case('getitem', [uniform(4)], attrs=dict(key=KEY_INT), ref=_getitem, name='getitem_0d'),
    Case('getitem', [ints(3, 4)], attrs=dict(key=KEY_ROWS), ref=_getitem, name='getitem_int'),
    Case('getitem_grad', [uniform(2)], attrs=dict(key=KEY_ROWS, shape=(3, 4)),
         ref=_getitem_grad),
    Case('getitem_grad', [uniform(1, 2, 3)], attrs=dict(key=KEY_MIXED, shape=(2, 3)),
         ref=_getitem_grad, name='getitem_grad_none_ellipsis'),
    Case('take', [uniform(3, 2), const(IDX)], attrs=dict(axis=0),
         ref=lambda x, i, axis: numpy.take(x, i, axis=axis)),
    Case('take', [uniform(2, 3, 2), const(IDX2)], attrs=dict(axis=1),
         ref=lambda x, i, axis: numpy.take(x, i, axis=axis), name='take_axis1_2d_indices'),
    Case('take', [uniform(4), const(numpy.array(1))], attrs=dict(axis=-1),
         ref=lambda x, i, axis: numpy.take(x, i, axis=axis), name='take_0d_index'),
    Case('check_index', [const(numpy.array([[2, 0], [-1, 1]], numpy.int32))],
         attrs=dict(size=3, ignore=-1), ref=lambda t, size, ignore: t),
    Case('take_grad', [uniform(4, 2), const(IDX)], attrs=dict(axis=0, shape=(3, 2)),
         ref=_take_grad),
    Case('take_grad', [uniform(2, 3, 2, 2), const(IDX2)], attrs=dict(axis=1, shape=(2, 3, 2)),
         ref=_take_grad, name='take_grad_axis1'),
    Case('concat', [uniform(2, 3), uniform(2, 1), uniform(2, 2)], attrs=dict(axis=1),
         ref=lambda *xs, axis: numpy.concatenate(xs, axis=axis)),
    Case('concat', [uniform(1, 3), uniform(2, 3)], attrs=dict(axis=-2),
         ref=lambda *xs, axis: numpy.concatenate(xs, axis=axis), name='concat_neg_axis'),
    Case('concat', [uniform(3)], attrs=dict(axis=0),
         ref=lambda *xs, axis: numpy.concatenate(xs, axis=axis), name='concat_one'),
    Case('concat', [ints(2, 2), ints(2, 2)], attrs=dict(axis=0),
         ref=lambda *xs, axis: numpy.concatenate(xs, axis=axis), name='concat_int'),
    Case('split', [uniform(3, 5)], attrs=dict(indices=(1, 3), axis=1), ref=_split),
    Case('split', [uniform(4, 2)], attrs=dict(indices=(2,), axis=0), ref=_split,
         name='split_two'),
    Case('split', [uniform(3, 2)], attrs=dict(indices=(1, 1, 5), axis=-2), ref=_split,
         name='split_empty_pieces'),
    Case('pad', [uniform(2, 3)], attrs=dict(pad_width=((1, 0), (2, 1)), constant_values=0.5),
         ref=_pad),
    Case('pad', [uniform(3)], attrs=dict(pad_width=((0, 0),), constant_values=0),
         ref=_pad, name='pad_nothing'),
    Case('to_device', [uniform(2, 3)], attrs=dict(device='@numpy', source='@numpy'),
         ref=lambda x, device, source: x),
]
