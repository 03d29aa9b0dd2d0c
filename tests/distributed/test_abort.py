"""A rank that raises ends the whole job, in bounded time, with the error shown."""
import pytest

from tests.distributed._mpirun import requires_mpi, run

pytestmark = [requires_mpi, pytest.mark.mpi]


def test_exception_on_one_rank_aborts_all():
    proc = run('abort_script.py', 2, timeout=60)   # a hang raises TimeoutExpired
    assert proc.returncode != 0
    assert 'rank 1 of 2: uncaught exception; aborting all ranks' in proc.stderr
    assert 'ValueError: rank 1 failed on purpose' in proc.stderr
    assert 'never joined' not in proc.stdout
