"""LogReport: averages the observations over an interval and writes them as JSON."""
import json
import os

from chainfuse.core.variable import Variable
from chainfuse.reporter import DictSummary, is_running_total
from chainfuse.training import extension
from chainfuse.training import util


class LogReport(extension.Extension):
    """Keeps a log of mean observed values and writes it to ``<out>/<filename>``.

    It is called every iteration and accumulates the observation (or only
    `keys`).  When its own `trigger` fires (every epoch by default) it appends
    an entry to `log`::

        {"main/loss": 0.18, "main/accuracy": 0.94, "validation/main/loss": 0.15,
         "compile/kernels": 16, "epoch": 2, "iteration": 1200, "elapsed_time": 6.27}

    Running totals (the ``compile/*`` keys a compiled model reports: time, kernels,
    retraces, fallbacks) are logged as their last value in the interval, not averaged.

    and rewrites the whole log as JSON, atomically.  `log` and the running
    means are part of the trainer's snapshot.

    Args:
        keys: observation keys to log (default: all).
        trigger: when to write an entry (default ``(1, 'epoch')``).
        postprocess: ``f(entry)`` called on each entry before it is stored.
        filename (str): log file in the output directory, formatted with the
            entry's values (default 'log'); None writes no file.
    """

    def __init__(self, keys=None, trigger=(1, 'epoch'), postprocess=None, filename='log',
                 log_name=None):
        self._keys = keys
        self._trigger = util.get_trigger(trigger)
        self._postprocess = postprocess
        self._log_name = log_name if log_name is not None else filename
        self._log = []
        self._init_summary()

    @property
    def log(self):
        """The list of entries written so far."""
        return self._log

    def __call__(self, trainer):
        observation = trainer.observation
        if self._keys is not None:
            observation = {k: observation[k] for k in self._keys if k in observation}
        totals = {k: v for k, v in observation.items() if is_running_total(k)}
        if totals:
            observation = {k: v for k, v in observation.items() if k not in totals}
            self._last.update({k: _count(v) for k, v in totals.items()})
        self._summary.add(observation)
        if self._trigger(trainer):
            self._append_entry(trainer)

    def _append_entry(self, trainer):
        entry = {name: float(value) for name, value in self._summary.compute_mean().items()}
        entry.update(self._last)
        updater = trainer.updater
        entry['epoch'] = updater.epoch
        entry['iteration'] = updater.iteration
        entry['elapsed_time'] = trainer.elapsed_time
        if self._postprocess is not None:
            self._postprocess(entry)
        self._log.append(entry)
        if self._log_name is not None:
            path = os.path.join(trainer.out, self._log_name.format(**entry))
            util.write_atomically(path, self._write_json)
        self._init_summary()

    def _write_json(self, path):
        with open(path, 'w') as f:
            json.dump(self._log, f, indent=4)

    def _init_summary(self):
        self._summary = DictSummary()
        self._last = {}

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        self._summary.serialize(serializer['_summary'])
        try:
            self._last = util.serialize_json(serializer, '_last', self._last)
        except KeyError:  # a snapshot from before running totals were kept apart
            self._last = {}
        self._log = util.serialize_json(serializer, '_log', self._log)


def _count(value):
    """A reported total as a number: a whole one as an int (``16``, not ``16.0``)."""
    value = float(value.array if isinstance(value, Variable) else value)
    return int(value) if value.is_integer() else value
