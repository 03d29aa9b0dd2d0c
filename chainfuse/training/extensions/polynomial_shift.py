"""PolynomialShift: decays an optimizer hyperparameter polynomially to zero."""
from chainfuse.training.extensions._shift import ScheduleShift, clip_to_target


class PolynomialShift(ScheduleShift):
    """``value = init * max(1 - t / max_count, 0) ** rate``, stopped at `target` if given.

    With the default trigger (every iteration) and ``max_count`` the number of
    iterations of the run, the value reaches zero at the end (the "poly" learning rate
    policy).

    Args:
        attr (str): hyperparameter name.
        rate (float): exponent of the decay.
        max_count (int): number of calls after which the value is zero.
        init: initial value (default: the optimizer's current value).
        target: value at which to stop.
        optimizer: the optimizer (default: the updater's 'main').
    """

    def __init__(self, attr, rate, max_count, init=None, target=None, optimizer=None):
        super().__init__(attr, init, optimizer)
        self._rate = rate
        self._max_count = max_count
        self._target = target

    def value_at(self, t):
        decay = max(1 - t / self._max_count, 0)
        return clip_to_target(self._init * decay ** self._rate, self._target,
                              self._rate <= 0)
