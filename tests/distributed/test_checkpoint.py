"""The multi-node checkpointer: 2 epochs, stop, resume to 4 == 4 epochs in one go."""
import json

import numpy
import pytest

from tests.distributed._mpirun import check, requires_mpi, run

pytestmark = [requires_mpi, pytest.mark.mpi]


def _train(tmp_path, directory, epochs, name):
    params = tmp_path / f'{name}.npz'
    proc = check(run('checkpoint_script.py', 2, '--epochs', str(epochs),
                     '--dir', str(tmp_path / directory), '--params', str(params)))
    return json.loads(proc.stdout.splitlines()[-1]), dict(numpy.load(params))


def test_resume_all_ranks_equals_uninterrupted(tmp_path):
    info, whole = _train(tmp_path, 'a', 4, 'whole')
    assert info == {'resumed': None, 'iteration': 16}
    _train(tmp_path, 'b', 2, 'half')
    assert sorted(p.name for p in (tmp_path / 'b').iterdir()) == \
        ['cp.0.4', 'cp.0.8', 'cp.1.4', 'cp.1.8']
    info, resumed = _train(tmp_path, 'b', 4, 'resumed')
    assert info == {'resumed': 8, 'iteration': 16}
    for name, value in whole.items():
        numpy.testing.assert_array_equal(resumed[name], value, err_msg=name)
