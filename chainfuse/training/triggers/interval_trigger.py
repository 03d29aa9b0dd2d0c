"""IntervalTrigger: fires every `period` epochs or iterations."""


class IntervalTrigger:
    """Fires each time the updater crosses a multiple of `period` in `unit`.

    It compares the previous value it saw with the current one, so an epoch
    interval fires on the iteration that completes the epoch even when epochs
    are not a whole number of iterations.

    Args:
        period (int or float): length of the interval.
        unit (str): 'epoch' or 'iteration'.
    """

    def __init__(self, period, unit):
        if unit not in ('epoch', 'iteration'):
            raise ValueError(f"IntervalTrigger: unit must be 'epoch' or 'iteration', got {unit!r}")
        if not period > 0:
            raise ValueError(f'IntervalTrigger: period must be positive, got {period!r}')
        self.period = period
        self.unit = unit
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.0

    def __call__(self, trainer):
        updater = trainer.updater
        if self.unit == 'epoch':
            current = updater.epoch_detail
            previous = self._previous_epoch_detail
            if previous < 0:  # state lost (old snapshot): ask the updater
                previous = updater.previous_epoch_detail
        else:
            current = updater.iteration
            previous = self._previous_iteration
            if previous < 0:
                previous = current - 1
        fire = previous // self.period != current // self.period
        self._previous_iteration = updater.iteration
        self._previous_epoch_detail = getattr(updater, 'epoch_detail', 0.0)
        return fire

    def get_training_length(self):
        return self.period, self.unit

    def serialize(self, serializer):
        self._previous_iteration = int(
            serializer('previous_iteration', self._previous_iteration))
        self._previous_epoch_detail = float(
            serializer('previous_epoch_detail', self._previous_epoch_detail))

    def __repr__(self):
        return f'IntervalTrigger({self.period}, {self.unit!r})'
