"""Trainer snapshots move between Chainer 7.8.1 and chainfuse under strict=True.

Chainer -> chainfuse: tests/data/chainer7/trainer_snapshot.npz was written by Chainer
(make_api_fixtures.py, with tools/snapshot_compat.py's setup); chainfuse loads it
strictly into the same setup and continues, and logs what Chainer's run logged.
chainfuse -> Chainer: tools/snapshot_compat.py resumes a chainfuse snapshot in
Chainer; it runs here when a Chainer 7.8.1 interpreter is there."""
import json
import os
import subprocess
import sys

import numpy
import pytest

import chainfuse
from chainfuse import serializers

from tools import snapshot_compat

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'chainer7')
CHAINER_PYTHON = os.environ.get('CHAINER7_PYTHON', '/work/venv-chainer7/bin/python')


def chainer_log():
    with open(os.path.join(DATA, 'trainer_snapshot_log.json')) as f:
        return json.load(f)


def test_chainer_snapshot_resumes_in_chainfuse_strictly(tmp_path):
    expected = chainer_log()
    at = expected['snapshot_at']
    got = snapshot_compat.resume(chainfuse, os.path.join(DATA, 'trainer_snapshot.npz'),
                                 str(tmp_path))
    before = [e for e in expected['log'] if e['iteration'] <= at]
    assert snapshot_compat.compare(before, [e for e in got if e['iteration'] <= at],
                                   rtol=0) == []          # the log itself moved over
    after = [e for e in expected['log'] if e['iteration'] > at]
    assert after and snapshot_compat.compare(after, [e for e in got
                                                     if e['iteration'] > at]) == []


def test_chainer_snapshot_keys_are_the_ones_chainfuse_reads(tmp_path):
    trainer = snapshot_compat.build_trainer(chainfuse, str(tmp_path))
    names = sorted(trainer._extensions)
    assert '_Snapshot' in names and '_Snapshot_1' in names and '_observe_value' in names
    with numpy.load(os.path.join(DATA, 'trainer_snapshot.npz')) as f:
        for name in names:
            assert f'extension_triggers/{name}/previous_iteration' in f.files


def test_chainer_snapshot_object_loads_into_a_chainfuse_model(tmp_path):
    trainer = snapshot_compat.build_trainer(chainfuse, str(tmp_path))
    model = trainer.updater.get_optimizer('main').target
    serializers.load_npz(os.path.join(DATA, 'trainer_snapshot_model.npz'), model,
                         strict=True)
    with numpy.load(os.path.join(DATA, 'trainer_snapshot.npz')) as f:
        numpy.testing.assert_array_equal(model.predictor.l1.W.array,
                                         f['updater/model:main/predictor/l1/W'])


@pytest.mark.skipif(not os.path.exists(CHAINER_PYTHON),
                    reason=f'no Chainer 7.8.1 interpreter at {CHAINER_PYTHON} (set '
                           'CHAINER7_PYTHON)')
def test_chainfuse_snapshot_resumes_in_chainer_strictly():
    root = os.path.join(os.path.dirname(__file__), '..', '..')
    proc = subprocess.run([sys.executable, os.path.join(root, 'tools', 'snapshot_compat.py'),
                           '--chainer-python', CHAINER_PYTHON], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'OK: the resumed Chainer run logs what the chainfuse run logged' in proc.stdout
