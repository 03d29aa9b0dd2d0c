import os

import numpy
import pytest

from chainfuse import serializers, training
from chainfuse.training import extensions

from .._helpers import CountingUpdater
from .._models import MLP


def make_trainer(out, n=3, *exts):
    trainer = training.Trainer(CountingUpdater(), (n, 'iteration'), out=str(out))
    for e in exts:
        trainer.extend(e, trigger=(1, 'iteration'))
    return trainer


def test_files_from_the_template_and_load(tmp_path):
    make_trainer(tmp_path, 3, extensions.snapshot()).run()
    assert sorted(os.listdir(tmp_path)) == [f'snapshot_iter_{i}' for i in (1, 2, 3)]
    fresh = make_trainer(tmp_path / 'other', 3, extensions.snapshot())
    serializers.load_npz(str(tmp_path / 'snapshot_iter_2'), fresh)
    assert fresh.updater.iteration == 2


def test_n_retains_keeps_the_newest(tmp_path):
    make_trainer(tmp_path, 5, extensions.snapshot(n_retains=2)).run()
    assert sorted(os.listdir(tmp_path)) == ['snapshot_iter_4', 'snapshot_iter_5']


def test_autoload_resumes_from_the_newest(tmp_path):
    def resumable(n, calls):
        trainer = make_trainer(tmp_path, n, extensions.snapshot(
            filename='snap_{.updater.iteration}', autoload=True))
        trainer.extend(lambda t: calls.append(t.updater.iteration), name='spy')
        return trainer

    first, second = [], []
    resumable(2, first).run()
    resumable(4, second).run()
    assert (first, second) == ([1, 2], [3, 4])


def test_autoload_without_files_starts_afresh(tmp_path):
    trainer = make_trainer(tmp_path, 1, extensions.snapshot(autoload=True))
    trainer.run()
    assert trainer.updater.iteration == 1


def test_snapshot_object_and_condition(tmp_path):
    model = MLP(n_units=3, n_out=2, n_in=4)
    flags = iter([True, False, True])
    make_trainer(tmp_path, 3, extensions.snapshot_object(
        model, 'model_{.updater.iteration}.npz', condition=lambda: next(flags))).run()
    assert sorted(os.listdir(tmp_path)) == ['model_1.npz', 'model_3.npz']
    copy = MLP(n_units=3, n_out=2, n_in=4)
    serializers.load_npz(str(tmp_path / 'model_3.npz'), copy)
    numpy.testing.assert_array_equal(copy.l1.W.array, model.l1.W.array)


def test_failed_save_leaves_nothing_behind(tmp_path):
    def savefun(path, obj):
        with open(path, 'wb') as f:
            f.write(b'half')
        raise OSError('disk full')

    with pytest.raises(OSError, match='disk full'):
        make_trainer(tmp_path, 1, extensions.snapshot(savefun=savefun)).run(
            show_loop_exception_msg=False)
    assert os.listdir(tmp_path) == []


def test_snapshot_on_error(tmp_path):
    def boom(trainer):
        if trainer.updater.iteration == 2:
            raise ValueError('boom')

    trainer = make_trainer(tmp_path, 5)
    trainer.extend(extensions.snapshot(filename='crash_{.updater.iteration}',
                                       snapshot_on_error=True), trigger=(100, 'iteration'))
    trainer.extend(boom, name='boom')
    with pytest.raises(ValueError):
        trainer.run(show_loop_exception_msg=False)
    assert os.listdir(tmp_path) == ['crash_2']


_KILLED_SAVE = r'''
import os, signal, sys
from chainfuse import training
from chainfuse.serializers._common import atomic_path
from chainfuse.training import extensions
from tests.training._helpers import CountingUpdater

def savefun(path, obj):
    with open(path, 'wb') as f:       # the extension's temporary, half written
        f.write(b'half')
    with atomic_path(path) as tmp:    # and save_npz's own, inside it
        with open(tmp, 'wb') as f:
            f.write(b'half')
        os.kill(os.getpid(), signal.SIGKILL)

trainer = training.Trainer(CountingUpdater(), (1, 'iteration'), out=sys.argv[1])
trainer.extend(extensions.snapshot(savefun=savefun), trigger=(1, 'iteration'))
trainer.run()
'''


def test_temporaries_of_a_killed_save_are_removed_on_the_next_run(tmp_path):
    import signal
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run([sys.executable, '-c', _KILLED_SAVE, str(tmp_path)], env=env,
                          cwd=root, capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    left = sorted(os.listdir(tmp_path))
    assert len(left) == 2 and all(n.startswith(('.snapshot_iter_1.', '..snapshot_iter_1.'))
                                  for n in left), left
    # not ours to delete: another template's temporary, and one of a live process
    live = f'tmpsnapshot_iter_7.{os.getppid()}.abcd1234'
    for name in ('.model_iter_1.x1y2.tmp', live, 'notes.tmp'):
        (tmp_path / name).write_bytes(b'')
    make_trainer(tmp_path, 2, extensions.snapshot()).run()
    assert sorted(os.listdir(tmp_path)) == sorted(
        ['.model_iter_1.x1y2.tmp', live, 'notes.tmp', 'snapshot_iter_1', 'snapshot_iter_2'])
