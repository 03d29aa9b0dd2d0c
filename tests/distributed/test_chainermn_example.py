"""ChainerMN's own MNIST example, unchanged, under mpiexec -n 2 with chainer ->
chainfuse and chainermn -> chainfuse.mn (see chainermn_example/README.md)."""
import os

import pytest

from tests.distributed._mpirun import HERE, check, requires_mpi, run

pytestmark = [requires_mpi, pytest.mark.mpi]
EXAMPLE = os.path.join(HERE, 'chainermn_example')


def test_chainermn_mnist_example_runs_unchanged(tmp_path, monkeypatch):
    shim = os.path.join(EXAMPLE, 'shim')
    monkeypatch.setenv('PYTHONPATH', shim + os.pathsep + os.environ.get('PYTHONPATH', ''))
    proc = check(run(os.path.join(EXAMPLE, 'train_mnist.py'), 2, '--epoch', '3', '--unit',
                     '100', '--out', str(tmp_path / 'result'), cwd=str(tmp_path)))
    assert 'Num process (COMM_WORLD): 2' in proc.stdout
    rows = [line.split() for line in proc.stdout.splitlines() if line[:1].isdigit()]
    assert [r[0] for r in rows] == ['1', '2', '3']        # printed by rank 0 only
    losses = [float(r[1]) for r in rows]
    assert losses[2] < losses[0] and float(rows[2][4]) > 0.4   # validation accuracy
    assert os.path.exists(tmp_path / 'result' / 'log')
