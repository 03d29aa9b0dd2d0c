"""snapshot and snapshot_object: save the trainer (or any object) periodically."""
import contextlib
import os
import re
import string

from chainfuse.training import extension
from chainfuse.training import util


def snapshot(savefun=None, filename='snapshot_iter_{.updater.iteration}', *, target=None,
             condition=None, snapshot_on_error=False, n_retains=-1, autoload=False):
    """Returns an extension that saves the trainer's whole state (every epoch by default).

    The file is written atomically (a temporary file renamed into place), so an
    interruption never leaves a truncated snapshot behind; the temporaries a kill -9
    leaves are deleted when the extension next starts (`remove_stale_temporaries`).  Resume with
    ``serializers.load_npz(path, trainer)`` before ``trainer.run()``, or pass
    ``autoload=True``.

    Args:
        savefun: ``savefun(path, obj)``; default ``serializers.save_npz``.
        filename (str or callable): name in the output directory; a string is
            formatted with the trainer (``'snapshot_iter_{.updater.iteration}'``),
            a callable is called with it.
        target: object to save instead of the trainer.
        condition: ``condition() -> bool``; save only when it returns True.
        snapshot_on_error (bool): also save when the training loop raises.
        n_retains (int): keep only the newest `n_retains` files matching the
            filename pattern (all when not positive).
        autoload (bool): before training, load the newest matching file in the
            output directory, if any (it must have been saved by save_npz).
    """
    return _Snapshot(savefun, filename, target, condition, snapshot_on_error, n_retains,
                     autoload)


def snapshot_object(target, filename, savefun=None, **kwargs):
    """Returns an extension that saves `target` (a model, an optimizer...) periodically.

    `filename` is formatted with the trainer, e.g. ``'model_epoch_{.updater.epoch}'``.
    The other arguments are those of `snapshot`.
    """
    return snapshot(savefun, filename, target=target, **kwargs)


class _Snapshot(extension.Extension):
    trigger = 1, 'epoch'
    priority = extension.PRIORITY_SNAPSHOT
    # Chainer's name (its class name): a Trainer snapshot keys this extension's trigger
    # state by it (``extension_triggers/_Snapshot/...``), so files move both ways
    default_name = '_Snapshot'

    def __init__(self, savefun, filename, target, condition, snapshot_on_error, n_retains,
                 autoload):
        self._savefun = savefun
        self.filename = filename
        self._target = target
        self.condition = condition
        self._snapshot_on_error = snapshot_on_error
        self.n_retains = n_retains
        self.autoload = autoload

    def initialize(self, trainer):
        remove_stale_temporaries(self.filename, trainer.out)
        if not self.autoload:
            return
        latest = _find_snapshots(self.filename, trainer.out)
        if latest:
            from chainfuse import serializers
            target = trainer if self._target is None else self._target
            serializers.load_npz(os.path.join(trainer.out, latest[-1]), target)

    def __call__(self, trainer):
        if self.condition is None or self.condition():
            self._make_snapshot(trainer)

    def on_error(self, trainer, exc, tb):
        if self._snapshot_on_error:
            self._make_snapshot(trainer)

    def _make_snapshot(self, trainer):
        target = trainer if self._target is None else self._target
        name = self.filename(trainer) if callable(self.filename) else \
            self.filename.format(trainer)
        save = self._savefun
        if save is None:
            from chainfuse.serializers import save_npz as save
        os.makedirs(trainer.out, exist_ok=True)
        util.write_atomically(os.path.join(trainer.out, name), lambda path: save(path, target))
        if self.n_retains > 0:
            for stale in _find_snapshots(self.filename, trainer.out)[:-self.n_retains]:
                os.remove(os.path.join(trainer.out, stale))


def _name_regex(filename):
    parts = []
    for literal, field, _, _ in string.Formatter().parse(filename):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append('.+')
    return ''.join(parts)


def _pattern(filename):
    """A regex matching the names a filename template produces ('{...}' fields -> '.+')."""
    return re.compile(_name_regex(filename) + r'\Z')


def _temporary_pattern(filename):
    """The names of the temporaries a save of `filename` goes through, which a kill -9
    leaves behind: ``.<name>.<random>.tmp`` (utils.atomic_path, which
    util.write_atomically uses) and, for a save function writing atomically itself,
    ``..<name>.<random>.tmp.<random>.tmp`` inside it; and the ``tmp<name>.<pid>.<hex>``
    of earlier versions (kept while that process runs)."""
    name = _name_regex(filename)
    return re.compile(rf'\.?tmp(?:{name})\.(?P<pid>\d+)\.[0-9a-f]+(?:\..+\.tmp)?\Z'
                      rf'|\.\.?(?:{name})\.[^/]+\.tmp\Z')


def _alive(pid):
    if pid == os.getpid():
        return False   # saves are synchronous: one of ours is never still being written
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(filename, outdir):
    """Deletes the temporaries of interrupted saves of `filename` from `outdir` (those of
    a process still running are kept); returns their names."""
    if callable(filename) or not os.path.isdir(outdir):
        return []
    pattern = _temporary_pattern(filename)
    removed = []
    for n in sorted(os.listdir(outdir)):
        m = pattern.match(n)
        if m is None or (m.group('pid') and _alive(int(m.group('pid')))):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(outdir, n))
            removed.append(n)
    return removed


def _find_snapshots(filename, outdir):
    """Files in `outdir` made by the filename template, oldest first (by mtime, then name).

    Names are compared with their digit runs as numbers, so snapshot_iter_900
    sorts before snapshot_iter_1000 when their times tie.
    """
    if callable(filename) or not os.path.isdir(outdir):
        return []
    pattern = _pattern(filename)
    names = [n for n in os.listdir(outdir)
             if pattern.match(n) and os.path.isfile(os.path.join(outdir, n))]

    def key(n):
        numbers = [int(d) for d in re.findall(r'\d+', n)]
        return os.stat(os.path.join(outdir, n)).st_mtime_ns, numbers, n
    return sorted(names, key=key)
