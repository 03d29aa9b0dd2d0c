"""Per-class precision, recall, F-beta score and support (Chainer's
``classification_summary`` and its shortcuts precision, recall, f1_score).

Counting is written with ops, so a traced model computes it in its plan: the predicted
and true labels are compared with ``arange(label_num)`` into one-hot (M, label_num)
masks whose column sums are the counts.  As in Chainer the ratios are float64 (0/0 is
nan), the support is int64, and nothing has a gradient.
"""
import numpy

from chainfuse.config import no_backprop_mode
from chainfuse.core.variable import Variable
from chainfuse.functions._util import array_module
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError

_F64 = numpy.dtype(numpy.float64)


def _check(y, t):
    if y.dtype.kind != 'f' or t.dtype.kind != 'i':
        raise OpTypeError('classification_summary', f'y must be float scores and t integer '
                                                    f'labels, got {y.dtype.name} and '
                                                    f'{t.dtype.name}')
    ok = y.ndim >= t.ndim + 1 and y.shape[0] == t.shape[0] and \
        tuple(y.shape[2:t.ndim + 1]) == tuple(t.shape[1:]) and \
        all(s == 1 for s in y.shape[t.ndim + 1:])
    if not ok:
        raise OpTypeError('classification_summary', f'y must be (N, C, ...) and t (N, ...) '
                                                    f'with the same trailing axes, got y '
                                                    f'{tuple(y.shape)} and t {tuple(t.shape)}')


def _label_num(t):
    data = t.array if isinstance(t, Variable) else t
    return int(data.max()) + 1 if data.size else 0


def _onehot(labels, label_num, xp):
    classes = xp.arange(label_num, dtype=labels.dtype).reshape(1, label_num)
    return E.astype(E.equal(A.reshape(labels, shape=(labels.size, 1)), classes), dtype=_F64)


def classification_summary(y, t, label_num=None, beta=1.0, ignore_label=-1):
    """(precision, recall, fbeta, support), each of shape (label_num,), of the argmax of
    y over axis 1 against the labels t.  ``label_num`` None means ``max(t) + 1`` (read
    from the data); entries labelled `ignore_label` are not counted."""
    _check(y, t)
    if label_num is None:
        label_num = _label_num(t)
    xp = array_module(y)
    with no_backprop_mode():
        t = A.reshape(t, shape=(t.size,))
        pred = A.reshape(R.argmax(y, axis=(1,)), shape=(t.size,))
        pred = E.astype(pred, dtype=t.dtype)
        valid = A.reshape(E.astype(E.not_equal(t, int(ignore_label)), dtype=_F64),
                          shape=(t.size, 1))
        true_hot = E.mul(_onehot(t, label_num, xp), valid)
        pred_hot = E.mul(_onehot(pred, label_num, xp), valid)
        support = R.sum(true_hot, axis=(0,))
        relevant = R.sum(pred_hot, axis=(0,))
        tp = R.sum(E.mul(true_hot, pred_hot), axis=(0,))
        with numpy.errstate(divide='ignore', invalid='ignore'):
            precision = E.div(tp, relevant)
            recall = E.div(tp, support)
            b2 = float(beta) * float(beta)
            fbeta = E.div(E.mul(E.mul(precision, recall), 1.0 + b2),
                          E.add(E.mul(precision, b2), recall))
        return precision, recall, fbeta, E.astype(support, dtype=numpy.dtype(numpy.int64))


def precision(y, t, label_num=None, ignore_label=-1):
    """(precision per class, support per class); see `classification_summary`."""
    summary = classification_summary(y, t, label_num, 1.0, ignore_label)
    return summary[0], summary[3]


def recall(y, t, label_num=None, ignore_label=-1):
    """(recall per class, support per class); see `classification_summary`."""
    summary = classification_summary(y, t, label_num, 1.0, ignore_label)
    return summary[1], summary[3]


def f1_score(y, t, label_num=None, ignore_label=-1):
    """(F1 score per class, support per class); see `classification_summary`."""
    summary = classification_summary(y, t, label_num, 1.0, ignore_label)
    return summary[2], summary[3]
