"""EarlyStoppingTrigger: a stop trigger that fires when a monitored value stops improving."""
import operator
import warnings

from chainfuse import reporter
from chainfuse.training import util


class EarlyStoppingTrigger:
    """Stops training when `monitor` has not improved for `patience` checks.

    Use it as the Trainer's ``stop_trigger``.  Every `check_trigger` interval it
    compares the interval's mean of `monitor` with the best so far; `patience`
    checks in a row without improvement fire it.  `max_trigger` bounds the
    training anyway (and gives ProgressBar the training length).

    Args:
        check_trigger: when to compare (default ``(1, 'epoch')``).
        monitor (str): observation key (default 'main/loss').
        patience (int): checks without improvement before stopping (default 3).
        mode (str): 'min', 'max' or 'auto' ('max' when 'accuracy' is in the key).
        verbose (bool): print when it stops.
        max_trigger: longest training (default ``(100, 'epoch')``).
    """

    def __init__(self, check_trigger=(1, 'epoch'), monitor='main/loss', patience=None,
                 mode='auto', verbose=False, max_trigger=(100, 'epoch'), patients=None):
        if patience is None:
            patience = 3 if patients is None else patients
        if mode not in ('auto', 'min', 'max'):
            raise ValueError(f"EarlyStoppingTrigger: mode must be 'auto', 'min' or 'max', "
                             f'got {mode!r}')
        self.patience = patience
        self.monitor = monitor
        self.verbose = verbose
        self.count = 0
        self._max_trigger = util.get_trigger(max_trigger)
        self._interval_trigger = util.get_trigger(check_trigger)
        maximize = mode == 'max' or (mode == 'auto' and 'accuracy' in monitor)
        self._compare = operator.gt if maximize else operator.lt
        self.best = float('-inf') if maximize else float('inf')
        self._init_summary()

    def __call__(self, trainer):
        observation = trainer.observation
        if self.monitor in observation:
            self._summary.add({self.monitor: observation[self.monitor]})
        if self._max_trigger(trainer):
            return True
        if not self._interval_trigger(trainer):
            return False
        if self.monitor not in observation:
            warnings.warn(f'EarlyStoppingTrigger: {self.monitor!r} is not in the observation '
                          f'(keys: {sorted(observation)})')
            return False
        current = float(self._summary.compute_mean()[self.monitor])
        self._init_summary()
        if self._compare(current, self.best):
            self.best = current
            self.count = 0
        else:
            self.count += 1
        if self.count >= self.patience:
            if self.verbose:
                print(f'Epoch {trainer.updater.epoch}: early stopping')
            return True
        return False

    def get_training_length(self):
        return self._max_trigger.get_training_length()

    def _init_summary(self):
        self._summary = reporter.DictSummary()

    def serialize(self, serializer):
        self._max_trigger.serialize(serializer['max_trigger'])
        self._interval_trigger.serialize(serializer['interval_trigger'])
        self._summary.serialize(serializer['summary'])
        self.count = int(serializer('count', self.count))
        self.best = float(serializer('best', self.best))
