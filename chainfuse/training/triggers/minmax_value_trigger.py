"""BestValueTrigger and its two uses: MaxValueTrigger and MinValueTrigger."""
from chainfuse import reporter
from chainfuse.training import util


class BestValueTrigger:
    """Fires when the mean of `key` over an interval is the best seen so far.

    At every iteration it accumulates ``trainer.observation[key]``; when the
    interval trigger fires it takes the mean and compares it with the best value
    by ``compare(best, new)``.

    Args:
        key (str): observation key, e.g. 'validation/main/accuracy'.
        compare: ``compare(best, new) -> bool``, True when `new` is better.
        trigger: interval at which the mean is taken (default ``(1, 'epoch')``).
    """

    def __init__(self, key, compare, trigger=(1, 'epoch')):
        self._key = key
        self._compare = compare
        self._best_value = None
        self._interval_trigger = util.get_trigger(trigger)
        self._init_summary()

    def __call__(self, trainer):
        key = self._key
        if key in trainer.observation:
            self._summary.add({key: trainer.observation[key]})
        if not self._interval_trigger(trainer):
            return False
        stats = self._summary.compute_mean()
        if key not in stats:
            return False
        value = float(stats[key])
        self._init_summary()
        if self._best_value is None or self._compare(self._best_value, value):
            self._best_value = value
            return True
        return False

    @property
    def best_value(self):
        return self._best_value

    def _init_summary(self):
        self._summary = reporter.DictSummary()

    def serialize(self, serializer):
        self._interval_trigger.serialize(serializer['interval_trigger'])
        self._summary.serialize(serializer['summary'])
        self._best_value = util.serialize_optional(serializer, 'best_value', self._best_value)


class MaxValueTrigger(BestValueTrigger):
    """Fires when the mean of `key` reaches a new maximum (e.g. validation accuracy)."""

    def __init__(self, key, trigger=(1, 'epoch')):
        super().__init__(key, lambda best, new: new > best, trigger)


class MinValueTrigger(BestValueTrigger):
    """Fires when the mean of `key` reaches a new minimum (e.g. validation loss)."""

    def __init__(self, key, trigger=(1, 'epoch')):
        super().__init__(key, lambda best, new: new < best, trigger)
