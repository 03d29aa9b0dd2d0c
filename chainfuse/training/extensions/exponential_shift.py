"""ExponentialShift: multiplies an optimizer hyperparameter by `rate` at each call."""
from chainfuse.training.extensions._shift import ScheduleShift, clip_to_target


class ExponentialShift(ScheduleShift):
    """``value = init * rate ** t``, stopped at `target` if given.

    Typically ``trainer.extend(ExponentialShift('lr', 0.5), trigger=(10, 'epoch'))``.

    Args:
        attr (str): hyperparameter name.
        rate (float): factor per call (must not be negative).
        init: initial value (default: the optimizer's current value).
        target: value at which to stop.
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, rate, init=None, target=None, optimizer=None):
        if rate < 0:
            raise ValueError(f'ExponentialShift: rate must not be negative, got {rate}')
        super().__init__(attr, init, optimizer)
        self._rate = rate
        self._target = target

    def value_at(self, t):
        return clip_to_target(self._init * self._rate ** t, self._target, self._rate > 1)
