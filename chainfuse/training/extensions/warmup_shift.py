"""WarmupShift: ramps an optimizer hyperparameter up to its value over the first calls."""
from chainfuse.training.extensions._shift import ScheduleShift


class WarmupShift(ScheduleShift):
    """From `warmup_start` linearly to `init` over `warmup_iter` calls, then `init`.

    Args:
        attr (str): hyperparameter name.
        warmup_start: value at t = 0.
        warmup_iter (int): length of the ramp in calls.
        init: value after the warm-up (default: the optimizer's current value).
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, warmup_start, warmup_iter, init=None, optimizer=None):
        super().__init__(attr, init, optimizer)
        self._warmup_start = warmup_start
        self._warmup_iter = warmup_iter

    def value_at(self, t):
        if t >= self._warmup_iter:
            return self._init
        return self._warmup_start + (self._init - self._warmup_start) * t / self._warmup_iter
