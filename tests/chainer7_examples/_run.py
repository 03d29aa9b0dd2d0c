"""Runs one of Chainer's examples under the shim (see README.md), in a subprocess."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHIM = os.path.join(HERE, 'shim')
TIMEOUT = 600


def run_example(script, argv, cwd, mode, data_root, path=(), env=None):
    """Runs ``HERE/script argv`` in `cwd` with ``import chainer`` answered by the shim,
    eagerly or (``mode='compiled'``) with compiled StandardUpdater steps; `data_root`
    is the dataset cache the shim fills; `env` adds variables (the shim's
    ``CHAINER7_EXAMPLE_SEED``/``_DUMP``).  Asserts it exits cleanly; returns the
    finished process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SHIM, ROOT, *path]), MPLBACKEND='Agg',
               CHAINFUSE_DATASET_ROOT=str(data_root), CHAINFUSE_BACKEND='numpy',
               CHAINER7_EXAMPLE_COMPILE='1' if mode == 'compiled' else '0', **(env or {}))
    proc = subprocess.run([sys.executable, os.path.join(HERE, script)] + list(argv),
                          cwd=str(cwd), env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, f'{script} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}'
    return proc
