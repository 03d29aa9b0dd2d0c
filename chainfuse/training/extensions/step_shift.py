"""StepShift: multiplies an optimizer hyperparameter by `gamma` every `step` calls."""
import math

from chainfuse.training.extensions._shift import ScheduleShift, clip_to_target


class StepShift(ScheduleShift):
    """``value = init * gamma ** floor(t / step)``, stopped at `target` if given.

    Args:
        attr (str): hyperparameter name.
        gamma (float): factor per step.
        step (int): calls per step.
        init: initial value (default: the optimizer's current value).
        target: value at which to stop.
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, gamma, step, init=None, target=None, optimizer=None):
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._step = step
        self._target = target

    def value_at(self, t):
        value = self._init * self._gamma ** math.floor(t / self._step)
        return clip_to_target(value, self._target, self._gamma > 1)
