"""InverseShift: Caffe's "inv" schedule of an optimizer hyperparameter."""
from chainfuse.training.extensions._shift import ScheduleShift, clip_to_target


class InverseShift(ScheduleShift):
    """``value = init * (1 + gamma * t) ** (-power)``, stopped at `target` if given.

    Args:
        attr (str): hyperparameter name.
        gamma (float): rate of the decay (must not be negative).
        power (float): exponent (the value decreases for a positive power).
        init: initial value (default: the optimizer's current value).
        target: value at which to stop.
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, gamma, power, init=None, target=None, optimizer=None):
        if gamma < 0:
            raise ValueError(f'InverseShift: gamma must not be negative, got {gamma}')
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._power = power
        self._target = target

    def value_at(self, t):
        value = self._init * (1 + self._gamma * t) ** (-self._power)
        return clip_to_target(value, self._target, self._power < 0)
