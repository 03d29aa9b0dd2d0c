"""Trainer snapshots moving between Chainer 7.8.1 and chainfuse, strictly, both ways.

One small training setup, written once against Chainer's API, is built with either
framework (`build_trainer(chainer_module, out)`): an MLP classifier with Adam, a
shuffled SerialIterator, and the extensions whose state a snapshot holds (LogReport,
PrintReport, an Evaluator, ExponentialShift on Adam's alpha, observe_lr,
FailOnNonNumber, snapshot and snapshot_object).  A run trains `SNAPSHOT_AT`
iterations (the snapshot extension writes ``snapshot_iter_<n>`` then), and a resumed
run loads that file with ``load_npz(..., strict=True)`` and trains to `STOP_AT`.  If
the file carried everything over (parameters, Adam's moments and step, the
iterator's order and position, the schedule's value, the log), the resumed run's
last log entries equal those of the run that wrote the file.

- Chainer -> chainfuse: ``tests/data/chainer7/make_api_fixtures.py snapshot`` records
  Chainer's snapshot and its continued log; the test suite resumes it in chainfuse.
- chainfuse -> Chainer: this script.  With a Chainer 7.8.1 interpreter::

      python tools/snapshot_compat.py --chainer-python /work/venv-chainer7/bin/python

  trains and snapshots with chainfuse (this interpreter), resumes the file in Chainer
  (the other one), and compares the continued logs; exit status 0 when they agree.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy

SNAPSHOT_AT = 6
STOP_AT = 8          # the end of the epoch the snapshot is in (see `build_trainer`)
BATCH = 5
N_TRAIN = 20


def data():
    """The training and validation sets (arrays; the same for both frameworks)."""
    rng = numpy.random.RandomState(3)
    x = rng.rand(N_TRAIN + 10, 4).astype(numpy.float32)
    t = (x[:, 0] + x[:, 1] > x[:, 2] + 0.5).astype(numpy.int32) + (x[:, 3] > 0.7)
    return (x[:N_TRAIN], t[:N_TRAIN].astype(numpy.int32)), (x[N_TRAIN:],
                                                          t[N_TRAIN:].astype(numpy.int32))


def build_trainer(chainer, out, stop=STOP_AT):
    """A Trainer of `chainer` (the module ``chainer`` or ``chainfuse``) writing to `out`.

    The training set is 4 batches, so the snapshot at iteration 6 is in the middle of
    the second epoch, whose shuffled order the snapshot holds.  The run stops at the
    end of that epoch: the next epoch's order is drawn from a random generator that
    is not part of a Chainer snapshot (numpy's global one), so a resumed run can only
    be compared with an uninterrupted one until then.
    """
    F, L = chainer.functions, chainer.links
    extensions = chainer.training.extensions

    class MLP(chainer.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 6)
                self.l2 = L.Linear(6, 3)

        def forward(self, x):
            return self.l2(F.relu(self.l1(x)))

    numpy.random.seed(0)
    model = L.Classifier(MLP())
    optimizer = chainer.optimizers.Adam(alpha=0.01)
    optimizer.setup(model)
    (x, t), (vx, vt) = data()
    train = chainer.iterators.SerialIterator(chainer.datasets.TupleDataset(x, t), BATCH)
    valid = chainer.iterators.SerialIterator(chainer.datasets.TupleDataset(vx, vt), BATCH,
                                             repeat=False, shuffle=False)
    updater = chainer.training.updaters.StandardUpdater(train, optimizer)
    trainer = chainer.training.Trainer(updater, (stop, 'iteration'), out=out)
    trainer.extend(extensions.Evaluator(valid, model), trigger=(2, 'iteration'))
    trainer.extend(extensions.LogReport(trigger=(1, 'iteration')))
    trainer.extend(extensions.PrintReport(['iteration', 'main/loss']),
                   trigger=(100, 'iteration'))
    trainer.extend(extensions.ExponentialShift('alpha', 0.5), trigger=(3, 'iteration'))
    trainer.extend(extensions.observe_lr(), trigger=(2, 'iteration'))
    trainer.extend(extensions.FailOnNonNumber())
    trainer.extend(extensions.snapshot(), trigger=(SNAPSHOT_AT, 'iteration'))
    trainer.extend(extensions.snapshot_object(model, 'model_iter_{.updater.iteration}'),
                   trigger=(SNAPSHOT_AT, 'iteration'))
    return trainer


def log_of(trainer):
    """The LogReport entries: iteration and the reported means, as plain floats."""
    log = trainer.get_extension('LogReport').log
    keys = ('iteration', 'main/loss', 'main/accuracy', 'validation/main/loss', 'lr')
    return [{k: float(e[k]) for k in keys if k in e} for e in log]


def train_and_snapshot(chainer, out):
    """Trains to STOP_AT; returns the log (the snapshot at SNAPSHOT_AT is in `out`)."""
    trainer = build_trainer(chainer, out)
    trainer.run()
    return log_of(trainer)


def resume(chainer, snapshot_path, out):
    """Loads `snapshot_path` strictly into a fresh trainer and trains to STOP_AT."""
    trainer = build_trainer(chainer, out)
    chainer.serializers.load_npz(snapshot_path, trainer, strict=True)
    trainer.run()
    return log_of(trainer)


def compare(expected, got, rtol=1e-5):
    """Differences between two logs (entries after the snapshot), as messages."""
    problems = []
    if [e['iteration'] for e in got] != [e['iteration'] for e in expected]:
        return [f'iterations differ: {[e["iteration"] for e in got]} vs '
                f'{[e["iteration"] for e in expected]}']
    for e, g in zip(expected, got):
        if set(e) != set(g):
            problems.append(f'iteration {e["iteration"]}: keys {sorted(g)} vs {sorted(e)}')
        for k in set(e) & set(g):
            if not numpy.isclose(g[k], e[k], rtol=rtol, atol=1e-7):
                problems.append(f'iteration {e["iteration"]}: {k} {g[k]} vs {e[k]}')
    return problems


def _resume_in_chainer(snapshot_path, result_path):
    import chainer
    with tempfile.TemporaryDirectory() as out:
        log = resume(chainer, snapshot_path, out)
    with open(result_path, 'w') as f:
        json.dump({'chainer': chainer.__version__, 'log': log}, f)


def main(argv=None):
    parser = argparse.ArgumentParser(description='chainfuse -> Chainer snapshot check')
    parser.add_argument('--chainer-python', required=True,
                        help='a Python interpreter with chainer 7.8.1 installed')
    parser.add_argument('--resume-in-chainer', nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.resume_in_chainer:
        _resume_in_chainer(*args.resume_in_chainer)
        return 0
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(here))
    import chainfuse
    with tempfile.TemporaryDirectory() as out:
        full = train_and_snapshot(chainfuse, out)
        snapshot_path = os.path.join(out, f'snapshot_iter_{SNAPSHOT_AT}')
        result_path = os.path.join(out, 'chainer_result.json')
        env = dict(os.environ, PYTHONPATH=here, PYTHONWARNINGS='ignore')
        proc = subprocess.run([args.chainer_python, os.path.abspath(__file__),
                               '--chainer-python', args.chainer_python,
                               '--resume-in-chainer', snapshot_path, result_path],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            print('Chainer could not resume the chainfuse snapshot:\n' + proc.stderr[-3000:])
            return 1
        with open(result_path) as f:
            result = json.load(f)
    after = [e for e in full if e['iteration'] > SNAPSHOT_AT]
    resumed = [e for e in result['log'] if e['iteration'] > SNAPSHOT_AT]
    problems = compare(after, resumed)
    print(f'chainfuse {chainfuse.__version__} wrote snapshot_iter_{SNAPSHOT_AT}; Chainer '
          f'{result["chainer"]} loaded it with strict=True and trained to iteration '
          f'{STOP_AT}')
    for e, g in zip(after, resumed):
        print(f'  iteration {int(e["iteration"])}: main/loss chainfuse {e["main/loss"]:.7f} '
              f'Chainer {g["main/loss"]:.7f}')
    if problems:
        print('MISMATCH:\n  ' + '\n  '.join(problems))
        return 1
    print('OK: the resumed Chainer run logs what the chainfuse run logged')
    return 0


if __name__ == '__main__':
    sys.exit(main())
