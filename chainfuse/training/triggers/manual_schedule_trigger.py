"""ManualScheduleTrigger: fires at listed epochs or iterations."""


class ManualScheduleTrigger:
    """Fires when the updater reaches (or passes) any of `points`.

    Args:
        points (int, float or list of them): where to fire.
        unit (str): 'epoch' or 'iteration'.

    ``finished`` becomes True once the last point has fired.
    """

    def __init__(self, points, unit):
        if unit not in ('epoch', 'iteration'):
            raise ValueError("ManualScheduleTrigger: unit must be 'epoch' or 'iteration', "
                             f'got {unit!r}')
        self.points = list(points) if isinstance(points, (list, tuple)) else [points]
        self.unit = unit
        self.finished = False
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.0

    def __call__(self, trainer):
        updater = trainer.updater
        if self.unit == 'epoch':
            current = updater.epoch_detail
            previous = self._previous_epoch_detail
            if previous < 0:
                previous = updater.previous_epoch_detail
        else:
            current = updater.iteration
            previous = self._previous_iteration
            if previous < 0:
                previous = current - 1
        fire = any(previous < p <= current for p in self.points)
        if fire and current >= max(self.points):
            self.finished = True
        self._previous_iteration = updater.iteration
        self._previous_epoch_detail = getattr(updater, 'epoch_detail', 0.0)
        return fire

    def serialize(self, serializer):
        self._previous_iteration = int(
            serializer('previous_iteration', self._previous_iteration))
        self._previous_epoch_detail = float(
            serializer('previous_epoch_detail', self._previous_epoch_detail))
        self.finished = bool(serializer('finished', self.finished))
