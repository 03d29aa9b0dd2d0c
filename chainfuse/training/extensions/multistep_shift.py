"""MultistepShift: multiplies an optimizer hyperparameter by `gamma` at listed steps."""
import bisect

from chainfuse.training.extensions._shift import ScheduleShift


class MultistepShift(ScheduleShift):
    """``value = init * gamma ** (number of step_value entries <= t)``.

    Args:
        attr (str): hyperparameter name.
        gamma (float): factor at each listed step.
        step_value (list of int): calls at which to multiply.
        init: initial value (default: the optimizer's current value).
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, gamma, step_value, init=None, optimizer=None):
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._step_value = sorted(step_value)

    def value_at(self, t):
        return self._init * self._gamma ** bisect.bisect_right(self._step_value, t)
