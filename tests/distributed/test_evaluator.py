"""scatter_dataset splits rank 0's data; the multi-node Evaluator's result equals the
single-process Evaluator's on the whole set."""
import json

import pytest

from tests.distributed._mpirun import check, requires_mpi, run

pytestmark = [requires_mpi, pytest.mark.mpi]


def test_multi_node_evaluator_equals_whole_set():
    out = json.loads(check(run('evaluator_script.py', 2)).stdout.splitlines()[-1])
    assert out['part_sizes'] == [32, 32]
    assert out['covered']
    assert sorted(out['multi']) == ['main/accuracy', 'main/loss']
    for key, value in out['single'].items():
        assert out['multi'][key] == pytest.approx(value, rel=1e-6), key
