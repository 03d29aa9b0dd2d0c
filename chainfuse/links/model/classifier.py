"""L.Classifier: wraps a predictor, computes the loss (and accuracy) and reports them."""
import numpy

from chainfuse import backend
from chainfuse import functions as F
from chainfuse.core.variable import Variable
from chainfuse.links.link import Chain

_DEFAULT = object()


def _as_input_variable(x):
    if isinstance(x, numpy.ndarray) or backend.is_cupy_array(x):
        return Variable(x, requires_grad=False)
    return x


class Classifier(Chain):
    """``Classifier(predictor, lossfun=F.softmax_cross_entropy, accfun=F.accuracy,
    label_key=-1)``.

    ``model(*args)`` takes the label from ``args[label_key]`` (or the keyword
    `label_key` when it is a string), feeds the rest to the predictor, and returns
    ``lossfun(y, t)``.  It keeps ``y``, ``loss`` and ``accuracy`` as attributes and
    reports ``loss`` and ``accuracy`` to the current reporter with this link as the
    observer (``main/loss`` under a Trainer).  Set ``compute_accuracy = False`` to skip
    the accuracy.

    Array inputs reach the predictor wrapped in Variables (that need no gradient), as
    Chainer v1's updater handed them over, so predictors written for it (reading
    ``x.data``) run unchanged; F.* functions and links accept both.
    """

    compute_accuracy = True

    def __init__(self, predictor, lossfun=_DEFAULT, accfun=_DEFAULT, label_key=-1):
        if not isinstance(label_key, (int, str)):
            raise TypeError(f'label_key must be int or str, but is {type(label_key).__name__}')
        super().__init__()
        self.lossfun = F.softmax_cross_entropy if lossfun is _DEFAULT else lossfun
        self.accfun = F.accuracy if accfun is _DEFAULT else accfun
        self.y = None
        self.loss = None
        self.accuracy = None
        self.label_key = label_key
        with self.init_scope():
            self.predictor = predictor

    def _split_label(self, args, kwargs):
        key = self.label_key
        if isinstance(key, int):
            if not -len(args) <= key < len(args):
                raise ValueError(f'Classifier: label key {key} is out of bounds for '
                                 f'{len(args)} positional argument(s)')
            t = args[key]
            key = key % len(args)
            return args[:key] + args[key + 1:], kwargs, t
        if key not in kwargs:
            raise ValueError(f'Classifier: label key "{key}" is not found in the keyword '
                             'arguments')
        kwargs = dict(kwargs)
        t = kwargs.pop(key)
        return args, kwargs, t

    def forward(self, *args, **kwargs):
        from chainfuse import reporter
        args, kwargs, t = self._split_label(args, kwargs)
        args = tuple(_as_input_variable(a) for a in args)
        kwargs = {k: _as_input_variable(v) for k, v in kwargs.items()}
        self.y = None
        self.loss = None
        self.accuracy = None
        self.y = self.predictor(*args, **kwargs)
        self.loss = self.lossfun(self.y, t)
        reporter.report({'loss': self.loss}, self)
        if self.compute_accuracy:
            self.accuracy = self.accfun(self.y, t)
            reporter.report({'accuracy': self.accuracy}, self)
        return self.loss
