"""Evaluator: mean loss/accuracy of the model over a validation set."""
import copy
import warnings

from chainfuse import backend
from chainfuse import reporter as reporter_module
from chainfuse.config import no_backprop_mode, using_config
from chainfuse.dataset import concat_examples
from chainfuse.training import extension
from chainfuse.training import util


class Evaluator(extension.Extension):
    """Runs the target over a whole validation iterator and reports the means.

    Once per epoch (by default) it:

    1. copies the iterator (the original is never advanced, so its state in a
       snapshot does not depend on evaluations), rewinding the copy if needed;
    2. with ``config.train = False`` and backprop off, calls the target on each
       converted batch inside a fresh Reporter whose observers are the target
       (named 'main') and its sublinks, prefixed by the extension's name;
    3. averages what was reported over batches (each batch weighs the same, as
       in Chainer) and reports the means into the trainer's observation, so an
       ``L.Classifier`` gives 'validation/main/loss' and
       'validation/main/accuracy'.  A compiled target's running totals
       (``compile/kernels``...) are not averaged: their last value is reported
       as 'validation/compile/kernels', apart from the training step's.

    Args:
        iterator: a non-repeating iterator, or a dict with a 'main' one.
        target: Link, or dict of Links with a 'main' one.
        converter: ``converter(batch, device)`` (default ``concat_examples``).
        device: where batches are sent.
        eval_hook: ``f(evaluator)`` called before each evaluation.
        eval_func: called instead of the 'main' target.
    """

    trigger = 1, 'epoch'
    default_name = 'validation'
    priority = extension.PRIORITY_WRITER
    name = None

    def __init__(self, iterator, target, converter=concat_examples, device=None, eval_hook=None,
                 eval_func=None):
        self._iterators = iterator if isinstance(iterator, dict) else {'main': iterator}
        self._targets = target if isinstance(target, dict) else {'main': target}
        self.converter = converter
        self.device = None if device is None else backend.get_device(device)
        self.eval_hook = eval_hook
        self.eval_func = eval_func
        for key, it in self._iterators.items():
            if getattr(it, 'repeat', False):
                warnings.warn(f'Evaluator: iterator {key!r} has repeat=True, so the evaluation '
                              'may never end; create it with repeat=False')

    def get_iterator(self, name):
        return self._iterators[name]

    def get_all_iterators(self):
        return dict(self._iterators)

    def get_target(self, name):
        return self._targets[name]

    def get_all_targets(self):
        return dict(self._targets)

    def __call__(self, trainer=None):
        """Evaluates, reports the means to the current reporter and returns them."""
        reporter = reporter_module.Reporter()
        prefix = '' if self.name is None else self.name + '/'
        for name, target in self._targets.items():
            reporter.add_observer(prefix + name, target)
            reporter.add_observers(prefix + name, target.namedlinks(skipself=True))
        with reporter, using_config('train', False):
            result = self.evaluate()
        reporter_module.report(result)
        return result

    def evaluate(self):
        """Means of the values reported while the target runs over the whole iterator."""
        eval_func = self.eval_func or self._targets['main']
        if self.eval_hook:
            self.eval_hook(self)
        summary = reporter_module.DictSummary()
        totals = {}
        for batch in _fresh_copy(self._iterators['main']):
            observation = {}
            with reporter_module.report_scope(observation):
                in_arrays = util.call_converter(self.converter, batch, self.device)
                with no_backprop_mode():
                    util.call_with_arrays(eval_func, in_arrays)
            totals.update((k, v) for k, v in observation.items()
                          if reporter_module.is_running_total(k))
            summary.add({k: v for k, v in observation.items() if k not in totals})
        return {**summary.compute_mean(), **self._prefixed(totals)}

    def _prefixed(self, totals):
        """A compiled target's running totals (``compile/kernels``...): their last
        value, under this evaluator's name, apart from the training step's."""
        prefix = '' if self.name is None else self.name + '/'
        return {k if k.startswith(prefix) else prefix + k: v for k, v in totals.items()}

    def finalize(self):
        for it in self._iterators.values():
            finalize = getattr(it, 'finalize', None)
            if finalize is not None:
                finalize()


def _fresh_copy(iterator):
    it = copy.copy(iterator)
    started = getattr(it, 'current_position', 0) or getattr(it, 'epoch', 0)
    if started and hasattr(it, 'reset'):
        it.reset()
    return it

