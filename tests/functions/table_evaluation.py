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


def _summary(y, t, label_num=None, beta=1.0, ignore_label=-1):
    valid = t.ravel() != ignore_label
    pred, true = y.argmax(axis=1).ravel()[valid], t.ravel()[valid]
    classes = numpy.arange(label_num)
    support = (true[:, None] == classes).sum(axis=0)
    relevant = (pred[:, None] == classes).sum(axis=0)
    tp = ((pred == true)[:, None] & (true[:, None] == classes)).sum(axis=0)
    with numpy.errstate(divide='ignore', invalid='ignore'):
        p, r = tp / relevant, tp / support
        f = (1 + beta ** 2) * p * r / (beta ** 2 * p + r)
    return p, r, f, support


def _r2(pred, true, multioutput='uniform_average'):
    ss_res = ((pred - true) ** 2).sum(axis=0)
    ss_tot = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    r2 = numpy.where(ss_tot == 0, 0.0, 1 - ss_res / numpy.where(ss_tot == 0, 1, ss_tot))
    return r2.mean() if multioutput == 'uniform_average' else r2


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
    Case(F.classification_summary, [uniform(12, 4), ints(12, low=-1, high=4)],
         attrs=dict(label_num=4), ref=_summary, grad=False, out_dtype=numpy.float64),
    Case(F.classification_summary, [uniform(10, 3, 2), ints(10, 2, low=0, high=3)],
         attrs=dict(label_num=3, beta=2.0, ignore_label=1), ref=_summary, grad=False,
         out_dtype=numpy.float64, name='classification_summary_beta_ignore'),
    Case(F.precision, [uniform(12, 4), ints(12, high=4)], attrs=dict(label_num=4),
         ref=lambda y, t, label_num: _summary(y, t, label_num)[0::3], grad=False,
         out_dtype=numpy.float64),
    Case(F.recall, [uniform(12, 4), ints(12, high=4)], attrs=dict(label_num=4),
         ref=lambda y, t, label_num: _summary(y, t, label_num)[1::2], grad=False,
         out_dtype=numpy.float64),
    Case(F.f1_score, [uniform(12, 4), ints(12, high=4)], attrs=dict(label_num=4),
         ref=lambda y, t, label_num: _summary(y, t, label_num)[2:], grad=False,
         out_dtype=numpy.float64),
    Case(F.r2_score, [uniform(6, 3), uniform(6, 3)], ref=_r2, grad=False),
    Case(F.r2_score, [uniform(6, 2), const(numpy.array([[1.0, 2.0]] * 6))],
         attrs=dict(multioutput='raw_values'), ref=_r2, grad=False, name='r2_constant_target'),
]
