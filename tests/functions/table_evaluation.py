"""Rows for F.evaluation (chainfuse/functions/evaluation/): no gradients."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, ints, uniform


def _accuracy(y, t, ignore_label=None):
    pred = y.argmax(axis=1).reshape(t.shape)
    if ignore_label is None:
        return numpy.mean(pred == t)
    valid = t != ignore_label
    return ((pred == t) & valid).sum() / max(valid.sum(), 1)


def _binary_accuracy(y, t):
    valid = t != -1
    return (((y >= 0) == t) & valid).sum() / max(valid.sum(), 1)


CASES = [
    Case(F.accuracy, [uniform(6, 3), ints(6, high=3)], ref=_accuracy, grad=False),
    Case(F.accuracy, [uniform(6, 3), const(numpy.array([0, 1, 2, -1, 1, -1], 'i'))],
         attrs=dict(ignore_label=-1), ref=_accuracy, grad=False, name='accuracy_ignore'),
    Case(F.accuracy, [uniform(2, 3), const(numpy.array([-1, -1], 'i'))],
         attrs=dict(ignore_label=-1), ref=_accuracy, grad=False, name='accuracy_all_ignored'),
    Case(F.accuracy, [uniform(2, 4, 3), ints(2, 3, high=4)], ref=_accuracy, grad=False,
         name='accuracy_3d'),
    Case(F.accuracy, [uniform(4, 3, 1), ints(4, high=3, dtype=numpy.int64)], ref=_accuracy,
         grad=False, name='accuracy_trailing_one'),
    Case(F.binary_accuracy, [uniform(3, 4), ints(3, 4, low=-1, high=2)],
         ref=_binary_accuracy, grad=False),
]
