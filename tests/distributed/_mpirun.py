"""Runs the scripts beside the tests under ``mpiexec -n N`` (helper, not a test)."""
import os
import shutil
import subprocess
import sys

import pytest

from chainfuse.distributed import available

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def mpiexec():
    """$CHAINFUSE_MPIEXEC, the mpiexec beside this Python (a venv with the mpich wheel),
    or the one on PATH."""
    if os.environ.get('CHAINFUSE_MPIEXEC'):
        return os.environ['CHAINFUSE_MPIEXEC']
    beside = os.path.join(os.path.dirname(sys.executable), 'mpiexec')
    return beside if os.path.exists(beside) else shutil.which('mpiexec')


requires_mpi = pytest.mark.skipif(
    not available() or mpiexec() is None,
    reason="needs mpi4py and mpiexec: pip install -e '.[mpi]' (the test extra installs them)")


def env():
    e = dict(os.environ)
    e['PYTHONPATH'] = ROOT + os.pathsep + e.get('PYTHONPATH', '')
    e.update(OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1', MKL_NUM_THREADS='1',
             NUMBA_NUM_THREADS='1',
             # Open MPI refuses root and more ranks than cores unless told; MPICH ignores these
             OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1',
             OMPI_MCA_rmaps_base_oversubscribe='1')
    return e


def run(script, n, *args, timeout=180, cwd=None):
    """``mpiexec -n n python script args``; returns the CompletedProcess (text)."""
    path = script if os.path.isabs(script) else os.path.join(HERE, script)
    cmd = [mpiexec(), '-n', str(n), sys.executable, path, *args]
    return subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


def run_python(script, *args, timeout=180):
    """The script in one plain process (no mpiexec)."""
    cmd = [sys.executable, os.path.join(HERE, script), *args]
    return subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=timeout)


def check(proc):
    assert proc.returncode == 0, f'exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}'
    return proc
