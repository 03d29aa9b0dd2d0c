"""MicroAverage: a ratio of sums (e.g. accuracy over all examples, not the mean of ratios)."""
from chainfuse.reporter import report
from chainfuse.training import extension
from chainfuse.training import util


class MicroAverage(extension.Extension):
    """Sums ``observation[numerator_key]`` and ``observation[denominator_key]`` at every
    iteration and, when `trigger` fires, reports their ratio as `result_key`.

    With per-batch counts ``main/correct`` and ``main/total``, this gives the
    accuracy over all examples even when batches differ in size.

    Args:
        numerator_key, denominator_key (str): observation keys to sum.
        result_key (str): key reported with the ratio.
        trigger: interval (default ``(1, 'epoch')``).
    """

    priority = extension.PRIORITY_EDITOR

    def __init__(self, numerator_key, denominator_key, result_key, trigger=(1, 'epoch')):
        self._numerator_key = numerator_key
        self._denominator_key = denominator_key
        self._result_key = result_key
        self._trigger = util.get_trigger(trigger)
        self._numerator = 0.0
        self._denominator = 0.0

    def __call__(self, trainer):
        obs = trainer.observation
        if self._numerator_key in obs and self._denominator_key in obs:
            self._numerator += float(obs[self._numerator_key])
            self._denominator += float(obs[self._denominator_key])
        if self._trigger(trainer) and self._denominator:
            report({self._result_key: self._numerator / self._denominator})
            self._numerator = self._denominator = 0.0

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        self._numerator = float(serializer('_numerator', self._numerator))
        self._denominator = float(serializer('_denominator', self._denominator))
