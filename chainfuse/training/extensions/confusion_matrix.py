"""ConfusionMatrix: per-class counts over the validation set, as Torch7's optim.ConfusionMatrix."""
import math

import numpy

from chainfuse import backend
from chainfuse.config import no_backprop_mode
from chainfuse.dataset import concat_examples
from chainfuse.training import util
from chainfuse.training.extensions import _terminal
from chainfuse.training.extensions.evaluator import Evaluator, _fresh_copy


class ConfusionMatrix(Evaluator):
    """Counts (true class, predicted class) pairs over a whole validation iterator.

    Like Evaluator it runs once per epoch on a copy of the iterator, with
    ``config.train = False`` and no backprop.  Each batch is converted to arrays
    ``(*inputs, labels)``; the prediction is the argmax over axis 1 of
    ``predict_func(*inputs)`` (default: ``target.predictor`` for an
    ``L.Classifier``, else the target).  Rows are true classes, columns
    predictions.  It prints the matrix as Torch7 does::

        ConfusionMatrix:
        [[       3       0]   100.000% 	[class: cat]
         [       1       2]]  66.667% 	[class: dog]
         + average row correct: 83.333%
         + average rowUcol correct (VOC measure): 70.833%
         + global correct: 83.333%

    and reports, so that LogReport saves them, under `key`:
    ``<key>/count/<t>/<p>``, ``<key>/class_accuracy/<c>``,
    ``<key>/average_row_correct``, ``<key>/average_union_correct`` and
    ``<key>/accuracy`` (global).  The last matrix is kept in `matrix`.

    Args:
        iterator, target, converter, device: as for Evaluator.
        classes: number of classes or list of class names (default: the width
            of the predictions).
        predict_func: ``f(*inputs) -> scores`` (N, n_classes).
        key (str): prefix of the reported keys.
        out: stream for the table (default: sys.stdout); print_table (bool).
    """

    default_name = 'confusion_matrix'

    def __init__(self, iterator, target, classes=None, converter=concat_examples, device=None,
                 predict_func=None, key='validation/confusion', out=None, print_table=True):
        super().__init__(iterator, target, converter=converter, device=device)
        if isinstance(classes, int):
            classes = [str(c) for c in range(classes)]
        self.classes = None if classes is None else [str(c) for c in classes]
        self._predict_func = predict_func
        self._key = key
        self._out = out
        self._print_table = print_table
        self.matrix = None

    def evaluate(self):
        target = self._targets['main']
        predict = self._predict_func or getattr(target, 'predictor', target)
        matrix = None
        for batch in _fresh_copy(self._iterators['main']):
            in_arrays = util.call_converter(self.converter, batch, self.device)
            *inputs, labels = in_arrays
            with no_backprop_mode():
                scores = predict(*inputs)
            scores = getattr(scores, 'array', scores)
            if matrix is None:
                n = len(self.classes) if self.classes else scores.shape[1]
                matrix = numpy.zeros((n, n), dtype=numpy.int64)
            matrix += _count(scores, labels, matrix.shape[0])
        if matrix is None:
            raise ValueError('ConfusionMatrix: the validation iterator gave no batch')
        self.matrix = matrix
        if self._print_table:
            out = _terminal.resolve(self._out)
            _terminal.erase_below(out)
            out.write(self.table() + '\n')
            _terminal.flush(out)
        return self._observation()

    def _observation(self):
        m, key = self.matrix, self._key
        obs = {f'{key}/count/{t}/{p}': int(m[t, p]) for t in range(len(m)) for p in range(len(m))}
        for c, acc in enumerate(_row_correct(m)):
            obs[f'{key}/class_accuracy/{c}'] = acc
        obs[f'{key}/average_row_correct'] = _nanmean(_row_correct(m))
        obs[f'{key}/average_union_correct'] = _nanmean(_union_correct(m))
        obs[f'{key}/accuracy'] = float(numpy.trace(m) / max(m.sum(), 1))
        return obs

    def table(self):
        """The last matrix as Torch7 prints it."""
        m = self.matrix
        n = len(m)
        width = max(8, 1 + math.ceil(math.log10(max(int(m.max()), 1))))
        lines = ['ConfusionMatrix:']
        for t, acc in enumerate(_row_correct(m)):
            start = '[[' if t == 0 else ' ['
            close = ']]  ' if t == n - 1 else ']   '
            cells = ''.join(f'{int(v):{width}d}' for v in m[t])
            name = f' \t[class: {self.classes[t]}]' if self.classes else ''
            lines.append(f'{start}{cells}{close}{acc * 100:2.3f}%{name}')
        lines.append(f' + average row correct: {_nanmean(_row_correct(m)) * 100:.3f}%')
        lines.append(' + average rowUcol correct (VOC measure): '
                     f'{_nanmean(_union_correct(m)) * 100:.3f}%')
        lines.append(f' + global correct: {numpy.trace(m) / max(m.sum(), 1) * 100:.3f}%')
        return '\n'.join(lines)


def _count(scores, labels, n):
    xp = backend.get_array_module(scores)
    pred = scores.argmax(axis=1).astype(labels.dtype)
    keep = labels >= 0  # -1 marks an ignored example, as in softmax_cross_entropy
    counts = xp.bincount((labels * n + pred)[keep].ravel(), minlength=n * n)
    return backend.to_cpu(counts).reshape(n, n)


def _row_correct(m):
    rows = m.sum(axis=1)
    return [float(m[i, i] / rows[i]) if rows[i] else float('nan') for i in range(len(m))]


def _union_correct(m):
    union = m.sum(axis=1) + m.sum(axis=0) - numpy.diag(m)
    return [float(m[i, i] / union[i]) if union[i] else float('nan') for i in range(len(m))]


def _nanmean(values):
    values = [v for v in values if not math.isnan(v)]
    return sum(values) / len(values) if values else float('nan')
