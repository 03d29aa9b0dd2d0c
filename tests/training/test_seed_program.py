"""The seed tutorial's Trainer program runs unchanged (imports aside) on the bundled
digits data, produces its log, graph dump and snapshots, and resumes."""
import json
import os
import runpy
import sys

import pytest

import chainfuse as chainer

PROGRAM = os.path.join(os.path.dirname(__file__), '..', 'data', 'seeds', 'trainer_program.py')


def _run(monkeypatch, argv):
    digits = chainer.datasets.get_digits()
    monkeypatch.setattr(chainer.datasets, 'get_mnist', lambda *a, **k: digits)
    monkeypatch.setattr(sys, 'argv', ['trainer_program.py'] + argv)
    chainer.set_random_seed(0)
    return runpy.run_path(PROGRAM, run_name='__main__')


def test_seed_trainer_program(tmp_path, monkeypatch, capsys):
    out = str(tmp_path / 'result')
    _run(monkeypatch, ['--epoch', '4', '--unit', '100', '--out', out])
    printed = capsys.readouterr().out
    assert 'main/loss' in printed and 'validation/main/accuracy' in printed
    assert '0-th image: answer =' in printed
    log = json.load(open(os.path.join(out, 'log')))
    assert [e['epoch'] for e in log] == [1, 2, 3, 4]
    assert log[-1]['validation/main/accuracy'] > 0.85
    for name in ('cg.dot', 'mlp.model'):
        assert os.path.exists(os.path.join(out, name)), name
    snapshots = sorted((f for f in os.listdir(out) if f.startswith('snapshot_iter_')),
                       key=lambda f: int(f.rsplit('_', 1)[1]))
    assert len(snapshots) == 4  # one per epoch (1,437 examples, batches of 100)
    # resume from the epoch-2 snapshot and finish: the same final log entry
    out2 = str(tmp_path / 'resumed')
    os.makedirs(out2)
    _run(monkeypatch, ['--epoch', '4', '--unit', '100', '--out', out2,
                       '--resume', os.path.join(out, snapshots[1])])
    log2 = json.load(open(os.path.join(out2, 'log')))
    assert log2[-1]['main/loss'] == pytest.approx(log[-1]['main/loss'], rel=1e-6)
