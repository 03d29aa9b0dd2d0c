"""The communicator's collectives under mpiexec -n 2; 'pure_nccl' without CuPy/NCCL."""
import json

import pytest

import chainfuse.mn as chainermn
from chainfuse import backend
from tests.distributed._mpirun import check, requires_mpi, run


@requires_mpi
@pytest.mark.mpi
@pytest.mark.parametrize('name,calls', [('flat', 1), ('naive', 4)])
def test_collectives(name, calls):
    out = json.loads(check(run('communicator_script.py', 2, name)).stdout.splitlines()[-1])
    assert (out['rank'], out['size']) == (0, 2)
    assert (out['intra_rank'], out['intra_size'], out['inter_size']) == (0, 2, 1)
    assert out['bcast_obj'] == {'a': 1}
    assert out['gather_obj'] == [0, 10]
    assert out['allreduce_obj'] == 3
    assert out['recv'] == [[2, 3], 'float32', 15.0]
    assert out['recv_obj'] == ['hello', 1]
    assert out['bcast_data_equal']
    assert out['mean_grads'] == [1.5] * 4      # mean of 1 and 2, every parameter
    assert out['calls'] == calls               # one bucket, or one per parameter


@pytest.mark.skipif(backend.cuda_available(), reason='a GPU is present: pure_nccl may work')
def test_pure_nccl_names_what_it_needs():
    with pytest.raises(RuntimeError, match='needs CuPy with NCCL'):
        chainermn.create_communicator('pure_nccl')


def test_unknown_communicator():
    with pytest.raises(ValueError, match="unknown communicator 'hierarchical'"):
        chainermn.create_communicator('hierarchical')
