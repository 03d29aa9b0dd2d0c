"""LogReport: averages the observations over an interval and writes them as JSON."""
import json
import os

from chainfuse.reporter import DictSummary
from chainfuse.training import extension
from chainfuse.training import util


class LogReport(extension.Extension):
    """Keeps a log of mean observed values and writes it to ``<out>/<filename>``.

    It is called every iteration and accumulates the observation (or only
    `keys`).  When its own `trigger` fires (every epoch by default) it appends
    an entry to `log`::

        {"main/loss": 0.18, "main/accuracy": 0.94, "validation/main/loss": 0.15,
         "epoch": 2, "iteration": 1200, "elapsed_time": 6.27}

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
        if self._keys is None:
            self._summary.add(observation)
        else:
            self._summary.add({k: observation[k] for k in self._keys if k in observation})
        if self._trigger(trainer):
            self._append_entry(trainer)

    def _append_entry(self, trainer):
        entry = {name: float(value) for name, value in self._summary.compute_mean().items()}
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

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        self._summary.serialize(serializer['_summary'])
        self._log = util.serialize_json(serializer, '_log', self._log)
