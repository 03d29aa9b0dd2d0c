"""`create_multi_node_checkpointer(name, comm)`: every rank saves its own trainer state;
`maybe_load` resumes all ranks from the newest iteration that every rank saved.

Files are ``<path>/<name>.<rank>.<iteration>`` (path: the trainer's ``out`` by
default), written atomically by ``save_npz``; the newest `n_retains` per rank are
kept.  Each rank saves its own file because each rank's iterator state differs (its
own part of the data); the parameters and optimizer state are the same on all ranks.
"""
import os
import re

from chainfuse import serializers
from chainfuse.training import extension


class _MultiNodeCheckpointer(extension.Extension):
    trigger = 1, 'epoch'
    priority = extension.PRIORITY_SNAPSHOT

    def __init__(self, name, comm, path=None, n_retains=2):
        self.name = name
        self.comm = comm
        self.path = path
        self.n_retains = n_retains

    def _dir(self, trainer):
        return self.path if self.path is not None else trainer.out

    def _file(self, directory, iteration):
        return os.path.join(directory, f'{self.name}.{self.comm.rank}.{iteration}')

    def _saved_iterations(self, directory):
        pattern = re.compile(re.escape(f'{self.name}.{self.comm.rank}.') + r'(\d+)$')
        if not os.path.isdir(directory):
            return []
        found = (pattern.match(f) for f in os.listdir(directory))
        return sorted(int(m.group(1)) for m in found if m)

    def __call__(self, trainer):
        directory = self._dir(trainer)
        os.makedirs(directory, exist_ok=True)
        serializers.save_npz(self._file(directory, trainer.updater.iteration), trainer)
        for it in self._saved_iterations(directory)[:-self.n_retains or None]:
            os.remove(self._file(directory, it))

    def maybe_load(self, trainer, optimizer=None, path=None):
        """Loads the newest iteration saved by every rank; returns it (None: none)."""
        directory = path if path is not None else self._dir(trainer)
        mine = set(self._saved_iterations(directory))
        common = set.intersection(*[set(s) for s in self.comm.allgather_obj(mine)])
        if not common:
            return None
        iteration = max(common)
        serializers.load_npz(self._file(directory, iteration), trainer)
        return iteration


def create_multi_node_checkpointer(name, comm, cp_interval=5, gc_interval=5, path=None):
    """ChainerMN's signature; ``cp_interval``/``gc_interval`` are accepted for porting
    (the trigger is the extension's, every epoch by default; set it in ``extend``)."""
    return _MultiNodeCheckpointer(name, comm, path)
