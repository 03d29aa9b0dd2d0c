"""LinearShift: moves an optimizer hyperparameter linearly between two values."""
from chainfuse.training.extensions._shift import ScheduleShift


class LinearShift(ScheduleShift):
    """``value_range[0]`` until ``time_range[0]``, linear up to ``value_range[1]`` at
    ``time_range[1]``, constant after.

    Args:
        attr (str): hyperparameter name.
        value_range (tuple): (start value, end value).
        time_range (tuple): (start call, end call).
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, value_range, time_range, optimizer=None):
        super().__init__(attr, value_range[0], optimizer)
        self._value_range = value_range
        self._time_range = time_range

    def value_at(self, t):
        t1, t2 = self._time_range
        v1, v2 = self._value_range
        if t <= t1:
            return v1
        if t >= t2:
            return v2
        return v1 + (t - t1) / (t2 - t1) * (v2 - v1)
