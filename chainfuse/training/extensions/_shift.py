"""The common mechanism of the hyperparameter schedules (ExponentialShift, ...).

A schedule is a function ``value_at(t)`` of the number of times the extension was
called (every iteration by default).  `initialize` sets the optimizer's
attribute to the value of the current step (or, after a resume, to the last
value it set, which the snapshot holds), and each call advances ``t`` and sets
the next value.  The step count and the last value are the serialized state.
"""
from chainfuse.training import extension
from chainfuse.training import util


class ScheduleShift(extension.Extension):
    """Base of the shift extensions: subclasses define ``value_at(t)``.

    Args:
        attr (str): optimizer attribute to change ('lr', 'alpha', 'momentum'...).
        init: value at t = 0; read from the optimizer when None.
        optimizer: optimizer to change (default: the updater's 'main').
    """

    def __init__(self, attr, init=None, optimizer=None):
        self._attr = attr
        self._init = init
        self._optimizer = optimizer
        self._t = 0
        self._last_value = None

    def value_at(self, t):
        raise NotImplementedError

    def initialize(self, trainer):
        optimizer = self._get_optimizer(trainer)
        if self._init is None:
            self._init = getattr(optimizer, self._attr)
        value = self._last_value if self._last_value is not None else self.value_at(self._t)
        self._update_value(optimizer, value)

    def __call__(self, trainer):
        self._t += 1
        self._update_value(self._get_optimizer(trainer), self.value_at(self._t))

    def _get_optimizer(self, trainer):
        return self._optimizer or trainer.updater.get_optimizer('main')

    def _update_value(self, optimizer, value):
        setattr(optimizer, self._attr, value)
        self._last_value = value

    def serialize(self, serializer):
        self._t = int(serializer('_t', self._t))
        self._last_value = util.serialize_optional(serializer, '_last_value', self._last_value)


def clip_to_target(value, target, increasing):
    """Stops a schedule at `target`: from above when decreasing, from below when increasing.

    Compared by ratio, so negative values work too.
    """
    if target is None:
        return value
    if increasing:
        return target if value / target > 1 else value
    return target if value / target < 1 else value
